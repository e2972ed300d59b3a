# Type stub of the f2py extension built from fortran/api_*.f90 (numpy.f2py writes no
# stubs). Only the Fortran faces call it (pinv.solver, rays, radiation, gridsearch,
# amplitude), after checking and converting every argument; f2py returns float64 and
# int32 arrays and Python scalars.
from typing import Any

import numpy as np

_F = np.ndarray

def pinv_solve(
    polarity: _F, takeoff_deg: _F, azimuth_deg: _F, mode: int, rcond: float
) -> tuple[_F, _F, _F, float, int, _F, _F, _F, _F, _F, _F, _F, int, int, int]: ...
def rays_trace(
    h: _F, v_top: _F, v_bottom: _F, v_takeoff: float, dist: _F, tol: float
) -> tuple[_F, _F, _F, _F, _F, _F, _F, _F, _F]: ...
def radiation_far_field(m: _F, takeoff_deg: _F, azimuth_deg: _F) -> tuple[_F, _F, _F]: ...
def precision_echo(x: float) -> tuple[float, float]: ...
def __getattr__(name: str) -> Any: ...
