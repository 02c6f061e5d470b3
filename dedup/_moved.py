"""Old import paths of modules that moved (issue 14), kept working for one release.

``import dedup.index`` gives :mod:`dedup.corpus.index` itself -- one module
object under both names, so patching one patches the other.  No file stays at
the old path: git then sees each move as a rename, and edits made elsewhere
to the old file follow it.  :func:`install` (called by ``dedup/__init__``)
adds the finder once; it imports nothing of the package until an old name is
imported.
"""

from __future__ import annotations

import importlib
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

#: old dotted name -> where the module lives now
MOVED: dict[str, str] = {
    "dedup.checkpoint": "dedup.corpus.checkpoint",
    "dedup.index": "dedup.corpus.index",
    "dedup.corpus_model": "dedup.corpus.model",
    "dedup.cli_args": "dedup.cli.args",
    "dedup.cli_config": "dedup.cli.config",
    "dedup.corpus_cli": "dedup.cli.corpus",
    "dedup.repair.lexicon": "dedup.lexicon",
}


class _AliasLoader:
    """Loads an old name as the module at its new one (imported once, under its own name)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._spec: Any = None

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self._spec = module.__spec__  # the import system sets the alias spec on it; exec_module puts this back
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._spec


class MovedModuleFinder:
    """Finds the old names of :data:`MOVED` (and nothing else): a ``sys.meta_path`` finder (duck-typed,
    so that ``import dedup`` does not load :mod:`importlib.abc`)."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        new = MOVED.get(fullname)
        return None if new is None else ModuleSpec(fullname, cast("Loader", _AliasLoader(new)))


def install() -> None:
    """Add the finder to ``sys.meta_path`` (once), after the standard finders."""
    if not any(isinstance(f, MovedModuleFinder) for f in sys.meta_path):
        sys.meta_path.append(MovedModuleFinder())


__all__ = ["MOVED", "MovedModuleFinder", "install"]
