import sys

from seisfoc.cli import main

sys.exit(main())
