"""The Dask engine survives tasks the scheduler cancels or forgets (seen under CPU load)."""

from __future__ import annotations

import pytest

from dedup.engines.dask import DaskEngine

pytestmark = pytest.mark.dask


def _square(x: int) -> int:
    return x * x


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    eng = DaskEngine(workers=1, processes=False)
    yield eng
    eng.close()


def test_a_cancelled_task_is_submitted_again_with_the_same_results(engine) -> None:  # type: ignore[no-untyped-def]
    """``FutureCancelledError: ... already forgotten`` killed one run in three under load; now it is retried."""
    original = engine.client.submit
    submitted = []

    def submit(fn, data, *args, **kw):  # type: ignore[no-untyped-def]
        future = original(fn, data, *args, **kw)
        submitted.append(future)
        if len(submitted) in (2, 5):
            engine.client.cancel(future)  # what a forgotten client's futures undergo
        return future

    engine.client.submit = submit
    try:
        assert list(engine.imap(_square, range(8))) == [x * x for x in range(8)]
    finally:
        engine.client.submit = original
    assert len(submitted) == 10  # two of the eight were submitted again


def test_a_task_cancelled_every_time_gives_up_with_the_error(engine) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import CancelledError

    original = engine.client.submit

    def submit(fn, data, *args, **kw):  # type: ignore[no-untyped-def]
        future = original(fn, data, *args, **kw)
        engine.client.cancel(future)
        return future

    engine.client.submit = submit
    try:
        with pytest.raises(CancelledError):
            list(engine.imap(_square, range(2)))
    finally:
        engine.client.submit = original
