!> A direct-ray path held on the Fortran side (exposed to Python with f90wrap): the
!> segments a direct up-going ray crosses from one source depth (surface first), checked
!> once by path_set and then traced to any number of distances by path_trace.
module raymodel
  use kinds, only: dp, ip
  use rays, only: trace_direct
  implicit none
  private
  public :: ray_path, path_set, path_trace

  !> Path segments: thickness h (km), velocity at the top and bottom of each, and the
  !> velocity used for the take-off angle.
  type :: ray_path
    integer(ip) :: nseg = 0
    real(dp), allocatable :: h(:), v_top(:), v_bottom(:)
    real(dp) :: v_takeoff = 0.0_dp
  end type ray_path

contains

  !> Fill and check a path. status: 0 ok, 1 no segment, 2 a thickness < 0 or a velocity
  !> <= 0 or not finite (the path is then left empty).
  subroutine path_set(path, nseg, h, v_top, v_bottom, v_takeoff, status)
    type(ray_path), intent(inout) :: path
    integer(ip), intent(in) :: nseg
    real(dp), intent(in) :: h(nseg), v_top(nseg), v_bottom(nseg), v_takeoff
    integer(ip), intent(out) :: status
    path%nseg = 0
    if (allocated(path%h)) deallocate (path%h, path%v_top, path%v_bottom)
    status = 0
    if (nseg < 1) then
      status = 1
      return
    end if
    if (.not. (all(h >= 0.0_dp .and. h <= huge(h)) .and. all(v_top > 0.0_dp .and. v_top <= huge(h)) &
               .and. all(v_bottom > 0.0_dp .and. v_bottom <= huge(h)) &
               .and. v_takeoff > 0.0_dp .and. v_takeoff <= huge(h))) then
      status = 2
      return
    end if
    path%nseg = nseg
    allocate (path%h, source=h)
    allocate (path%v_top, source=v_top)
    allocate (path%v_bottom, source=v_bottom)
    path%v_takeoff = v_takeoff
  end subroutine path_set

  !> Trace the path to n distances (rays.f90's trace_direct; status per distance as there).
  subroutine path_trace(path, n, dist, tol, p, t, takeoff_deg, incidence_deg, length, spreading, &
                        legacy_r, niter, status)
    type(ray_path), intent(in) :: path
    integer(ip), intent(in) :: n
    real(dp), intent(in) :: dist(n), tol
    real(dp), intent(out) :: p(n), t(n), takeoff_deg(n), incidence_deg(n), length(n), spreading(n)
    real(dp), intent(out) :: legacy_r(n)
    integer(ip), intent(out) :: niter(n), status(n)
    call trace_direct(path%h, path%v_top, path%v_bottom, path%v_takeoff, dist, tol, p, t, &
                      takeoff_deg, incidence_deg, length, spreading, legacy_r, niter, status)
  end subroutine path_trace

end module raymodel
