"""``seisfoc demo``: PINV on the example database shipped with seisfoc.

The example database (``seisfoc/data/example``, made by
``scripts/make_example_database.py``) holds synthetic local earthquakes whose true
mechanisms are known (``truth.json``). The demo copies it into an output folder (the
package's own files are never written), inverts the P polarities of every event in the
modern mode with the acceptable-set uncertainty and quality grade (``pinv.uncertainty``:
RMS Kagan angle of the pooled acceptable double couples about PINV's solution, and the
Kagan angle from PINV's solution to the set's own preferred mechanism), writes each
solution into its S-file copy as a PINV OF-line, compares it with the truth by the Kagan
angle, and draws a beachball per event.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil

from seisfoc import mechanism
from seisfoc.errors import SeisfocError
from seisfoc.io import nordic

from . import program


def example_folder() -> str:
    """The example database shipped inside the seisfoc package."""
    import seisfoc

    # the package's folder (works for editable and regular installs alike; importlib's
    # resources API gives a non-path object under meson-python's editable loader)
    return os.path.join(os.path.dirname(seisfoc.__file__), "data", "example")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        default=None,
        help="a new or empty folder for the database copy and the beachballs (default "
        "./demo-output, or demo-output-2, -3, ... when that one is not empty)",
    )
    parser.add_argument(
        "--trials", type=int, default=100, help="perturbation trials per event (default 100)"
    )
    parser.add_argument("--no-plots", action="store_true", help="skip the beachball PNGs")


def output_folder(out: str | None) -> str:
    """The folder the demo writes into: ``out`` when it is new or an empty folder (it is
    created), else a SeisfocError; with no ``out``, the first of ``demo-output``,
    ``demo-output-2``, ... that is new or empty. The demo never deletes or replaces a
    file it did not make."""
    if out is None:
        out, k = "demo-output", 2
        while os.path.lexists(out) and not (os.path.isdir(out) and not os.listdir(out)):
            out, k = f"demo-output-{k}", k + 1
    if os.path.lexists(out):
        if not os.path.isdir(out):
            raise SeisfocError(
                "is not a folder: seisfoc demo writes a database copy and beachballs into a "
                "new or empty folder",
                path=out,
            )
        try:
            entries = os.listdir(out)
        except OSError as exc:
            raise SeisfocError(f"cannot read the folder: {exc.strerror or exc}", path=out) from None
        if entries:
            raise SeisfocError(
                "is not empty: seisfoc demo writes only into a new or empty folder and never "
                "replaces files it did not make (choose another --out)",
                path=out,
            )
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as exc:
        raise SeisfocError(f"cannot create the folder: {exc.strerror or exc}", path=out) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise SeisfocError("the folder is not writable", path=out)
    return out


def _copy_example(out: str) -> str:
    target = os.path.join(out, "example")
    try:
        shutil.copytree(example_folder(), target)
    except (OSError, shutil.Error) as exc:
        raise SeisfocError(f"cannot copy the example database: {exc}", path=target) from None
    return target


def _truth_by_file(folder: str) -> dict[str, dict]:
    with open(os.path.join(folder, "truth.json")) as fh:
        truth = json.load(fh)
    return {os.path.basename(ev["file"]): ev for ev in truth["events"]}


def _plot(result, path: str) -> str | None:
    try:
        from seisfoc import plotting
    except ImportError:  # matplotlib is an optional dependency
        return None
    polarity, takeoff, azimuth, _ = program.polarity_arrays(result)
    title = f"{result.label}  PINV"
    if result.uncertainty is not None:
        title += f"  grade {result.uncertainty.grade}"
    plotting.save_beachball(
        path,
        result.solution.strike_dip_rake,
        polarity=polarity,
        takeoff_deg=takeoff,
        azimuth_deg=azimuth,
        title=title,
    )
    return path


def run(args: argparse.Namespace) -> int:
    if args.trials < 1:
        raise SeisfocError(f"--trials must be at least 1, not {args.trials}")
    args.out = output_folder(args.out)
    folder = _copy_example(args.out)
    truth = _truth_by_file(folder)
    agency = program.station0_agency(os.path.join(folder, "DAT"))
    base = os.path.join(folder, "REA", "EXAMP")
    print(f"PINV (modern mode) on the example database, copied to {base}\n")
    print(
        f"{'event':21s} {'npol':>4s} {'strike':>6s} {'dip':>5s} {'rake':>6s}  "
        f"{'bad':>3s} {'rank':>4s} {'grade':>5s} {'rmsK':>5s} {'Kpref':>5s}   "
        f"{'true s/d/r':15s} {'Kagan':>6s}  result"
    )
    kagans, covered = [], 0
    for path, event in nordic.read_database(base):
        if isinstance(event, SeisfocError):
            print(f"skipped: {event}")
            continue
        result = program.solve_event(event, mode="modern", uncertainty=True, n_trials=args.trials)
        true = truth[os.path.basename(path)]
        true_sdr = (true["strike"], true["dip"], true["rake"])
        sol = result.solution
        n = len(result.selection)
        if sol is None or n < program.MIN_POLARITIES:
            print(f"{result.label:21s} {n:4d}  too few polarities, S-file not updated")
            continue
        program.write_result(result, agency=agency, prime=False)
        kagan = float(mechanism.kagan_angle(sol.strike_dip_rake, true_sdr))
        kagans.append(kagan)
        unc = result.uncertainty
        grade = unc.grade if unc is not None else "-"
        rms_k = f"{unc.rms_kagan_deg:5.1f}" if unc is not None else f"{'-':>5s}"
        k_pref = f"{unc.kagan_to_preferred:5.1f}" if unc is not None else f"{'-':>5s}"
        covered += unc is not None and kagan <= unc.rms_kagan_deg
        png = None
        if not args.no_plots:
            png = _plot(result, os.path.join(args.out, os.path.basename(path) + ".png"))
        print(
            f"{result.label:21s} {n:4d} {sol.strike:6.1f} {sol.dip:5.1f} {sol.rake:6.1f}  "
            f"{sol.n_inconsistent:3d} {sol.pseudorank:4d} {grade:>5s} {rms_k} {k_pref}   "
            f"{true_sdr[0]:4.0f}/{true_sdr[1]:3.0f}/{true_sdr[2]:4.0f}   {kagan:6.1f}  "
            f"OF-line written{'; ' + os.path.basename(png) if png else ''}"
        )
    if kagans:
        print(
            f"\n{len(kagans)} solutions; Kagan angle to the true mechanism: median "
            f"{sorted(kagans)[len(kagans) // 2]:.1f} deg, max {max(kagans):.1f} deg;\n"
            f"{covered} of them within the RMS Kagan angle (rmsK) of the acceptable double "
            "couples about PINV's solution.\nKpref: Kagan angle from PINV's solution to the "
            "acceptable set's own (HASH-average) mechanism."
        )
    example = next(iter(sorted(truth)), None)
    if example:
        sfile = os.path.join(base, truth[example]["file"])
        print(f"\nThe first lines of {sfile} now read:")
        with open(sfile, "rb") as fh:
            for line in fh.read().splitlines()[:3]:
                print("  " + line.decode("latin-1"))
    return 0
