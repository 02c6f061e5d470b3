"""A corpus run's spill: the records and their unit hashes, on disk while the run decides.

The first result comes only after every record has been fingerprinted, so the
records wait in a private temporary folder, not in memory, and are read back
batch by batch for finishing.
"""

from __future__ import annotations

import itertools
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import OutputError
from ..io.record_writer import remove_stale_temporaries
from ..io.write import BufferedFile

#: the spill folders of :class:`Spill` (group 1: the pid of the run that made it)
SPILL_NAME = re.compile(r"dedup-corpus-spill-(\d+)-\w+")

RECORDS = "records.pickle"
SPAN_UNITS = "span_units.bin"


def batched(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``n`` (the last one shorter)."""
    batch: list[Any] = []
    for x in items:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def spill_folder(work_dir: str | None) -> tempfile.TemporaryDirectory:
    """This run's private folder for the records' copy; leftovers of killed runs are removed first."""
    directory = work_dir or tempfile.gettempdir()
    remove_stale_temporaries(directory, SPILL_NAME)
    try:
        return tempfile.TemporaryDirectory(prefix=f"dedup-corpus-spill-{os.getpid()}-", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot create a temporary folder in {directory} ({exc.strerror}); free some space there or set TMPDIR to another disk") from None


def disk_writer(path: Path, what: str, hint: str = "free some space there or set TMPDIR to another disk") -> BufferedFile:
    """A file of the run's own data (the spill): a full disk (or any write error) is one :class:`OutputError`."""
    return BufferedFile(path, lambda exc: f"cannot write the {what} ({exc.strerror}); {hint}")


def unpickled(f: Any) -> Iterator[Any]:
    """Objects of a file written one ``pickle.dumps`` after another.

    The spill is pickled, not JSON: records keep their exact values and types
    (NaN, dates, bytes, decimals from Parquet).  It is this process's own
    file, in a private temporary folder (mode 0700), read back by the same
    run: nothing another user could have written is ever unpickled.
    """
    while True:
        try:
            yield pickle.load(f)
        except EOFError:
            return


class Spill:
    """The private folder of one run: the records' copy and each document's unit hashes in text order."""

    def __init__(self, work_dir: str | None = None) -> None:
        self._folder = spill_folder(work_dir)

    @property
    def name(self) -> str:
        """The folder's path (said in error messages)."""
        return self._folder.name

    def records_writer(self) -> BufferedFile:
        """Where the records go: lists of records (a batch each), one pickle after another."""
        return disk_writer(Path(self.name) / RECORDS, f"temporary copy of the records in {self.name}")

    def units_writer(self) -> BufferedFile:
        """Where each document's unit hashes go (one little-endian uint64 per unit)."""
        return disk_writer(Path(self.name) / SPAN_UNITS, f"temporary unit hashes in {self.name}")

    def record_batches(self, n: int) -> Iterator[list[Any]]:
        """The spilled records, in input order, ``n`` at a time."""
        with open(Path(self.name) / RECORDS, "rb") as f:
            yield from batched(itertools.chain.from_iterable(unpickled(f)), n)

    def span_units(self) -> np.ndarray:
        """Every unit hash written, as one (memory-mapped) array."""
        path = Path(self.name) / SPAN_UNITS
        return np.memmap(path, dtype="<u8", mode="r") if path.stat().st_size else np.empty(0, "<u8")

    def cleanup(self) -> None:
        """Remove the folder and everything in it."""
        self._folder.cleanup()


__all__ = ["SPILL_NAME", "Spill", "batched", "disk_writer", "spill_folder", "unpickled"]
