!> f2py interface of the ray kernel (module rays): plain subroutines, explicit shapes.

subroutine rays_trace(nseg, h, v_top, v_bottom, v_takeoff, ndist, dist, tol, p, t, &
                      takeoff_deg, incidence_deg, length, spreading, legacy_r, niter, status)
  ! Direct up-going rays through nseg segments (surface first, source segment last; the
  ! source sits at the bottom of the last one) to the epicentral distances dist (km).
  ! v_takeoff is the velocity used for the take-off angle. status: 0 ok, 1 distance not
  ! reachable by a direct up-going ray, 2 no convergence, 3 distance negative or not finite.
  use kinds, only: dp, ip
  use rays, only: trace_direct
  implicit none
  integer(ip), intent(in) :: nseg, ndist
  real(dp), intent(in) :: h(nseg), v_top(nseg), v_bottom(nseg), v_takeoff, dist(ndist), tol
  real(dp), intent(out) :: p(ndist), t(ndist), takeoff_deg(ndist), incidence_deg(ndist)
  real(dp), intent(out) :: length(ndist), spreading(ndist), legacy_r(ndist)
  integer(ip), intent(out) :: niter(ndist), status(ndist)
  !f2py integer(ip), intent(hide), depend(h) :: nseg = len(h)
  !f2py integer(ip), intent(hide), depend(dist) :: ndist = len(dist)
  call trace_direct(h, v_top, v_bottom, v_takeoff, dist, tol, p, t, takeoff_deg, incidence_deg, &
                    length, spreading, legacy_r, niter, status)
end subroutine rays_trace
