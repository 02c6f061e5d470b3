"""Shared HTML internals of the review pages: escaping, the script's JSON, paging.

Every piece of input text on a page goes through :func:`esc`; the only data
handed to the page's script is :func:`script_json`'s output.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

SURROGATE = re.compile("[\ud800-\udfff]")


def esc(text: str) -> str:
    """HTML-escape ``text`` for element content *and* attribute values.

    Lone surrogates (kept by the reader for undecodable bytes) become U+FFFD,
    since they cannot be written as UTF-8.

    >>> esc('<img src=x onerror="alert(1)">&')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;'
    """
    return html.escape(SURROGATE.sub("\ufffd", text), quote=True)


def script_json(obj: Any) -> str:
    """JSON for a ``<script type="application/json">`` element that input cannot break out of.

    ``<``, ``>`` and ``&`` only ever occur inside JSON strings, where their
    ``\\uXXXX`` forms mean the same thing to ``JSON.parse`` but can never
    spell ``</script>`` or ``<!--`` to the HTML parser.

    >>> script_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = SURROGATE.sub("\ufffd", text)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def visible(text: str) -> str:
    """Escaped text, with whitespace-only or empty strings made visible (an edit of "\\n\\n" must not look blank)."""
    if text == "":
        return '<span class="empty">(nothing)</span>'
    if text.strip() == "":
        return f'<code class="ws" title="whitespace, written as Python would">{esc(repr(text)[1:-1])}</code>'
    return esc(text)


def lang_attr(lang: str | None) -> str:
    """The ``lang`` attribute for text in ``lang`` (none when unknown)."""
    return f' lang="{lang}"' if lang else ""


def paged(items: Sequence[str], page_size: int, *, cls: str, label: str) -> str:
    """Items grouped in ``<div class="page">`` blocks the script shows one at a time.

    Without the script (or when printing) every page is shown.
    """
    pages = []
    for k in range(0, len(items), page_size):
        off = " off" if k else ""
        pages.append(f'<div class="page{off}" data-page="{k // page_size}">' + "".join(items[k : k + page_size]) + "</div>")
    return f'<div class="paged {cls}" data-label="{esc(label)}" data-pages="{len(pages)}">' + "".join(pages) + "</div>"
