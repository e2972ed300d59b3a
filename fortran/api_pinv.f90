!> f2py face of the PINV kernel (module pinv): plain subroutines, explicit shapes,
!> real(dp)/integer(ip) arguments only.

!> Solve one polarity set. mode 0 = seisan (single precision, ordering loop, one plane
!> as the original picks it), 1 = modern (double precision, LAPACK, descending values,
!> rank = values above rcond * s(1)). Moment tensor and axes in (r, t, p) = (up, south,
!> east). sdr is the plane the original prints (seisan) or the plane from the normal
!> (T + P)/sqrt(2) (modern); sdr_aux the other plane. consistent(j) = 1, -1, 0.
!> info: 0 ok, > 0 SVD did not converge, -1 Jacobi did not converge in 50 sweeps.
subroutine pinv_solve(n, polarity, takeoff_deg, azimuth_deg, mode, rcond, x, s_raw, s, tau, &
                      pseudorank, mt, eigval, t_axis, p_axis, sdr, sdr_aux, consistent, ngood, nbad, info)
  use kinds, only: sp, dp, ip
  use pinv, only: pinv_design_sp, pinv_design_dp, solve_seisan, solve_modern, jacobi_eigen, &
                  sort_descending, plane_from_axes, other_plane, consistency_count, MODE_SEISAN
  implicit none
  integer(ip), intent(in) :: n, mode
  real(dp), intent(in) :: polarity(n), takeoff_deg(n), azimuth_deg(n), rcond
  real(dp), intent(out) :: x(5), s_raw(5), s(5), tau, mt(3, 3), eigval(3), t_axis(3), p_axis(3)
  real(dp), intent(out) :: sdr(3), sdr_aux(3)
  integer(ip), intent(out) :: pseudorank, consistent(n), ngood, nbad, info
  !f2py integer(ip), intent(hide), depend(polarity) :: n = len(polarity)
  real(sp), allocatable :: g_sp(:, :)
  real(dp), allocatable :: g_dp(:, :)
  real(sp) :: x_sp(5), s_raw_sp(5), s_sp(5), tau_sp, m11
  real(dp) :: vec(3, 3), nrm(3), slip(3), fold_ain(n), fold_az(n)
  integer :: rank_i, info_i, ngood_i, nbad_i, j
  integer :: cons(n)
  logical :: converged

  info = 0
  if (mode == MODE_SEISAN) then
    allocate (g_sp(n, 5))
    call pinv_design_sp(real(polarity, sp), real(takeoff_deg, sp), real(azimuth_deg, sp), g_sp)
    call solve_seisan(g_sp, x_sp, s_raw_sp, s_sp, tau_sp, rank_i, info_i)
    x = real(x_sp, dp)
    s_raw = real(s_raw_sp, dp)
    s = real(s_sp, dp)
    tau = real(tau_sp, dp)
    m11 = -x_sp(1) - x_sp(2)
    mt(1, 1) = real(m11, dp)
  else
    allocate (g_dp(n, 5))
    call pinv_design_dp(polarity, takeoff_deg, azimuth_deg, g_dp)
    call solve_modern(g_dp, rcond, x, s, tau, rank_i, info_i)
    s_raw = s
    mt(1, 1) = -x(1) - x(2)
  end if
  pseudorank = rank_i
  info = info_i
  mt(2, 2) = x(1)
  mt(3, 3) = x(2)
  mt(1, 2) = x(3)
  mt(2, 1) = x(3)
  mt(1, 3) = x(4)
  mt(3, 1) = x(4)
  mt(2, 3) = x(5)
  mt(3, 2) = x(5)

  if (mode == MODE_SEISAN) then
    call jacobi_eigen(mt, eigval, vec, converged)
    if (.not. converged .and. info == 0) info = -1
  else
    call symmetric_eigen(mt, eigval, vec)
  end if
  call sort_descending(eigval, vec)
  t_axis = vec(:, 1)
  p_axis = vec(:, 3)
  nrm = (t_axis + p_axis) / sqrt(2.0_dp)
  slip = (t_axis - p_axis) / sqrt(2.0_dp)
  call plane_from_axes(nrm, slip, sdr)
  if (mode == MODE_SEISAN) then
    ! the original keeps the angles in single precision
    sdr = real(real(sdr, sp), dp)
  end if
  call other_plane(sdr, sdr_aux)

  ! folded angles, as used to build the system
  do j = 1, n
    fold_ain(j) = takeoff_deg(j)
    fold_az(j) = azimuth_deg(j)
    if (fold_ain(j) > 90.0_dp) then
      fold_ain(j) = 180.0_dp - fold_ain(j)
      fold_az(j) = fold_az(j) + 180.0_dp
      if (fold_az(j) > 360.0_dp) fold_az(j) = fold_az(j) - 360.0_dp
    end if
  end do
  call consistency_count(sdr, polarity, fold_ain, fold_az, cons, ngood_i, nbad_i)
  consistent = cons
  ngood = ngood_i
  nbad = nbad_i

contains

  subroutine symmetric_eigen(a, w, z)
    real(dp), intent(in) :: a(3, 3)
    real(dp), intent(out) :: w(3), z(3, 3)
    real(dp) :: work(64)
    integer :: lapack_info
    external :: dsyev
    z = a
    call dsyev('V', 'U', 3, z, 3, w, work, 64, lapack_info)
  end subroutine symmetric_eigen

end subroutine pinv_solve

!> Many modern-mode solutions at once (perturbation trials for the uncertainty): column k
!> of the (n, ntrial) arrays is one trial. Returns the plane from (T + P)/sqrt(2), the
!> pseudorank and the number of readings inconsistent with the trial's own solution.
subroutine pinv_trials(n, ntrial, polarity, takeoff_deg, azimuth_deg, rcond, sdr, pseudorank, nbad)
  use kinds, only: dp, ip
  use pinv, only: pinv_design_dp, solve_modern, plane_from_axes, consistency_count
  implicit none
  integer(ip), intent(in) :: n, ntrial
  real(dp), intent(in) :: polarity(n, ntrial), takeoff_deg(n, ntrial), azimuth_deg(n, ntrial)
  real(dp), intent(in) :: rcond
  real(dp), intent(out) :: sdr(3, ntrial)
  integer(ip), intent(out) :: pseudorank(ntrial), nbad(ntrial)
  !f2py integer(ip), intent(hide), depend(polarity) :: n = shape(polarity, 0)
  !f2py integer(ip), intent(hide), depend(polarity) :: ntrial = shape(polarity, 1)
  real(dp) :: g(n, 5), x(5), s(5), tau, mt(3, 3), w(3), work(64), nrm(3), slip(3)
  integer :: k, rank_i, info_i, lapack_info, cons(n), ngood_i, nbad_i
  external :: dsyev
  do k = 1, ntrial
    call pinv_design_dp(polarity(:, k), takeoff_deg(:, k), azimuth_deg(:, k), g)
    call solve_modern(g, rcond, x, s, tau, rank_i, info_i)
    mt(1, 1) = -x(1) - x(2)
    mt(2, 2) = x(1)
    mt(3, 3) = x(2)
    mt(1, 2) = x(3)
    mt(1, 3) = x(4)
    mt(2, 3) = x(5)
    call dsyev('V', 'U', 3, mt, 3, w, work, 64, lapack_info)
    nrm = (mt(:, 3) + mt(:, 1)) / sqrt(2.0_dp)
    slip = (mt(:, 3) - mt(:, 1)) / sqrt(2.0_dp)
    call plane_from_axes(nrm, slip, sdr(:, k))
    call consistency_count(sdr(:, k), polarity(:, k), takeoff_deg(:, k), azimuth_deg(:, k), &
                           cons, ngood_i, nbad_i)
    pseudorank(k) = rank_i
    nbad(k) = nbad_i
  end do
end subroutine pinv_trials
