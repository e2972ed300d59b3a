#!/bin/sh
# Install, with apt-get and only when they are missing, what building seisfoc needs from
# the operating system: gfortran, LAPACK/BLAS, pkg-config, and for a distribution Python
# its headers and venv module. Nothing is installed when everything is already there, so
# this also runs on machines where we are not root.
set -eu
HOST_PYTHON=${HOST_PYTHON:-python3}
need=""
command -v gfortran >/dev/null 2>&1 || need="$need gfortran"
dpkg -s liblapack-dev >/dev/null 2>&1 || need="$need liblapack-dev"
dpkg -s libblas-dev >/dev/null 2>&1 || need="$need libblas-dev"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
if ! command -v "$HOST_PYTHON" >/dev/null 2>&1; then
    need="$need python3 python3-dev python3-venv"
else
    # Python.h, for the extension module
    "$HOST_PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
        || need="$need python3-dev"
    # Debian's own Python refuses pip installs (PEP 668): seisfoc then goes into ./.venv
    if "$HOST_PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))' \
        && ! "$HOST_PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        need="$need python3-venv"
    fi
fi
[ -z "$need" ] && exit 0
echo "installing with apt-get:$need"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
