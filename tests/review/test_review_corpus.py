"""Red-team review of corpus mode (issue 16: solved clusters, --rethreshold, stored unit hashes, kernels).

Each test here reproduces a bug found in review and is marked ``xfail(strict=True)``
so the suite stays green until the fix lands (then the mark must go).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.cli import main
from dedup.corpus import CorpusConfig, dedup_records
from dedup.testing import synthetic_paragraphs, synthetic_sentences

ROOT = Path(__file__).resolve().parents[2]
FAST = CorpusConfig(clean=False)
COMMON = ["--no-clean", "--workers", "1", "-q", "--no-checkpoint"]


def _sentences(seed: int, n: int) -> list[str]:
    """Distinct synthetic sentences (ending in 。), shortest first."""
    return sorted(synthetic_sentences(seed, n), key=len)


def _chain_jsonl(path: Path, docs: int = 80, width: int = 12) -> Path:
    """Document i is sentences i..i+width-1 of one stream: neighbours are near-duplicates, ends are not."""
    s = _sentences(7, docs + width)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(docs):
            f.write(json.dumps({"id": f"d{i:04d}", "text": "".join(s[i : i + width])}, ensure_ascii=False) + "\n")
    return path


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != ".lock":
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def _decisions(report: Path) -> list[tuple[str, str | None]]:
    return [(r["id"], r["duplicate_of"]) for r in map(json.loads, report.read_text(encoding="utf-8").splitlines())]


# ---------------------------------------------------------------------------- incremental + solving


def _kept_again_records() -> list[dict[str, str]]:
    """A kept, B a direct copy of A, C more complete than A and matching A but not B."""
    sents = _sentences(21, 40)
    body, long_, short = sents[10:21], sents[30:], sents[:10]
    return [
        {"id": "A", "text": "".join(body + [long_[0]])},
        {"id": "B", "text": "".join([short[0]] + body)},
        {"id": "C", "text": "".join(body[1:] + long_[:3])},
    ]


def test_an_earlier_duplicate_revised_to_kept_is_written_somewhere(tmp_path: Path) -> None:
    """Run 1: A kept, B a duplicate of A. Run 2: C, more complete, matches A but not B.

    Solving removes A in favour of C and keeps B (B is not a direct match of C):
    the whole corpus in one run writes B. Incrementally, B's revision says
    "kept" but B was never in run 1's output and is not in run 2's: the union
    of the outputs, with revised removals retracted, loses B's text.
    """
    recs = _kept_again_records()
    whole_kept = {d.id for d in dedup_records(recs, FAST) if d.kept}
    assert whole_kept == {"B", "C"}, "the scenario: one run keeps B and C"
    written: dict[str, str] = {}
    latest: dict[str, bool] = {}
    for part in (recs[:2], recs[2:]):
        for d in dedup_records(part, FAST, index=tmp_path / "index"):
            latest[d.id] = d.kept
            if d.kept and d.text is not None:
                written[d.id] = d.text
    assert latest == {"A": False, "B": True, "C": True}, "the reports applied in order agree with the whole run"
    assert {i for i in written if latest[i]} == whole_kept, "a document the reports call kept has its text in no output"
    whole_text = {d.id: d.text for d in dedup_records(recs, FAST) if d.kept}
    assert written["B"] == whole_text["B"], "written as the whole run writes it"


def test_an_earlier_duplicate_kept_again_is_said_not_silent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Until the index keeps texts, such a document is at least named: a note on its revision, a warning line."""
    recs = _kept_again_records()
    index = tmp_path / "index"
    for n, part in enumerate((recs[:2], recs[2:])):
        src = tmp_path / f"part{n}.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part), encoding="utf-8")
        rep = tmp_path / f"r{n}.jsonl"
        assert main(["corpus", str(src), "-o", str(tmp_path / f"o{n}.jsonl"), "--report", str(rep), "--index", str(index), *COMMON]) == 0
    rows = {r["id"]: r for r in map(json.loads, rep.read_text(encoding="utf-8").splitlines())}
    assert rows["B"]["revised"] and rows["B"]["duplicate_of"] is None and "kept again" in rows["B"]["note"]
    err = capsys.readouterr().err
    assert "1 earlier duplicates are kept again" in err


# ---------------------------------------------------------------------------- outputs inside the index


def _build_index(tmp_path: Path) -> tuple[Path, Path]:
    src = _chain_jsonl(tmp_path / "c.jsonl")
    index = tmp_path / "index"
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--index", str(index), *COMMON]) == 0
    return src, index


@pytest.mark.parametrize("option", ["--report", "-o"])
def test_an_output_inside_the_index_is_refused(tmp_path: Path, option: str, capsys: pytest.CaptureFixture[str]) -> None:
    src, index = _build_index(tmp_path)
    (seg,) = index.glob("seg-*")
    before = _tree_digest(index)
    more = _chain_jsonl(tmp_path / "more.jsonl", docs=20)
    more.write_text(more.read_text(encoding="utf-8").replace('"d0', '"e0'), encoding="utf-8")
    args = ["corpus", str(more), "--index", str(index), *COMMON]
    args += ["-o", str(tmp_path / "o2.jsonl"), "--report", str(seg / "keys.bin")] if option == "--report" else ["-o", str(seg / "keys.bin")]
    capsys.readouterr()
    code = main(args)
    err = capsys.readouterr().err
    assert (seg / "keys.bin").read_bytes()[:1] != b"{", "the index's keys were replaced by a JSON file"
    assert code == 2 and err.startswith("dedup-text: error: "), (code, err)
    assert _tree_digest(index) == before


def test_rethreshold_report_inside_the_index_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, index = _build_index(tmp_path)
    (verified,) = index.glob("verified-*.npz")
    before = _tree_digest(index)
    capsys.readouterr()
    code = main(["corpus", "--index", str(index), "--rethreshold", "0.9", "--report", str(verified), "-q"])
    err = capsys.readouterr().err
    assert _tree_digest(index) == before, "--rethreshold changed the index"
    assert code == 2 and err.startswith("dedup-text: error: ") and len(err.splitlines()) == 1, (code, err)


# ---------------------------------------------------------------------------- --rethreshold


def test_rethreshold_keeps_what_the_index_was_built_to_keep(tmp_path: Path) -> None:
    src = _chain_jsonl(tmp_path / "c.jsonl")
    index = tmp_path / "index"
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--index", str(index), "--keep", "earliest", *COMMON]) == 0
    assert main(["corpus", str(src), "-o", str(tmp_path / "f.jsonl"), "--report", str(tmp_path / "fresh.jsonl"), "--keep", "earliest", "--threshold", "0.9", *COMMON]) == 0
    assert main(["corpus", "--index", str(index), "--rethreshold", "0.9", "--report", str(tmp_path / "re.jsonl"), "-q"]) == 0
    # either the index remembers its policy, or a rethreshold without --keep is refused: never silently another one
    assert _decisions(tmp_path / "re.jsonl") == _decisions(tmp_path / "fresh.jsonl")


@pytest.mark.parametrize("extra", [["--threshold", "0.5"], ["--html", "page.html"]])
def test_rethreshold_with_options_it_ignores_is_a_usage_error(tmp_path: Path, extra: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _, index = _build_index(tmp_path)
    extra = [tmp_path / x if x.endswith(".html") else x for x in extra]  # type: ignore[misc]
    capsys.readouterr()
    code = main(["corpus", "--index", str(index), "--rethreshold", "0.9", "-q", *map(str, extra)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("dedup-text: error: "), (code, err)


# ---------------------------------------------------------------------------- kernels: the ready marker


def test_a_second_install_sharing_the_numba_cache_is_not_told_it_is_compiled(tmp_path: Path) -> None:
    cache = tmp_path / "numba-cache"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    env.pop("DEDUP_KERNEL", None)
    # install A (this tree) compiles its kernels and marks the shared cache ready
    subprocess.run([sys.executable, "-m", "dedup.fingerprint._warm"], env={**env, "PYTHONPATH": str(ROOT)}, check=True, timeout=900)
    # install B: the same package at another path (a second venv, a reinstall elsewhere, another checkout)
    other = tmp_path / "other"
    shutil.copytree(ROOT / "dedup", other / "dedup", ignore=shutil.ignore_patterns("__pycache__"))
    probe = (
        "from dedup.corpus import CorpusConfig, fingerprint_batch\n"
        "from dedup.fingerprint import kernels\n"
        "from dedup.testing import make_corpus\n"
        "ready = kernels.kernels_ready()\n"
        "fingerprint_batch([r['text'] for r in make_corpus(3, 400).records], CorpusConfig(clean=False))\n"
        "mod = kernels._compiled() if kernels._compiled.cache_info().currsize else None\n"
        "misses = sum(sum(getattr(mod, n).stats.cache_misses.values()) for n in dir(mod) if hasattr(getattr(mod, n), 'stats')) if mod else 0\n"
        "print(ready, misses)\n"
        "import time; time.sleep(1)\n"
        "with kernels.compile_lock():\n"
        "    pass  # a background compilation this started has finished: nothing left running\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], env={**env, "PYTHONPATH": str(other)}, cwd=other, capture_output=True, text=True, check=True, timeout=900).stdout.split()
    ready, misses = out[0] == "True", int(out[1])
    # "ready" must mean this install loads its kernels from the cache: no compilation in the run
    assert not (ready and misses), f"told ready, then compiled {misses} kernels in process"


# ---------------------------------------------------------------------------- giant / template clusters


def test_a_template_cluster_below_the_size_rule_is_still_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 200 pages: one frame of 12 sentences, a different fill sentence in each (Marin #6851 in small)
    s = _sentences(5, 212)
    frame, fills = s[:12], s[12:]
    src = tmp_path / "template.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i, fill in enumerate(fills):
            f.write(json.dumps({"id": f"t{i:03d}", "text": "".join(frame[:6]) + fill + "".join(frame[6:])}, ensure_ascii=False) + "\n")
    rep = tmp_path / "report.jsonl"
    capsys.readouterr()
    assert main(["corpus", str(src), "-o", str(tmp_path / "out.jsonl"), "--report", str(rep), "--no-clean", "--workers", "1", "--stats"]) == 0
    err = capsys.readouterr().err.splitlines()
    removed = [r for r in map(json.loads, rep.read_text(encoding="utf-8").splitlines()) if r["duplicate_of"]]
    assert len(removed) >= 150, "the frame makes them near-duplicates: nearly all removed"
    assert any("warning: cluster" in line for line in err), "199 of 200 template pages removed without a warning"
    (named,) = json.loads(err[-1])["giant_clusters"]
    assert named["why"] == "template" and named["size"] >= 150 and named["template_share"] >= 0.5, named
    assert sum("warning: cluster" in line for line in err) == 1
    rows = list(map(json.loads, rep.read_text(encoding="utf-8").splitlines()))
    assert {r.get("warning") for r in rows if r["cluster_size"] == named["size"]} == {"template cluster"}


def test_a_chain_is_not_called_a_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Neighbours in a chain share most of their text, but no text is shared by most of the chain."""
    src = _chain_jsonl(tmp_path / "c.jsonl", docs=300, width=8)
    rep = tmp_path / "report.jsonl"
    capsys.readouterr()
    assert main(["corpus", str(src), "-o", str(tmp_path / "out.jsonl"), "--report", str(rep), *COMMON, "--stats"]) == 0
    err = capsys.readouterr().err.splitlines()
    rows = list(map(json.loads, rep.read_text(encoding="utf-8").splitlines()))
    assert max(r["cluster_size"] for r in rows) >= 20, "the scenario: clusters above the template rule's size"
    assert json.loads(err[-1])["giant_clusters"] == [] and not any("warning" in r for r in rows), err


def test_rethreshold_reads_a_read_only_index(tmp_path: Path) -> None:
    if os.geteuid() != 0:  # pragma: no cover - CI runs as root; a bind mount needs it
        pytest.fail("needs root for a read-only bind mount")
    _, index = _build_index(tmp_path)
    (index / ".lock").unlink(missing_ok=True)
    ro = tmp_path / "ro"
    ro.mkdir()
    subprocess.run(["mount", "--bind", str(index), str(ro)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=True)
        proc = subprocess.run(
            [sys.executable, "-m", "dedup.cli", "corpus", "--index", str(ro), "--rethreshold", "0.9", "--report", str(tmp_path / "re.jsonl"), "-q"],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        subprocess.run(["umount", str(ro)], check=True)
    assert proc.returncode == 0, proc.stderr
    assert len((tmp_path / "re.jsonl").read_text(encoding="utf-8").splitlines()) == 80


def test_pairs_near_the_threshold_show_both_sides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import random

    rng = random.Random(11)
    bases = synthetic_paragraphs(17, 40, min_chars=200, max_chars=300)
    src = tmp_path / "graded.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i, base in enumerate(bases):
            f.write(json.dumps({"id": f"b{i:03d}", "text": base}, ensure_ascii=False) + "\n")
            # copies edited by 3-20 % of their characters: similarities spread across 0.85
            for j, share in enumerate((0.03, 0.06, 0.09, 0.12, 0.15, 0.2)):
                chars = list(base)
                for pos in rng.sample(range(len(chars)), int(share * len(chars))):
                    chars[pos] = rng.choice(bases[(i + 1) % len(bases)])
                f.write(json.dumps({"id": f"b{i:03d}-{j}", "text": "".join(chars)}, ensure_ascii=False) + "\n")
    index = tmp_path / "index"
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--index", str(index), *COMMON]) == 0
    capsys.readouterr()
    assert main(["corpus", "--index", str(index), "--rethreshold", "0.85", "--stats", "-q"]) == 0
    near = json.loads(capsys.readouterr().err.splitlines()[-1])["near_threshold"]
    assert near and any(r["accepted"] for r in near)
    assert any(not r["accepted"] for r in near), f"all {len(near)} pairs 'near 0.85' are accepted: {[r['similarity'] for r in near]}"
    assert all(0.7 <= r["similarity"] < 0.85 for r in near if not r["accepted"]), near


# ---------------------------------------------------------------------------- containment is one-way


def test_a_document_is_never_removed_for_containing_the_one_kept() -> None:
    """--keep earliest used to remove the longer article as 'contained' (1.0) in its earlier excerpt.

    Containment is measured against the smaller shingle set, so only the contained side may go: the
    article stays (the excerpt, kept first by the policy, stays too: a missed duplicate, never a loss).
    """
    p = synthetic_paragraphs(4, 12, min_chars=200, max_chars=250)
    excerpt, article = p[0], p[0] + "\n" + p[1]
    docs = {d.id: d for d in dedup_records([{"id": "excerpt", "text": excerpt}, {"id": "article", "text": article}], CorpusConfig(clean=False, keep="earliest"))}
    assert docs["article"].kept
    for d in docs.values():
        if not d.kept:
            kept_text = {"excerpt": excerpt, "article": article}[d.duplicate_of]
            assert len(kept_text) >= len(d.record["text"]), f"{d.id} ({len(d.record['text'])} chars) removed as {d.match} in {d.duplicate_of} ({len(kept_text)} chars)"


def test_a_page_with_more_distinct_text_is_not_removed_as_contained_in_a_repetitive_one() -> None:
    p = synthetic_paragraphs(4, 12, min_chars=200, max_chars=250)
    repeated = "\n".join([p[0]] * 3)  # a scraping artefact: one paragraph three times
    extended = p[0] + "\n" + p[1]
    docs = {d.id: d for d in dedup_records([{"id": "repeated", "text": repeated}, {"id": "extended", "text": extended}], FAST)}
    assert docs["extended"].kept, f"'extended' removed as {docs['extended'].match} ({docs['extended'].score}) in 'repeated': its second paragraph is in no kept document"


# ---------------------------------------------------------------------------- the review page


def test_review_page_shows_each_copy_against_its_own_representative(tmp_path: Path) -> None:
    import re

    src = _chain_jsonl(tmp_path / "c.jsonl")
    page = tmp_path / "page.html"
    rep = tmp_path / "report.jsonl"
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--report", str(rep), "--html", str(page), *COMMON]) == 0
    rows = [json.loads(x) for x in rep.read_text(encoding="utf-8").splitlines()]
    assert len({r["duplicate_of"] for r in rows if r["duplicate_of"]}) > 1, "the chain is solved with several representatives"
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'<div class="copy[^"]*" id="[^"]+" data-doc="[^"]+"><p class="scores">.*?<a href="#([^"]+)">([^<]+)</a>', html)
    assert links
    labels: dict[str, set[str]] = {}
    for href, label in links:
        labels.setdefault(href, set()).add(label)
    # one anchor, one document: a copy's "duplicate of X" must link to (and be compared with) X itself
    assert all(len(v) == 1 for v in labels.values()), {k: sorted(v) for k, v in labels.items() if len(v) > 1}
