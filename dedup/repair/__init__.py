"""Evidence-based repairs (variants, doubled and dropped characters, consensus of copies).

Every repair is an :class:`~dedup.model.Edit` with a rule name, a reason, its
evidence and a confidence.  ``mode`` is ``off``, ``safe`` (default: only
repairs with strong evidence) or ``aggressive``.

=========================  ====================================================
rule                       evidence
=========================  ====================================================
``repair.variant_char``    the document is simplified Chinese (character vote)
                           and the simplified form makes a word (``內容``), or
                           the stray stands alone amid simplified text and its
                           unique simplified form is a common word (``爲``)
``repair.doubled_char``    the spot reads far better without one copy, in a
                           typo's shape (``外交|交|部``, ``建立|立|政府``)
``repair.doubled_word``    ``the the``; ``政府政府`` (a word Chinese does not repeat)
``repair.dropped_char``    ``贯彻落`` is no word; the document writes ``贯彻落实``
``repair.consensus``       the majority of a cluster's copies read otherwise
``repair.model.<name>``    a plug-in corrector named in ``correctors``
=========================  ====================================================

The tables (jieba's dictionary, OpenCC's character table) load on first use,
once per process; a document without Han characters never loads them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..draft import Draft
from ..lexicon import HAN_RUN
from ..model import Span, Unit
from .base import Repair, apply_repairs, disjoint
from .majority import ConsensusConfig, consensus_repairs, differs_by_a_word, list_ordinal, one_numbered_list

Mode = Literal["off", "safe", "aggressive"]
Variants = Literal["auto", "off", "to_simplified"]


@dataclass(frozen=True)
class RepairConfig:
    """Which repairs run.

    ``variants``: ``auto`` converts stray traditional characters only in a
    document that is predominantly simplified; ``to_simplified`` converts every
    traditional character (asked for explicitly); ``off`` never converts.
    ``correctors`` names plug-in correctors (see :mod:`dedup.repair.plugins`),
    e.g. ``("pycorrector",)``; none by default.
    """

    mode: Mode = "safe"
    variants: Variants = "auto"
    doubled: bool = True
    dropped: bool = True
    consensus: bool = True
    #: shortest document word used as evidence for a dropped character
    #: (``None``: 4 in safe mode, 3 in aggressive mode)
    dropped_min_len: int | None = None
    correctors: tuple[str, ...] = ()
    #: plug-in corrections below this confidence are ignored
    corrector_min_confidence: float = 0.8
    consensus_config: ConsensusConfig = field(default_factory=ConsensusConfig)

    def __post_init__(self) -> None:
        if self.mode not in ("off", "safe", "aggressive"):
            raise ValueError(f"repair mode must be off, safe or aggressive, not {self.mode!r}")
        if self.variants not in ("auto", "off", "to_simplified"):
            raise ValueError(f"variants must be auto, off or to_simplified, not {self.variants!r}")

    @property
    def min_dropped_len(self) -> int:
        if self.dropped_min_len is not None:
            return self.dropped_min_len
        return 3 if self.mode == "aggressive" else 4


def repair_units(draft: Draft, units: Sequence[Unit], config: RepairConfig = RepairConfig()) -> None:
    """Run the enabled repairs over every unit's current text, recording each as an Edit.

    Two passes: variant characters first (so that ``內容`` counts as ``内容``
    in the document's vocabulary), then doubled and dropped characters and any
    plug-in correctors, all judged on the whole document's current text.
    """
    if config.mode == "off" or not units:
        return
    regions = [u.span for u in units]
    if config.variants != "off" and _has_han(draft.text) and _may_hold_variants(draft.text, config):
        _apply(draft, regions, lambda text, doc: _variant_pass(text, doc, config))
    doc = draft.text
    han = _has_han(doc)
    if han and (config.doubled or config.dropped):
        from ..lexicon import lexicon
        from .dropped import document_vocabulary

        lengths = tuple(range(config.min_dropped_len, 6))
        vocab = document_vocabulary(doc, lexicon(), lengths) if config.dropped else None
        _apply(draft, regions, lambda text, whole: _word_pass(text, vocab, config, whole))
    elif config.doubled:
        _apply(draft, regions, lambda text, _doc: _latin_pass(text))
    if config.correctors:
        from .plugins import plugin_repairs

        _apply(draft, regions, lambda text, _doc: plugin_repairs(text, config.correctors, config.corrector_min_confidence))


def repair_text(text: str, config: RepairConfig = RepairConfig()) -> tuple[str, list]:
    """Repair one text as a one-unit document; return the text and the edits.

    A convenience for single sentences and benchmarks (no consensus: there
    are no copies).

    >>> repair_text("建立立政府财政投入为主")[0]
    '建立政府财政投入为主'
    """
    draft = Draft(text)
    if text:
        repair_units(draft, [Unit(0, (0,), Span(0, len(text)), "paragraph")], config)
    return draft.text, draft.edits()


def consensus(draft: Draft, units: Sequence[Unit], members: Sequence[int], target: int, cluster_id: int, config: RepairConfig = RepairConfig()) -> list[int]:
    """Correct the text at unit ``target`` by the majority reading of the cluster's copies.

    ``members`` are unit indices of the copies (sorted; ``target`` is the first
    occurrence, where the canonical text now stands).  When that text was
    copied there from another member (``dedup.complete_from_copy``), that
    member is not counted again: it already speaks through the target.
    Returns the members that are later items of ``target``'s numbered list
    (:func:`list_siblings`): no copies of it, and no vote then (the copies may
    be either item's: which one they read would be a guess).
    """
    siblings = list_siblings_read(lambda u: draft.current(units[u].span.start, units[u].span.end), members, target)
    if siblings or config.mode == "off" or not config.consensus or len(members) < config.consensus_config.min_copies:
        return siblings
    span = units[target].span
    source_unit = _completed_from(draft, span)
    others = [m for m in members if m != target and m != source_unit]
    if len(others) + 1 < config.consensus_config.min_copies:
        return []
    texts = [draft.current(units[m].span.start, units[m].span.end) for m in others]
    cfg = config.consensus_config
    if config.mode == "aggressive" and cfg.strict_majority:
        from dataclasses import replace

        cfg = replace(cfg, strict_majority=False)
    target_text = draft.current(span.start, span.end)
    repairs = consensus_repairs(target_text, texts, cfg, copy_ids=others)
    for r in reversed(disjoint(repairs)):
        evidence = {"cluster": cluster_id, **r.evidence}
        draft.replace_current(span, r.start, r.end, r.after, rule=r.rule, reason=f"{r.reason} (cluster {cluster_id})", evidence=evidence, confidence=r.confidence)
    return []


# -- internals ---------------------------------------------------------


def list_siblings(texts: Sequence[str], members: Sequence[int], target: int) -> list[int]:
    """Later members of the cluster that are later items of the numbered list ``target`` opens.

    ``texts``: every unit's text, by unit index.  ``四是延误１５分钟且…`` and
    ``七是延误１５分钟以上且…``, three places apart in one list, are two items
    one word apart, not copies: the copies of the second voted its ``以上``
    into the first, and the second then went as its repeat (zh-issue13
    document 338 of the seed-7 benchmark).  Another item must stand between
    them: paragraphs that read alike, numbered one after another and nothing
    else between (``一是X`` ``二是X`` ``三是X``), are one paragraph repeated,
    numbered as it went; and the two must differ by a word
    (:func:`differs_by_a_word`): ``二是X`` ``三是Y`` ``四是X`` is ``X`` repeated
    by a pass that numbers on, a typo's copy included.
    """
    inside, body = set(members), _list_body(texts[target])
    return [m for m in members if m > target and one_numbered_list(texts[target : m + 1]) and not inside.issuperset(range(target + 1, m)) and differs_by_a_word(body, _list_body(texts[m]))]


def list_siblings_read(text_of: Callable[[int], str], members: Sequence[int], target: int) -> list[int]:
    """:func:`list_siblings`, the same answer, reading only the units its numbered test can pass on.

    ``text_of(u)``: unit ``u``'s text.  A member ``m`` passes the numbered test
    (:func:`one_numbered_list` of units ``target..m``) exactly when ``target``'s
    list runs on, one by one, up to ``m``; so the texts are read from ``target``
    until the numbering breaks, and the members past the break are never
    compared.  Reading every unit up to the cluster's last member, and
    numbering each member's whole stretch again, made a document of n
    paragraphs cost n per cluster (minutes at 20,000 paragraphs).
    """
    first = text_of(target)
    at = list_ordinal(first)
    if at is None:
        return []  # target opens no numbered item: no stretch from it is one list
    end, last = target, members[-1]
    while end < last:
        nxt = list_ordinal(text_of(end + 1))
        if nxt != at + 1:
            break
        end, at = end + 1, nxt
    inside, body = set(members), _list_body(first)
    return [m for m in members if target < m <= end and not inside.issuperset(range(target + 1, m)) and differs_by_a_word(body, _list_body(text_of(m)))]


def _list_body(text: str) -> str:
    """A list item's text after its ordinal: what two items, or an item and its copy, are compared by."""
    from ..fingerprint.keys import strip_marker

    return text[strip_marker(text) :].strip()


def _has_han(text: str) -> bool:
    return HAN_RUN.search(text) is not None


def _apply(draft: Draft, regions: Sequence[Span], propose) -> None:
    """Ask ``propose(text, document)`` for repairs of each region; apply them right to left."""
    doc = draft.text
    for span in regions:
        text = draft.current(span.start, span.end)
        if not text:
            continue
        for r in reversed(disjoint(propose(text, doc))):
            draft.replace_current(span, r.start, r.end, r.after, rule=r.rule, reason=r.reason, evidence=r.evidence, confidence=r.confidence)


def _variant_pass(text: str, doc: str, config: RepairConfig) -> list[Repair]:
    from ..lexicon import lexicon, opencc_tables
    from .variants import variant_repairs

    if config.variants == "to_simplified":
        from .variants import full_conversion_repairs

        return full_conversion_repairs(text)
    tables = opencc_tables()
    if tables.to_simplified.keys().isdisjoint(text):
        return []
    vote = _cached_vote(doc, tables)
    return variant_repairs(text, vote, tables, lexicon(), doc, lenient=config.mode == "aggressive")


def _may_hold_variants(document: str, config: RepairConfig) -> bool:
    """False when no unit can hold a character to convert: the whole document has no traditional one.

    Every unit's current text is made of the document's current characters,
    so one check of the document answers for all of them (``auto``; a full
    conversion is always asked).
    """
    if config.variants != "auto":
        return True
    from ..lexicon import opencc_tables

    return not opencc_tables().to_simplified.keys().isdisjoint(document)


_VOTE_CACHE: dict[int, tuple[str, object]] = {}


def _cached_vote(doc: str, tables):
    """The document's script vote, computed once per document (not once per unit)."""
    from .variants import script_vote

    hit = _VOTE_CACHE.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    vote = script_vote(doc, tables)
    _VOTE_CACHE.clear()
    _VOTE_CACHE[id(doc)] = (doc, vote)
    return vote


def _word_pass(text: str, vocab, config: RepairConfig, document: str) -> list[Repair]:
    from ..lexicon import lexicon
    from .doubled import doubled_char_repairs, doubled_latin_repairs, doubled_word_repairs
    from .dropped import dropped_char_repairs
    from .reading import document_ngrams

    lx = lexicon()
    out: list[Repair] = []
    if config.doubled:
        aggressive = config.mode == "aggressive"
        ngrams = document_ngrams(document)
        out += doubled_char_repairs(text, lx, aggressive=aggressive, doc=ngrams) + doubled_latin_repairs(text)
        out += doubled_word_repairs(text, lx, ngrams, aggressive=aggressive)
    if vocab is not None:
        out += dropped_char_repairs(text, vocab, lx, min_len=config.min_dropped_len)
    return out


def _latin_pass(text: str) -> list[Repair]:
    from .doubled import doubled_latin_repairs

    return doubled_latin_repairs(text)


def _completed_from(draft: Draft, span: Span) -> int | None:
    """The unit whose text ``dedup.complete_from_copy`` placed in ``span``, if any."""
    for e in draft.edits_in(span.start, span.end):
        if span.start <= e.span.start and e.span.end <= span.end:
            for sub in (*e.subsumes, e):
                if sub.rule == "dedup.complete_from_copy":
                    return sub.evidence.get("canonical_unit")
    return None


__all__ = ["RepairConfig", "ConsensusConfig", "Repair", "repair_units", "repair_text", "consensus", "apply_repairs"]
