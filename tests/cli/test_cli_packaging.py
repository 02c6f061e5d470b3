"""The distribution: its own name on the package index, one version string."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import dedup

ROOT = Path(__file__).resolve().parents[2]


def _project() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_distribution_name_is_ours():
    """``dedup`` on the package index is someone else's (0.0.2, 2017): ours is dedup-text, imported as dedup."""
    project = _project()
    assert project["name"] == "dedup-text"
    assert project["scripts"]["dedup-text"] == "dedup.cli:main"
    assert dedup.DISTRIBUTION == project["name"]


def test_version_is_the_distributions():
    """``dedup.__version__`` is the installed metadata's, else (a bare source tree) pyproject.toml's."""
    try:
        expected = metadata.version("dedup-text")
    except metadata.PackageNotFoundError:
        expected = _project()["version"]
    assert dedup.__version__ == expected
    assert "__version__" in dir(dedup)
