"""How the index stores input records: each pickled and zlib-compressed, read back by a restricted unpickler."""

from __future__ import annotations

import pickle
import zlib
from typing import Any

#: zlib level of the stored records (zlib's default; each record alone: 73 % of the JSONL on generated Chinese news)
RECORD_LEVEL = 6


class RecordUnpickler(pickle.Unpickler):
    """Unpickles a stored record: plain values (which need no class), dates, times, decimals; nothing else.

    An index folder may come from elsewhere (a shared disk, a snapshot):
    loading an arbitrary pickle from it could run any code.  Records hold
    what the input readers give (JSON values; from Parquet also bytes, dates,
    times, durations, decimals, time zones).
    """

    _ALLOWED = frozenset(
        {("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")}
        | {("decimal", "Decimal"), ("builtins", "complex"), ("builtins", "bytearray")}
        | {(m, n) for m in ("zoneinfo", "zoneinfo._zoneinfo") for n in ("ZoneInfo", "ZoneInfo._unpickle")}
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _zoneinfo_getattr  # how a ZoneInfo (a tz-aware Parquet timestamp) pickles its constructor
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"holds a {module}.{name}, which no input record has")
        return super().find_class(module, name)


def _zoneinfo_getattr(obj: Any, name: str) -> Any:
    """``getattr`` for the one attribute a pickled ``ZoneInfo`` asks for (``ZoneInfo._unpickle``), nothing else.

    >>> import zoneinfo
    >>> _zoneinfo_getattr(zoneinfo.ZoneInfo, "_unpickle") == zoneinfo.ZoneInfo._unpickle
    True
    """
    import zoneinfo

    if obj is zoneinfo.ZoneInfo and name == "_unpickle":
        return zoneinfo.ZoneInfo._unpickle  # type: ignore[attr-defined]
    raise pickle.UnpicklingError(f"holds getattr(…, {name!r}), which no input record has")


def pack_record(blob: bytes) -> bytes:
    """A pickled record as the index stores it (see :meth:`Segment.record`)."""
    return zlib.compress(blob, RECORD_LEVEL)


__all__ = ["RECORD_LEVEL", "RecordUnpickler", "pack_record"]
