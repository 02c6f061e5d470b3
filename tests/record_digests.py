"""Digests of what dedup prints: the cases of the differential test, and the command that records them.

``tests/test_output_digests.py`` runs every case below and compares the sha256 of
its cleaned text and of its report with ``tests/digests/outputs.json``.  The
digests say "outputs and reports are byte-identical to the version they were
recorded from" (issues 14 and 15: refactors and speed-ups must not change what
users get).  A change that is *meant* to change outputs re-records them, with a
reason, in one command::

    python tests/record_digests.py --reason "issue 13: junction words from the document index"

which rewrites the ``entries`` and appends ``{commit, date, reason, changed}``
to the file's ``history``.  ``--check`` only prints which entries differ.

The cases (every one deterministic; none needs the network):

* ``sample/...``: ``dedup-text examples/seed_zh_press.txt`` through the CLI's
  ``main`` with default options and with each documented option that takes
  another path (``--repair off|aggressive``, ``--unit line``, ``--keep
  earliest``, ``--threshold``);
* ``generated/...``: :func:`dedup.clean` on documents of :mod:`dedup.testing`
  with fixed seeds: messy documents, and :func:`~dedup.testing.make_damaged_document`
  in Chinese and English for every damage class of the language (each with
  ``repeat``, which most classes need to show), plus one with every class;
* ``external/...``: :func:`~dedup.testing.damaged_set` from the evaluation data
  the tests and benchmarks use (wiki-zh-200, SogouCS, Clough-Stevenson) and raw
  SogouCS pages; they need ``../shared/data/external`` (skipped on a bare clone,
  required in CI);
* ``corpus/...``: :func:`dedup.corpus.dedup_records` on a
  :func:`~dedup.testing.make_corpus` corpus: the kept records (JSONL) and the
  report lines.

Reports are compared without the fields that vary between equal runs: the
tool's version (a release bump is not an output change) and the input's path,
of which only the file name is kept (the checkout's location is not an
output).  Nothing else in a report varies: no report field holds a timing
(corpus timings live in ``--stats``, which is not a report), which
``test_output_digests.py`` checks.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: this checkout's dedup, not an installed one
    sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "examples" / "seed_zh_press.txt"
DIGESTS = Path(__file__).resolve().parent / "digests" / "outputs.json"
GROUPS = ("sample", "generated", "external", "corpus")

#: CLI options of the sample cases: each takes another path through the cleaner
SAMPLE_OPTIONS: dict[str, tuple[str, ...]] = {
    "default": (),
    "repair-off": ("--repair", "off"),
    "repair-aggressive": ("--repair", "aggressive"),
    "unit-line": ("--unit", "line"),
    "keep-earliest": ("--keep", "earliest"),
    "threshold-0.6": ("--threshold", "0.6"),
}

#: report fields replaced before hashing, and why (see the module docstring)
MASKED = {("tool", "version"): "a release bump is not an output change", ("input", "source"): "only the file name is kept"}

Output = tuple[str, str]  # (cleaned text, report JSON)


@dataclass(frozen=True)
class Case:
    """One run whose output and report are pinned: ``run(external)`` gives (text, report JSON)."""

    name: str
    run: Callable[[Path | None], Output]

    @property
    def group(self) -> str:
        return _group(self.name)


def _group(name: str) -> str:
    """The group of an entry name (``sample/default`` → ``sample``)."""
    return name.split("/", 1)[0]


# --- what is hashed -------------------------------------------------------------------------------


def _dump(data: Any) -> str:
    """A report as the CLI writes it (``Report.to_json()`` plus a newline)."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def stable_report(raw: str) -> str:
    """``raw`` (a report as written) with the fields of :data:`MASKED` replaced.

    When ``raw`` is not formatted as :func:`_dump` formats it, it is returned
    unchanged, so that a change of the report's formatting changes its digest too.
    """
    data = json.loads(raw)
    if _dump(data) != raw or not isinstance(data, dict):
        return raw
    tool, inp = data.get("tool", {}), data.get("input", {})
    if "version" in tool:
        tool["version"] = "*"
    if inp.get("source") is not None:
        inp["source"] = Path(inp["source"]).name
    return _dump(data)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def digest(output: Output) -> dict[str, str]:
    """The stored form of a case's output: sha256 of the text and of the stable report."""
    text, report = output
    return {"text": sha256(text), "report": sha256(stable_report(report))}


# --- the cases ------------------------------------------------------------------------------------


def _sample_run(options: tuple[str, ...]) -> Callable[[Path | None], Output]:
    def run(_external: Path | None) -> Output:
        from dedup.cli import main

        with tempfile.TemporaryDirectory() as d:
            out, rep = Path(d, "out.txt"), Path(d, "report.json")
            code = main([str(SAMPLE), *options, "-o", str(out), "--report", str(rep), "-q"])
            if code != 0:
                raise RuntimeError(f"dedup-text {' '.join(options)} exited {code}")
            return out.read_bytes().decode("utf-8"), rep.read_bytes().decode("utf-8")

    return run


def _clean(text: str) -> Output:
    from dedup import clean

    result = clean(text)
    return result.text, result.report.to_json() + "\n"


def _messy(seed: int, n: int, markers: bool) -> Callable[[Path | None], Output]:
    def run(_external: Path | None) -> Output:
        from dedup.testing import make_messy_document, synthetic_paragraphs

        return _clean(make_messy_document(synthetic_paragraphs(seed, n, min_chars=30, max_chars=160), seed, markers=markers).text)

    return run


def _damaged(language: str, classes: tuple[str, ...], seed: int) -> Callable[[Path | None], Output]:
    def run(_external: Path | None) -> Output:
        from dedup.testing import make_damaged_document, synthetic_english_paragraphs, synthetic_paragraphs

        paras = synthetic_paragraphs(seed, 4, min_chars=30, max_chars=200) if language == "zh" else synthetic_english_paragraphs(seed, 4)
        return _clean(make_damaged_document(paras, seed, language=language, classes=classes).text)

    return run


def _language_classes(language: str) -> list[str]:
    """The damage classes :func:`~dedup.testing.make_damaged_document` plants in ``language``."""
    from dedup.testing import DAMAGE_CLASSES

    other_only = {"zh": {"caps", "linebreak", "abbrev"}, "en": {"trad"}}[language]
    return [c for c in DAMAGE_CLASSES if c not in other_only]


def _external_set(kind: str, k: int) -> Callable[[Path | None], Output]:
    def run(external: Path | None) -> Output:
        if external is None:
            raise FileNotFoundError("external data")
        return _clean(_external_documents(external, kind)[k])

    return run


#: how many documents of each external set are pinned
EXTERNAL_SETS = {"zh": 8, "zh-sample-like": 3, "en": 8, "sogou-page": 4}
_external_cache: dict[tuple[str, str], list[str]] = {}


def _external_documents(external: Path, kind: str) -> list[str]:
    """The texts of external set ``kind`` (built once per process: loading the data is the slow part)."""
    key = (str(external), kind)
    if key not in _external_cache:
        from dedup.testing import damaged_set, sogou_pages

        n = EXTERNAL_SETS[kind]
        if kind == "zh":
            docs = [d.text for d in damaged_set(external, "zh", n, 0)]
        elif kind == "zh-sample-like":
            docs = [d.text for d in damaged_set(external, "zh", n, 2, like_sample=True)]
        elif kind == "en":
            docs = [d.text for d in damaged_set(external, "en", n, 3)]
        else:  # raw news pages, as the sogou corpus prints them: the longest few
            pages = sorted(sogou_pages(external), key=lambda p: (-len(p), p))[:n]
            docs = ["\n\n".join(p) + "\n" for p in pages]
        _external_cache[key] = docs
    return _external_cache[key]


def _corpus(seed: int, n_docs: int) -> Callable[[Path | None], Output]:
    def run(_external: Path | None) -> Output:
        from dedup.corpus import CorpusConfig, dedup_records
        from dedup.testing import make_corpus

        docs = list(dedup_records(make_corpus(seed, n_docs).records, CorpusConfig(), workers=1))
        kept = "".join(json.dumps({"id": d.id, "text": d.text}, ensure_ascii=False) + "\n" for d in docs if d.kept)
        # one JSON document holding the report lines, so that stable_report applies to it too
        return kept, _dump([d.report() for d in docs])

    return run


def cases() -> list[Case]:
    """Every pinned case, in a fixed order."""
    out = [Case(f"sample/{name}", _sample_run(opts)) for name, opts in SAMPLE_OPTIONS.items()]
    for seed in range(6):
        out.append(Case(f"generated/messy-{seed}", _messy(seed, 3 + seed, markers=True)))
    out.append(Case("generated/messy-nomarkers", _messy(17, 5, markers=False)))
    seed = 100
    for language in ("zh", "en"):
        for cls in _language_classes(language):
            classes = ("repeat",) if cls == "repeat" else ("repeat", cls)
            out.append(Case(f"generated/{language}-{cls}", _damaged(language, classes, seed)))
            seed += 1
        out.append(Case(f"generated/{language}-all", _damaged(language, tuple(_language_classes(language)), seed)))
        seed += 1
    for kind, n in EXTERNAL_SETS.items():
        out += [Case(f"external/{kind}-{k}", _external_set(kind, k)) for k in range(n)]
    out.append(Case("corpus/make_corpus-11-150", _corpus(11, 150)))
    return out


def compute(group: str, external: Path | None) -> dict[str, dict[str, str]]:
    """The digests of every case of ``group``."""
    return {c.name: digest(c.run(external)) for c in cases() if c.group == group}


# --- the stored file ------------------------------------------------------------------------------


def load(path: Path = DIGESTS) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def differences(stored: dict[str, dict[str, str]], now: dict[str, dict[str, str]]) -> list[str]:
    """One line per entry that is not as stored: which part changed, or that it is new or gone."""
    lines = []
    for name in sorted(set(stored) | set(now)):
        if name not in now:
            lines.append(f"{name}: stored but no longer a case")
        elif name not in stored:
            lines.append(f"{name}: new case, not stored")
        else:
            parts = [p for p in ("text", "report") if stored[name].get(p) != now[name][p]]
            if parts:
                lines.append(f"{name}: {' and '.join(parts)} {'differ' if len(parts) > 1 else 'differs'}")
    return lines


def _commit() -> str:
    """The commit the digests are recorded from (with ``+dirty`` when the package has uncommitted changes)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--", "dedup") else "")


def _external_or_none() -> Path | None:
    from dedup.testing import external_data_dir

    try:
        return external_data_dir(ROOT)
    except FileNotFoundError:
        return None


def _computed(groups: tuple[str, ...], external: Path | None) -> dict[str, dict[str, str]]:
    now: dict[str, dict[str, str]] = {}
    for group in groups:
        if group == "external" and external is None:
            print("record_digests: no ../shared/data/external: the external entries are kept as stored", file=sys.stderr)
            continue
        now.update(compute(group, external))
    return now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Record (or --check) the output digests of tests/test_output_digests.py.")
    parser.add_argument("--reason", help="why the outputs changed (required to record)")
    parser.add_argument("--check", action="store_true", help="only print the entries that differ")
    parser.add_argument("--group", action="append", choices=GROUPS, help="only these groups (repeatable; default all)")
    args = parser.parse_args(argv)
    if not args.check and not args.reason:
        parser.error("say why the outputs changed: --reason TEXT (or --check)")
    groups = tuple(args.group or GROUPS)
    stored = load() if DIGESTS.exists() else {"entries": {}, "history": []}
    now = _computed(groups, _external_or_none())
    done = {_group(n) for n in now}  # the groups computed (external only with its data)
    old = {k: v for k, v in stored["entries"].items() if _group(k) in done}
    diff = differences(old, now)
    print("\n".join(diff) if diff else "all entries as stored")
    if args.check:
        return 1 if diff else 0
    entries = {k: v for k, v in stored["entries"].items() if _group(k) not in done}
    entries.update(now)
    history = list(stored.get("history", []))
    new = [line for line in diff if line.endswith(": new case, not stored")]
    changed = [line for line in diff if line not in new] + ([f"{len(new)} new cases"] if new else [])
    history.append({"commit": _commit(), "date": datetime.date.today().isoformat(), "reason": args.reason, "changed": changed})
    doc = {
        "about": "sha256 of cleaned text and report per case of tests/record_digests.py; rewrite with: python tests/record_digests.py --reason TEXT",
        "masked_report_fields": {".".join(k): why for k, why in MASKED.items()},
        "entries": {k: entries[k] for k in sorted(entries, key=lambda n: (GROUPS.index(_group(n)), n))},
        "history": history,
    }
    DIGESTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = DIGESTS.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, DIGESTS)
    print(f"record_digests: {len(now)} entries recorded in {DIGESTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
