"""Deprecated alias of :mod:`seisfoc.cli.options` (the option types moved into the CLI
package, the only place that imports argparse); import from there."""

from seisfoc.cli.options import (  # noqa: F401
    finite_float,
    int_at_least,
    real_in,
    time_argument,
)
