!> f2py face of the double-couple grid search (module gridsearch): plain subroutines,
!> explicit shapes, real(dp)/integer(ip) arguments only. grid: 1 = FOCMEC's B axis
!> trend/plunge and angle (each double couple once), 2 = strike/dip/rake (both planes).
!> A grid or step that is not valid gives n_grid = 0.

!> Search a grid: the minimum misfit, the acceptance limit (max_misfit, or the minimum
!> when max_misfit < 0), the number n_accept of grid points with misfit <= limit + slack,
!> and the first n_out of them in grid order (call again with a larger n_out when
!> n_accept > n_out). grid_param(:, k) = B trend, B plunge, angle (grid 1) or strike,
!> dip, rake (grid 2) of point k.
subroutine gridsearch_search(n, n_out, grid, step_deg, polarity, takeoff_deg, azimuth_deg, weight, &
                             nodal_threshold, max_misfit, slack, strike, dip, rake, misfit, stdr, &
                             grid_param, n_grid, min_misfit, limit, n_accept)
  use kinds, only: dp, ip
  use gridsearch, only: ray_vectors, grid_total, scan_grid
  implicit none
  integer(ip), intent(in) :: n, n_out, grid
  real(dp), intent(in) :: step_deg, polarity(n), takeoff_deg(n), azimuth_deg(n), weight(n)
  real(dp), intent(in) :: nodal_threshold, max_misfit, slack
  real(dp), intent(out) :: strike(n_out), dip(n_out), rake(n_out), misfit(n_out), stdr(n_out)
  real(dp), intent(out) :: grid_param(3, n_out), n_grid, min_misfit, limit, n_accept
  !f2py integer(ip), intent(hide), depend(polarity) :: n = len(polarity)
  real(dp) :: gamma(3, n)
  integer(8) :: count
  n_grid = real(grid_total(grid, step_deg), dp)
  min_misfit = 0.0_dp
  limit = 0.0_dp
  n_accept = 0.0_dp
  if (n_grid <= 0.0_dp) return
  call ray_vectors(takeoff_deg, azimuth_deg, gamma)
  call scan_grid(grid, step_deg, polarity, gamma, weight, nodal_threshold, max_misfit, slack, &
                 min_misfit, limit, count, strike, dip, rake, misfit, stdr, grid_param)
  n_accept = real(count, dp)
end subroutine gridsearch_search

!> Misfit and station distribution ratio of m given mechanisms.
subroutine gridsearch_misfit(m, n, strike, dip, rake, polarity, takeoff_deg, azimuth_deg, weight, &
                             nodal_threshold, misfit, stdr)
  use kinds, only: dp, ip
  use gridsearch, only: ray_vectors, mechanism_misfit
  implicit none
  integer(ip), intent(in) :: m, n
  real(dp), intent(in) :: strike(m), dip(m), rake(m)
  real(dp), intent(in) :: polarity(n), takeoff_deg(n), azimuth_deg(n), weight(n), nodal_threshold
  real(dp), intent(out) :: misfit(m), stdr(m)
  !f2py integer(ip), intent(hide), depend(strike) :: m = len(strike)
  !f2py integer(ip), intent(hide), depend(polarity) :: n = len(polarity)
  real(dp) :: gamma(3, n)
  call ray_vectors(takeoff_deg, azimuth_deg, gamma)
  call mechanism_misfit(strike, dip, rake, polarity, gamma, weight, nodal_threshold, misfit, stdr)
end subroutine gridsearch_misfit

!> Perturbation trials over a whole grid (HASH's pooled acceptable sets): polarity(:, t),
!> takeoff_deg(:, t), azimuth_deg(:, t) are trial t's readings. counts(k) = number of
!> trials whose acceptable set holds grid mechanism k (misfit <= max(trial minimum +
!> allowance, floor_misfit) + slack), in grid order (as gridsearch_search with an infinite
!> limit lists the grid; m = the grid's size); trial_min(t) each trial's smallest misfit;
!> misfit0, stdr0 those of trial 1. A wrong m or a bad grid gives counts of 0 and
!> trial_min of -1.
subroutine gridsearch_pool(n, nt, m, grid, step_deg, polarity, takeoff_deg, azimuth_deg, weight, &
                           nodal_threshold, allowance, floor_misfit, slack, counts, trial_min, &
                           misfit0, stdr0)
  use kinds, only: dp, ip
  use gridsearch, only: ray_vectors, grid_total, pool_trials
  implicit none
  integer(ip), intent(in) :: n, nt, m, grid
  real(dp), intent(in) :: step_deg, polarity(n, nt), takeoff_deg(n, nt), azimuth_deg(n, nt)
  real(dp), intent(in) :: weight(n), nodal_threshold, allowance, floor_misfit, slack
  real(dp), intent(out) :: counts(m), trial_min(nt), misfit0(m), stdr0(m)
  !f2py integer(ip), intent(hide), depend(polarity) :: n = shape(polarity, 0)
  !f2py integer(ip), intent(hide), depend(polarity) :: nt = shape(polarity, 1)
  real(dp), allocatable :: gamma(:, :, :)
  integer :: t
  counts = 0.0_dp
  misfit0 = 0.0_dp
  stdr0 = 0.0_dp
  trial_min = -1.0_dp
  if (grid_total(grid, step_deg) /= int(m, 8) .or. m <= 0) return
  allocate (gamma(3, n, nt))
  do t = 1, nt
    call ray_vectors(takeoff_deg(:, t), azimuth_deg(:, t), gamma(:, :, t))
  end do
  call pool_trials(grid, step_deg, polarity, gamma, weight, nodal_threshold, allowance, floor_misfit, &
                   slack, counts, trial_min, misfit0, stdr0)
end subroutine gridsearch_pool

!> Log-likelihood of every grid mechanism (grid order; m = the grid's size): for each
!> reading j, x = polarity(j) * A / scale(j) (A the unit double couple's P radiation at
!> the ray) is looked up in table (samples at x0, x0 + dx, ...; nearest sample, clamped
!> at the ends) and weight(j) * table(.) summed. A wrong m or grid gives all zeros.
subroutine gridsearch_loglike(n, nt, m, grid, step_deg, polarity, takeoff_deg, azimuth_deg, weight, &
                              scale, table, x0, dx, loglike)
  use kinds, only: dp, ip
  use gridsearch, only: ray_vectors, grid_total, grid_log_likelihood
  implicit none
  integer(ip), intent(in) :: n, nt, m, grid
  real(dp), intent(in) :: step_deg, polarity(n), takeoff_deg(n), azimuth_deg(n), weight(n), scale(n)
  real(dp), intent(in) :: table(nt), x0, dx
  real(dp), intent(out) :: loglike(m)
  !f2py integer(ip), intent(hide), depend(polarity) :: n = len(polarity)
  !f2py integer(ip), intent(hide), depend(table) :: nt = len(table)
  real(dp) :: gamma(3, n)
  loglike = 0.0_dp
  if (grid_total(grid, step_deg) /= int(m, 8) .or. m <= 0 .or. nt < 1 .or. dx <= 0.0_dp) return
  call ray_vectors(takeoff_deg, azimuth_deg, gamma)
  call grid_log_likelihood(grid, step_deg, polarity, gamma, weight, scale, table, x0, dx, loglike)
end subroutine gridsearch_loglike
