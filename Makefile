# seisfoc: the two commands of the README.
#   make demo   install everything (system packages only when missing) and run every program
#               of the suite on the example data shipped with the package (scripts/demo.sh),
#               the CMT demo included
#   make test   install everything and run the whole test suite
# The Python to install into: python3 itself, or ./.venv when python3 is a distribution's
# externally managed one (scripts/python_env.sh). Deferred (=) so that it is worked out
# after system-deps has made sure python3 and its venv module are there.
HOST_PYTHON ?= python3
PYTHON = $(shell HOST_PYTHON=$(HOST_PYTHON) sh scripts/python_env.sh)
PIP = $(PYTHON) -m pip

.PHONY: demo test install system-deps python-deps build bench lint examples clean

demo: install
	PYTHON=$(PYTHON) sh scripts/demo.sh

test: install
	$(PYTHON) -m pytest -q tests

install: system-deps python-deps build

# gfortran, LAPACK, BLAS, pkg-config (and a distribution Python's headers and venv
# module) come from apt-get only when they are missing.
system-deps:
	@HOST_PYTHON=$(HOST_PYTHON) sh scripts/system_deps.sh

python-deps:
	@# f90wrap 0.3.0 wraps the held ray path (seisfoc._raymodel); it is a build requirement
	$(PIP) install -q --disable-pip-version-check "numpy>=2" "meson-python>=0.15" "meson>=1.1" ninja "f90wrap==0.3.0"
	$(PIP) install -q --disable-pip-version-check --no-build-isolation -e ".[test]"
	@# pyrocko (an independent reference in the tests) pins numpy<2 on Python 3.11 and its
	@# cp311 wheels are built against NumPy 1: build it from its sdist against NumPy 2.
	PYTHON=$(PYTHON) sh scripts/install_pyrocko.sh
	@# pyflex (the CMT window test compares with it through a test-only shim) declares
	@# dependencies it does not need at run time: install it alone.
	$(PIP) install -q --disable-pip-version-check --no-deps "pyflex==0.2.0"
	$(PYTHON) -c "import numpy; assert int(numpy.__version__.split('.')[0]) >= 2, numpy.__version__"

# The editable install rebuilds on import; build once here so that tests start warm.
# The CMT workflow's embedded engine needs instaseis' small PREM database (only in its
# source distribution): fetched once into the cache folder, numba compiled once.
build:
	$(PYTHON) -c "import seisfoc._kernels, seisfoc._raymodel"
	$(PYTHON) -m seisfoc.cmt.database fetch

bench: install
	for b in nordic_read pinv_batch pinv_startup rays gridsearch fps memory cmt cmt_scale; do $(PYTHON) bench/$$b.py || exit 1; done

lint:
	ruff check . && ruff format --check .

examples:
	$(PYTHON) scripts/make_example_database.py

clean:
	rm -rf build builddir .pytest_cache demo-output
