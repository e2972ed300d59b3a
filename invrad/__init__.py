"""INVRAD: amplitude moment-tensor inversion of direct P, SV and SH (Ebel's program)."""
