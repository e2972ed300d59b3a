!> Read by numpy.f2py (as are all api_*.f90 files): plain subroutines with explicit-shape arguments that
!> forward to the kernel modules. Keep every argument real(dp) or integer(ip) so that
!> the Python interface is float64/int32 (fortran/.f2py_f2cmap maps the kinds), and use
!> subroutines only (functions would make f2py emit an extra wrapper file).

subroutine radiation_far_field(n, m, takeoff_deg, azimuth_deg, f_p, f_sv, f_sh)
  use kinds, only: dp, ip
  use radiation, only: far_field
  implicit none
  integer(ip), intent(in) :: n
  real(dp), intent(in) :: m(3, 3), takeoff_deg(n), azimuth_deg(n)
  real(dp), intent(out) :: f_p(n), f_sv(n), f_sh(n)
  !f2py integer(ip), intent(hide), depend(takeoff_deg) :: n = len(takeoff_deg)
  call far_field(m, takeoff_deg, azimuth_deg, f_p, f_sv, f_sh)
end subroutine radiation_far_field

subroutine precision_echo(x, y, eps)
  ! Returns x unchanged and the machine epsilon of the interface kind: a test uses it to
  ! prove that float64 survives the wrapper in both directions.
  use kinds, only: dp
  implicit none
  real(dp), intent(in) :: x
  real(dp), intent(out) :: y, eps
  y = x
  eps = epsilon(x)
end subroutine precision_echo
