#!/bin/sh
# pyrocko for the test suite (the independent reference of seisfoc.mechanism and of the
# rays), installed without touching NumPy >= 2.
#
# pyrocko's metadata for Python <= 3.11 pins numpy<2 and its binary wheels for CPython
# 3.11 are compiled against NumPy 1: under NumPy 2 their extension modules fail to import
# ("_ARRAY_API not found"), while its sdist builds and runs against NumPy 2. So: build
# it from the sdist against the installed NumPy (--no-build-isolation), without its
# dependency list (--no-deps: it would downgrade NumPy); its other run-time requirements
# (scipy, matplotlib, pyyaml, requests) are in seisfoc's [test] extras. A constraint
# file cannot help: numpy>=2 and numpy<2 have no common solution.
#
#   PYTHON=.venv/bin/python sh scripts/install_pyrocko.sh
set -eu
PYTHON=${PYTHON:-python3}
VERSION=${PYROCKO_VERSION:-2026.6.2}
PIP="$PYTHON -m pip --disable-pip-version-check"
CHECK="import pyrocko.moment_tensor, pyrocko.cake, pyrocko.orthodrome_ext"

if "$PYTHON" -c "$CHECK" 2>/dev/null; then
    exit 0
fi
$PIP install -q setuptools wheel
$PIP install -q --force-reinstall --no-deps --no-build-isolation --no-binary pyrocko \
    "pyrocko==$VERSION"
"$PYTHON" -c "$CHECK"
"$PYTHON" -c "import numpy; assert int(numpy.__version__.split('.')[0]) >= 2, numpy.__version__"
