"""``python -m seisfoc.cmt STAGE ...``: the same as ``seisfoc cmt STAGE ...``."""

import sys

from .cli import main

sys.exit(main())
