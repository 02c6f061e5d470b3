"""The report names each cluster's canonical member, the copy the keep policy chose (issue 14: the review
page read it from there instead of guessing from how much of each copy reached the output)."""

from __future__ import annotations

from pathlib import Path

import pytest

import dedup
from dedup.fingerprint.keys import matching_key
from dedup.pipeline import Config

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "seed_zh_press.txt"


def _clusters(keep: str) -> tuple[list[dict], list[str]]:
    text = SAMPLE.read_text(encoding="utf-8")
    r = dedup.clean(text, config=Config(keep=keep))
    units = r.report.data["units"]
    texts = [text[u["span"][0] : u["span"][1]] for u in units]
    return r.report.data["clusters"], texts


def test_earliest_keeps_the_first_member() -> None:
    clusters, _ = _clusters("earliest")
    assert clusters and all(c["canonical"] == c["first"] for c in clusters)


def test_most_complete_keeps_a_longest_member_and_names_it() -> None:
    clusters, texts = _clusters("most_complete")
    for c in clusters:
        assert c["canonical"] in c["members"]
        lengths = {m: len(matching_key(texts[m])) for m in c["members"]}
        assert lengths[c["canonical"]] == max(lengths.values()), c["id"]


def test_a_later_whole_copy_is_the_canonical_member_of_a_short_first_one() -> None:
    short = "今年全市新建学校十二所，新增学位一万多个，缓解了城区入学难的问题。"
    whole = short + "明年还将继续扩大教育投入，确保每个适龄儿童都能就近入学。"
    text = f"{short}\n\n会议还通报了全市交通建设的进展情况，多条道路已经完工通车。\n\n{whole}\n"
    r = dedup.clean(text)
    (c,) = r.report.data["clusters"]
    assert c["first"] == 0 and c["canonical"] == 2


@pytest.mark.parametrize("keep", ["earliest", "most_complete"])
def test_the_review_page_reads_the_canonical_member(keep: str) -> None:
    from dedup.review._analysis import analyse

    text = SAMPLE.read_text(encoding="utf-8")
    r = dedup.clean(text, config=Config(keep=keep))
    doc = analyse(r.report.data, text, r.text)
    assert doc.kept_of == {c["id"]: c["canonical"] for c in r.report.data["clusters"]}
