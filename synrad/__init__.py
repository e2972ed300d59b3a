"""SYNRAD: forward P, SV and SH amplitudes of a mechanism and their fit to observations (Ebel)."""
