# Type stub of the Python module f90wrap generates from fortran/raymodel.f90 (built by
# meson into the build folder); seisfoc.rays.RayPath is its only user.
from typing import Any

import numpy as np

class _RayPath:
    nseg: int
    h: np.ndarray
    v_top: np.ndarray
    v_bottom: np.ndarray
    v_takeoff: float

class _Raymodel:
    def ray_path(self) -> _RayPath: ...
    def path_set(
        self,
        path: _RayPath,
        nseg: int,
        h: np.ndarray,
        v_top: np.ndarray,
        v_bottom: np.ndarray,
        v_takeoff: float,
    ) -> int: ...
    def path_trace(
        self, path: _RayPath, n: int, dist: np.ndarray, tol: float, *out: Any
    ) -> None: ...

raymodel: _Raymodel
