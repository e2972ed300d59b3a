#!/bin/sh
# Print the Python that seisfoc is installed into and run with:
# - the Python of an activated virtual environment, or any Python that lets pip install
#   into it (pyenv, conda, a self-built one): that Python itself;
# - a distribution's externally managed Python (PEP 668, e.g. Debian 12's
#   /usr/bin/python3): a virtual environment ./.venv, created on first use.
# SEISFOC_VENV=1 forces the virtual environment.
set -eu
HOST_PYTHON=${HOST_PYTHON:-python3}
VENV=${SEISFOC_VENV_DIR:-.venv}
managed() {
    "$HOST_PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'
}
if [ -z "${VIRTUAL_ENV:-}" ] && { [ "${SEISFOC_VENV:-0}" = 1 ] || managed; }; then
    if [ ! -x "$VENV/bin/python" ]; then
        "$HOST_PYTHON" -m venv "$VENV" >&2
    fi
    echo "$VENV/bin/python"
else
    command -v "$HOST_PYTHON"
fi
