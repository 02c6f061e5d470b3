"""``py.typed`` works for a user's type checker after a normal install (issue 12 item 10).

A default editable install goes through an import hook mypy cannot follow (the README says to use
``--config-settings editable_mode=strict``); a normal install must just work. The package is installed
into a folder of its own (``pip install --no-deps --target``), and mypy --strict checks a user script
against it: a wrong use of the API is an error, a right one is not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
import dedup
from dedup.pipeline import Config

result = dedup.clean("推进义务教育优质均衡发展。\\n\\n推进义务教育优质均衡发展。\\n", config=Config(keep="earliest"))
text: str = result.text
"""

BAD = """
import dedup

result = dedup.clean("text")
number: int = result.text
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(ROOT)], check=True, env=env, capture_output=True, timeout=600)
    assert (target / "dedup" / "py.typed").is_file()
    return target


def _mypy(installed: Path, tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "user.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(installed)}
    env.pop("PYTHONPATH", None)
    # the package's own modules are not the user's to fix: follow them silently, check the script strictly
    cmd = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--ignore-missing-imports", "--no-incremental", str(script)]
    return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_a_user_script_type_checks_against_the_installed_package(installed: Path, tmp_path: Path) -> None:
    proc = _mypy(installed, tmp_path, GOOD)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_wrong_use_is_found(installed: Path, tmp_path: Path) -> None:
    proc = _mypy(installed, tmp_path, BAD)
    assert proc.returncode == 1 and "Incompatible types in assignment" in proc.stdout, proc.stdout + proc.stderr
