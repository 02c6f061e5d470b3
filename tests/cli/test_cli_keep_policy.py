"""One keep-policy contract for both modes: a name or a callable, checked when the config is made."""

from __future__ import annotations

import dataclasses

import pytest

from dedup.corpus import CorpusConfig, dedup_records
from dedup.pipeline import Config, clean
from dedup.reconstruct import KEEP_POLICIES, Copy, earliest, most_complete

FULL = "推进义务教育优质均衡发展，助力双减政策有效落实。优质均衡是解决择校热补课热的治本之策。"
#: a copy cut short comes first, the whole one later: the two policies keep different copies
DOC = FULL[:-6] + "\n\n其他内容完全不同的一段话在这里。\n\n" + FULL + "\n"


def test_config_takes_a_policy_by_name():
    """``Config(keep="earliest")`` was accepted and failed in clean() with "'str' object is not callable"."""
    by_name = clean(DOC, config=Config(keep="earliest")).text
    assert by_name == clean(DOC, config=Config(keep=earliest)).text
    assert clean(DOC, config=Config(keep="most_complete")).text == clean(DOC).text
    # (the texts of the two policies once differed here only because most_complete lost the end of
    # the cut first copy; both are complete now, so the policy is seen in the report below)
    assert Config(keep="earliest").keep is earliest
    assert clean(DOC, config=Config(keep="earliest")).report.to_dict()["config"]["keep"] == "earliest"


def test_config_takes_any_callable():
    seen: list[int] = []

    def first_seen(copies):  # type: ignore[no-untyped-def]
        seen.append(len(copies))
        return earliest(copies)

    assert Config(keep=first_seen).keep is first_seen
    assert clean(DOC, config=Config(keep=first_seen)).text == clean(DOC, config=Config(keep="earliest")).text
    assert seen == [2]  # one cluster of two copies
    assert dataclasses.replace(Config(), keep="earliest").keep is earliest


@pytest.mark.parametrize("bad", ["latest", "", 3, None, ["earliest"]])
def test_a_wrong_keep_fails_when_the_config_is_made(bad):
    for make in (lambda: Config(keep=bad), lambda: CorpusConfig(keep=bad)):
        with pytest.raises(ValueError, match=r"^keep must be most_complete or earliest, or a callable"):
            make()


def test_corpus_config_takes_the_named_functions_too():
    """``CorpusConfig(keep=)`` took only strings; the functions of dedup.reconstruct now name the same policies."""
    assert CorpusConfig(keep=earliest) == CorpusConfig(keep="earliest")
    assert CorpusConfig(keep=most_complete) == CorpusConfig()
    records = [{"id": "a", "text": FULL[:-6]}, {"id": "b", "text": FULL}, {"id": "c", "text": FULL + "还有后文。"}]
    by_function = [(d.id, d.kept) for d in dedup_records(records, CorpusConfig(clean=False, keep=earliest))]
    by_name = [(d.id, d.kept) for d in dedup_records(records, CorpusConfig(clean=False, keep="earliest"))]
    assert by_function == by_name == [("a", True), ("b", False), ("c", False)]
    default = [(d.id, d.kept) for d in dedup_records(records, CorpusConfig(clean=False))]
    assert default == [("a", False), ("b", False), ("c", True)]


def test_corpus_config_refuses_other_callables_with_the_reason():
    with pytest.raises(ValueError, match="corpus mode takes a named keep policy .* not <lambda>"):
        CorpusConfig(keep=lambda copies: 0)


def test_registry_names_are_the_functions_names():
    assert {name: f.__name__ for name, f in KEEP_POLICIES.items()} == {"most_complete": "most_complete", "earliest": "earliest"}
    copies = [Copy(0, "甲乙", "甲乙"), Copy(1, "甲乙丙", "甲乙丙")]
    assert (KEEP_POLICIES["most_complete"](copies), KEEP_POLICIES["earliest"](copies)) == (1, 0)
