# seisfoc: the two commands of the README.
#   make demo   install everything (system packages only when missing) and run PINV on the
#               example database shipped with the package
#   make test   install everything and run the whole test suite
PYTHON ?= python3
PIP := $(PYTHON) -m pip

.PHONY: demo test install system-deps python-deps build bench lint examples clean

demo: install
	$(PYTHON) -m seisfoc demo

test: install
	$(PYTHON) -m pytest -q tests

install: system-deps python-deps build

# gfortran and LAPACK come from Debian only when they are missing (we may not be root
# on a machine that already has them).
system-deps:
	@if ! command -v gfortran >/dev/null 2>&1 || ! { dpkg -s liblapack-dev >/dev/null 2>&1 && dpkg -s libblas-dev >/dev/null 2>&1; } \
	    || ! command -v pkg-config >/dev/null 2>&1; then \
	  echo "installing gfortran, LAPACK, BLAS and pkg-config with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gfortran liblapack-dev libblas-dev pkg-config >/dev/null; \
	fi

python-deps:
	$(PIP) install -q --disable-pip-version-check "numpy>=2" "meson-python>=0.15" "meson>=1.1" ninja
	$(PIP) install -q --disable-pip-version-check --no-build-isolation -e ".[test]"
	@# pyrocko (an independent reference in the tests) pins numpy<2 on Python 3.11 in its
	@# metadata but runs with NumPy 2: install it without letting it downgrade NumPy.
	$(PIP) install -q --disable-pip-version-check --no-deps pyrocko
	$(PYTHON) -c "import numpy; assert int(numpy.__version__.split('.')[0]) >= 2, numpy.__version__"

# The editable install rebuilds on import; build once here so that tests start warm.
build:
	$(PYTHON) -c "import seisfoc._kernels"

bench: install
	for b in nordic_read pinv_batch pinv_startup rays gridsearch; do $(PYTHON) bench/$$b.py || exit 1; done

lint:
	ruff check . && ruff format --check .

examples:
	$(PYTHON) scripts/make_example_database.py

clean:
	rm -rf build builddir .pytest_cache
