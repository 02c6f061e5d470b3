"""``--diff=lines|words|chars``: a one-character repair in a 490-character Chinese paragraph is shown once, marked."""

from __future__ import annotations

import difflib
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cli import main
from dedup.diffview import MAX_INLINE_TOKENS, diff, tokens

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_zh_press.txt"
#: the start of a 600-character paragraph of the sample whose only change is the repair 內 -> 内
REPAIRED = "一、加强组织领导,强力推动工作落实。"


def _diff_of_seed(mode: str, capsys) -> str:  # type: ignore[no-untyped-def]
    assert main([str(SEED), "-q", f"--diff={mode}"]) == 0
    return capsys.readouterr().out


def test_chars_shows_a_repaired_paragraph_once(capsys):
    """Line mode prints the whole 490-character paragraph twice for one character; chars prints it once."""
    lines = _diff_of_seed("lines", capsys)
    assert lines.count(REPAIRED) == 2
    chars = _diff_of_seed("chars", capsys)
    [line] = [x for x in chars.splitlines() if REPAIRED in x]
    assert line.startswith("~" + REPAIRED) and len(line) > 490  # the paragraph (490 characters) and the marks
    assert "督导评价主要[-內-]{+内+}容,建立常态化督导机制" in line
    assert "切实加强经费保[-⏎⏎-]障。自治区、盟市" in chars  # a cut paragraph rejoined
    assert "贯彻落{+实+}中央" in chars and "建立[-立-]政府财政投入" in chars  # repairs
    assert chars.count("\n-") > 20  # paragraphs removed as duplicates stay whole - lines
    # Chinese has no spaces: words compares its characters one by one too
    assert _diff_of_seed("words", capsys) == chars


def test_lines_is_the_unified_diff(capsys):
    text = SEED.read_text(encoding="utf-8")
    assert main([str(SEED), "-q", "--diff"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"--- {SEED}\n+++ {SEED} (cleaned)\n@@ -1,5 +1,3 @@\n")
    # the sample does not end with a newline: the unified diff says so instead of running two lines together
    assert out.endswith("\n\\ No newline at end of file\n+" + text.rsplit("\n", 1)[1] + "\n")


def test_words_mode_for_latin_script():
    before = "The quick brown fox jumps over the lazy dog.\nSecond line stays.\n"
    after = "The quick brawn fox jumped over the lazy dog.\nSecond line stays.\n"
    assert diff(before, after, name="t", mode="words").splitlines()[3] == "~The quick [-brown-]{+brawn+} fox [-jumps-]{+jumped+} over the lazy dog."
    assert diff(before, after, name="t", mode="chars").splitlines()[3] == "~The quick br[-o-]{+a+}wn fox jump[-s-]{+ed+} over the lazy dog."
    assert tokens("Ünïcode wörds 和汉字 x2", "words") == ["Ünïcode", " ", "wörds", " ", "和", "汉", "字", " ", "x2"]


def test_unrelated_text_is_not_shredded_into_common_characters():
    """Two different sentences share 的, 是, ，: shown as one removal and one addition, not a char salad."""
    out = diff("他是我们的老师，教数学的。\n", "今天的天气是晴天，风很大。\n", name="t", mode="chars").splitlines()[3]
    assert out == "~[-他是我们的老师，教数学的-]{+今天的天气是晴天，风很大+}。"


@pytest.mark.parametrize(
    "argv",
    [
        ["--diff", str(SEED)],
        [str(SEED), "--diff"],
        ["--diff", "chars", str(SEED)],
        ["--diff=chars", str(SEED)],
        ["clean", str(SEED), "--diff", "words"],
    ],
)
def test_diff_takes_its_mode_without_swallowing_an_input(argv, capsys, tmp_path):
    assert main([*argv, "-q", "-o", str(tmp_path / "o.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"--- {SEED}\n") and ("[-內-]" in out) == ("chars" in argv or "--diff=chars" in argv or "words" in argv)
    assert not (tmp_path / "o.txt").exists()


def test_a_bad_mode_is_a_usage_error(capsys):
    assert main([str(SEED), "--diff=bytes"]) == 2
    assert "argument --diff: invalid choice: 'bytes'" in capsys.readouterr().err


def _run_in_pty(args: list[str], env: dict[str, str]) -> bytes:
    """Run ``python -m dedup.cli ARGS`` with its standard output on a pseudo-terminal; what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dedup.cli", *args], stdout=follower, stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=300) == 0
    return b"".join(chunks).replace(b"\r\n", b"\n")


def test_colour_on_a_terminal_only():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    shown = _run_in_pty([str(SEED), "-q", "--diff=chars"], env).decode("utf-8")
    assert "\x1b[31m[-內-]\x1b[m\x1b[32m{+内+}\x1b[m" in shown and "\x1b[36m@@ -1,5 +1,3 @@\x1b[m\n" in shown
    assert "\x1b" not in _run_in_pty([str(SEED), "-q", "--diff=chars"], {**env, "NO_COLOR": "1"}).decode("utf-8")
    piped = subprocess.run([sys.executable, "-m", "dedup.cli", str(SEED), "-q", "--diff=chars"], capture_output=True, env=env, timeout=300)
    assert b"\x1b" not in piped.stdout and b"[-\xe5\x85\xa7-]" in piped.stdout  # [-內-]


# -- the view loses nothing: both texts can be read back from it ----------------------------

_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_MARK = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.DOTALL)


def _read_back(view: str, before: str) -> tuple[str, str]:
    """Old and new text from a diff of ``before``: the hunks' lines, and ``before``'s between them."""
    old_lines = before.splitlines(keepends=True)
    old, new = [], []
    at = 0  # next line of before not yet accounted for
    body = view.split("\n")[2:]
    k = 0
    while k < len(body) and body[k].startswith("@@"):
        start = int(_HUNK.match(body[k]).group(1))  # type: ignore[union-attr]
        count = int(_HUNK.match(body[k]).group(2) or 1)  # type: ignore[union-attr]
        first = start - 1 if count else start
        old.extend(old_lines[at:first])
        new.extend(old_lines[at:first])
        at = first + count
        k += 1
        while k < len(body) and not body[k].startswith("@@"):
            line = body[k]
            k += 1
            ends = "\n" if k < len(body) and body[k] != "\\ No newline at end of file" else ""
            if k < len(body) and body[k] == "\\ No newline at end of file":
                k += 1
            if not line and k >= len(body):
                break
            kind, text = line[:1], line[1:]
            if kind in " -":
                old.append(text + ends)
            if kind in " +":
                new.append(text + ends)
            if kind == "~":
                o = n = ""
                pos = 0
                for m in _MARK.finditer(text):
                    o += text[pos : m.start()]
                    n += text[pos : m.start()]
                    if m.group(1) is not None:
                        o += m.group(1).replace("⏎", "\n")
                    else:
                        n += m.group(2).replace("⏎", "\n")
                    pos = m.end()
                o += text[pos:]
                n += text[pos:]
                if n.endswith("\n"):  # the line break after an added ⏎ is that ⏎
                    old.append(o)
                    new.append(n)
                else:
                    old.append(o + ends)
                    new.append(n + ends)
    old.extend(old_lines[at:])
    new.extend(old_lines[at:])
    return "".join(old), "".join(new)


_ALPHABET = st.sampled_from(list("甲乙丙丁。，的是ab \n"))
_texts = st.lists(st.text(_ALPHABET, min_size=0, max_size=12), min_size=0, max_size=8).map(lambda ps: "\n".join(ps) + "\n")


@settings(max_examples=300, deadline=None)
@given(before=_texts, after=_texts, mode=st.sampled_from(["lines", "words", "chars"]))
def test_both_texts_can_be_read_back_from_the_view(before, after, mode):
    view = diff(before, after, name="t", mode=mode)
    if before == after:
        assert view == ""
        return
    assert _read_back(view, before) == (before, after)


@settings(max_examples=200, deadline=None)
@given(before=_texts, after=_texts)
def test_lines_mode_is_difflib_unified_diff(before, after):
    assert diff(before, after, name="t") == "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), fromfile="t", tofile="t (cleaned)"))


def test_a_huge_changed_block_falls_back_to_lines():
    before = "".join(f"第{i}段的文字，内容各不相同。\n" for i in range(MAX_INLINE_TOKENS // 10))
    after = before.replace("的文字", "之文字")
    view = diff(before, after, name="t", mode="chars")
    assert "~" not in view and view.count("\n-第") == view.count("\n+第") == MAX_INLINE_TOKENS // 10
