"""``--index DIR --rethreshold X``: the decisions of a fresh run at X, from the stored pair scores."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cli import main
from dedup.cluster import MatchConfig
from dedup.corpus import REASON_CODE, REASONS, rederive, verify_pairs
from dedup.fingerprint.shingle import shingle_sets
from dedup.testing import make_corpus, synthetic_paragraphs

FIELDS = ("id", "cluster", "duplicate_of", "score", "match", "cluster_size")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus plus copies edited by 2-30 % of their characters: similarities spread over 0.6-1."""
    import random

    rng = random.Random(11)
    records = list(make_corpus(5, 600).records)
    bases = synthetic_paragraphs(17, 60, min_chars=200, max_chars=300)
    for i, base in enumerate(bases):
        records.append({"id": f"b{i:03d}", "text": base})
        for j, share in enumerate((0.03, 0.08, 0.13, 0.2, 0.3)):
            chars = list(base)
            for pos in rng.sample(range(len(chars)), int(share * len(chars))):
                chars[pos] = rng.choice(bases[(i + 1) % len(bases)])
            records.append({"id": f"b{i:03d}-{j}", "text": "".join(chars)})
    src = tmp_path_factory.mktemp("rethreshold") / "c.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return src


def _decisions(report: Path) -> list[tuple]:
    return [tuple(row[k] for k in FIELDS) for row in map(json.loads, report.read_text(encoding="utf-8").splitlines())]


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != ".lock":
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("threshold", ["0.92", "0.7"])
def test_rethreshold_equals_a_fresh_run_at_that_threshold(corpus: Path, tmp_path: Path, threshold: str, capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "index"
    common = ["--no-clean", "--workers", "1", "-q", "--no-checkpoint"]
    assert main(["corpus", str(corpus), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "built.jsonl"), "--index", str(index), *common]) == 0
    before = _tree_digest(index)
    assert main(["corpus", str(corpus), "-o", str(tmp_path / "f.jsonl"), "--report", str(tmp_path / "fresh.jsonl"), "--threshold", threshold, *common]) == 0
    capsys.readouterr()
    assert main(["corpus", "--index", str(index), "--rethreshold", threshold, "--report", str(tmp_path / "re.jsonl"), "--stats", "--workers", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert _decisions(tmp_path / "re.jsonl") == _decisions(tmp_path / "fresh.jsonl")
    # the decisions really moved with the threshold
    assert _decisions(tmp_path / "re.jsonl") != _decisions(tmp_path / "built.jsonl")
    assert _tree_digest(index) == before, "--rethreshold must leave the index as it was"
    stats = json.loads(err[-1])
    assert stats["near_threshold"] and all({"a", "b", "similarity", "accepted"} <= set(r) for r in stats["near_threshold"])
    assert sum("near " + threshold in line for line in err) == len(stats["near_threshold"])


def test_rethreshold_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "--rethreshold", "0.9"]) == 2
    assert main(["corpus", "--index", str(tmp_path / "none"), "--rethreshold", "0.9"]) == 2
    assert main(["corpus", "x.jsonl", "--index", str(tmp_path), "--rethreshold", "0.9"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and all(line.startswith("dedup-text: error: ") for line in lines)


_words = st.sampled_from(["推进", "义务", "教育", "优质", "均衡", "发展", "双减", "政策", "落地", "见效", "学校", "课后"])
_keys = st.lists(_words, min_size=2, max_size=14).map("".join)


@given(st.lists(st.tuples(_keys, _keys), min_size=1, max_size=30), st.sampled_from([0.6, 0.7, 0.8, 0.85, 0.9, 0.95]), st.sampled_from([0.6, 0.7, 0.8, 0.85, 0.9, 0.95]))
@settings(max_examples=80)
def test_rederived_scores_equal_verifying_at_the_new_threshold(pairs: list[tuple[str, str]], first: float, second: float) -> None:
    """Scores stored at one threshold, re-decided at another (dropped rows verified again) = verified there directly."""
    keys = sorted({k for p in pairs for k in p})
    number = {k: i for i, k in enumerate(keys)}
    todo = np.unique(np.array([sorted((number[a], number[b])) for a, b in pairs if a != b] or np.empty((0, 2)), dtype=np.int64).reshape(-1, 2), axis=0)
    if not len(todo):
        return
    m1, m2 = MatchConfig(threshold=first), MatchConfig(threshold=second)
    items = [(keys[a], keys[b]) for a, b in todo]
    code = (todo[:, 0].astype(np.uint64) << np.uint64(32)) | todo[:, 1].astype(np.uint64)
    shingles = shingle_sets(keys, m1.shingles).sizes.astype(np.int64)

    def cache(match: MatchConfig) -> dict[str, np.ndarray]:
        r = verify_pairs(items, match)
        return {"code": code, "accepted": r[:, 0].astype(bool), "similarity": r[:, 1], "jaccard": r[:, 2], "containment": r[:, 3], "reason": r[:, 4].astype(np.int8), "cutoff": np.full(len(code), match.threshold)}

    direct, stored = cache(m2), rederive(cache(m1), shingles, m2)
    kept = np.isin(code, stored["code"])
    assert np.array_equal(stored["accepted"], direct["accepted"][kept])
    assert np.array_equal(stored["reason"], direct["reason"][kept])
    # similarity: exact where it decided something (a 0 below one cutoff is a 0 below the other)
    assert np.array_equal(stored["similarity"] >= second, direct["similarity"][kept] >= second)
    assert set(REASONS) >= {REASONS[c] for c in stored["reason"].tolist()} and REASON_CODE
    # what was dropped is only what a stored 0 cannot answer
    dropped = ~kept
    assert np.all(cache(m1)["similarity"][dropped] == 0) and (first > second or not dropped.any())


def _chain(path: Path, docs: int = 60, width: int = 10) -> Path:
    """Document i is sentences i..i+width-1 of one stream: the keep policy decides which neighbours stay."""
    sents: list[str] = []
    for p in synthetic_paragraphs(7, docs * 3, min_chars=20, max_chars=40):
        s = p.rstrip("。！？") + "。"
        if s not in sents:
            sents.append(s)
    sents.sort(key=len)
    path.write_text("".join(json.dumps({"id": f"d{i:03d}", "text": "".join(sents[i : i + width])}, ensure_ascii=False) + "\n" for i in range(docs)), encoding="utf-8")
    return path


def _decisions(report: Path) -> list[tuple[str, str | None]]:
    return [(r["id"], r["duplicate_of"]) for r in map(json.loads, report.read_text(encoding="utf-8").splitlines())]


COMMON = ["--no-clean", "--workers", "1", "-q", "--no-checkpoint"]


def test_rethreshold_with_an_explicit_keep_uses_it(tmp_path: Path) -> None:
    """The stored policy is the default; one given on the command line wins."""
    src = _chain(tmp_path / "c.jsonl")
    index = tmp_path / "index"
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--index", str(index), *COMMON]) == 0
    assert json.loads((index / "meta.json").read_text(encoding="utf-8"))["decisions"]["keep"] == "most_complete"
    for keep in ("most_complete", "earliest"):
        out = tmp_path / f"fresh-{keep}.jsonl"
        assert main(["corpus", str(src), "-o", str(tmp_path / "f.jsonl"), "--report", str(out), "--keep", keep, "--threshold", "0.9", *COMMON]) == 0
    assert _decisions(tmp_path / "fresh-earliest.jsonl") != _decisions(tmp_path / "fresh-most_complete.jsonl"), "the scenario: the policies differ"
    assert main(["corpus", "--index", str(index), "--rethreshold", "0.9", "--keep", "earliest", "--report", str(tmp_path / "re.jsonl"), "-q"]) == 0
    assert _decisions(tmp_path / "re.jsonl") == _decisions(tmp_path / "fresh-earliest.jsonl")


def test_an_index_without_stored_decisions_rethresholds_with_the_defaults(tmp_path: Path) -> None:
    """Indexes committed before decisions were stored stay readable: the command line's settings apply."""
    src = _chain(tmp_path / "c.jsonl")
    index = tmp_path / "index"
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--index", str(index), *COMMON]) == 0
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    del meta["decisions"]
    (index / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert main(["corpus", str(src), "-o", str(tmp_path / "f.jsonl"), "--report", str(tmp_path / "fresh.jsonl"), "--threshold", "0.9", *COMMON]) == 0
    assert main(["corpus", "--index", str(index), "--rethreshold", "0.9", "--report", str(tmp_path / "re.jsonl"), "-q"]) == 0
    assert _decisions(tmp_path / "re.jsonl") == _decisions(tmp_path / "fresh.jsonl")
