!> Far-field P, SV and SH amplitudes recorded at the free surface, and the generalised
!> inverse used to turn them into a moment tensor (Ebel's INVRAD, corrected).
!>
!> Units: moment in 1e16 dyne-cm, velocities in km/s, distances in km, density in g/cm^3,
!> pulse area in s, amplitudes in microns. With these units the conversion factor
!> 1e16 [dyne-cm] * 1e4 [micron/cm] / (1e5 [cm/km])^4 is exactly 1.
!>
!> Phase codes: 1 = P, 2 = SV, 3 = SH. Component codes: 1 = Z (up), 2 = R, 3 = T.
!> Valid pairs: P on Z or R, SV on Z or R, SH on T.
!>
!> Behaviour codes:
!>   0 = modern: u = F M0 f_s / (4 pi sqrt(rho_s rho_r c_s^5 c_r) L TAREA), R positive away
!>       from the source, L the geometrical spreading length, c_s the wave's velocity at
!>       the source depth and c_r at the surface.
!>   1 = seisan (Ebel): P and SV A = F f_s M / (4 pi rho v_src^2 v_1 R TAREA), SH
!>       A = 2 F M / (4 pi rho beta_src^3 R TAREA), R positive TOWARD the source; R is the
!>       legacy straight-segment distance and v_src the velocity at the top of the source
!>       layer (both computed by the caller, see seisfoc.rays).
module amplitude
  use kinds, only: dp, ip
  use radiation, only: ray_frame
  implicit none
  private
  public :: free_surface, green_row, generalised_inverse
  public :: status_ok, status_bad_pair, status_postcritical, status_bad_value

  integer(ip), parameter :: status_ok = 0
  integer(ip), parameter :: status_bad_pair = 1
  integer(ip), parameter :: status_postcritical = 2
  integer(ip), parameter :: status_bad_value = 3

  real(dp), parameter :: pi = acos(-1.0_dp)

contains

  !> Free-surface receiver factor for a unit up-going wave (Aki & Richards 2002, 5.2).
  !> alpha, beta: P and S velocities at the surface (km/s); p: ray parameter (s/km).
  !> status = status_postcritical when the factor would be complex (p >= 1/alpha for
  !> P or SV on Z or R), status_bad_pair for a meaningless phase/component pair.
  pure subroutine free_surface(phase, component, p, alpha, beta, factor, status)
    integer(ip), intent(in) :: phase, component
    real(dp), intent(in) :: p, alpha, beta
    real(dp), intent(out) :: factor
    integer(ip), intent(out) :: status
    real(dp) :: eta_a, eta_b, rayleigh, q

    factor = 0.0_dp
    status = status_ok
    if (phase == 3) then
      if (component /= 3) then
        status = status_bad_pair
        return
      end if
      factor = 2.0_dp
      return
    end if
    if ((phase /= 1 .and. phase /= 2) .or. (component /= 1 .and. component /= 2)) then
      status = status_bad_pair
      return
    end if
    if (.not. (alpha > 0.0_dp .and. beta > 0.0_dp .and. p >= 0.0_dp)) then
      status = status_bad_value
      return
    end if
    if (p * alpha >= 1.0_dp .or. p * beta >= 1.0_dp) then
      status = status_postcritical
      return
    end if
    eta_a = sqrt(1.0_dp / alpha**2 - p**2)
    eta_b = sqrt(1.0_dp / beta**2 - p**2)
    q = eta_b**2 - p**2
    rayleigh = q**2 + 4.0_dp * p**2 * eta_a * eta_b
    if (phase == 1) then
      if (component == 1) then
        factor = 2.0_dp * alpha * eta_a * q / (beta**2 * rayleigh)
      else
        factor = 4.0_dp * alpha * p * eta_a * eta_b / (beta**2 * rayleigh)
      end if
    else
      if (component == 1) then
        factor = 4.0_dp * beta * p * eta_a * eta_b / (beta**2 * rayleigh)
      else
        factor = -2.0_dp * beta * eta_b * q / (beta**2 * rayleigh)
      end if
    end if
  end subroutine free_surface

  !> One row of the amplitude Green's function: the amplitude (microns) of one reading
  !> for each of the five traceless moment-tensor elements (1e16 dyne-cm)
  !> m = (M11, M22, M12, M13, M23), M33 = -M11 - M22, in (north, east, down).
  !> c_src, c_rcv: the wave's velocity at the source (modern: at the source depth;
  !> seisan: at the top of the source layer) and at the surface; distance_km: L (modern)
  !> or the legacy R (seisan). Also returns the free-surface factor and the scale
  !> (amplitude per unit radiation coefficient).
  pure subroutine green_row(phase, component, behaviour, takeoff_deg, azimuth_deg, p, &
                            distance_km, c_src, c_rcv, alpha_surf, beta_surf, rho_src, &
                            rho_rcv, tarea_s, row, factor, scale, status)
    integer(ip), intent(in) :: phase, component, behaviour
    real(dp), intent(in) :: takeoff_deg, azimuth_deg, p, distance_km, c_src, c_rcv
    real(dp), intent(in) :: alpha_surf, beta_surf, rho_src, rho_rcv, tarea_s
    real(dp), intent(out) :: row(5), factor, scale
    integer(ip), intent(out) :: status
    real(dp) :: gamma(3), p_hat(3), phi_hat(3), e(3)

    row = 0.0_dp
    scale = 0.0_dp
    call free_surface(phase, component, p, alpha_surf, beta_surf, factor, status)
    if (status /= status_ok) return
    if (.not. (distance_km > 0.0_dp .and. c_src > 0.0_dp .and. c_rcv > 0.0_dp &
               .and. rho_src > 0.0_dp .and. rho_rcv > 0.0_dp .and. tarea_s > 0.0_dp)) then
      status = status_bad_value
      return
    end if
    call ray_frame(takeoff_deg, azimuth_deg, gamma, p_hat, phi_hat)
    select case (phase)
    case (1)
      e = gamma
    case (2)
      e = p_hat
    case default
      e = phi_hat
    end select
    if (behaviour == 1) then
      if (phase == 3) then
        scale = factor / (4.0_dp * pi * rho_src * c_src**3 * distance_km * tarea_s)
      else
        scale = factor / (4.0_dp * pi * rho_src * c_src**2 * c_rcv * distance_km * tarea_s)
      end if
      if (component == 2) scale = -scale
    else
      scale = factor / (4.0_dp * pi * sqrt(rho_src * rho_rcv * c_src**5 * c_rcv) &
                        * distance_km * tarea_s)
    end if
    ! e . E_k . gamma for E = {xx - zz, yy - zz, xy + yx, xz + zx, yz + zy}
    row(1) = e(1) * gamma(1) - e(3) * gamma(3)
    row(2) = e(2) * gamma(2) - e(3) * gamma(3)
    row(3) = e(1) * gamma(2) + e(2) * gamma(1)
    row(4) = e(1) * gamma(3) + e(3) * gamma(1)
    row(5) = e(2) * gamma(3) + e(3) * gamma(2)
    row = scale * row
  end subroutine green_row

  !> Generalised inverse of g (m x n) by the singular value decomposition.
  !> Singular values below rcond * s_max are discarded; rank is the number kept.
  !> Returns x = G^-g d, the unit-variance model covariance V S^-2 V^T (kept part),
  !> model resolution G^-g G, data resolution G G^-g and the inverse itself.
  !> info /= 0 when LAPACK fails.
  subroutine generalised_inverse(g, d, rcond, s, rank, x, cov, model_res, data_res, &
                                 ginv, info)
    real(dp), intent(in) :: g(:, :), d(:), rcond
    real(dp), intent(out) :: s(:), x(:), cov(:, :), model_res(:, :), data_res(:, :)
    real(dp), intent(out) :: ginv(:, :)
    integer(ip), intent(out) :: rank, info
    real(dp), allocatable :: a(:, :), u(:, :), vt(:, :), work(:), us(:, :), vs(:, :)
    integer, allocatable :: iwork(:)
    real(dp) :: wq(1)
    integer :: m, n, k, j, lwork, lapack_info
    external :: dgesdd

    m = size(g, 1)
    n = size(g, 2)
    k = min(m, n)
    s = 0.0_dp
    x = 0.0_dp
    cov = 0.0_dp
    model_res = 0.0_dp
    data_res = 0.0_dp
    ginv = 0.0_dp
    rank = 0
    info = 0
    if (k == 0) return
    allocate (a(m, n), u(m, k), vt(k, n), iwork(8 * k))
    a = g
    call dgesdd('S', m, n, a, m, s, u, m, vt, k, wq, -1, iwork, lapack_info)
    lwork = max(1, int(wq(1)))
    allocate (work(lwork))
    call dgesdd('S', m, n, a, m, s, u, m, vt, k, work, lwork, iwork, lapack_info)
    if (lapack_info /= 0) then
      info = int(lapack_info, ip)
      return
    end if
    if (s(1) > 0.0_dp) then
      do j = 1, k
        if (s(j) > rcond * s(1)) rank = rank + 1
      end do
    end if
    if (rank == 0) return
    ! vs = V_r S_r^-1 (n x r), us = U_r (m x r)
    allocate (vs(n, rank), us(m, rank))
    do j = 1, rank
      vs(:, j) = vt(j, :) / s(j)
      us(:, j) = u(:, j)
    end do
    ginv = matmul(vs, transpose(us))
    x = matmul(ginv, d)
    cov = matmul(vs, transpose(vs))
    model_res = matmul(transpose(vt(1:rank, :)), vt(1:rank, :))
    data_res = matmul(us, transpose(us))
  end subroutine generalised_inverse

end module amplitude
