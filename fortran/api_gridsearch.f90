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
