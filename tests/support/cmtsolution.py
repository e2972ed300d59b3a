"""The CMTSOLUTION example of FORMATS.md section 6 (no leading space, wider value columns),
shared by the CMTSOLUTION reader tests and the CMT workflow's synthetic problems."""

FORMATS_EXAMPLE = """\
PDE 2010  7 18 13 34 59.70 -5.9500 150.4300  35.0 6.9 7.3 NEW BRITAIN REGION
event name:     201007181334A
time shift:        14.3200
half duration:      8.5000
latitude:          -5.9100
longitude:        150.1000
depth:             40.9000
Mrr:      -1.510000e+26
Mtt:       1.340000e+26
Mpp:       1.700000e+25
Mrt:       2.100000e+26
Mrp:      -3.590000e+26
Mtp:       7.800000e+25
"""
