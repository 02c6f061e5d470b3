"""The bounds of a review page: what keeps it small and fast whatever the input size."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewConfig:
    """Bounds that keep the page small and fast whatever the input size."""

    #: items per page in the paged lists (paragraphs, clusters, edits, dropped spans)
    page_size: int = 100
    #: texts longer than this (either side) are shown without a character diff
    max_diff_chars: int = 20_000
    #: copies shown side by side per cluster (the rest are counted)
    max_copies: int = 30
    #: scored pairs listed per cluster
    max_pairs: int = 200
    #: paragraphs whose best match goes into the histogram (an even sample beyond)
    max_histogram_items: int = 5_000
    #: histogram bins over [0, 1]
    bins: int = 20
    #: run :func:`dedup.report.check` on inputs up to this many characters
    verify_max_chars: int = 5_000_000
    #: removed text longer than this is excerpted in the edit list (it is shown in full under "Dropped spans")
    excerpt_chars: int = 80
    #: corpus mode: clusters shown (largest first) and documents shown per cluster
    max_clusters: int = 50
    max_members: int = 20
    #: corpus mode: characters of each document shown
    max_doc_chars: int = 20_000
