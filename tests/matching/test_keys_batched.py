"""The batched :func:`matching_keys` against the plain per-text key, on texts built to hit every fast path.

The batch skips the speaker pattern for texts without a colon, folds only the
texts that are not yet NFKC, joins them again only when NFKC changed one,
case-folds the whole batch at once and cuts every key out of one decoded
string: each must give exactly the key that ``_matching_key`` gives the text alone.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.fingerprint.keys import KeyConfig, _matching_key, matching_keys

#: openings the marker and speaker patterns look for (and near misses), at the start of a text
_OPENINGS = ["", "一是", "二、", "(一)", "（3）", "第一，", "1.", "1.84", "12)", "①", "⑴", "• ", "a) ", "记者:", "记者：", "新华社记者 张三：", "Reporter: ", " \u3000记者:", "\xa0(2) ", ":", "：", "一是:"]
#: CJK, Latin with case (ß, İ, ﬁ grow when folded), full width (NFKC changes it), combining marks,
#: Hangul jamo (NFKC composes them), astral letters, a lone surrogate, punctuation and spaces of every kind
_BODY = st.text(st.sampled_from(list("推进义务教育かなカナ한국어abcABCßİﬁΣς ＡＢ１２①⑴e\u0301\u0301\u1100\u1161𝐀𝠀\ud800，。:：!?“”()（）-\u3000\xa0\t")), max_size=30)
_TEXT = st.builds(lambda o, b: o + b, st.sampled_from(_OPENINGS), _BODY)
_CONFIG = st.builds(KeyConfig, strip_markers=st.booleans(), strip_speaker=st.booleans())


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, max_size=25), _CONFIG, st.booleans())
def test_batched_keys_are_each_texts_own_key(texts: list[str], config: KeyConfig, marker: bool) -> None:
    assert matching_keys(texts, config, marker=marker) == [_matching_key(t, config, marker) for t in texts]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["推进义务教育，助力“双减”。", "记者：双减工作", "(2) The  Cat, the hat!", "ＡＢ①", "", "e\u0301"]), max_size=40))
def test_keys_of_repeated_lines_are_each_lines_own_key(texts: list[str]) -> None:
    # corpus batches repeat the same lines (boilerplate): every copy gets the same key as the line alone
    assert matching_keys(texts) == [_matching_key(t, KeyConfig(), True) for t in texts]
