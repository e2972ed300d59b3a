"""seisfoc.cmt.config: the default file round trip and an error with line and column for
every kind of mistake."""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from pathlib import Path

import pytest
from seisfoc.cmt import config as cmtconfig
from seisfoc.cmt.layout import CONFIG_NAME

from seisfoc.errors import SeisfocError


def test_default_file_round_trip(tmp_path):
    path = cmtconfig.write_default(tmp_path)
    assert path == tmp_path / CONFIG_NAME
    cfg = cmtconfig.load_config(tmp_path)
    assert cfg.path == path
    assert replace(cfg, path=None) == cmtconfig.default_config(tmp_path)
    assert cfg.event.cmtsolution == tmp_path / "CMTSOLUTION"
    assert cfg.band_names == ("surface", "mantle")
    # tomllib reads it too, and every key is documented on the line above it
    text = path.read_text()
    data = tomllib.loads(text)
    assert set(data) == {"event", "engine", "process", "perturbation", "band", "weight",
                         "invert", "flags", "qc"}  # fmt: skip
    lines = text.splitlines()
    for i, line in enumerate(lines):
        bare = line.removeprefix("# ")
        if " = " in bare and not line.startswith("#") or bare.endswith("(set by the preset)"):
            above = lines[i - 1]
            assert above.startswith("# ") and not above.endswith("(set by the preset)"), line


def test_every_field_is_written(tmp_path):
    text = cmtconfig.default_text()
    for section in (cmtconfig.EventConfig, cmtconfig.EngineConfig, cmtconfig.ProcessConfig,
                    cmtconfig.PerturbationConfig, cmtconfig.BandConfig, cmtconfig.WeightConfig,
                    cmtconfig.InvertConfig, cmtconfig.FlagsConfig, cmtconfig.QCConfig):  # fmt: skip
        for f in fields(section):
            assert f"{f.name} = " in text, f.name
            assert f.metadata["doc"]


def test_write_default_refuses_to_overwrite(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("# mine\n")
    with pytest.raises(SeisfocError, match="exists already"):
        cmtconfig.write_default(path)
    assert path.read_text() == "# mine\n"
    cmtconfig.write_default(path, overwrite=True)
    assert "[invert]" in path.read_text()


def test_non_default_configuration_round_trip(tmp_path):
    cfg = cmtconfig.Config(
        event=cmtconfig.EventConfig(data=tmp_path / "waveforms"),
        weight=replace(cmtconfig.weight_preset("pycmt3d"), component_t=3.0),
        invert=cmtconfig.InvertConfig(n_parameters=7, double_couple=True, damping=0.01),
        bands=(
            cmtconfig.BandConfig(
                name="long", components=("Z", "T"), window_method="phases", phases=("S", "SS")
            ),
        ),  # fmt: skip
    )
    path = cmtconfig.write_default(tmp_path / CONFIG_NAME, cfg)
    text = path.read_text()
    assert 'data = "waveforms"' in text
    assert "component_t = 3.0" in text and "# component_z = 2.0" in text
    back = cmtconfig.load_config(path)
    expect = replace(cfg, event=cmtconfig.default_config(tmp_path).event, path=path)
    expect = replace(expect, event=replace(expect.event, data=tmp_path / "waveforms"))
    assert back == expect


def test_weight_preset_with_override():
    cfg = cmtconfig.parse_config('[weight]\npreset = "pycmt3d"\nlove_exponent = 0.9\n')
    assert cfg.weight == replace(cmtconfig.weight_preset("pycmt3d"), love_exponent=0.9)
    assert cmtconfig.parse_config("").weight == cmtconfig.weight_preset("gcmt3d")


def _error(text: str) -> SeisfocError:
    with pytest.raises(SeisfocError) as info:
        cmtconfig.parse_config(text, "/ev/seisfoc-cmt.toml")
    err = info.value
    assert err.path == "/ev/seisfoc-cmt.toml"
    return err


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        # unknown key: the key's column
        ("[invert]\nn_parameters = 9\n  dampin = 0.1\n", 3, 3, "unknown key 'dampin'"),
        # wrong type: the value's column
        ("[invert]\nzero_trace = 1\n", 2, 14, "must be true or false"),
        ("[invert]\nn_parameters = 7.5\n", 2, 16, "must be an integer"),
        ("[invert]\nn_parameters = true\n", 2, 16, "must be an integer"),
        ('[perturbation]\ndepth_km = "1"\n', 2, 12, "must be a number"),
        ("[perturbation]\ndepth_km = nan\n", 2, 12, "finite"),
        ("[engine]\nkind = 3\n", 2, 8, "must be a string"),
        # out of range / not a choice
        ("[perturbation]\ndepth_km = 0\n", 2, 12, "must be > 0"),
        ("[invert]\nn_parameters = 8\n", 2, 16, "not one of 6 | 7 | 9"),
        ('[engine]\nkind = "specfem"\n', 2, 8, "not one of"),
        ('[weight]\npreset = "cmt3d"\n', 2, 10, "not one of"),
        ("[invert]\ntaper_alpha = 1.5\n", 2, 15, "must be <= 1"),
        ('\n[[band]]\nname = "a"\ncomponents = ["Z", "N"]\n', 4, 14, "'N' is not one"),
        (
            '[[band]]\nname = "a"\n[[band]]\nname = "b"\nmin_period_s = 300.0\n',
            5,
            16,
            "must be below max_period_s",
        ),  # fmt: skip
        ('[[band]]\nname = "a"\n[[band]]\nname = "a"\n', 4, 8, "used twice"),
        ('[[band]]\nname = "a b"\n', 2, 8, "letters, digits"),
        ("[[band]]\nmin_period_s = 10.0\n", 1, None, "has no name"),
        ("[process]\nstart_s = 10.0\nend_s = 5.0\n", 3, 9, "end_s must be later"),
        ("[invert]\nzero_trace = false\ndouble_couple = true\n", 2, 14, "needs zero_trace"),
        # unknown section
        ("[event]\n[inverse]\nx = 1\n", 2, 1, "unknown section or key 'inverse'"),
        ("title = 3\n", 1, 1, "unknown section or key 'title'"),
        ("event = 3\n", 1, 1, "must be a [event] table"),
        ("band = 3\n", 1, 1, "[[band]] tables"),
    ],
)
def test_errors_name_line_and_column(text, line, column, message):
    err = _error(text)
    assert message in err.message
    assert err.line == line
    assert err.column == column
    assert f"line {line}" in str(err)


def test_toml_syntax_error_carries_tomllib_position():
    err = _error("[invert]\nn_parameters = 9\ndamping = = 1\n")
    assert err.message.startswith("TOML syntax")
    assert (err.line, err.column) == (3, 11)


def test_unreadable_files(tmp_path):
    with pytest.raises(SeisfocError, match="not found"):
        cmtconfig.load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"[invert]\n# caf\xe9\n")
    with pytest.raises(SeisfocError, match="UTF-8") as info:
        cmtconfig.load_config(bad)
    assert (info.value.line, info.value.column) == (2, 6)


def test_relative_and_absolute_database_paths(tmp_path):
    cfg = cmtconfig.parse_config('[engine]\ndatabase = "db/prem"\n', tmp_path / CONFIG_NAME)
    assert Path(cfg.engine.database) == tmp_path / "db" / "prem"
    cfg = cmtconfig.parse_config('[engine]\ndatabase = "auto"\n', tmp_path / CONFIG_NAME)
    assert cfg.engine.database == "auto"
    assert cfg.band("surface").min_period_s == 100.0
    with pytest.raises(SeisfocError, match="no band called"):
        cfg.band("body")


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        ("invert.damping = -1\n", 1, 18, "must be >= 0"),  # a dotted key
        ("\n\nevent = { data = 3 }\n", 3, None, "must be a string"),  # an inline table
        ('[invert]\n"damping" = "x"\n', 2, 13, "must be a number"),  # a quoted key
        ("[invert]\nx.y = 1\n", 2, 1, "unknown key 'x'"),
    ],
)
def test_other_toml_spellings_are_located(text, line, column, message):
    err = _error(text)
    assert message in err.message
    assert (err.line, err.column) == (line, column)


def test_write_default_into_a_new_folder(tmp_path):
    path = cmtconfig.write_default(f"{tmp_path}/new/event/")
    assert path == tmp_path / "new" / "event" / CONFIG_NAME
    assert cmtconfig.load_config(tmp_path / "new" / "event").path == path
