!> Far-field radiation of a point moment tensor (Aki & Richards 2002, eqs 4.29, 4.84-4.89).
!>
!> Moment tensor in (x, y, z) = (north, east, down); take-off angle i from the downward
!> vertical; azimuth phi from north, clockwise, event to station. Unit vectors:
!>   gamma   = (sin i cos phi, sin i sin phi,  cos i)   ray direction (P)
!>   p_hat   = (cos i cos phi, cos i sin phi, -sin i)   SV direction
!>   phi_hat = (-sin phi, cos phi, 0)                   SH direction
!> F_P = gamma.M.gamma, F_SV = p_hat.M.gamma, F_SH = phi_hat.M.gamma.
module radiation
  use kinds, only: dp
  implicit none
  private
  public :: far_field, ray_frame

  real(dp), parameter :: deg = acos(-1.0_dp) / 180.0_dp

contains

  !> Ray, SV and SH unit vectors for one take-off angle and azimuth (degrees).
  pure subroutine ray_frame(takeoff_deg, azimuth_deg, gamma, p_hat, phi_hat)
    real(dp), intent(in) :: takeoff_deg, azimuth_deg
    real(dp), intent(out) :: gamma(3), p_hat(3), phi_hat(3)
    real(dp) :: si, ci, sf, cf
    si = sin(takeoff_deg * deg); ci = cos(takeoff_deg * deg)
    sf = sin(azimuth_deg * deg); cf = cos(azimuth_deg * deg)
    gamma = [si * cf, si * sf, ci]
    p_hat = [ci * cf, ci * sf, -si]
    phi_hat = [-sf, cf, 0.0_dp]
  end subroutine ray_frame

  !> P, SV and SH radiation coefficients of one moment tensor for many rays.
  pure subroutine far_field(m, takeoff_deg, azimuth_deg, f_p, f_sv, f_sh)
    real(dp), intent(in) :: m(3, 3), takeoff_deg(:), azimuth_deg(:)
    real(dp), intent(out) :: f_p(:), f_sv(:), f_sh(:)
    real(dp) :: gamma(3), p_hat(3), phi_hat(3), mg(3)
    integer :: k
    do k = 1, size(takeoff_deg)
      call ray_frame(takeoff_deg(k), azimuth_deg(k), gamma, p_hat, phi_hat)
      mg = matmul(m, gamma)
      f_p(k) = dot_product(gamma, mg)
      f_sv(k) = dot_product(p_hat, mg)
      f_sh(k) = dot_product(phi_hat, mg)
    end do
  end subroutine far_field

end module radiation
