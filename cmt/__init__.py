"""The global CMT refinement workflow (prepare, simulate, process, window, invert, report).

Not built yet: its issue comes later. See ../shared/spec/ALGORITHMS.md section 7.
"""
