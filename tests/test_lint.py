"""The checks pyproject.toml configures hold (issue 14): ruff, mypy, the import contract, and the docstrings' examples.

Each tool runs as a subprocess of the interpreter running the tests, on this checkout, exactly as configured
(no options here that the configuration does not have), and a failure shows the tool's own output. They are
dev dependencies (``pip install -e '.[dev]'``): a missing tool is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: the README's promise: the examples in the docstrings run with ``python -m pytest``
MIN_DOCTESTS = 50
#: a pytest plugin that writes what was collected (node id and kind), whatever the configured verbosity
_COLLECTED_PLUGIN = """
import json, os

def pytest_collection_finish(session):
    items = [{"nodeid": item.nodeid, "kind": type(item).__name__} for item in session.items]
    with open(os.environ["DEDUP_COLLECTED"], "w", encoding="utf-8") as f:
        json.dump(items, f)
"""


def _env(**extra: str) -> dict[str, str]:
    """The environment with this checkout first on the import path (not another editable install)."""
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _run(cmd: list[str], **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in the checkout; the timeout only guards against a hang."""
    return subprocess.run(cmd, cwd=ROOT, env=_env(**extra_env), capture_output=True, text=True, timeout=600)


def _script(name: str) -> str:
    """The console script ``name`` installed with this interpreter; a failure naming the extra when it is not."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.is_file():
        pytest.fail(f"{name} is not installed beside {sys.executable}: pip install -e '.[dev]'", pytrace=False)
    return str(path)


def _passes(tool: str, proc: subprocess.CompletedProcess[str], success: str) -> None:
    """Fail with the tool's own output unless it exited 0 and said ``success``."""
    if proc.returncode != 0 or success not in proc.stdout:
        pytest.fail(f"{tool} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}", pytrace=False)


def test_ruff_is_clean_as_configured() -> None:
    # no cache: nothing is written into the checkout; ruff takes well under a second anyway
    proc = _run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "dedup"])
    _passes("ruff check dedup", proc, "All checks passed!")


def test_mypy_is_clean_as_configured() -> None:
    # the files to check come from [tool.mypy] packages; the cache is mypy's default (.mypy_cache,
    # which ignores itself in git), so a second run takes seconds
    proc = _run([sys.executable, "-m", "mypy"])
    _passes("mypy", proc, "Success: no issues found")


def test_the_import_contract_is_kept() -> None:
    proc = _run([_script("lint-imports"), "--no-cache"])
    _passes("lint-imports", proc, " 0 broken")


def test_the_readme_test_command_collects_the_docstring_examples(tmp_path: Path) -> None:
    """``python -m pytest`` with no arguments (the README's command) collects at least MIN_DOCTESTS examples from dedup/."""
    (tmp_path / "collected_plugin.py").write_text(_COLLECTED_PLUGIN, encoding="utf-8")
    out = tmp_path / "collected.json"
    cmd = [sys.executable, "-m", "pytest", "--collect-only", "-p", "collected_plugin", "-p", "no:cacheprovider"]
    proc = _run(cmd, DEDUP_COLLECTED=str(out), PYTHONPATH=str(tmp_path))
    _passes("pytest --collect-only", proc, "collected")
    items = json.loads(out.read_text(encoding="utf-8"))
    doctests = [i["nodeid"] for i in items if i["kind"] == "DoctestItem" and i["nodeid"].startswith("dedup/")]
    assert len(doctests) >= MIN_DOCTESTS, f"{len(doctests)} docstring examples collected from dedup/, want >= {MIN_DOCTESTS}"
    # the tests themselves are still collected beside them
    assert any(i["nodeid"].startswith("tests/") for i in items)
