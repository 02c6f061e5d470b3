"""CPU per stage of ``dedup.clean`` over the news-sized documents of ``clean_speed.py news``.

    python benchmarks/clean_stages.py                      # min over 4 passes, this checkout
    PYTHONPATH=/tmp/b18 python benchmarks/clean_stages.py  # another checkout's dedup (named in the output)

Each stage the pipeline calls (``fix_unicode``, ``stitch``, ``repair_units``, ``matching_key``,
``find_clusters``, ``Reconstructor.run``, ``layout``, ``build_report``) is wrapped in a CPU timer in
one warm process; before each pass the remembered answers (``covers``, sentence keys, ``is_cjk``,
sentence ranges, matching keys) are emptied, so a pass costs what one run of each document costs.
Prints one JSON line: the minimum over the passes of each stage's total, and of the whole.  Alternate
two checkouts a few times and compare minima: on the shared machine one run's figure moves by ±10 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: the pipeline's module-level names of its stages, timed where the pipeline calls them
STAGES = ("fix_unicode", "stitch", "repair_units", "matching_key", "find_clusters", "layout", "segment")


def _timed(spent: dict[str, float], label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, adding its CPU time to ``spent[label]``."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - t

    return timed


def _instrument(spent: dict[str, float]) -> None:
    """Wrap every stage of :func:`dedup.pipeline.clean` in a timer."""
    import dedup.pipeline as pipeline
    import dedup.reconstruct as reconstruct
    import dedup.report as report

    for name in STAGES:
        setattr(pipeline, name, _timed(spent, name, getattr(pipeline, name)))
    report.build_report = _timed(spent, "build_report", report.build_report)
    reconstruct.Reconstructor.run = _timed(spent, "reconstruction", reconstruct.Reconstructor.run)


def _forget() -> None:
    """Empty the remembered answers, as a fresh run of each document would find them."""
    from dedup import invariant, segment
    from dedup.fingerprint import keys

    invariant.remembered_sentence_key.cache_clear()
    invariant.remembered_is_cjk.cache_clear()
    for cell in invariant.remembered_covers.__closure__ or ():
        if hasattr(cell.cell_contents, "cache_clear"):
            cell.cell_contents.cache_clear()
    segment.sentences.cache_clear()  # type: ignore[attr-defined]
    keys._matching_key_memo.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=4, help="passes over the documents (the minimum is printed)")
    args = parser.parse_args()
    import dedup  # (first: ``clean_speed`` puts this checkout on the path, PYTHONPATH's comes before it)
    from clean_speed import news_documents

    spent: dict[str, float] = {}
    _instrument(spent)
    docs = news_documents()
    for d in docs[:2]:  # imports and the lexicon: not what is measured
        dedup.clean(d)
    best: dict[str, float] = {}
    for _ in range(args.passes):
        spent.clear()
        _forget()
        t = time.process_time()
        for d in docs:
            dedup.clean(d)
        spent["whole"] = time.process_time() - t
        for k, v in spent.items():
            best[k] = min(best.get(k, float("inf")), v)
    row: dict[str, Any] = {"checkout": str(Path(dedup.__file__).resolve().parent.parent)}
    row.update((k, round(v, 4)) for k, v in sorted(best.items(), key=lambda kv: -kv[1]))
    print(json.dumps(row))


if __name__ == "__main__":
    main()
