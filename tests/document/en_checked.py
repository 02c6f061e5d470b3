"""What the English content tests share: a document made of blocks, and a clean whose content invariant must hold."""

from __future__ import annotations

from dedup.pipeline import clean
from dedup.report import check


def document(*blocks: str) -> str:
    """``blocks`` as one document: a blank line between two, a newline at the end."""
    return "\n\n".join(blocks) + "\n"


def clean_checked(doc: str) -> str:
    """``clean(doc).text``, after asserting that ``check`` (the content invariant) finds nothing wrong with it."""
    r = clean(doc)
    problems = check(doc, r.text, r.report)
    assert problems == []
    return r.text
