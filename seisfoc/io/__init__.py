"""File formats, one module each: every format is read (and written) in exactly one place."""
