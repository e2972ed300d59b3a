!> Plain subroutines over fortran/amplitude.f90 for numpy.f2py (see api_radiation.f90).
!> Status codes per reading: 0 ok, 1 meaningless phase/component pair, 2 free-surface
!> factor complex (SV past the critical angle), 3 a non-positive velocity, distance,
!> density or pulse area.

subroutine amplitude_free_surface(n, phase, component, p, alpha, beta, factor, status)
  use kinds, only: dp, ip
  use amplitude, only: free_surface
  implicit none
  integer(ip), intent(in) :: n
  integer(ip), intent(in) :: phase(n), component(n)
  real(dp), intent(in) :: p(n), alpha(n), beta(n)
  real(dp), intent(out) :: factor(n)
  integer(ip), intent(out) :: status(n)
  !f2py integer(ip), intent(hide), depend(p) :: n = len(p)
  integer :: k
  do k = 1, n
    call free_surface(phase(k), component(k), p(k), alpha(k), beta(k), factor(k), status(k))
  end do
end subroutine amplitude_free_surface

subroutine amplitude_green(n, phase, component, behaviour, takeoff_deg, azimuth_deg, p, &
                           distance_km, c_src, c_rcv, alpha_surf, beta_surf, rho_src, &
                           rho_rcv, tarea_s, g, factor, scale, status)
  use kinds, only: dp, ip
  use amplitude, only: green_row
  implicit none
  integer(ip), intent(in) :: n, behaviour
  integer(ip), intent(in) :: phase(n), component(n)
  real(dp), intent(in) :: takeoff_deg(n), azimuth_deg(n), p(n), distance_km(n)
  real(dp), intent(in) :: c_src(n), c_rcv(n), alpha_surf(n), beta_surf(n)
  real(dp), intent(in) :: rho_src(n), rho_rcv(n), tarea_s
  real(dp), intent(out) :: g(n, 5), factor(n), scale(n)
  integer(ip), intent(out) :: status(n)
  !f2py integer(ip), intent(hide), depend(p) :: n = len(p)
  integer :: k
  real(dp) :: row(5)
  do k = 1, n
    call green_row(phase(k), component(k), behaviour, takeoff_deg(k), azimuth_deg(k), &
                   p(k), distance_km(k), c_src(k), c_rcv(k), alpha_surf(k), beta_surf(k), &
                   rho_src(k), rho_rcv(k), tarea_s, row, factor(k), scale(k), status(k))
    g(k, :) = row
  end do
end subroutine amplitude_green

subroutine amplitude_ginv(m, n, g, d, rcond, s, kept, x, cov, model_res, data_res, ginv, info)
  use kinds, only: dp, ip
  use amplitude, only: generalised_inverse
  implicit none
  integer(ip), intent(in) :: m, n
  real(dp), intent(in) :: g(m, n), d(m), rcond
  real(dp), intent(out) :: s(min(m, n)), x(n), cov(n, n), model_res(n, n), data_res(m, m)
  real(dp), intent(out) :: ginv(n, m)
  integer(ip), intent(out) :: kept, info
  !f2py integer(ip), intent(hide), depend(g) :: m = shape(g, 0)
  !f2py integer(ip), intent(hide), depend(g) :: n = shape(g, 1)
  call generalised_inverse(g, d, rcond, s, kept, x, cov, model_res, data_res, ginv, info)
end subroutine amplitude_ginv
