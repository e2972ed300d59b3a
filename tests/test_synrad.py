"""SYNRAD reproduces the reference amplitudes in both conventions and reports the fit."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys

import numpy as np
import pytest
from seisfoc.synrad import forward as SYN
from seisfoc.synrad.dropin import main

from seisfoc import amplitude as A
from seisfoc import mechanism
from seisfoc.io.invrad import read_invrad_model


@pytest.mark.parametrize("case", ["caseA_homog_dc", "caseB_ebelmodel_dc", "caseD_homog_dc_clvd"])
@pytest.mark.parametrize("mode,key", [("seisan", "amp_ebel"), ("modern", "amp_ray")])
def test_synthetic_amplitudes_match_reference(reference_dir, case, mode, key):
    folder = reference_dir / "amplitudes" / case
    rows = list(csv.DictReader(open(folder / "readings.csv")))
    truth = json.loads((folder / "truth.json").read_text())
    readings = A.AmplitudeReadings(
        [r["sta"] for r in rows], [r["comp"] for r in rows], [r["phase"] for r in rows],
        [float(r["dist_km"]) for r in rows], [float(r["az_deg"]) for r in rows],
        [float(r[key]) for r in rows], radial_toward_source=(mode == "seisan"),
    )  # fmt: skip
    model = read_invrad_model(folder / "invrad.mod", vp_vs=1.0 / truth["vs_over_vp"])
    green = A.green_functions(readings, model, 8.0, mode=mode, ray_mode="modern")
    tensor = np.array(truth["moment_tensor_NED_1e16dyncm"])
    fit = SYN.synthetic_fit(green, readings, tensor, truth["m0_1e16dyncm"])
    ref = np.array([float(r[key]) for r in rows])
    assert fit.predicted == pytest.approx(ref, rel=1e-4)
    assert fit.ratio == pytest.approx(1.0, rel=1e-4)
    assert fit.implied_moment == pytest.approx(truth["m0_1e16dyncm"], rel=1e-4)


def test_dropin_table(reference_dir, tmp_path, monkeypatch, capsys):
    folder = reference_dir / "amplitudes" / "caseA_homog_dc"
    for name in ("invrad.inp", "invrad.mod"):
        shutil.copy(folder / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("125 55 -70 500\n"))
    assert main([]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith(" S0")]
    assert len(rows) == 19
    ref = list(csv.DictReader(open(folder / "readings.csv")))
    for line, r in zip(rows, ref, strict=True):
        calc = float(line[37:50])
        assert calc == pytest.approx(float(r["amp_ebel"]), rel=2e-4)  # Vp/Vs 1.732 vs sqrt 3
        assert float(line[75:88]) == pytest.approx(500.0, rel=2e-3)


def test_dropin_flags_a_doubtful_reading(tmp_path, monkeypatch, capsys):
    tensor = mechanism.moment_tensor_ned(30.0, 60.0, 20.0, 100.0)
    (tmp_path / "invrad.mod").write_text("    0.0000    6.0000\n   40.0000    6.0000\n")
    from seisfoc.io.invrad import format_invrad_inp
    from seisfoc.velocity import LayeredModel

    m = LayeredModel.from_arrays([0.0], [6.0])
    readings = A.AmplitudeReadings(
        ["A", "B", "C"], ["Z", "T", "Z"], ["P", "SH", "P"], [5.0, 7.0, 9.0], [10, 100, 250],
        [0.0, 0.0, 0.0],
    )  # fmt: skip
    green = A.green_functions(readings, m, 6.0, mode="seisan")
    amps = green.predict(tensor)
    amps[2] *= 3.0  # a doubtful reading
    text = format_invrad_inp("t", 6.0, 1.0, readings.with_amplitudes(amps, True))
    (tmp_path / "invrad.inp").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert main(["--strike", "30", "--dip", "60", "--rake", "20", "--moment", "100"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith(" A ")
            or line.startswith(" B ") or line.startswith(" C ")]  # fmt: skip
    implied = [float(r[75:88]) for r in rows]
    assert implied[0] == pytest.approx(100.0, rel=1e-3)
    assert implied[2] == pytest.approx(300.0, rel=1e-3)
