"""Shared fixtures: paths to the sample and to ../shared/data (used, never shipped)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from dedup.testing import external_data_dir

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed_zh_press.txt"

# "ci" is quick and runs by default; "long" is for the dedicated property run:
#   HYPOTHESIS_PROFILE=long python -m pytest tests -k property
# "ci" is derandomized: the same examples on every run, so CI never flakes on a rare case
# (the long profile explores with fresh randomness and is where rare cases are hunted)
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
# (HYPOTHESIS_LONG_EXAMPLES raises it: issue 13's invariant is run at 5,000 per language, 10,000 in all:
#   HYPOTHESIS_PROFILE=long HYPOTHESIS_LONG_EXAMPLES=5000 python -m pytest tests/document/test_nothing_lost.py -k property_invariant)
settings.register_profile(
    "long", max_examples=int(os.environ.get("HYPOTHESIS_LONG_EXAMPLES", "3000")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def in_ci() -> bool:
    """CI sets ``CI=true``: there, every optional requirement of the suite must be present."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, what: str) -> None:
    """Skip with a one-line reason on a bare clone; fail in CI, where nothing may be missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"CI=true but {what} is missing", pytrace=False)
    pytest.skip(f"needs {what}")


#: what each optional-dependency marker needs (registered in pyproject.toml): is it there, and what to install
OPTIONAL = {
    "dask": (lambda: _importable("dask", "distributed"), "dask and distributed (pip install -e '.[dask]')"),
    "browser": (lambda: _importable("playwright"), "Playwright (pip install -e '.[dev]'; its browser is Debian's chromium)"),
}


def _importable(*names: str) -> bool:
    """Whether every one of ``names`` can be imported (found, not imported: dask is slow to import)."""
    try:
        return all(importlib.util.find_spec(n) is not None for n in names)
    except ImportError:
        return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the ``external`` fixture is marked ``external`` (``-m 'not external'`` leaves it out)."""
    for item in items:
        if "external" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.external)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``dask`` or ``browser`` skips with one line on a bare clone, fails under CI=true (before its fixtures)."""
    for marker, (available, what) in OPTIONAL.items():
        if item.get_closest_marker(marker) is not None:
            require(available(), what)


@pytest.fixture(scope="session")
def external() -> Path:
    try:
        return external_data_dir(ROOT)
    except FileNotFoundError:
        require(False, "the evaluation data ../shared/data/external (or $DEDUP_EXTERNAL_DATA)")
        raise  # unreachable: require() skipped or failed


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    return SEED.read_bytes()
