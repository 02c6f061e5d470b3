"""Corpus mode: clusters against known truth, determinism, incremental runs, engines, the sogou sample."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup.testing as dt
from dedup.cli import main
from dedup.corpus import BoilerplateConfig, CorpusConfig, CorpusRun, bucket_pairs, dedup_records, keepers
from dedup.testing import make_corpus, pair_scores

FAST = CorpusConfig(clean=False)


def _clusters(docs) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    by: dict[str, set[str]] = {}
    for d in docs:
        by.setdefault(d.cluster, set()).add(d.id)
    return {frozenset(v) for v in by.values()}


def _write_jsonl(path: Path, records) -> Path:  # type: ignore[no-untyped-def]
    path.write_bytes(b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records))
    return path


def _lines(path: Path) -> list[dict]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


# ---------------------------------------------------------------------------- truth


def test_generated_corpus_precision_and_recall():
    corpus = make_corpus(11, 1000)
    docs = list(dedup_records(corpus.records, FAST))
    assert [d.id for d in docs] == [r["id"] for r in corpus.records]
    p, r = pair_scores([corpus.truth[d.id] for d in docs], [d.cluster for d in docs])
    assert p >= 0.97 and r >= 0.97, (p, r)
    # every duplicate points at a kept member of its own cluster, and says why
    kept = {d.id for d in docs if d.kept}
    for d in docs:
        if d.duplicate_of is not None:
            assert d.duplicate_of in kept and d.cluster == d.duplicate_of
            assert d.match in ("identical", "similar", "contained") and 0 < d.score <= 1
        else:
            assert d.cluster == d.id and d.score is None


def test_keep_policy_prefers_the_most_complete_copy():
    base = "推进义务教育优质均衡发展，助力双减政策落地见效，各地教育部门持续发力。学校课后服务覆盖面不断扩大，家长满意度明显提升。"
    records = [
        {"id": "short", "text": base[:36]},  # a truncated copy: contained, not similar
        {"id": "full", "text": base},
        {"id": "full-again", "text": base},
        {"id": "other", "text": "完全无关的一篇报道，讲述的是另一座城市的交通建设进展情况。"},
    ]
    docs = {d.id: d for d in dedup_records(records, FAST)}
    assert docs["short"].duplicate_of == "full" and docs["short"].match == "contained"
    assert docs["full-again"].duplicate_of == "full" and docs["full-again"].score == 1.0
    assert docs["other"].kept and docs["other"].cluster == "other"
    earliest = {d.id: d for d in dedup_records(records, CorpusConfig(clean=False, keep="earliest"))}
    # the earliest copy is the truncated one; the full text contains it, so the full text may not go
    # in its favour (it once did, "contained", and its second sentence was lost): both stay
    assert earliest["short"].kept and earliest["full"].kept
    assert earliest["full-again"].duplicate_of == "full"


def test_keepers_majority_then_earliest():
    comp = np.array([0, 0, 0, 0])
    # equal lengths: the key two members share wins over the earlier singleton reading
    assert keepers(comp, np.array([5, 5, 5, 5]), np.array([9, 7, 7, 8], np.uint64), "most_complete").tolist() == [1, 1, 1, 1]


def test_bucket_pairs_do_not_depend_on_row_order():
    rng = np.random.default_rng(0)
    n = 400
    band = rng.integers(0, 3, n)
    hashes = rng.integers(0, 20, n).astype(np.uint64)
    docs = rng.permutation(n)
    rank = (docs * 7919) % n
    ref = bucket_pairs(band, hashes, docs, rank, 6)
    perm = rng.permutation(n)
    assert np.array_equal(ref, bucket_pairs(band[perm], hashes[perm], docs[perm], rank[perm], 6))
    assert (ref[:, 0] < ref[:, 1]).all()


def _bucket_pairs_one_run_at_a_time(band, hashes, docs, rank, limit):  # type: ignore[no-untyped-def]
    """The rule of bucket_pairs, written as a plain loop over (band, hash) runs."""
    runs: dict = {}
    for b, h, d, r in zip(band.tolist(), hashes.tolist(), docs.tolist(), rank.tolist()):
        runs.setdefault((b, h), []).append((r, d))
    out = set()
    for members in runs.values():
        m = [d for _, d in sorted(members)]
        if len(m) * (len(m) - 1) // 2 <= limit:
            pairs = list(itertools.combinations(m, 2))
        else:
            pairs = [(m[0], x) for x in m[1:]] + list(zip(m, m[1:]))
        out |= {(min(a, b), max(a, b)) for a, b in pairs if a != b}
    return sorted(out)


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 6), st.integers(0, 40)), max_size=80), st.integers(1, 12))
def test_bucket_pairs_equal_a_plain_loop_over_runs(rows, limit):
    band = np.array([r[0] for r in rows], dtype=np.int64)
    hashes = np.array([r[1] for r in rows], dtype=np.uint64)
    docs = np.array([r[2] for r in rows], dtype=np.int64)
    rank = (docs * 7919) % 41  # distinct per document, as real ranks are
    got = bucket_pairs(band, hashes, docs, rank, limit)
    assert [tuple(p) for p in got.tolist()] == _bucket_pairs_one_run_at_a_time(band, hashes, docs, rank, limit)


_KEY_WORDS = ["推进义务教育", "优质均衡发展", "助力双减", "政策落地见效", "课后服务", "覆盖面", "不断扩大", "the cat", " sat on", " the mat", "一"]


@given(st.lists(st.tuples(st.lists(st.sampled_from(_KEY_WORDS), max_size=12), st.lists(st.sampled_from(_KEY_WORDS), max_size=12)), min_size=1, max_size=15))
def test_batched_verification_gives_score_pair_numbers(word_pairs):
    from dedup.cluster import score_pair
    from dedup.corpus import REASONS, corpus_match, verify_pairs
    from dedup.fingerprint.shingle import shingle_hashes

    match = corpus_match()
    items = [("".join(a), "".join(b)) for a, b in word_pairs]
    got = verify_pairs(items, match)
    for (ka, kb), row in zip(items, got.tolist()):
        p = score_pair(0, 1, [ka, kb], [shingle_hashes(ka, match.shingles), shingle_hashes(kb, match.shingles)], match)
        assert row[0] == p.accepted and REASONS[int(row[4])] == p.reason
        assert row[1:4] == pytest.approx([p.similarity, p.jaccard, p.containment], abs=1e-12)


@settings(max_examples=25)
@given(dt.corpora(max_docs=30))
def test_property_clusters_are_a_partition_and_order_independent(corpus):
    docs = list(dedup_records(corpus.records, FAST))
    assert sorted(d.id for d in docs) == sorted(r["id"] for r in corpus.records)
    by_id = {d.id: d for d in docs}
    for d in docs:
        assert by_id[d.cluster].kept and by_id[d.cluster].cluster == d.cluster
    shuffled = list(reversed(corpus.records))
    assert _clusters(dedup_records(shuffled, FAST)) == _clusters(docs)


# ---------------------------------------------------------------------------- determinism


def test_one_and_two_workers_and_hash_seeds_give_identical_bytes(tmp_path, monkeypatch):
    import subprocess
    import sys

    corpus = make_corpus(5, 300)
    src = _write_jsonl(tmp_path / "c.jsonl", corpus.records)
    outs = []
    for workers, seed in (("1", "1"), ("2", "987")):
        out, rep = tmp_path / f"o{workers}.jsonl", tmp_path / f"r{workers}.jsonl"
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(rep), "--workers", workers, "--batch-size", "64", "-q", "--no-clean"]
        subprocess.run(cmd, check=True, env=env, timeout=300)
        outs.append((out.read_bytes(), rep.read_bytes()))
    assert outs[0] == outs[1]
    assert len(_lines(tmp_path / "r1.jsonl")) == 300


@pytest.mark.dask
def test_dask_local_cluster_matches_local_engine():
    from dedup.engines.dask import DaskEngine

    corpus = make_corpus(8, 300)
    local = [d.report() for d in dedup_records(corpus.records, FAST)]
    engine = DaskEngine(workers=2, processes=False)
    try:
        dask = [d.report() for d in dedup_records(corpus.records, CorpusConfig(clean=False, batch_size=50), engine=engine)]
    finally:
        engine.close()
    assert dask == local
    assert any(r["duplicate_of"] for r in local)


# ---------------------------------------------------------------------------- incremental


def _apply(reports: list[dict]) -> dict[str, dict]:
    """The final decision per id: later lines (revisions) replace earlier ones."""
    keys = ("id", "cluster", "duplicate_of", "score", "match", "cluster_size")
    out: dict[str, dict] = {}
    for r in reports:
        out[r["id"]] = {k: r[k] for k in keys}
    return out


def test_two_halves_incrementally_equal_the_whole(tmp_path):
    corpus = make_corpus(21, 800)
    recs = list(corpus.records)
    whole = [d.report() for d in dedup_records(recs, FAST)]
    index = tmp_path / "idx"
    first = [d.report() for d in dedup_records(recs[:400], FAST, index=index)]
    second = [d.report() for d in dedup_records(recs[400:], FAST, index=index)]
    assert [r["id"] for r in second if not r.get("revised")] == [r["id"] for r in recs[400:]]
    assert any(r.get("revised") for r in second)  # a newcomer more complete than an earlier copy
    assert _apply(first + second) == _apply(whole)
    # a third run with nothing new changes nothing, and the same ids are refused
    assert list(dedup_records([], FAST, index=index)) == []
    from dedup.errors import InputError

    with pytest.raises(InputError, match="already in the index"):
        list(dedup_records(recs[:1], FAST, index=index))


def test_index_survives_a_crash_mid_run(tmp_path):
    corpus = make_corpus(4, 300)
    recs = list(corpus.records)
    index = tmp_path / "idx"
    list(dedup_records(recs[:150], FAST, index=index))
    meta = (index / "meta.json").read_bytes()

    def crashing():
        yield from recs[150:200]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(dedup_records(crashing(), FAST, index=index))
    assert (index / "meta.json").read_bytes() == meta
    # rerunning the interrupted batch is correct (leftovers ignored and removed)
    resumed = [d.report() for d in dedup_records(recs[150:], FAST, index=index)]
    whole = [d.report() for d in dedup_records(recs, FAST)]
    first = [d.report() for d in dedup_records(recs[:150], FAST)]
    assert _apply(first + resumed) == _apply(whole)
    assert not [p for p in index.iterdir() if p.name.startswith(".pending")]


def test_index_refuses_other_fingerprint_settings(tmp_path):
    from dedup.errors import UsageError

    recs = list(make_corpus(2, 20).records)
    list(dedup_records(recs, FAST, index=tmp_path / "idx"))
    other = CorpusConfig(clean=False, boilerplate=BoilerplateConfig(unit="sentence"))
    with pytest.raises(UsageError, match="other fingerprint settings"):
        list(dedup_records(recs, other, index=tmp_path / "idx"))


# ---------------------------------------------------------------------------- boilerplate


def test_boilerplate_lines_removed_from_all_or_all_but_first():
    paras = dt.synthetic_paragraphs(3, 24, min_chars=60, max_chars=120)
    notice = "版权声明：未经授权禁止转载，违者必究。"
    records = [{"id": f"n{i}", "text": f"{paras[2 * i]}\n\n{paras[2 * i + 1]}" + (f"\n\n{notice}" if i % 2 else "")} for i in range(12)]
    docs = list(dedup_records(records, CorpusConfig(clean=False, boilerplate=BoilerplateConfig(min_docs=5))))
    with_notice = [d for d in docs if d.id in {f"n{i}" for i in range(1, 12, 2)}]
    assert all(notice not in d.text and d.boilerplate_removed == 1 and d.boilerplate_units == 1 for d in with_notice)
    assert all(d.text == records[int(d.id[1:])]["text"] for d in docs if d not in with_notice)
    assert with_notice[0].text.endswith(paras[3])
    first = list(dedup_records(records, CorpusConfig(clean=False, boilerplate=BoilerplateConfig(min_docs=5, keep="first"))))
    kept_notice = [d.id for d in first if d.text and notice in d.text]
    assert kept_notice == ["n1"]
    # below the threshold nothing is boilerplate
    few = list(dedup_records(records, CorpusConfig(clean=False, boilerplate=BoilerplateConfig(min_docs=7))))
    assert all(d.boilerplate_units == 0 and d.text == records[int(d.id[1:])]["text"] for d in few)


# ---------------------------------------------------------------------------- the SogouCS sample


def _sogou_docs(path: Path, encoding: str) -> list[dict[str, str]]:
    """An independent, plain reading of the dump (regex on the decoded text)."""
    text = path.read_bytes().decode(encoding).replace("\r\n", "\n")
    out = []
    for body in re.findall(r"<doc>(.*?)</doc>", text, re.S):
        out.append({k: re.search(rf"<{k}>(.*?)</{k}>", body, re.S).group(1) for k in ("docno", "contenttitle", "content")})
    return out


def _shingles5(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 5] for i in range(len(text) - 4))


def _jaccard(sa: frozenset[str], sb: frozenset[str]) -> float:
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


@pytest.mark.parametrize("encoding", ["gbk", "utf8"])
def test_sogou_sample_pairs_clustered_and_boilerplate_reported(external, tmp_path, encoding):
    src = external / "sogoucs-mini" / encoding / "news_sohusite_xml.smarty.dat"
    truth = _sogou_docs(src, "gb18030" if encoding == "gbk" else "utf-8")
    assert len(truth) == 200
    sets = {d["docno"]: _shingles5(d["content"]) for d in truth}
    scored = [(_jaccard(sets[a["docno"]], sets[b["docno"]]), a, b) for a, b in itertools.combinations(truth, 2) if a["content"] and b["content"]]
    identical = [(a, b) for j, a, b in scored if j == 1.0]
    near = [(a, b) for j, a, b in scored if 0.75 <= j < 1.0]
    related = {frozenset((a["docno"], b["docno"])) for j, a, b in scored if j > 0.3}
    assert (len(identical), len(near)) == (7, 3)  # what the sample's README names

    out, rep = tmp_path / "kept.jsonl", tmp_path / "report.jsonl"
    code = main(["corpus", str(src), "-o", str(out), "--report", str(rep), "--workers", "1", "-q", "--boilerplate-unit", "sentence", "--boilerplate-min-docs", "2", "--boilerplate-keep", "first"])
    assert code == 0
    report = {r["id"]: r for r in _lines(rep)}
    assert len(report) == 200
    for a, b in identical + near:
        assert report[a["docno"]]["cluster"] == report[b["docno"]]["cluster"], (a["contenttitle"], b["contenttitle"])
    # every reported duplicate is one of the sample's related pairs, never an unrelated story
    for r in report.values():
        if r["duplicate_of"]:
            assert frozenset((r["id"], r["duplicate_of"])) in related
    # the product-trial boilerplate pages: the FAQ page is wholly inside the trial-report page
    by_title = {d["contenttitle"]: d for d in truth}
    faq, page = report[by_title["我可能感兴趣的试用"]["docno"]], report[by_title["提交试用报告"]["docno"]]
    assert faq["duplicate_of"] == page["id"] and faq["match"] == "contained" and faq["score"] == 1.0
    # two different Earth Hour pages share a boilerplate sentence: kept in the first, removed from the second
    a, b = by_title["２０１１地球一小时"], by_title["搜狐公益全程记录下全球城市接力地球一小时"]
    shared = {x.strip() for x in a["content"].split("。") if len(x) > 10} & {x.strip() for x in b["content"].split("。") if len(x) > 10}
    assert shared
    ra, rb = report[a["docno"]], report[b["docno"]]
    assert ra["boilerplate_units"] >= 1 and rb["boilerplate_units"] >= 1 and rb["boilerplate_share"] >= 0.5
    assert (ra["boilerplate_removed"], rb["boilerplate_removed"]) == (0, len(shared))
    # the output decodes cleanly: valid UTF-8, no replacement characters, full-width text intact
    kept = _lines(out)
    assert len(kept) == 190
    assert all("\ufffd" not in r["text"] for r in kept)
    texts = {r["id"]: r["text"] for r in kept}
    assert all(x in texts[a["docno"]] for x in shared) and not any(x in texts[b["docno"]] for x in shared)
    assert {r["id"] for r in kept} == {i for i, r in report.items() if r["duplicate_of"] is None}


def test_sogou_both_encodings_give_the_same_bytes(external, tmp_path):
    results = []
    for enc in ("gbk", "utf8"):
        out, rep = tmp_path / f"{enc}.jsonl", tmp_path / f"{enc}.report.jsonl"
        assert main(["corpus", str(external / "sogoucs-mini" / enc / "news_sohusite_xml.smarty.dat"), "-o", str(out), "--report", str(rep), "--workers", "1", "-q", "--no-clean"]) == 0
        results.append((out.read_bytes(), rep.read_bytes()))
    assert results[0] == results[1]


def test_run_reports_stats():
    corpus = make_corpus(6, 120)
    run = CorpusRun(iter(corpus.records), FAST)
    try:
        docs = list(run)
    finally:
        run.close()
    s = run.stats
    assert s["documents"] == 120 and s["kept"] == sum(d.kept for d in docs)
    assert s["duplicates"] == 120 - s["kept"] and s["peak_rss_mib"] > 0 and s["docs_per_second"] > 0


def test_peak_memory_is_the_runs_own_not_its_parents(tmp_path: Path) -> None:
    """``--stats``' ``peak_rss_mib`` is the run's own, even when the process that starts it holds 400 MiB.

    Linux carries a parent's RSS high-water mark into the ``ru_maxrss`` of a
    child it starts (fork/vfork, then exec): a Dask driver started by the
    benchmark reported 421 MiB while its own peak was 177 MiB.  Here the
    parent is a Python process with 400 MiB touched, the run a 60-document
    corpus (well under 200 MiB); ``ru_maxrss`` as the parent sees it proves the
    inheritance is real on this machine.
    """
    import json
    import os
    import subprocess
    import sys

    src = _write_jsonl(tmp_path / "in.jsonl", make_corpus(4, 60).records)
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(tmp_path / "out.jsonl"), "--no-clean", "--workers", "1", "-q", "--stats"]
    parent = (
        "import json, resource, subprocess, sys\n"
        "ballast = bytearray(400 << 20)\n"
        "ballast[::4096] = b'\\x01' * len(range(0, len(ballast), 4096))\n"
        f"r = subprocess.run({cmd!r}, capture_output=True, text=True, timeout=600)\n"
        "print(json.dumps([r.returncode, r.stderr, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=900, env=env, check=True)
    code, stderr, inherited_mib = json.loads(proc.stdout)
    assert code == 0, stderr
    stats = json.loads(stderr.strip().splitlines()[-1])
    assert inherited_mib > 400, inherited_mib  # what getrusage says of the run
    assert 0 < stats["peak_rss_mib"] < 250, (stats["peak_rss_mib"], inherited_mib)


def test_index_is_used_by_one_run_at_a_time(tmp_path):
    from dedup.errors import UsageError
    from dedup.index import Index

    held = Index.open(tmp_path / "idx", FAST.index_settings())
    try:
        with pytest.raises(UsageError, match="in use by another run"):
            list(dedup_records(make_corpus(1, 5).records, FAST, index=tmp_path / "idx"))
    finally:
        held.close()
    assert len(list(dedup_records(make_corpus(1, 5).records, FAST, index=tmp_path / "idx"))) == 5


def test_boilerplate_does_not_make_a_copy_more_complete():
    paras = dt.synthetic_paragraphs(9, 8, min_chars=80, max_chars=160)
    notice = "相关阅读：更多精彩内容请关注本站首页"
    others = [{"id": f"o{i}", "text": f"{paras[i]}\n\n{notice}"} for i in range(6)]
    plain = {"id": "plain", "text": paras[7]}
    with_notice = {"id": "with-notice", "text": f"{paras[7]}\n\n{notice}"}
    docs = {d.id: d for d in dedup_records([*others, plain, with_notice], FAST)}
    # same content once the boilerplate line is discounted: the earlier copy is kept
    assert docs["with-notice"].duplicate_of == "plain" and docs["plain"].kept
    assert all(d.boilerplate_removed == 1 for i, d in docs.items() if i.startswith("o"))


@given(st.lists(st.lists(st.sampled_from(["版权所有，转载请注明出处。", "本报记者今日从有关部门获悉。", "今天天气很好，适合出门散步游玩。", "短。", "A line of English boilerplate text here."]), min_size=1, max_size=6), min_size=1, max_size=8))
def test_finishing_with_the_fingerprints_unit_hashes_equals_keying_again(docs: list[list[str]]) -> None:
    """Finishing takes each unit's hash from fingerprinting instead of keying the document again: same result."""
    from dedup.corpus import CorpusConfig, finish_batch, fingerprint_batch, unit_hashes

    config = CorpusConfig(clean=False)
    texts = ["\n".join(lines) for lines in docs]
    prints = fingerprint_batch(texts, config)
    known = [prints.span_units[prints.span_off[i] : prints.span_off[i + 1]] for i in range(len(texts))]
    assert [k.tolist() for k in known] == [unit_hashes(t, config) for t in texts]
    boiler = np.unique(prints.units)[::2]
    owners = np.zeros(len(boiler), dtype=np.int64)
    n = list(range(len(texts)))
    flags = [True] * len(texts)
    again = finish_batch((texts, n, flags, flags), boiler, owners, config)
    reused = finish_batch((texts, n, flags, flags, known), boiler, owners, config)
    assert again == reused
