"""A small invrad.inp / invrad.mod pair for the drop-in's file-safety tests.

Six readings of a (40, 70, 15) double couple of 300 x 1e16 dyne-cm in the two-layer
model INVRAD_MOD, computed with the package's forward model (seisan mode), as
tests/test_invrad.py builds them.
"""

from __future__ import annotations

INVRAD_INP = (
    "synthetic\n    6  8.0  1.0\n"
    " K11  Z P    6.50      35.00     2.2545E-01\n"
    " K12  Z P   11.00     150.00    -1.3354E-01\n"
    " K13  Z P    7.50     260.00     5.5021E-02\n"
    " K11  T SH   6.50      35.00     3.4192E+00\n"
    " K12  T SH  11.00     150.00    -2.5674E+00\n"
    " K14  R SV   4.50     310.00     1.0838E+00\n"
)
INVRAD_MOD = "    0.0000    5.8000\n   25.0000    5.8000\n   25.0000    7.9000\n"
