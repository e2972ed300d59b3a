"""P-polarity methods shared by the programs (PINV, ``seisfoc fps``, ``seisfoc compare``).

``readings``: the polarity readings of a Nordic event under a named selection;
``pinv_solver``: the Python face of the PINV kernel (Kanamori & Given 1983);
``fit``: HASH's misfit and station distribution ratio of a mechanism, and plane
differences between mechanisms.
"""
