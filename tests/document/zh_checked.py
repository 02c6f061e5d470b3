"""What the Chinese content tests share: a clean whose content invariant must hold, and a text's paragraphs."""

from __future__ import annotations

from dedup.pipeline import clean
from dedup.report import check


def clean_checked(doc: str) -> str:
    """``clean(doc).text``, after asserting that ``check`` finds nothing wrong with it."""
    r = clean(doc)
    assert check(doc, r.text, r.report) == []
    return r.text


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of ``text``, stripped."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]
