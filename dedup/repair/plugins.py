"""Plug-in correctors: a model-based speller (e.g. pycorrector) used on request.

A corrector is anything with a ``name`` and a ``corrections(text)`` method
returning :class:`Correction` objects (see the :class:`Corrector` protocol).
Correctors are named in ``RepairConfig.correctors`` and looked up here:
first among those registered with :func:`register_corrector`, then among the
``dedup.correctors`` entry points of installed packages.  Nothing here
imports a model unless a configuration names it, so the default pipeline
never pays for (or needs) torch.

The built-in ``"pycorrector"`` adapter needs the optional extra:
``pip install 'dedup[model]'``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Protocol, runtime_checkable

from ..errors import UsageError
from .base import Repair


@dataclass(frozen=True)
class Correction:
    """``text[start:end]`` should read ``after`` (a corrector's proposal)."""

    start: int
    end: int
    after: str
    confidence: float = 0.5


@runtime_checkable
class Corrector(Protocol):
    """What a plug-in corrector provides."""

    name: str

    def corrections(self, text: str) -> Sequence[Correction]:
        """Proposed corrections of ``text`` (one paragraph), in its coordinates."""
        ...


_REGISTRY: dict[str, Callable[[], Corrector]] = {}
_LOADED: dict[str, Corrector] = {}


def register_corrector(name: str, factory: Callable[[], Corrector]) -> None:
    """Make ``factory()`` available as corrector ``name`` (called on first use)."""
    _REGISTRY[name] = factory
    _LOADED.pop(name, None)


def get_corrector(name: str) -> Corrector:
    """The corrector called ``name``, built once; a clear error if it is unknown."""
    if name in _LOADED:
        return _LOADED[name]
    factory = _REGISTRY.get(name)
    if factory is None:
        for ep in metadata.entry_points(group="dedup.correctors"):
            if ep.name == name:
                factory = ep.load()
                break
    if factory is None:
        known = sorted(set(_REGISTRY) | {ep.name for ep in metadata.entry_points(group="dedup.correctors")})
        raise UsageError(f"unknown corrector {name!r} (known: {', '.join(known) or 'none'})")
    corrector = factory()
    if not isinstance(corrector, Corrector):
        raise UsageError(f"corrector {name!r} does not provide name and corrections(text)")
    _LOADED[name] = corrector
    return corrector


def plugin_repairs(text: str, names: Sequence[str], min_confidence: float) -> list[Repair]:
    """Repairs proposed by the named correctors (rule ``repair.model.<name>``)."""
    out: list[Repair] = []
    for name in names:
        corrector = get_corrector(name)
        for c in corrector.corrections(text):
            if c.confidence < min_confidence or text[c.start : c.end] == c.after:
                continue
            reason = f"the {corrector.name} model proposes {c.after!r} for {text[c.start:c.end]!r}"
            evidence = {"model": corrector.name, "model_confidence": c.confidence}
            out.append(Repair(c.start, c.end, c.after, f"repair.model.{corrector.name}", reason, evidence, c.confidence))
    return out


class PycorrectorMacBert:
    """Adapter for pycorrector's MacBERT speller (same-length character substitutions).

    Imported only when a configuration names ``"pycorrector"``.
    """

    name = "pycorrector"

    def __init__(self, model: str = "shibing624/macbert4csc-base-chinese") -> None:
        try:
            from pycorrector import MacBertCorrector
        except ImportError:
            raise UsageError("the pycorrector corrector needs the optional extra: pip install 'dedup[model]'") from None
        self._model = MacBertCorrector(model)

    def corrections(self, text: str) -> list[Correction]:
        result = self._model.correct(text)
        out = []
        for err in result.get("errors", []):
            wrong, right, pos = err[0], err[1], err[2]
            if text[pos : pos + len(wrong)] == wrong:
                out.append(Correction(pos, pos + len(wrong), right, 0.9))
        return out


register_corrector("pycorrector", PycorrectorMacBert)
