"""The plan of the house: one import name in site-packages, the programs under it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = ("pinv", "invrad", "invdc", "synrad", "cmt", "fps")


@pytest.fixture(scope="module")
def install_plan(tmp_path_factory) -> dict:
    """Meson's install plan of a fresh configuration of the source tree (what a wheel
    would hold), read without building anything."""
    meson = shutil.which("meson")
    if meson is None:
        pytest.fail("meson is a build requirement and must be on PATH")
    build = tmp_path_factory.mktemp("plan") / "build"
    subprocess.run(
        [meson, "setup", str(build), str(ROOT), "-Dpython.install_env=auto"],
        check=True,
        capture_output=True,
        env={"PATH": str(Path(sys.executable).parent) + ":" + os.environ["PATH"]},
    )
    return json.loads((build / "meson-info" / "intro-install_plan.json").read_text())


def _destinations(plan: dict) -> list[str]:
    return [item["destination"] for group in plan.values() for item in group.values()]


def test_wheel_installs_one_top_level_name(install_plan):
    tops = {d.split("/")[1] for d in _destinations(install_plan) if d.startswith("{py_")}
    assert tops == {"seisfoc"}


def test_programs_install_inside_the_core_package(install_plan):
    dests = set(_destinations(install_plan))
    for prog in PROGRAMS:
        assert f"{{py_platlib}}/seisfoc/{prog}" in dests, prog


def test_console_scripts_point_into_the_namespace():
    text = (ROOT / "pyproject.toml").read_text()
    scripts = text.split("[project.scripts]")[1].split("[")[0]
    targets = [line.split("=")[1].strip().strip('"') for line in scripts.strip().splitlines()]
    assert targets and all(t.startswith("seisfoc.") for t in targets), targets


@pytest.mark.parametrize("prog", PROGRAMS)
def test_program_imports_under_seisfoc(prog):
    code = f"import seisfoc.{prog} as m; print(m.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True
    ).stdout.strip()
    assert Path(out).parent == ROOT / prog
