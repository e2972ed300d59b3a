"""INVDC: best double couple from P, SV and SH amplitudes by damped iteration (Ebel)."""
