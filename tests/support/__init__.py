"""Shared builders and readers for the tests (imported as ``support.<module>``).

Test modules import helpers from here, never from one another: ``reference`` (where the
reference data are), ``nordic`` (Nordic lines built column by column), ``focmec``
(FOCMEC's input and output files), ``pinv_runs`` (running the drop-in pinv in a folder and
comparing its files with SEISAN's) and ``invrad_out`` (comparing invrad.out layouts).
"""
