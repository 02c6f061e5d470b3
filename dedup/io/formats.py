"""What a corpus record is and which formats hold records: shared by the readers and the writers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Format = Literal["jsonl", "parquet", "text", "sogou"]
FORMATS: tuple[str, ...] = ("jsonl", "parquet", "text", "sogou")

JSONL_EXT = (".jsonl", ".ndjson", ".json", ".jsonl.txt")
PARQUET_EXT = (".parquet", ".pq")
SOGOU_EXT = (".dat", ".xml", ".smarty")


@dataclass(frozen=True)
class Fields:
    """Which record fields hold the document id and its text."""

    text: str = "text"
    id: str = "id"




def os_reason(exc: OSError) -> str:
    """The reason of an OSError in a few words (pyarrow's carry no ``strerror``)."""
    return exc.strerror or (str(exc).splitlines() or [type(exc).__name__])[0]


__all__ = ["FORMATS", "Fields", "Format", "JSONL_EXT", "PARQUET_EXT", "SOGOU_EXT", "os_reason"]
