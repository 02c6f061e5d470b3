"""The page shell shared by both review pages: inline CSS, the body, the JSON data and the inline script.

The stylesheet and the script are package data (``review.css``,
``review.js``), read once with :mod:`importlib.resources`, so they can be
edited as what they are; the page still carries them inline.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from ._html import esc, script_json


@cache
def _asset(name: str) -> str:
    """A file of this package (``review.css``, ``review.js``) as text; read once per process."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _css() -> str:
    """The page's stylesheet."""
    # the stylesheet and the script open on a new line inside their elements, as they always have
    return "\n" + _asset("review.css")


def _js() -> str:
    """The page's script: it reads the JSON data and builds DOM nodes; it never parses strings as HTML."""
    return "\n" + _asset("review.js")


def _script_hash() -> str:
    """The CSP source expression that allows exactly the page's own inline script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(_js().encode("utf-8")).digest()).decode("ascii")


def render_page(title: str, body: str, page_data: Mapping[str, Any]) -> str:
    """The HTML shell: inline CSS, the body, the JSON data element and the inline script."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # no network at all, and only our own script runs (by hash): even markup that escaped
        # escaping could neither load anything nor run an inline handler
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src '{_script_hash()}'; img-src data:\">"
        '<meta name="generator" content="dedup review">'
        f"<title>{esc(title)}</title><style>{_css()}</style></head>\n<body>{body}\n"
        f'<script type="application/json" id="review-data">{script_json(page_data)}</script>\n'
        f"<script>{_js()}</script>\n</body></html>\n"
    )
