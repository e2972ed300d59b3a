"""PINV: P polarities to a double-couple focal mechanism (Kanamori & Given 1983, SEISAN's PINV).

The drop-in ``pinv`` executable and the modern ``seisfoc pinv`` command live here.
"""
