"""The plan of the house, kept by walking every module's imports (``ast``, nothing imported).

- Programs (``seisfoc.pinv``, ``invrad``, ``invdc``, ``synrad``, ``cmt``, ``fps``) import
  the core and never each other; the core never imports a program (the dispatcher names
  sub-command modules as strings, it does not import them).
- The core never imports the command-line layer (``seisfoc.cli``): the CLI calls the core
  and the programs, not the other way round. Nothing imports a drop-in executable
  (``seisfoc.<program>.dropin``): what a sub-command needs of it (a report format) lives
  in the program.
- Only the command-line layer imports argparse: ``seisfoc.cli`` and its modules, the
  programs' ``cli``/``dropin`` modules, the modules of the sub-command table
  (``seisfoc.cli.commands``) and the console scripts of ``pyproject.toml``.
- Only the Fortran faces import ``seisfoc._kernels`` (:data:`FACES`): every other module
  reaches the kernels through a face that checks its input and turns a status into an
  exception.
- ObsPy only in the file-format adapters and the CMT stages that process waveforms
  (:data:`OBSPY_ALLOWED`); Dask only in ``seisfoc.cmt.schedule``.

Imports inside functions count as much as those at the top of a module. A new face or an
ObsPy adapter is one line in the lists below, with the reason in review. Breaches known
today are listed in :data:`KNOWN` with their way out: a new breach fails its rule, a
mended one fails until its line is deleted, so the list only shrinks.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: the programs: folders at the top of the repository installed as seisfoc.<name>
PROGRAMS = ("pinv", "invrad", "invdc", "synrad", "cmt", "fps")

#: the modules that wrap seisfoc._kernels (finite/shape checks, typed conversion, status
#: -> exception at the face)
FACES = frozenset(
    {
        "seisfoc.rays",
        "seisfoc.radiation",
        "seisfoc.gridsearch",
        "seisfoc.amplitude.green",
        "seisfoc.amplitude.inverse",
        "seisfoc.polarity.pinv_solver",
    }
)
#: modules outside seisfoc.io that may import ObsPy (waveform processing, QuakeML export)
OBSPY_ALLOWED = frozenset(
    {
        "seisfoc.cmt.ingest",
        "seisfoc.cmt.process",
        "seisfoc.cmt.window",
        "seisfoc.cmt.report",
        "seisfoc.pinv.quakeml",
        "seisfoc.fps.quakeml",
    }
)
DASK_ALLOWED = frozenset({"seisfoc.cmt.schedule"})


def _module_files() -> Iterator[tuple[str, Path]]:
    """(dotted name as installed, file) of every module of the core and the programs."""
    for top in ("seisfoc", *PROGRAMS):
        folder = REPO / top
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(REPO).with_suffix("").parts
            if "__pycache__" in rel:
                continue
            if rel[-1] == "__init__":
                rel = rel[:-1]
            parts = rel if rel[0] == "seisfoc" else ("seisfoc", *rel)
            yield ".".join(parts), path


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported module or module.name, line) of every import statement of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # `from seisfoc import _kernels`, `from x import prog`
                yield f"{module}.{alias.name}", node.lineno


MODULES = dict(_module_files())
IMPORTS = {name: sorted(set(_imports(name, path))) for name, path in MODULES.items()}


def _program_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "seisfoc" and parts[1] in PROGRAMS:
        return parts[1]
    return None


def _where(module: str, line: int) -> str:
    path = MODULES[module]
    return f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}:{line}"


def _command_line_modules() -> set[str]:
    """The sub-command table's modules and the console scripts' modules."""
    table = ast.parse((REPO / "seisfoc" / "cli" / "commands.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(table):
        if isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant):
            value = node.elts[0].value
            if isinstance(value, str) and value.startswith("seisfoc."):
                found.add(value)
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for target in scripts["project"]["scripts"].values():
        found.add(target.split(":")[0])
    return found


@dataclass(frozen=True)
class Violation:
    rule: str
    module: str
    target: str  #: what it imports (a program, a package, the kernels)
    where: str  #: file:line

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.module, self.target)

    def __str__(self) -> str:
        return f"{self.where}: {self.module} imports {self.target}"


#: known breaches of the plan, each with its way out: a rule does not fail on these, and
#: test_known_breaches_still_exist fails once one is mended (then delete its line).
KNOWN: dict[tuple[str, str, str], str] = {}


def _find(rule: str, allowed: Callable[[str], bool], target_of: Callable[[str], str | None]):
    """Every import of a module not ``allowed`` whose ``target_of`` is not None."""
    found: dict[tuple[str, str, str], Violation] = {}
    for module, imports in IMPORTS.items():
        if allowed(module):
            continue
        for imported, line in imports:
            target = target_of(imported)
            if target is not None:
                v = Violation(rule, module, target, _where(module, line))
                found.setdefault(v.key, v)
    return list(found.values())


def _check(violations: list[Violation], what: str) -> None:
    new = sorted(str(v) for v in violations if v.key not in KNOWN)
    assert not new, what + ":\n" + "\n".join(new)


def _top(*names: str) -> Callable[[str], str | None]:
    return lambda imported: imported.split(".")[0] if imported.split(".")[0] in names else None


def _is_cli(module: str) -> bool:
    return module in ("seisfoc.cli", "seisfoc.__main__") or module.startswith("seisfoc.cli.")


def program_violations() -> list[Violation]:
    def target(imported: str) -> str | None:
        other = _program_of(imported)
        return f"seisfoc.{other}" if other else None

    found = []
    for v in _find("programs", lambda module: False, target):
        own = _program_of(v.module)
        if v.target != f"seisfoc.{own}":
            found.append(v)
    return found


def core_to_cli_violations() -> list[Violation]:
    def target(imported: str) -> str | None:
        return (
            "seisfoc.cli"
            if imported == "seisfoc.cli" or imported.startswith("seisfoc.cli.")
            else None
        )

    # the programs' own cli/dropin modules use the shared option groups
    return _find("core-cli", lambda m: _is_cli(m) or _program_of(m) is not None, target)


def dropin_violations() -> list[Violation]:
    def target(imported: str) -> str | None:
        parts = imported.split(".")
        is_dropin = len(parts) >= 3 and _program_of(imported) and parts[2] == "dropin"
        return ".".join(parts[:3]) if is_dropin else None

    return _find("dropin", lambda module: module.endswith(".dropin"), target)


def argparse_violations() -> list[Violation]:
    command_line = _command_line_modules()

    def allowed(module: str) -> bool:
        if _is_cli(module) or module in command_line:
            return True
        return bool(_program_of(module)) and module.rsplit(".", 1)[1] in ("cli", "dropin")

    return _find("argparse", allowed, _top("argparse"))


def kernel_violations() -> list[Violation]:
    def target(imported: str) -> str | None:
        is_kernels = imported == "seisfoc._kernels" or imported.startswith("seisfoc._kernels.")
        return "seisfoc._kernels" if is_kernels else None

    return _find("kernels", lambda module: module in FACES, target)


def obspy_violations() -> list[Violation]:
    def allowed(module: str) -> bool:
        return module.startswith("seisfoc.io.") or module in OBSPY_ALLOWED

    return _find("obspy", allowed, _top("obspy"))


def dask_violations() -> list[Violation]:
    return _find("dask", lambda module: module in DASK_ALLOWED, _top("dask", "distributed"))


def test_the_walk_sees_the_whole_house():
    # a walk that found nothing would pass every rule below
    for module in ("seisfoc.cli", "seisfoc.amplitude.green", "seisfoc.pinv.cli",
                   "seisfoc.invrad.inversion", "seisfoc.invdc.gauss_newton",
                   "seisfoc.synrad.forward", "seisfoc.rays"):  # fmt: skip
        assert module in MODULES
    assert any(m == "seisfoc._kernels" for m, _ in IMPORTS["seisfoc.rays"])
    assert any(m == "argparse" for m, _ in IMPORTS["seisfoc.cli"])


def test_the_rules_catch_a_planted_violation(tmp_path, monkeypatch):
    """Each rule fails on a planted import, so none of them passes by finding nothing."""
    planted = {
        "seisfoc.invdc.planted": "from seisfoc.invrad import inversion\n"
        "from seisfoc.invdc.dropin import main\n",
        "seisfoc.planted_core": "import argparse, obspy, dask\nfrom seisfoc import _kernels\n"
        "from seisfoc.cli import options\n",
    }
    for name, text in planted.items():
        path = tmp_path / (name.rsplit(".", 1)[1] + ".py")
        path.write_text(text)
        monkeypatch.setitem(MODULES, name, path)
        monkeypatch.setitem(IMPORTS, name, sorted(set(_imports(name, path))))
    checks = [
        (test_programs_never_import_each_other, "seisfoc.invdc.planted"),
        (test_the_core_never_imports_the_command_line, "planted_core"),
        (test_nothing_imports_a_dropin, "seisfoc.invdc.planted"),
        (test_only_the_command_line_imports_argparse, "planted_core"),
        (test_only_the_fortran_faces_import_the_kernels, "planted_core"),
        (test_obspy_only_in_the_adapters, "planted_core"),
        (test_dask_only_in_the_scheduler, "planted_core"),
    ]
    for check, name in checks:
        with pytest.raises(AssertionError, match=name):
            check()


def test_programs_never_import_each_other():
    _check(program_violations(), "programs import the core, never each other")


def test_the_core_never_imports_the_command_line():
    _check(core_to_cli_violations(), "the core never imports seisfoc.cli")


def test_nothing_imports_a_dropin():
    _check(dropin_violations(), "nothing imports a drop-in (report formats live in the program)")


def test_only_the_command_line_imports_argparse():
    _check(argparse_violations(), "only the CLI layer imports argparse")


def test_only_the_fortran_faces_import_the_kernels():
    _check(kernel_violations(), "only the Fortran faces import seisfoc._kernels")
    for face in FACES:  # the list names modules that exist and use the kernels
        assert any(m == "seisfoc._kernels" for m, _ in IMPORTS[face]), face


def test_obspy_only_in_the_adapters():
    _check(obspy_violations(), "ObsPy only in seisfoc.io and the listed adapters")


def test_dask_only_in_the_scheduler():
    _check(dask_violations(), "Dask only in seisfoc.cmt.schedule")


def test_known_breaches_still_exist():
    """A mended breach leaves the list, so that it cannot come back unnoticed."""
    found = {
        v.key
        for rule in (
            program_violations,
            core_to_cli_violations,
            dropin_violations,
            argparse_violations,
            kernel_violations,
            obspy_violations,
            dask_violations,
        )  # fmt: skip
        for v in rule()
    }
    mended = sorted(str(k) for k in KNOWN if k not in found)
    assert not mended, "mended, delete from KNOWN in tests/test_plan.py:\n" + "\n".join(mended)
