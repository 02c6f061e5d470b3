"""The suite on a bare clone: tests that need the evaluation data skip with one line; in CI they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# a real test that reads ../shared/data/external through the ``external`` fixture
NEEDS_DATA = "tests/io/test_read.py::test_sogou_gbk_file_needs_gb18030"


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["DEDUP_EXTERNAL_DATA"] = str(tmp_path / "no-such-folder")
    if ci is not None:
        env["CI"] = ci
    cmd = [sys.executable, "-m", "pytest", NEEDS_DATA, "-rs", "-p", "no:cacheprovider", "-o", "addopts="]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_missing_data_skips_with_a_reason_on_a_bare_clone(tmp_path: Path) -> None:
    proc = _run(tmp_path, None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout
    assert "needs the evaluation data ../shared/data/external" in proc.stdout
    assert "Traceback" not in proc.stdout and "FileNotFoundError" not in proc.stdout


def test_missing_data_fails_in_ci(tmp_path: Path) -> None:
    proc = _run(tmp_path, "true")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed" in proc.stdout or "1 error" in proc.stdout
    assert "CI=true but the evaluation data" in proc.stdout


#: a pytest run in which dask cannot be found (as on a clone installed without the dask extra)
_WITHOUT_DASK = (
    "import sys\n"
    "class NoDask:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in ('dask', 'distributed'):\n"
    "            raise ModuleNotFoundError(name)\n"
    "sys.meta_path.insert(0, NoDask())\n"
    "import pytest\n"
    "sys.exit(pytest.main(sys.argv[1:]))\n"
)


def _run_without_dask(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    cmd = [sys.executable, "-c", _WITHOUT_DASK, "tests/corpus/test_engines_dask.py", "-rs", "-p", "no:cacheprovider", "-o", "addopts="]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_dask_test_skips_with_one_line_without_dask() -> None:
    """The ``dask`` marker: no dask, so the module's tests skip, each with the line saying what to install."""
    proc = _run_without_dask(None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 skipped" in proc.stdout and "needs dask and distributed (pip install -e '.[dask]')" in proc.stdout


def test_a_dask_test_fails_in_ci_without_dask() -> None:
    proc = _run_without_dask("true")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "2 failed" in proc.stdout or "2 error" in proc.stdout
    assert "CI=true but dask and distributed" in proc.stdout


def _readme_test_command() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("Install what the tests need and run them:", 1)[1].split("```bash\n", 1)[1].split("\n```", 1)[0]
    assert "\n" not in block.strip(), "the README's test command must be one line"
    return block.strip()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = _readme_test_command()
    assert "pytest" in command and "pip install" in command
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert command in lines


def _floors() -> dict[str, str]:
    import re
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    out = {}
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", dep.split(";")[0].strip())
        assert m, f"every runtime dependency declares a floor: {dep}"
        out[m.group(1).lower()] = m.group(2)
    return out


def test_lowest_versions_ci_step_pins_exactly_the_declared_floors() -> None:
    pins = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = version
    floors = _floors()
    assert set(pins) == set(floors)
    assert pins == floors, "the floors in pyproject.toml are the versions .ci/lowest-versions runs"
