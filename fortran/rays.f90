!> Direct up-going rays in a flat stack of layers with linear velocity gradients.
!>
!> The ray goes from the source (bottom of the last segment) to the free surface (top of
!> the first segment). Segment k has thickness h(k), velocity a(k) at its top and b(k)
!> at its bottom (linear in between). With eta(v) = sqrt(1 - p^2 v^2), per segment:
!>   dx = p h (a+b) / (eta_a + eta_b)                       (= h p v/eta if a = b, and
!>        (eta_a - eta_b)/(p g) for a gradient g = (b-a)/h, written without cancellation)
!>   dt = (h/d) [ln(b/a) + ln((1+eta_a)/(1+eta_b))],  d = b - a, evaluated with log1p
!>        so that d -> 0 gives h/(a eta)
!>   ds = (theta_b - theta_a)/(p g), the circular arc (h/eta for a = b), sin theta = p v
!> The unknown is w = tan(theta_max), theta_max the ray angle where v = v_max (the
!> largest velocity on the path): p = w / (v_max sqrt(1+w^2)); x(w) is increasing, x(0)=0,
!> and exactly linear for a homogeneous path. All eta are computed as
!> sqrt((1 - r^2) + r^2 u^2), r = v/v_max, u = 1/sqrt(1+w^2), so grazing rays keep their
!> precision. The root of x(w) = X is found by Newton steps kept inside a bracket that
!> always contains the root (bisection, geometric while the bracket spans decades).
module rays
  use kinds, only: dp, ip
  implicit none
  private
  public :: trace_direct, ray_eval

  integer(ip), parameter, public :: RAY_OK = 0, RAY_UNREACHABLE = 1, RAY_NO_CONVERGENCE = 2, &
                                    RAY_BAD_DISTANCE = 3
  real(dp), parameter :: pi = 3.14159265358979323846_dp
  real(dp), parameter :: rad2deg = 180.0_dp / pi

contains

  pure real(dp) function log1p_over(y) result(r)
    ! log(1+y)/y, 1 at y = 0
    real(dp), intent(in) :: y
    if (abs(y) < 1.0e-5_dp) then
      r = 1.0_dp - y * (0.5_dp - y * (1.0_dp / 3.0_dp - 0.25_dp * y))
    else
      r = log(1.0_dp + y) / y
    end if
  end function log1p_over

  pure real(dp) function atan_over(y) result(r)
    ! atan(y)/y, 1 at y = 0
    real(dp), intent(in) :: y
    real(dp) :: y2
    if (abs(y) < 1.0e-4_dp) then
      y2 = y * y
      r = 1.0_dp - y2 * (1.0_dp / 3.0_dp - 0.2_dp * y2)
    else
      r = atan(y) / y
    end if
  end function atan_over

  pure real(dp) function eta_of(v, vmax, u) result(e)
    ! sqrt(1 - p^2 v^2) with p v = (v/vmax) sqrt(1-u^2), without cancellation
    real(dp), intent(in) :: v, vmax, u
    real(dp) :: r
    r = v / vmax
    e = sqrt(max((vmax - v) * (vmax + v) / (vmax * vmax), 0.0_dp) + r * r * u * u)
  end function eta_of

  !> x(w) and dx/dw (and, when full, t, ray length, x/p, dx/dp, legacy R and the etas at
  !> the two ends) for the ray with parameter w.
  pure subroutine ray_eval(h, a, b, vmax, w, full, x, dxdw, p, t, s, xp, dxdp, rleg, eta_top, eta_src)
    real(dp), intent(in) :: h(:), a(:), b(:), vmax, w
    logical, intent(in) :: full
    real(dp), intent(out) :: x, dxdw, p, t, s, xp, dxdp, rleg, eta_top, eta_src
    integer :: k
    real(dp) :: u, ea, eb, e, c, d, q, num, den, y, p2
    u = 1.0_dp / sqrt(1.0_dp + w * w)
    p = w * u / vmax
    p2 = p * p
    xp = 0.0_dp
    dxdp = 0.0_dp
    t = 0.0_dp
    s = 0.0_dp
    rleg = 0.0_dp
    eta_top = 1.0_dp
    eta_src = 1.0_dp
    do k = 1, size(h)
      ea = eta_of(a(k), vmax, u)
      eb = eta_of(b(k), vmax, u)
      e = ea + eb
      c = h(k) * (a(k) + b(k))
      xp = xp + c / e
      dxdp = dxdp + c * (1.0_dp / e + p2 * (a(k)**2 / ea + b(k)**2 / eb) / (e * e))
      if (full) then
        d = b(k) - a(k)
        q = p2 * (a(k) + b(k)) / (e * (1.0_dp + eb))
        t = t + h(k) * (log1p_over(d / a(k)) / a(k) + q * log1p_over(q * d))
        den = ea * eb + p2 * a(k) * b(k)
        num = p * d * (a(k) + b(k)) / (b(k) * ea + a(k) * eb)
        y = num / den
        s = s + h(k) * atan_over(y) * (a(k) + b(k)) / ((b(k) * ea + a(k) * eb) * den)
        rleg = rleg + h(k) / ea
        if (k == 1) eta_top = ea
        if (k == size(h)) eta_src = eb
      end if
    end do
    x = p * xp
    ! dp/dw = u^3 / vmax
    dxdw = dxdp * u**3 / vmax
  end subroutine ray_eval

  !> x at the grazing limit w -> infinity (p = 1/vmax): finite unless a constant
  !> segment has v = vmax; hc returns the total thickness of such segments.
  pure subroutine grazing_limit(h, a, b, vmax, xmax, hc)
    real(dp), intent(in) :: h(:), a(:), b(:), vmax
    real(dp), intent(out) :: xmax, hc
    integer :: k
    real(dp) :: ea, eb
    xmax = 0.0_dp
    hc = 0.0_dp
    do k = 1, size(h)
      if (a(k) == vmax .and. b(k) == vmax) then
        hc = hc + h(k)
      else
        ea = eta_of(a(k), vmax, 0.0_dp)
        eb = eta_of(b(k), vmax, 0.0_dp)
        xmax = xmax + h(k) * (a(k) + b(k)) / (vmax * (ea + eb))
      end if
    end do
  end subroutine grazing_limit

  !> Trace direct up-going rays to the epicentral distances dist(:).
  !> v_takeoff: velocity used for the take-off angle (the source velocity, or the legacy
  !> layer-top value). Outputs per distance; status = RAY_* code.
  pure subroutine trace_direct(h, a, b, v_takeoff, dist, tol, p, t, takeoff_deg, incidence_deg, &
                               length, spreading, rleg, niter, status)
    real(dp), intent(in) :: h(:), a(:), b(:), v_takeoff, dist(:), tol
    real(dp), intent(out) :: p(:), t(:), takeoff_deg(:), incidence_deg(:), length(:), &
                             spreading(:), rleg(:)
    integer(ip), intent(out) :: niter(:), status(:)
    integer :: i, it, nseg
    real(dp) :: vmax, xmax, hc, xx, wlo, whi, w, f, dxdw, wn, pp, tt, ss, xp, dxdp, rl, etop, esrc
    real(dp) :: ucur, eta_to, vs, xtarget, ftol
    logical :: finite_limit
    integer, parameter :: max_iter = 200

    nseg = size(h)
    vmax = max(maxval(a), maxval(b))
    call grazing_limit(h, a, b, vmax, xmax, hc)
    finite_limit = hc <= 0.0_dp
    vs = b(nseg)
    do i = 1, size(dist)
      xtarget = dist(i)
      status(i) = RAY_OK
      niter(i) = 0
      if (.not. (xtarget >= 0.0_dp .and. xtarget <= huge(1.0_dp))) then
        status(i) = RAY_BAD_DISTANCE
      else if (finite_limit .and. xtarget >= xmax) then
        status(i) = RAY_UNREACHABLE
      end if
      if (status(i) /= RAY_OK) then
        p(i) = 0.0_dp; t(i) = 0.0_dp; takeoff_deg(i) = 0.0_dp; incidence_deg(i) = 0.0_dp
        length(i) = 0.0_dp; spreading(i) = 0.0_dp; rleg(i) = 0.0_dp
        cycle
      end if
      ftol = tol * max(xtarget, tol * sum(h))
      wlo = 0.0_dp
      if (xtarget == 0.0_dp) then
        w = 0.0_dp
      else
        ! upper end of the bracket: x(whi) >= X
        if (.not. finite_limit) then
          whi = xtarget / hc
        else
          whi = max(1.0_dp, xtarget * vmax / max(sum(h * (a + b)) * 0.5_dp, tiny(1.0_dp)))
          do it = 1, 250
            call ray_eval(h, a, b, vmax, whi, .false., xx, dxdw, pp, tt, ss, xp, dxdp, rl, etop, esrc)
            if (xx >= xtarget) exit
            wlo = whi
            whi = whi * 4.0_dp
          end do
          if (xx < xtarget) then
            ! closer to the grazing limit than double precision can resolve
            status(i) = RAY_UNREACHABLE
            p(i) = 0.0_dp; t(i) = 0.0_dp; takeoff_deg(i) = 0.0_dp; incidence_deg(i) = 0.0_dp
            length(i) = 0.0_dp; spreading(i) = 0.0_dp; rleg(i) = 0.0_dp
            cycle
          end if
        end if
        ! initial guess: linear estimate from the small-angle slope, clipped to the bracket
        w = min(max(xtarget * vmax / (sum(h * (a + b)) * 0.5_dp), wlo), whi)
        if (w <= wlo .or. w >= whi) w = 0.5_dp * (wlo + whi)
        do it = 1, max_iter
          niter(i) = it
          call ray_eval(h, a, b, vmax, w, .false., xx, dxdw, pp, tt, ss, xp, dxdp, rl, etop, esrc)
          f = xx - xtarget
          if (abs(f) <= ftol) exit
          if (f > 0.0_dp) then
            whi = w
          else
            wlo = w
          end if
          wn = w - f / dxdw
          if (.not. (wn > wlo .and. wn < whi)) then
            if (wlo > 0.0_dp .and. whi > 4.0_dp * wlo) then
              wn = sqrt(wlo * whi)
            else
              wn = 0.5_dp * (wlo + whi)
            end if
          end if
          if (whi - wlo <= 4.0_dp * epsilon(1.0_dp) * whi) then
            w = wn
            exit
          end if
          w = wn
          if (it == max_iter) status(i) = RAY_NO_CONVERGENCE
        end do
      end if
      call ray_eval(h, a, b, vmax, w, .true., xx, dxdw, pp, tt, ss, xp, dxdp, rl, etop, esrc)
      ucur = 1.0_dp / sqrt(1.0_dp + w * w)
      p(i) = pp
      t(i) = tt
      length(i) = ss
      rleg(i) = rl
      eta_to = eta_of(v_takeoff, vmax, ucur)
      takeoff_deg(i) = 180.0_dp - atan2(pp * v_takeoff, eta_to) * rad2deg
      incidence_deg(i) = atan2(pp * a(1), etop) * rad2deg
      ! L^2 = x |dx/dp| cos i_s cos i_r / (p v_s^2), with x/p = xp (finite at p = 0)
      spreading(i) = sqrt(xp * abs(dxdp) * esrc * etop) / vs
    end do
  end subroutine trace_direct

end module rays
