"""A corpus run's costly stages through the engine, and through its checkpoint when it has one."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from .checkpoint import Checkpoint


class Stages:
    """The engine's ``imap`` for the named stages (fingerprint, verify, near, finish), checkpointed.

    With a checkpoint (a folder, or a :class:`~dedup.corpus.checkpoint.Checkpoint`
    that may serve several runs), every batch result is stored as it arrives and
    read back by a later run that asks for it; ``stats`` then counts this run's
    ``resumed_batches_<stage>`` and ``computed_batches_<stage>``.  A checkpoint
    opened here (from a folder) is closed here.
    """

    def __init__(self, engine: Any, checkpoint: str | os.PathLike[str] | Checkpoint | None, stats: dict[str, Any]) -> None:
        self.engine = engine
        self.stats = stats
        self.checkpoint: Checkpoint | None = None
        self._own_checkpoint = False
        if isinstance(checkpoint, Checkpoint):
            self.checkpoint = checkpoint
        elif checkpoint is not None:
            self.checkpoint = Checkpoint.open(checkpoint)
            self._own_checkpoint = True
        self._checkpoint_before = dict(self.checkpoint.counts) if self.checkpoint is not None else {}

    def imap(self, stage: str, fn: Any, items: Iterable[Any], *args: Any) -> Iterator[Any]:
        """The engine's ``imap``, through the checkpoint when there is one (same results, same order)."""
        if self.checkpoint is None:
            yield from self.engine.imap(fn, items, *args)
            return
        try:
            yield from self.checkpoint.imap(self.engine, stage, fn, items, *args)
        finally:
            # this run's counts (a Checkpoint object may serve several runs)
            self.stats.update({k: v - self._checkpoint_before.get(k, 0) for k, v in self.checkpoint.counts.items()})

    def close(self) -> None:
        """Close the checkpoint if it was opened here; its entries stay (see :meth:`Checkpoint.remove`)."""
        if self.checkpoint is not None and self._own_checkpoint:
            self.checkpoint.close()


__all__ = ["Stages"]
