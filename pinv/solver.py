"""PINV's solver under its program's name: the face of the PINV kernel is in the core,
:mod:`seisfoc.polarity.pinv_solver`, because ``seisfoc fps`` and ``seisfoc compare`` use
it too (programs import the core, never each other)."""

from seisfoc.polarity.pinv_solver import (
    MODES,
    RCOND,
    STATUS_MESSAGES,
    PinvConvergenceWarning,
    PinvInputError,
    PinvSolution,
    solve,
)

__all__ = [
    "MODES",
    "RCOND",
    "STATUS_MESSAGES",
    "PinvConvergenceWarning",
    "PinvInputError",
    "PinvSolution",
    "solve",
]
