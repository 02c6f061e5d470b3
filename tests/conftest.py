"""Shared fixtures: paths to the sample and to ../shared/data (used, never shipped)."""

from __future__ import annotations

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
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
