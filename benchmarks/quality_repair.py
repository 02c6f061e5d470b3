"""Repair quality: planted corruptions with known truth, over-correction of clean text, real typo sets.

    python benchmarks/quality_repair.py synthetic      # planted errors, edit precision and recall per kind
    python benchmarks/quality_repair.py singletons     # one sentence, one corruption, repaired alone: recall/precision per kind
    python benchmarks/quality_repair.py english        # clough-stevenson: clean paragraphs unchanged, doubled words found
    python benchmarks/quality_repair.py overcorrection # acc_rmrb, acc_xxqg, wiki-zh-200: share left unchanged
    python benchmarks/quality_repair.py csc            # SIGHAN-15, ECSpell, LEMON-news, CSCD-NS: sentence P/R
    python benchmarks/quality_repair.py speed          # repair cost per document
    python benchmarks/quality_repair.py all

Data comes from ../shared/data/external (see each folder's README); nothing is shipped.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from benchmarks.quality_common import acc_sentences, csc_pairs, english_paragraphs, wiki_lines  # noqa: E402
from dedup.draft import Draft, apply_edits  # noqa: E402
from dedup.model import Edit  # noqa: E402
from dedup.normalize.stitch import Unit  # noqa: E402
from dedup.normalize.unicode import fix_unicode, rule_for  # noqa: E402
from dedup.pipeline import Config, clean  # noqa: E402
from dedup.repair import RepairConfig, repair_text, repair_units  # noqa: E402
from dedup.lexicon import lexicon, opencc_tables  # noqa: E402
from dedup.segment import segment  # noqa: E402

REPAIR_PREFIXES = ("repair.", "unicode.")


# -- running the repair stages on a document ---------------------------------


def repair_document(text: str, config: RepairConfig = RepairConfig()) -> Draft:
    """The pipeline's Unicode and repair stages on ``text`` (one unit per paragraph, no dedup)."""
    blocks = segment(text)
    draft = Draft(text)
    for b in blocks:
        fixed, plan = fix_unicode(b.text)
        if fixed != b.text:
            draft.rewrite(b.span, fixed, rule=rule_for(plan), reason="unicode", evidence={"plan": plan})
    repair_repairs = [Unit(b.index, (b.index,), b.span, b.kind) for b in blocks]
    repair_units(draft, repair_repairs, config)
    return draft


def flatten(edits):  # type: ignore[no-untyped-def]
    for e in edits:
        yield from flatten(e.subsumes)
        yield e


# -- planted corruptions -----------------------------------------------------


@dataclass
class Planted:
    kind: str
    start: int  # span in the corrupted document
    end: int


def _simp_to_trad() -> dict[str, str]:
    """Simplified characters with exactly one traditional form that differs (for planting variants)."""
    tables = opencc_tables()
    inverse: dict[str, list[str]] = defaultdict(list)
    for t, forms in tables.to_simplified.items():
        if len(forms) == 1:
            inverse[forms[0]].append(t)
    return {s: ts[0] for s, ts in inverse.items() if len(ts) == 1}


def _han_positions(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]


def _word_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the multi-character lexicon words of ``text``, as the lexicon segments it.

    (Only the segmentation chooses where a doubled word is planted; jieba's
    DAG would choose about the same words.)
    """
    import re

    from dedup.repair.reading import best_reading

    lx = lexicon()
    out = []
    for m in re.finditer(r"[\u4e00-\u9fff]+", text):
        pos = m.start()
        for w in best_reading(m.group(), lx).words:
            if len(w) > 1 and lx.freq(w) >= 5:
                out.append((pos, pos + len(w)))
            pos += len(w)
    return out


def plant_one(rng: random.Random, p: str, kind: str, s2t: dict[str, str]) -> tuple[str, tuple[int, int]] | None:
    """One corruption of ``kind`` in the sentence ``p`` (doubled, doubled_word or variant), or None."""
    han = _han_positions(p)
    if kind == "doubled" and han:
        i = rng.choice(han)
        if p[i - 1 : i] == p[i] or p[i + 1 : i + 2] == p[i]:
            return None  # would make a run of three
        return p[: i + 1] + p[i] + p[i + 1 :], (i, i + 2)
    if kind == "doubled_word":
        words = _word_spans(p)
        if not words:
            return None
        a, b = rng.choice(words)
        return p[:b] + p[a:b] + p[b:], (a, b + (b - a))
    if kind == "variant":
        cands = [i for i in han if p[i] in s2t]
        if not cands:
            return None
        i = rng.choice(cands)
        return p[:i] + s2t[p[i]] + p[i + 1 :], (i, i + 1)
    return None


def plant_document(rng: random.Random, paragraphs: list[str], s2t: dict[str, str]) -> tuple[str, str, list[Planted]]:
    """Corrupt some paragraphs (one corruption each); return (corrupted, truth, planted spans).

    A doubled character never makes a run of three (``哈哈哈`` is left alone
    on purpose: a tripled character is another corruption).
    """
    lx = lexicon()
    corrupted: list[str] = []
    truth: list[str] = []
    planted: list[Planted] = []
    offset = 0
    whole_truth = "\n\n".join(paragraphs)
    for k, p in enumerate(paragraphs):
        kind = rng.choice(["none", "none", "doubled", "doubled_word", "dropped", "variant", "mojibake"])
        new, span = p, None
        han = _han_positions(p)
        if kind in ("doubled", "doubled_word", "variant"):
            made = plant_one(rng, p, kind, s2t)
            if made is not None:
                new, span = made
        elif kind == "dropped":
            # only where the document has evidence: a 4-character word that another paragraph also uses
            others = whole_truth.replace(p, "")
            cands = [a for a in range(len(p) - 3) if p[a : a + 4] in lx and p[a : a + 4] in others and all("\u4e00" <= c <= "\u9fff" for c in p[a : a + 4])]
            if cands:
                a = rng.choice(cands)
                d = a + rng.randrange(4)
                new, span = p[:d] + p[d + 1 :], (d, d)
        elif kind == "mojibake" and han:
            broken = p.encode("utf-8").decode("gbk", errors="replace")
            new, span = broken, (0, len(broken))
        if span is not None and new != p:
            planted.append(Planted(kind, offset + span[0], offset + span[1]))
        else:
            new = p
        corrupted.append(new)
        truth.append(p)
        offset += len(new) + 2
    return "\n\n".join(corrupted) + "\n", "\n\n".join(truth) + "\n", planted


def plant_consensus(rng: random.Random, paragraphs: list[str]) -> tuple[str, str, list[Planted]] | None:
    """A document whose first paragraph recurs 3-4 times; its first copy carries one substituted character."""
    p = paragraphs[0]
    han = _han_positions(p)
    if len(han) < 10:
        return None
    i = rng.choice(han)
    wrong = rng.choice("甲乙丙丁戊己庚辛壬癸")
    if wrong == p[i]:
        return None
    copies = rng.randint(3, 4)
    first = p[:i] + wrong + p[i + 1 :]
    body = [first] + paragraphs[1:3] + [p] * (copies - 1) + paragraphs[3:5]
    truth = [p] + paragraphs[1:3] + [p] * (copies - 1) + paragraphs[3:5]
    return "\n\n".join(body) + "\n", "\n\n".join(truth) + "\n", [Planted("consensus", i, i + 1)]


def score_edits(corrupted: str, truth: str, edits: list[Edit], planted: list[Planted]) -> tuple[int, int, set[int]]:
    """(correct, wrong, planted indices fixed): an edit is correct if applying it alone moves the text toward the truth."""
    base = Levenshtein.distance(corrupted, truth)
    correct = wrong = 0
    fixed: set[int] = set()
    for e in edits:
        moved = base - Levenshtein.distance(apply_edits(corrupted, [e]), truth)
        if moved > 0:
            correct += 1
            for k, pl in enumerate(planted):
                if e.span.start <= pl.end and pl.start <= e.span.end:
                    fixed.add(k)
        else:
            wrong += 1
    return correct, wrong, fixed


def run_synthetic(n_docs: int = 300, seed: int = 3, mode: str = "safe") -> None:
    cfg = RepairConfig(mode=mode)  # type: ignore[arg-type]
    rng = random.Random(seed)
    sents = acc_sentences("acc_xxqg") + acc_sentences("acc_rmrb")
    s2t = _simp_to_trad()
    by_kind_total: Counter[str] = Counter()
    by_kind_fixed: Counter[str] = Counter()
    by_rule_ok: Counter[str] = Counter()
    by_rule_bad: Counter[str] = Counter()
    t0 = time.perf_counter()
    for d in range(n_docs):
        start = rng.randrange(len(sents) - 24)
        paras = [" ".join(sents[start + 2 * k : start + 2 * k + 2]).replace(" ", "") for k in range(12)]
        if d % 3 == 0:
            made = plant_consensus(rng, paras)
            if made is None:
                continue
            corrupted, truth, planted = made
            result = clean(corrupted, config=replace(Config(), repair=cfg))
            edits = [e for e in flatten(result.report.edits) if e.rule.startswith(REPAIR_PREFIXES)]
        else:
            corrupted, truth, planted = plant_document(rng, paras, s2t)
            edits = [e for e in repair_document(corrupted, cfg).edits() if e.rule.startswith(REPAIR_PREFIXES)]
        for e in edits:
            ok, bad, _ = score_edits(corrupted, truth, [e], planted)
            by_rule_ok[e.rule] += ok
            by_rule_bad[e.rule] += bad
        _, _, fixed = score_edits(corrupted, truth, edits, planted)
        for k, pl in enumerate(planted):
            by_kind_total[pl.kind] += 1
            by_kind_fixed[pl.kind] += k in fixed
    elapsed = time.perf_counter() - t0
    rep = [r for r in set(by_rule_ok) | set(by_rule_bad) if r.startswith("repair.")]
    ok, bad = sum(by_rule_ok[r] for r in rep), sum(by_rule_bad[r] for r in rep)
    print(f"synthetic, mode {mode}: {n_docs} documents of 12 paragraphs (acc_xxqg/acc_rmrb sentences), seed {seed}, {elapsed:.1f}s")
    print()
    print("| rule | edits | correct | precision |")
    print("| --- | ---: | ---: | ---: |")
    for rule in sorted(set(by_rule_ok) | set(by_rule_bad)):
        n = by_rule_ok[rule] + by_rule_bad[rule]
        print(f"| {rule} | {n} | {by_rule_ok[rule]} | {by_rule_ok[rule] / n:.3f} |")
    print(f"| **all repair.* rules** | {ok + bad} | {ok} | {ok / max(1, ok + bad):.3f} |")
    print()
    print("(unicode.gbk_mojibake is counted per minimal edit: one mojibake paragraph gives many edits.)")
    print()
    dbl_ok = by_rule_ok["repair.doubled_char"] + by_rule_ok["repair.doubled_word"]
    dbl_n = dbl_ok + by_rule_bad["repair.doubled_char"] + by_rule_bad["repair.doubled_word"]
    print(f"doubled characters and words together: {dbl_n} edits, {dbl_ok} correct, precision {dbl_ok / max(1, dbl_n):.3f}")
    print()
    print("| planted kind | planted | repaired | recall |")
    print("| --- | ---: | ---: | ---: |")
    for kind in ("doubled", "doubled_word", "dropped", "variant", "mojibake", "consensus"):
        n = by_kind_total[kind]
        print(f"| {kind} | {n} | {by_kind_fixed[kind]} | {by_kind_fixed[kind] / max(1, n):.3f} |")


# -- singletons: one sentence, one corruption, no other copy -----------------


def run_singletons(n: int = 2000, seed: int = 5, mode: str = "safe") -> None:
    """Each sentence repaired alone after one planted corruption: recall and precision per kind."""
    cfg = RepairConfig(mode=mode)  # type: ignore[arg-type]
    rng = random.Random(seed)
    sents = [s for s in acc_sentences("acc_xxqg") + acc_sentences("acc_rmrb") if len(_han_positions(s)) >= 10]
    s2t = _simp_to_trad()
    print(f"singletons, mode {mode}: {n} acc_xxqg/acc_rmrb sentences per kind, one corruption each, each repaired alone (repair_text), seed {seed}")
    print()
    print("| planted kind | sentences | repaired | recall | edits | correct edits | precision |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in ("doubled", "doubled_word", "variant"):
        planted = fixed = ok = bad = 0
        while planted < n:
            truth = rng.choice(sents)
            made = plant_one(rng, truth, kind, s2t)
            if made is None:
                continue
            corrupted, span = made
            planted += 1
            _, edits = repair_text(corrupted, cfg)
            edits = [e for e in edits if e.rule.startswith("repair.")]
            good, wrong, hit = score_edits(corrupted, truth, edits, [Planted(kind, *span)])
            ok += good
            bad += wrong
            fixed += bool(hit)
        print(f"| {kind} | {planted} | {fixed} | {fixed / planted:.3f} | {ok + bad} | {ok} | {ok / max(1, ok + bad):.3f} |")


def run_english(seed: int = 7) -> None:
    """English prose: error-free paragraphs left alone, and one planted doubled word found."""
    rng = random.Random(seed)
    paras = english_paragraphs()
    unchanged = sum(repair_text(p)[0] == p for p in paras)
    planted = fixed = ok = bad = 0
    for p in paras:
        words = [m for m in re.finditer(r"[A-Za-z]+", p)]
        if not words:
            continue
        m = rng.choice(words)
        corrupted = p[: m.end()] + " " + m.group() + p[m.end() :]
        planted += 1
        _, edits = repair_text(corrupted)
        good, wrong, hit = score_edits(corrupted, p, edits, [Planted("doubled_word", m.start(), m.end() + len(m.group()) + 1)])
        ok += good
        bad += wrong
        fixed += bool(hit)
    print(f"English (clough-stevenson, {len(paras)} paragraphs), seed {seed}")
    print()
    print("| what | paragraphs | result |")
    print("| --- | ---: | ---: |")
    print(f"| error-free paragraphs unchanged | {len(paras)} | {unchanged / len(paras):.2%} |")
    print(f"| one word doubled at random: recall | {planted} | {fixed / planted:.3f} |")
    print(f"| ... precision of the edits | {ok + bad} edits | {ok / max(1, ok + bad):.3f} |")


# -- over-correction ---------------------------------------------------------


def run_overcorrection() -> None:
    sets = {"acc_rmrb": acc_sentences("acc_rmrb"), "acc_xxqg": acc_sentences("acc_xxqg"), "wiki-zh-200": wiki_lines()}
    print("| clean set | sentences | unchanged, safe (one sentence = one document) | unchanged, aggressive | unchanged, safe, 20-sentence documents | unchanged by the whole pipeline (safe) | pycorrector MacBERT (published) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    published = {"acc_rmrb": "99.22 %", "acc_xxqg": "99.26 %", "wiki-zh-200": "n/a"}
    for name, sents in sets.items():
        safe = sum(repair_text(s)[0] == s for s in sents)
        aggr = sum(repair_text(s, RepairConfig(mode="aggressive"))[0] == s for s in sents)
        in_docs = 0
        for k in range(0, len(sents), 20):
            chunk = sents[k : k + 20]
            text = "\n\n".join(chunk) + "\n"
            draft = repair_document(text)
            touched = {i for e in draft.edits() for i, s in enumerate(_para_spans(chunk)) if e.span.start < s[1] and s[0] < e.span.end + (e.span.start == e.span.end)}
            in_docs += len(chunk) - len(touched)
        whole = sum(clean(s).text.strip() == s.strip() for s in sents)  # layout strips outer whitespace
        n = len(sents)
        print(f"| {name} | {n} | {safe / n:.2%} | {aggr / n:.2%} | {in_docs / n:.2%} | {whole / n:.2%} | {published[name]} |")


def _para_spans(paras: list[str]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for p in paras:
        out.append((pos, pos + len(p)))
        pos += len(p) + 2
    return out


# -- real typo sets ----------------------------------------------------------


def _changed_positions(a: str, b: str) -> frozenset:
    return frozenset((op.src_start, op.src_end) for op in Levenshtein.opcodes(a, b) if op.tag != "equal")


def sentence_prf(pairs: list[tuple[str, str]], config: RepairConfig) -> dict[str, float]:
    """pycorrector's sentence-level metric, for detection and for correction."""
    det_tp = cor_tp = changed = positives = fp = 0
    for src, tgt in pairs:
        out = repair_text(src, config)[0]
        pos = src != tgt
        positives += pos
        if out != src:
            changed += 1
            if not pos:
                fp += 1
            elif _changed_positions(src, out) == _changed_positions(src, tgt):
                det_tp += 1
                cor_tp += out == tgt
    def prf(tp: int) -> tuple[float, float, float]:
        p = tp / changed if changed else 0.0
        r = tp / positives if positives else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)
    dp, dr, df = prf(det_tp)
    cp, cr, cf = prf(cor_tp)
    return {"n": len(pairs), "positives": positives, "changed": changed, "fp": fp, "dp": dp, "dr": dr, "df": df, "cp": cp, "cr": cr, "cf": cf}


PUBLISHED = {
    "sighan15": "MacBERT-CSC P 0.8254 R 0.7311 F1 0.7754 (pycorrector README, 1100-line file)",
    "ecspell-law": "MacBERT4CSC F1 (3 ECSpell tests together) 55.51 (macro-correct)",
    "ecspell-med": "(as above)",
    "ecspell-odw": "(as above)",
    "lemon-news": "macbert4csc F1 42.89 on a 1053-sentence LEMON sample (macro-correct)",
    "lomo_tet": "macbert4csc cor F1 44.83 (macro-correct); BERT baseline sentence cor P/R 70.5/58.7 (CSCD-NS paper)",
}


def run_csc(mode: str = "safe") -> None:
    cfg = RepairConfig(mode=mode)  # type: ignore[arg-type]
    print(f"mode: {mode}; every sentence is repaired as a document of its own (no copies, no other paragraphs)")
    print()
    print("| set | sentences | with errors | we changed | false positives | detection P / R / F1 | correction P / R / F1 | pycorrector (published) |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |")
    for name in ("sighan15", "ecspell-law", "ecspell-med", "ecspell-odw", "lemon-news", "lomo_tet"):
        r = sentence_prf(csc_pairs(name), cfg)
        print(
            f"| {name} | {r['n']} | {r['positives']} | {r['changed']} | {r['fp']} | {r['dp']:.3f} / {r['dr']:.3f} / {r['df']:.3f} | "
            f"{r['cp']:.3f} / {r['cr']:.3f} / {r['cf']:.3f} | {PUBLISHED[name]} |"
        )


def run_speed() -> None:
    """Table load time, and the repair stage's cost per document (20 news paragraphs, ~1 000 characters)."""
    from dedup.repair.reading import log_total

    t0 = time.perf_counter()
    log_total(lexicon())
    opencc_tables()
    load = time.perf_counter() - t0
    sents = acc_sentences("acc_xxqg")
    docs = ["\n\n".join(sents[k : k + 20]) + "\n" for k in range(0, len(sents), 20)]
    chars = sum(len(d) for d in docs)
    for mode in ("safe", "aggressive"):
        cfg = RepairConfig(mode=mode)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        for d in docs:
            blocks = segment(d)
            repair_units(Draft(d), [Unit(b.index, (b.index,), b.span, b.kind) for b in blocks], cfg)
        el = time.perf_counter() - t0
        print(f"{mode}: {len(docs)} documents, {chars} characters: {el / len(docs) * 1000:.2f} ms per document, {chars / el / 1e6:.2f} M characters/s")
    print(f"tables (jieba dict.txt + OpenCC) loaded once per process in {load:.2f} s")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("synthetic", "singletons", "english", "overcorrection", "csc", "speed", "all"))
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--sentences", type=int, default=2000, help="singletons: sentences per kind")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--mode", default="safe", choices=("safe", "aggressive"))
    args = ap.parse_args(argv)
    if args.what in ("synthetic", "all"):
        run_synthetic(args.docs, args.seed, args.mode)
        print()
    if args.what in ("singletons", "all"):
        run_singletons(args.sentences, args.seed + 2, args.mode)
        print()
    if args.what in ("english", "all"):
        run_english(args.seed + 4)
        print()
    if args.what in ("overcorrection", "all"):
        run_overcorrection()
        print()
    if args.what in ("csc", "all"):
        run_csc(args.mode)
        print()
    if args.what in ("speed", "all"):
        run_speed()


if __name__ == "__main__":
    main()
