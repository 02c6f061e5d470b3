"""Mojibake repair quality: ftfy's regression cases and Chinese GBK mojibake with known truth.

    python benchmarks/quality_unicode.py

* ftfy-test-cases: ``fix_unicode`` (ftfy CJK-safe + the GBK fixer) against
  plain ftfy with the same configuration — every case ftfy fixes must stay
  fixed, every ``negative`` case must stay unchanged;
* Chinese mojibake: wiki-zh-200 lines and acc_* news sentences encoded as
  UTF-8 and decoded as GBK (errors replaced, like real mis-decoding) — share
  repaired exactly, share repaired with lost characters, share left alone;
* clean text: the same sentences untouched (false positives).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ftfy  # noqa: E402

from benchmarks.quality_common import acc_sentences, ftfy_cases, wiki_lines  # noqa: E402
from dedup.normalize.unicode import UnicodeConfig, _ftfy_config, fix_unicode  # noqa: E402


def ftfy_table() -> list[tuple[str, int, int, int, int]]:
    """(file, cases, ftfy == expected, ours == expected, ours == ftfy) per file, on fix_encoding's expectation."""
    cfg = _ftfy_config(UnicodeConfig())
    rows = []
    for name, cases in ftfy_cases().items():
        n = same_ftfy = ours_ok = ftfy_ok = 0
        for c in cases:
            original = c["original"]
            expected = c.get("fixed-encoding", c["fixed"])
            theirs = ftfy.fix_text(original, config=cfg)
            ours = fix_unicode(original)[0]
            n += 1
            ftfy_ok += theirs == expected
            ours_ok += ours == expected
            same_ftfy += ours == theirs
        rows.append((name, n, ftfy_ok, ours_ok, same_ftfy))
    return rows


def chinese_mojibake(sentences: list[str]) -> dict[str, float]:
    from rapidfuzz.distance import Levenshtein

    exact = partial = untouched = clean_changed = 0
    sim_broken = sim_fixed = 0.0
    for s in sentences:
        if fix_unicode(s)[0] != s:
            clean_changed += 1
        broken = s.encode("utf-8").decode("gbk", errors="replace")
        fixed = fix_unicode(broken)[0]
        sim_broken += Levenshtein.normalized_similarity(broken, s)
        sim_fixed += Levenshtein.normalized_similarity(fixed, s)
        if fixed == s:
            exact += 1
        elif fixed == broken:
            untouched += 1
        else:
            partial += 1
    lossless = lossless_ok = 0
    for s in sentences:
        try:
            broken = s.encode("utf-8").decode("gb18030")
        except UnicodeDecodeError:
            continue
        if broken.encode("gb18030") != s.encode("utf-8"):
            continue
        lossless += 1
        lossless_ok += fix_unicode(broken)[0] == s
    n = len(sentences)
    return {"lossless": lossless, "lossless_ok": lossless_ok, "n": n, "exact": exact / n, "partial": partial / n, "untouched": untouched / n, "clean_changed": clean_changed, "sim_broken": sim_broken / n, "sim_fixed": sim_fixed / n}


def main() -> None:
    print("| ftfy-test-cases file | cases | ftfy (CJK-safe config) = expected | ours = expected | ours = ftfy |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, n, a, b, c in ftfy_table():
        print(f"| {name} | {n} | {a} | {b} | {c} |")
    print()
    print("| clean source | sentences | mojibake repaired exactly | repaired, some characters lost (shown as U+FFFD) | left alone | char. similarity to truth: mojibake -> repaired | lossless mojibake (strict GB18030 decode) repaired exactly | clean sentences changed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, sents in (("wiki-zh-200", wiki_lines()), ("acc_rmrb", acc_sentences("acc_rmrb")), ("acc_xxqg", acc_sentences("acc_xxqg"))):
        r = chinese_mojibake(sents)
        print(f"| {name} | {r['n']} | {r['exact']:.1%} | {r['partial']:.1%} | {r['untouched']:.1%} | {r['sim_broken']:.3f} -> {r['sim_fixed']:.3f} | {r['lossless_ok']}/{r['lossless']} | {r['clean_changed']} |")


if __name__ == "__main__":
    main()
