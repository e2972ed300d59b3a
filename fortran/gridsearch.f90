!> Double-couple grid search against P polarities (the FOCMEC idea, Snoke 2003; the
!> misfit and station distribution ratio of HASH, Hardebeck & Shearer 2002).
!>
!> Frame (north, east, down). A reading is a unit ray vector gamma (take-off angle from
!> the downward vertical, azimuth from north), a polarity +1/-1 and a weight. For a
!> double couple with fault normal n and slip s (unit, perpendicular) the P radiation of
!> the unit tensor n s^T + s n^T is A = 2 (n.gamma)(s.gamma), |A| <= 1 (Aki & Richards
!> eq. 4.89 in vector form). A reading is a misfit when polarity * A < -nodal_threshold:
!> readings with |A| <= nodal_threshold (on or near a nodal plane) never count, so an
!> exact zero is neither a misfit nor a fit, as in PINV's consistency count.
!> misfit = sum of the weights of misfit readings; stdr = sum w |A| / sum w.
!>
!> Grids (each is a set of "outer" parameter pairs times an "inner" angle, so that the
!> inner loop over the angle is a plain vectorisable loop for every reading):
!>  GRID_BAXIS  FOCMEC's parametrisation: null (B) axis plunge p = 0, step, ... <= 90
!>              (lower hemisphere), at each plunge n = max(1, nint(360 cos p / step))
!>              trends spaced 360 / n from 0, so that the B axes cover the sphere about
!>              evenly; a horizontal B keeps only the trends in [0, 180) and a vertical
!>              one only trend 0, so every double couple appears once. Angle a = 0,
!>              step, ... < 180. With h the horizontal unit vector at trend(B) + 90 and
!>              v = B x h, the slip axis is A = cos a h + sin a v and the normal
!>              N = B x A = cos a v - sin a h; T ~ A + N, P ~ A - N. Axes, trends and
!>              counts reproduce FOCMEC's own listings (SEISAN's runs, 2 deg).
!>  GRID_SDR    strike in [0, 360), dip in (0, 90] counted down from 90, rake in
!>              (-180, 180] counted down from 180. Each double couple appears twice, once
!>              per nodal plane (the auxiliary plane of a grid point is usually off-grid,
!>              so both halves are kept; vertical planes also repeat as
!>              (strike + 180, 90, -rake)).
module gridsearch
  use kinds, only: dp
  implicit none
  private
  public :: GRID_BAXIS, GRID_SDR, ray_vectors, grid_counts, grid_total, &
            scan_grid, mechanism_misfit, sdr_from_normal_slip, pool_trials, grid_log_likelihood

  integer, parameter :: GRID_BAXIS = 1, GRID_SDR = 2
  real(dp), parameter :: deg = acos(-1.0_dp) / 180.0_dp
  real(dp), parameter :: slack = 1.0e-9_dp  ! guards the grid limits against rounding

contains

  !> Unit ray vectors (3, n) in (north, east, down).
  pure subroutine ray_vectors(takeoff_deg, azimuth_deg, gamma)
    real(dp), intent(in) :: takeoff_deg(:), azimuth_deg(:)
    real(dp), intent(out) :: gamma(:, :)
    gamma(1, :) = sin(takeoff_deg * deg) * cos(azimuth_deg * deg)
    gamma(2, :) = sin(takeoff_deg * deg) * sin(azimuth_deg * deg)
    gamma(3, :) = cos(takeoff_deg * deg)
  end subroutine ray_vectors

  !> Number of values k*step in [0, limit), or in [0, limit] when closed.
  pure integer function steps_below(limit, step, closed) result(n)
    real(dp), intent(in) :: limit, step
    logical, intent(in) :: closed
    if (closed) then
      n = floor(limit / step + slack) + 1
    else
      n = ceiling(limit / step - slack)
    end if
  end function steps_below

  !> Number of outer parameter pairs and inner angles of a grid (0, 0 for a bad kind).
  pure subroutine grid_counts(kind, step_deg, n_outer, n_inner)
    integer, intent(in) :: kind
    real(dp), intent(in) :: step_deg
    integer, intent(out) :: n_outer, n_inner
    integer :: n_plunge, k, n_trend
    real(dp) :: span
    n_outer = 0
    n_inner = 0
    if (.not. (step_deg > 0.0_dp .and. step_deg <= 90.0_dp)) return
    select case (kind)
    case (GRID_BAXIS)
      n_plunge = steps_below(90.0_dp, step_deg, .true.)
      do k = 0, n_plunge - 1
        call trends_at(k * step_deg, step_deg, n_trend, span)
        n_outer = n_outer + n_trend
      end do
      n_inner = steps_below(180.0_dp, step_deg, .false.)
    case (GRID_SDR)
      n_outer = steps_below(360.0_dp, step_deg, .false.) * steps_below(90.0_dp, step_deg, .false.)
      n_inner = steps_below(360.0_dp, step_deg, .false.)
    end select
  end subroutine grid_counts

  pure integer(8) function grid_total(kind, step_deg) result(n)
    integer, intent(in) :: kind
    real(dp), intent(in) :: step_deg
    integer :: n_outer, n_inner
    call grid_counts(kind, step_deg, n_outer, n_inner)
    n = int(n_outer, 8) * int(n_inner, 8)
  end function grid_total

  !> Number of B trends at a plunge (FOCMEC's rule), spaced span / n from 0.
  pure subroutine trends_at(plunge, step_deg, n, span)
    real(dp), intent(in) :: plunge, step_deg
    integer, intent(out) :: n
    real(dp), intent(out) :: span
    span = 360.0_dp
    if (plunge < slack) then
      span = 180.0_dp  ! B and -B are the same axis
      n = max(1, nint(span / step_deg))
    else if (plunge > 90.0_dp - slack) then
      n = 1
    else
      n = max(1, nint(span * cos(plunge * deg) / step_deg))
    end if
  end subroutine trends_at

  !> The two fixed vectors of an outer grid point and its parameters.
  !> B-axis grids: x = h, y = v (A = c x + s y, N = c y - s x).
  !> SDR grid: x = fault normal, y = along strike, z = up-dip in the plane
  !> (slip = c y + s z), after A&R Box 4.4.
  subroutine outer_vectors(kind, step_deg, n_outer, x, y, z, par1, par2)
    integer, intent(in) :: kind, n_outer
    real(dp), intent(in) :: step_deg
    real(dp), intent(out) :: x(3, n_outer), y(3, n_outer), z(3, n_outer), par1(n_outer), par2(n_outer)
    integer :: n_trend, n_plunge, n_dip, k, i, j, m
    real(dp) :: trend, plunge, b(3), f, d, span
    z = 0.0_dp
    m = 0
    select case (kind)
    case (GRID_BAXIS)
      n_plunge = steps_below(90.0_dp, step_deg, .true.)
      do k = 0, n_plunge - 1
        plunge = k * step_deg
        call trends_at(plunge, step_deg, n_trend, span)
        do i = 0, n_trend - 1
          trend = i * span / n_trend
          m = m + 1
          b = [cos(plunge * deg) * cos(trend * deg), cos(plunge * deg) * sin(trend * deg), sin(plunge * deg)]
          x(:, m) = [-sin(trend * deg), cos(trend * deg), 0.0_dp]
          y(:, m) = cross(b, x(:, m))
          par1(m) = trend
          par2(m) = plunge
        end do
      end do
    case (GRID_SDR)
      n_dip = steps_below(90.0_dp, step_deg, .false.)
      do i = 0, steps_below(360.0_dp, step_deg, .false.) - 1
        do j = 0, n_dip - 1
          m = m + 1
          f = i * step_deg * deg
          d = (90.0_dp - j * step_deg) * deg
          x(:, m) = [-sin(d) * sin(f), sin(d) * cos(f), -cos(d)]
          y(:, m) = [cos(f), sin(f), 0.0_dp]
          z(:, m) = [cos(d) * sin(f), -cos(d) * cos(f), -sin(d)]
          par1(m) = i * step_deg
          par2(m) = 90.0_dp - j * step_deg
        end do
      end do
    end select
  end subroutine outer_vectors

  pure function cross(a, b) result(c)
    real(dp), intent(in) :: a(3), b(3)
    real(dp) :: c(3)
    c = [a(2) * b(3) - a(3) * b(2), a(3) * b(1) - a(1) * b(3), a(1) * b(2) - a(2) * b(1)]
  end function cross

  !> Inner angles of a grid: B-axis grids a = 0, step, ... < 180; SDR grid rake = 180,
  !> 180 - step, ... > -180.
  pure subroutine inner_angles(kind, step_deg, angle)
    integer, intent(in) :: kind
    real(dp), intent(in) :: step_deg
    real(dp), intent(out) :: angle(:)
    integer :: k
    do k = 1, size(angle)
      if (kind == GRID_SDR) then
        angle(k) = 180.0_dp - (k - 1) * step_deg
      else
        angle(k) = (k - 1) * step_deg
      end if
    end do
  end subroutine inner_angles

  !> Misfit and |A|-sum of all inner angles of one outer grid point. With bound, the sums
  !> stop once every misfit exceeds it (misfits only grow: weights are >= 0); misfit and
  !> amp then hold partial sums, each misfit already > bound.
  pure subroutine outer_misfit(kind, x, y, z, c, s, polarity, gamma, weight, nodal_threshold, misfit, amp, &
                               bound)
    integer, intent(in) :: kind
    real(dp), intent(in) :: x(3), y(3), z(3), c(:), s(:), polarity(:), gamma(:, :), weight(:)
    real(dp), intent(in) :: nodal_threshold
    real(dp), intent(out) :: misfit(:), amp(:)
    real(dp), intent(in), optional :: bound
    real(dp) :: xg, yg, zg, a, pw
    integer :: j, k
    integer, parameter :: check_every = 4
    misfit = 0.0_dp
    amp = 0.0_dp
    do j = 1, size(polarity)
      xg = dot_product(x, gamma(:, j))
      yg = dot_product(y, gamma(:, j))
      pw = weight(j)
      if (kind == GRID_SDR) then
        zg = dot_product(z, gamma(:, j))
        do k = 1, size(c)
          a = 2.0_dp * xg * (c(k) * yg + s(k) * zg)
          misfit(k) = misfit(k) + merge(pw, 0.0_dp, polarity(j) * a < -nodal_threshold)
          amp(k) = amp(k) + pw * abs(a)
        end do
      else
        do k = 1, size(c)
          a = 2.0_dp * (c(k) * xg + s(k) * yg) * (c(k) * yg - s(k) * xg)
          misfit(k) = misfit(k) + merge(pw, 0.0_dp, polarity(j) * a < -nodal_threshold)
          amp(k) = amp(k) + pw * abs(a)
        end do
      end if
      if (present(bound) .and. mod(j, check_every) == 0) then
        if (minval(misfit) > bound) return
      end if
    end do
  end subroutine outer_misfit

  !> Scan a whole grid: one pass for the misfits (keeping each outer point's smallest),
  !> then a second pass over only the outer points that hold acceptable mechanisms.
  !> Returns the minimum misfit, the acceptance limit (max_misfit, or the minimum when
  !> max_misfit < 0) and the number of grid points with misfit <= limit + slack, and
  !> writes the first size(strike) of those (in grid order): strike, dip, rake (the plane
  !> with normal N and slip A for the B-axis grid), misfit, stdr, and grid_param(1:3, k)
  !> = B trend, B plunge, angle (B-axis grid) or strike, dip, rake (SDR grid).
  subroutine scan_grid(kind, step_deg, polarity, gamma, weight, nodal_threshold, max_misfit, slack_misfit, &
                       min_misfit, limit, n_accept, strike, dip, rake, misfit, stdr, grid_param)
    integer, intent(in) :: kind
    real(dp), intent(in) :: step_deg, polarity(:), gamma(:, :), weight(:), nodal_threshold, max_misfit
    real(dp), intent(in) :: slack_misfit
    real(dp), intent(out) :: min_misfit, limit
    integer(8), intent(out) :: n_accept
    real(dp), intent(out) :: strike(:), dip(:), rake(:), misfit(:), stdr(:), grid_param(:, :)
    real(dp), allocatable :: x(:, :), y(:, :), z(:, :), par1(:), par2(:), angle(:), c(:), s(:)
    real(dp), allocatable :: mis(:), amp(:), outer_min(:)
    real(dp) :: total_weight, nrm(3), slp(3), sdr(3)
    integer :: n_outer, n_inner, m, k
    integer(8) :: n_out

    call grid_counts(kind, step_deg, n_outer, n_inner)
    allocate (x(3, n_outer), y(3, n_outer), z(3, n_outer), par1(n_outer), par2(n_outer), outer_min(n_outer))
    allocate (angle(n_inner), c(n_inner), s(n_inner), mis(n_inner), amp(n_inner))
    call outer_vectors(kind, step_deg, n_outer, x, y, z, par1, par2)
    call inner_angles(kind, step_deg, angle)
    c = cos(angle * deg)
    s = sin(angle * deg)
    total_weight = sum(weight)
    if (total_weight <= 0.0_dp) total_weight = 1.0_dp
    do m = 1, n_outer
      call outer_misfit(kind, x(:, m), y(:, m), z(:, m), c, s, polarity, gamma, weight, &
                        nodal_threshold, mis, amp)
      outer_min(m) = minval(mis)
    end do
    min_misfit = minval(outer_min)
    limit = max_misfit
    if (max_misfit < 0.0_dp) limit = min_misfit
    n_accept = 0
    n_out = size(strike)
    do m = 1, n_outer
      if (outer_min(m) > limit + slack_misfit) cycle
      call outer_misfit(kind, x(:, m), y(:, m), z(:, m), c, s, polarity, gamma, weight, &
                        nodal_threshold, mis, amp)
      do k = 1, n_inner
        if (mis(k) > limit + slack_misfit) cycle
        n_accept = n_accept + 1
        if (n_accept > n_out) cycle
        if (kind == GRID_SDR) then
          sdr = [par1(m), par2(m), angle(k)]
        else
          slp = c(k) * x(:, m) + s(k) * y(:, m)
          nrm = c(k) * y(:, m) - s(k) * x(:, m)
          call sdr_from_normal_slip(nrm, slp, sdr)
        end if
        strike(n_accept) = sdr(1)
        dip(n_accept) = sdr(2)
        rake(n_accept) = sdr(3)
        misfit(n_accept) = mis(k)
        stdr(n_accept) = amp(k) / total_weight
        grid_param(:, n_accept) = [par1(m), par2(m), angle(k)]
      end do
    end do
  end subroutine scan_grid

  !> Perturbation trials over a whole grid in one call (HASH's acceptable sets). For trial
  !> t with polarities polarity(:, t) and rays gamma(:, :, t), every grid mechanism's misfit
  !> is computed; the trial's smallest misfit is trial_min(t) and a mechanism is accepted
  !> when its misfit <= max(trial_min(t) + allowance, floor_misfit) + slack_misfit.
  !> counts(k) is the number of trials that accept grid mechanism k (grid order, as
  !> scan_grid), misfit0 and stdr0 those of trial 1 (usually the unperturbed data).
  !> Perturbation trials over a whole grid in one call (HASH's acceptable sets). For trial
  !> t with polarities polarity(:, t) and rays gamma(:, :, t), every grid mechanism's misfit
  !> is computed; the trial's smallest misfit is trial_min(t) and a mechanism is accepted
  !> when its misfit <= max(trial_min(t) + allowance, floor_misfit) + slack_misfit.
  !> counts(k) is the number of trials that accept grid mechanism k (grid order, as
  !> scan_grid), misfit0 and stdr0 those of trial 1 (usually the unperturbed data).
  !>
  !> Trials after the first stop summing an outer point's misfits once all of them exceed
  !> max(best + allowance, floor_misfit) + slack_misfit, best being the smallest complete
  !> misfit found so far in the trial (so never below trial_min(t)): such a point can hold
  !> neither the trial's minimum nor an accepted mechanism, and the counts are those of
  !> the full sums. The outer point best in trial 1 goes first, to bring best down early.
  subroutine pool_trials(kind, step_deg, polarity, gamma, weight, nodal_threshold, allowance, &
                         floor_misfit, slack_misfit, counts, trial_min, misfit0, stdr0)
    integer, intent(in) :: kind
    real(dp), intent(in) :: step_deg, polarity(:, :), gamma(:, :, :), weight(:), nodal_threshold
    real(dp), intent(in) :: allowance, floor_misfit, slack_misfit
    real(dp), intent(out) :: counts(:), trial_min(:), misfit0(:), stdr0(:)
    real(dp), allocatable :: x(:, :), y(:, :), z(:, :), par1(:), par2(:), angle(:), c(:), s(:)
    real(dp), allocatable :: mis(:, :), amp(:), outer_min1(:)
    real(dp) :: total_weight, limit, best, bound
    integer :: n_outer, n_inner, m, t, k, i0, mm, first

    call grid_counts(kind, step_deg, n_outer, n_inner)
    allocate (x(3, n_outer), y(3, n_outer), z(3, n_outer), par1(n_outer), par2(n_outer))
    allocate (angle(n_inner), c(n_inner), s(n_inner), mis(n_inner, n_outer), amp(n_inner))
    allocate (outer_min1(n_outer))
    call outer_vectors(kind, step_deg, n_outer, x, y, z, par1, par2)
    call inner_angles(kind, step_deg, angle)
    c = cos(angle * deg)
    s = sin(angle * deg)
    total_weight = sum(weight)
    if (total_weight <= 0.0_dp) total_weight = 1.0_dp
    counts = 0.0_dp
    first = 1
    do t = 1, size(polarity, 2)
      if (t == 1) then
        do m = 1, n_outer
          call outer_misfit(kind, x(:, m), y(:, m), z(:, m), c, s, polarity(:, t), gamma(:, :, t), &
                            weight, nodal_threshold, mis(:, m), amp)
          i0 = (m - 1) * n_inner
          misfit0(i0 + 1:i0 + n_inner) = mis(:, m)
          stdr0(i0 + 1:i0 + n_inner) = amp / total_weight
          outer_min1(m) = minval(mis(:, m))
        end do
        first = minloc(outer_min1, dim=1)
        trial_min(t) = minval(outer_min1)
      else
        best = huge(1.0_dp)
        do mm = 0, n_outer - 1
          ! the first outer point of trial 1 goes first, then the others in grid order
          m = mod(first - 1 + mm, n_outer) + 1
          bound = huge(1.0_dp)
          if (best < huge(1.0_dp)) bound = max(best + allowance, floor_misfit) + slack_misfit
          call outer_misfit(kind, x(:, m), y(:, m), z(:, m), c, s, polarity(:, t), gamma(:, :, t), &
                            weight, nodal_threshold, mis(:, m), amp, bound)
          best = min(best, minval(mis(:, m)))
        end do
        trial_min(t) = best
      end if
      limit = max(trial_min(t) + allowance, floor_misfit) + slack_misfit
      do m = 1, n_outer
        i0 = (m - 1) * n_inner
        do k = 1, n_inner
          if (mis(k, m) <= limit) counts(i0 + k) = counts(i0 + k) + 1.0_dp
        end do
      end do
    end do
  end subroutine pool_trials

  !> Log-likelihood of every grid mechanism (grid order, as scan_grid): the sum over the
  !> readings of weight(j) * table(k), k the nearest table index of x = polarity(j) * A /
  !> scale(j), the table sampling a function of x on [x0, x0 + (size - 1) * dx].
  subroutine grid_log_likelihood(kind, step_deg, polarity, gamma, weight, scale, table, x0, dx, loglike)
    integer, intent(in) :: kind
    real(dp), intent(in) :: step_deg, polarity(:), gamma(:, :), weight(:), scale(:), table(:), x0, dx
    real(dp), intent(out) :: loglike(:)
    real(dp), allocatable :: x(:, :), y(:, :), z(:, :), par1(:), par2(:), angle(:), c(:), s(:), acc(:)
    real(dp) :: xg, yg, zg, a, f, inv_dx
    integer :: n_outer, n_inner, m, j, k, i0, idx, n_table

    call grid_counts(kind, step_deg, n_outer, n_inner)
    allocate (x(3, n_outer), y(3, n_outer), z(3, n_outer), par1(n_outer), par2(n_outer))
    allocate (angle(n_inner), c(n_inner), s(n_inner), acc(n_inner))
    call outer_vectors(kind, step_deg, n_outer, x, y, z, par1, par2)
    call inner_angles(kind, step_deg, angle)
    c = cos(angle * deg)
    s = sin(angle * deg)
    inv_dx = 1.0_dp / dx
    n_table = size(table)
    do m = 1, n_outer
      acc = 0.0_dp
      do j = 1, size(polarity)
        xg = dot_product(x(:, m), gamma(:, j))
        yg = dot_product(y(:, m), gamma(:, j))
        f = 2.0_dp * polarity(j) / scale(j)
        if (kind == GRID_SDR) then
          zg = dot_product(z(:, m), gamma(:, j))
          do k = 1, n_inner
            a = f * xg * (c(k) * yg + s(k) * zg)
            idx = min(max(nint((a - x0) * inv_dx) + 1, 1), n_table)
            acc(k) = acc(k) + weight(j) * table(idx)
          end do
        else
          do k = 1, n_inner
            a = f * (c(k) * xg + s(k) * yg) * (c(k) * yg - s(k) * xg)
            idx = min(max(nint((a - x0) * inv_dx) + 1, 1), n_table)
            acc(k) = acc(k) + weight(j) * table(idx)
          end do
        end if
      end do
      i0 = (m - 1) * n_inner
      loglike(i0 + 1:i0 + n_inner) = acc
    end do
  end subroutine grid_log_likelihood

  !> Misfit and stdr of given mechanisms (strike, dip, rake in degrees), in blocks so that
  !> the inner loop runs over mechanisms for one reading.
  pure subroutine mechanism_misfit(strike, dip, rake, polarity, gamma, weight, nodal_threshold, misfit, stdr)
    real(dp), intent(in) :: strike(:), dip(:), rake(:), polarity(:), gamma(:, :), weight(:), nodal_threshold
    real(dp), intent(out) :: misfit(:), stdr(:)
    integer, parameter :: block = 256
    real(dp) :: nrm(block, 3), slp(block, 3), a, total_weight
    real(dp), dimension(block) :: sf, cf, sd, cd, sl, cl
    integer :: i0, nb, i, j
    total_weight = sum(weight)
    if (total_weight <= 0.0_dp) total_weight = 1.0_dp
    do i0 = 0, size(strike) - 1, block
      nb = min(block, size(strike) - i0)
      sf(:nb) = sin(strike(i0 + 1:i0 + nb) * deg)
      cf(:nb) = cos(strike(i0 + 1:i0 + nb) * deg)
      sd(:nb) = sin(dip(i0 + 1:i0 + nb) * deg)
      cd(:nb) = cos(dip(i0 + 1:i0 + nb) * deg)
      sl(:nb) = sin(rake(i0 + 1:i0 + nb) * deg)
      cl(:nb) = cos(rake(i0 + 1:i0 + nb) * deg)
      nrm(:nb, 1) = -sd(:nb) * sf(:nb)
      nrm(:nb, 2) = sd(:nb) * cf(:nb)
      nrm(:nb, 3) = -cd(:nb)
      slp(:nb, 1) = cl(:nb) * cf(:nb) + sl(:nb) * cd(:nb) * sf(:nb)
      slp(:nb, 2) = cl(:nb) * sf(:nb) - sl(:nb) * cd(:nb) * cf(:nb)
      slp(:nb, 3) = -sl(:nb) * sd(:nb)
      misfit(i0 + 1:i0 + nb) = 0.0_dp
      stdr(i0 + 1:i0 + nb) = 0.0_dp
      do j = 1, size(polarity)
        do i = 1, nb
          a = 2.0_dp * (nrm(i, 1) * gamma(1, j) + nrm(i, 2) * gamma(2, j) + nrm(i, 3) * gamma(3, j)) &
              * (slp(i, 1) * gamma(1, j) + slp(i, 2) * gamma(2, j) + slp(i, 3) * gamma(3, j))
          misfit(i0 + i) = misfit(i0 + i) + merge(weight(j), 0.0_dp, polarity(j) * a < -nodal_threshold)
          stdr(i0 + i) = stdr(i0 + i) + weight(j) * abs(a)
        end do
      end do
      stdr(i0 + 1:i0 + nb) = stdr(i0 + 1:i0 + nb) / total_weight
    end do
  end subroutine mechanism_misfit

  !> Strike in [0, 360), dip in [0, 90], rake in (-180, 180] of the plane with normal n
  !> and slip s (NED, A&R convention; a downward normal is turned up with the slip).
  !> A horizontal plane gets strike 0.
  pure subroutine sdr_from_normal_slip(normal, slip, sdr)
    real(dp), intent(in) :: normal(3), slip(3)
    real(dp), intent(out) :: sdr(3)
    real(dp) :: n(3), s(3), f, d, horizontal
    n = normal
    s = slip
    if (n(3) > 0.0_dp) then
      n = -n
      s = -s
    end if
    horizontal = hypot(n(1), n(2))
    d = atan2(horizontal, -n(3))
    if (horizontal > 1.0e-12_dp) then
      f = atan2(-n(1), n(2))
    else
      f = 0.0_dp
    end if
    sdr(3) = atan2(dot_product(s, [cos(d) * sin(f), -cos(d) * cos(f), -sin(d)]), &
                   dot_product(s, [cos(f), sin(f), 0.0_dp])) / deg
    sdr(1) = modulo(f / deg, 360.0_dp)
    if (sdr(1) >= 360.0_dp - 1.0e-9_dp) sdr(1) = 0.0_dp
    sdr(2) = d / deg
    if (sdr(3) <= -180.0_dp + 1.0e-9_dp) sdr(3) = 180.0_dp
  end subroutine sdr_from_normal_slip

end module gridsearch
