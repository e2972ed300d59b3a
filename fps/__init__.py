"""Polarity mechanisms beyond PINV: ``seisfoc fps`` (clustered grid-search solutions with
uncertainty and grade) and ``seisfoc compare`` (mechanisms of two sources, e.g. PINV
against FOCMEC)."""
