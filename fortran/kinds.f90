!> Working precisions shared by every kernel.
module kinds
  use, intrinsic :: iso_fortran_env, only: real32, real64, int32
  implicit none
  private
  public :: sp, dp, ip
  integer, parameter :: sp = real32   !< PINV's legacy single precision
  integer, parameter :: dp = real64   !< everything else
  integer, parameter :: ip = int32
end module kinds
