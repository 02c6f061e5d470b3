"""The whole single-document pipeline: read, segment, normalise, cluster, reconstruct.

Each stage is importable and usable alone; :func:`clean` wires them together
around one :class:`~dedup.draft.Draft`, so that every change any stage makes is
an :class:`~dedup.model.Edit` in input coordinates and the report is a
replayable plan of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cluster import ClusterResult, MatchConfig, find_clusters
from .document_words import document_words
from .draft import Draft
from .fingerprint.keys import KeyConfig, matching_key
from .fingerprint.lsh import LSHConfig
from .io.read import Decoded, ReadConfig, decode, from_text
from .model import Unit
from .normalize.stitch import StitchConfig, stitch
from .normalize.unicode import UnicodeConfig, fix_unicode, rule_for
from .reconstruct import KeepName, KeepPolicy, Reconstructor, SentenceConfig, keep_policy, layout, most_complete
from .repair import RepairConfig, repair_units
from .segment import SegmentConfig, segment

if TYPE_CHECKING:
    from .report import Report


@dataclass(frozen=True)
class Config:
    """Every stage's settings; change one with ``dataclasses.replace``."""

    read: ReadConfig = field(default_factory=ReadConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    unicode: UnicodeConfig = field(default_factory=UnicodeConfig)
    stitch: StitchConfig = field(default_factory=StitchConfig)
    keys: KeyConfig = field(default_factory=KeyConfig)
    #: LSH at Jaccard 0.3: damaged copies of short paragraphs share few 4-grams, and
    #: verification restores precision (benchmarks/tune_defaults.py)
    match: MatchConfig = field(default_factory=lambda: MatchConfig(lsh=LSHConfig(threshold=0.3)))
    sentences: SentenceConfig = field(default_factory=SentenceConfig)
    repair: RepairConfig = field(default_factory=RepairConfig)
    #: picks the copy a cluster keeps: a name (``"most_complete"``, ``"earliest"``) or a
    #: callable taking the copies; see :mod:`dedup.reconstruct`
    keep: KeepName | KeepPolicy = most_complete

    def __post_init__(self) -> None:
        # a name becomes its function now: a wrong keep fails here, not mid-run
        object.__setattr__(self, "keep", keep_policy(self.keep))


@dataclass(frozen=True)
class Result:
    """The cleaned text and the report that accounts for it."""

    text: str
    report: Report


def clean(data: str | bytes | Decoded, *, config: Config | None = None, source: str | None = None) -> Result:
    """Clean one document given as bytes (decoded here), text, or a reader result.

    >>> r = clean("一是甲乙丙丁戊己庚辛。\\n\\n二是甲乙丙丁戊己庚辛。\\n")
    >>> r.text
    '一是甲乙丙丁戊己庚辛。\\n'
    >>> r.report.blocks[1]["fate"]
    'removed'
    """
    from .report import build_report

    config = config or Config()
    if isinstance(data, Decoded):
        decoded = data
    elif isinstance(data, bytes):
        decoded = decode(data, config.read)
    else:
        decoded = from_text(data)
    text = decoded.text
    blocks = segment(text, config.segment)
    draft = Draft(text)
    for b in blocks:
        fixed, plan = fix_unicode(b.text, config.unicode)
        if fixed != b.text:
            rule = rule_for(plan)
            reason = (
                "UTF-8 text that had been decoded as GBK/GB18030, re-decoded (gated by a badness score)"
                if rule != "unicode.fix_text"
                else "mojibake or Unicode damage repaired by ftfy (CJK punctuation and quotes left alone)"
            )
            draft.rewrite(b.span, fixed, rule=rule, reason=reason, evidence={"plan": plan})
    units = stitch(text, blocks, draft, config.stitch)
    repair_units(draft, units, config.repair)
    keys = [matching_key(draft.current(u.span.start, u.span.end), config.keys) if u.kind != "heading" else "" for u in units]
    clusters = find_clusters(keys, config.match)
    rebuilt = Reconstructor(draft, units, clusters, keep=keep_policy(config.keep), sentence=config.sentences, keys=config.keys, repair=config.repair)
    with document_words(text):  # the document's own words decide a copy's two-typo word (dedup.document_words)
        rebuilt.run()
    layout(draft, text, units, paragraph_mode=config.segment.unit == "paragraph")
    out = draft.text
    report = build_report(decoded, blocks, units, clusters, draft, out, config, source=source, canonical=rebuilt.canonical)
    return Result(out, report)


__all__ = ["Config", "Result", "clean", "Decoded", "ClusterResult", "Unit"]
