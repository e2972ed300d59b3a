!> f2py face of the PINV kernel (module pinv): argument marshalling only, explicit shapes,
!> real(dp)/integer(ip) arguments. The numerics are pinv.f90's solve_polarities.

!> Solve one polarity set. mode 0 = seisan (single precision, ordering loop, one plane
!> as the original picks it), 1 = modern (double precision, LAPACK, descending values,
!> rank = values above rcond * s(1)). Moment tensor and axes in (r, t, p) = (up, south,
!> east). sdr is the plane the original prints (seisan) or the plane from the normal
!> (T + P)/sqrt(2) (modern); sdr_aux the other plane. consistent(j) = 1, -1, 0.
!> info: 0 ok, > 0 SVD did not converge, -1 Jacobi did not converge in 50 sweeps,
!> -2 LAPACK dsyev did not converge, -3 a LAPACK argument error.
subroutine pinv_solve(n, polarity, takeoff_deg, azimuth_deg, mode, rcond, x, s_raw, s, tau, &
                      pseudorank, mt, eigval, t_axis, p_axis, sdr, sdr_aux, consistent, ngood, nbad, info)
  use kinds, only: dp, ip
  use pinv, only: solve_polarities
  implicit none
  integer(ip), intent(in) :: n, mode
  real(dp), intent(in) :: polarity(n), takeoff_deg(n), azimuth_deg(n), rcond
  real(dp), intent(out) :: x(5), s_raw(5), s(5), tau, mt(3, 3), eigval(3), t_axis(3), p_axis(3)
  real(dp), intent(out) :: sdr(3), sdr_aux(3)
  integer(ip), intent(out) :: pseudorank, consistent(n), ngood, nbad, info
  !f2py integer(ip), intent(hide), depend(polarity) :: n = len(polarity)
  integer :: rank_i, cons(n), ngood_i, nbad_i, info_i
  call solve_polarities(mode, polarity, takeoff_deg, azimuth_deg, rcond, x, s_raw, s, tau, &
                        rank_i, mt, eigval, t_axis, p_axis, sdr, sdr_aux, cons, ngood_i, &
                        nbad_i, info_i)
  pseudorank = int(rank_i, ip)
  consistent = int(cons, ip)
  ngood = int(ngood_i, ip)
  nbad = int(nbad_i, ip)
  info = int(info_i, ip)
end subroutine pinv_solve
