"""A self-contained HTML review page: see what was merged, dropped and repaired.

Before trusting a cleaner with a corpus, a user wants to *look*: which
paragraphs were judged duplicates, how the copies differed, what each edit
changed and on what evidence, and whether the threshold sits in a valley of
the similarity distribution.  :func:`to_html` turns one run's
:class:`~dedup.report.Report` (plus the input and output text it speaks about)
into one HTML file that shows all of that; :func:`corpus_to_html` does the
same for corpus mode over a bounded sample of the largest clusters.

Design choices, and why:

* **One file, offline.**  CSS and JS are inline, there is no font, script or
  image to fetch, so the page can be mailed, archived next to the report and
  opened years later.  The similarity histogram is inline SVG drawn here.
* **Diffs are computed in Python** (rapidfuzz ``Levenshtein.opcodes``,
  character level, which is what CJK text needs: there are no spaces to diff
  words by) and emitted as ``<span>`` runs, so the page carries no diff library.
* **Every piece of input text goes through** :func:`html.escape`.  The only
  data handed to the page's script is a JSON document in a
  ``<script type="application/json">`` element whose ``<``, ``>`` and ``&`` are
  written as ``\\u003c``/``\\u003e``/``\\u0026``, so ``</script>`` in the input
  cannot end the element.  The script builds DOM nodes (``textContent``,
  ``cloneNode``), never HTML strings.
* **Long documents stay fast.**  Long lists (paragraphs, clusters, edits,
  dropped spans) are cut into pages the script shows one at a time; clusters
  and evidence are collapsed ``<details>``; items use ``content-visibility``
  so the browser skips laying out what is off screen.  Without JS everything
  is simply shown, and ``@media print`` prints every page with the
  navigation and the side panel left out.

The package, one job a module: :mod:`.document` (the single-document page,
with ``_analysis`` reading the report and ``_sections`` rendering its
clusters, edits and dropped blocks), :mod:`.corpus` (the corpus page),
:mod:`.histogram` and :mod:`.diff` (the two computations the pages show),
:mod:`.config` (:class:`ReviewConfig`), and the shared internals ``_html``
(escaping, the script's JSON, paging) and ``_shell`` (the page around the
body, with ``review.css`` and ``review.js``, package data).  The review reads
report *dicts*; it imports :mod:`dedup.report` only for
:func:`~dedup.report.check`, inside :func:`to_html`.
"""

from __future__ import annotations

from ._html import esc, script_json
from .config import ReviewConfig
from .corpus import corpus_sample_ids, corpus_to_html
from .diff import char_diff
from .document import to_html
from .histogram import best_match_scores, histogram_svg

__all__ = [
    "ReviewConfig",
    "to_html",
    "corpus_to_html",
    "corpus_sample_ids",
    "char_diff",
    "histogram_svg",
    "esc",
    "script_json",
    "best_match_scores",
]
