"""dedup: one clean canonical document out of messy, heavily repeated text.

>>> from dedup import clean
>>> clean("一是甲乙丙丁戊己庚辛。\\n\\n二是甲乙丙丁戊己庚辛。").text
'一是甲乙丙丁戊己庚辛。\\n'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._moved import install as _install_moved_paths
from ._version import DISTRIBUTION as DISTRIBUTION  # dedup.DISTRIBUTION: the package-index name
from ._version import version as _installed_version

_install_moved_paths()  # dedup.index, dedup.cli_args...: the old paths of moved modules (one release)

# Imported on first use (PEP 562), so that ``dedup-text`` reaches its own
# error handling before the heavy imports: Ctrl-C during start-up then gives
# one line, not a traceback from the import system.
_EXPORTS = {
    "Block": "model",
    "Cluster": "model",
    "Edit": "model",
    "Pair": "model",
    "Span": "model",
    "Config": "pipeline",
    "Result": "pipeline",
    "clean": "pipeline",
    "Report": "report",
    "check": "report",
}

if TYPE_CHECKING:
    from .model import Block, Cluster, Edit, Pair, Span
    from .pipeline import Config, Result, clean
    from .report import Report, check


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = found = _installed_version()
        return found
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    try:
        # ``import dedup; dedup.corpus.dedup_records(...)`` keeps working
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | {"__version__"})


__all__ = ["Block", "Cluster", "Config", "Edit", "Pair", "Report", "Result", "Span", "check", "clean", "__version__"]
