"""Bytes to text: BOMs, strict UTF-8, GB18030/Big5/UTF-16 detection, binary refused."""

from __future__ import annotations

import codecs

import pytest

from dedup.errors import InputError
from dedup.io.read import decode, read_path

ZH = "推进义务教育优质均衡发展，助力“双减”政策有效落实。优质均衡是解决择校热、补课热的治本之策。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "big5", "utf-16-le", "utf-16-be"])
def test_common_encodings_round_trip(encoding):
    text = ZH if encoding != "big5" else "推進義務教育優質均衡發展，助力“雙減”政策有效落實。\n"
    d = decode(text.encode(encoding))
    assert d.text == text


@pytest.mark.parametrize("bom,enc", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_bom(bom, enc):
    d = decode(bom + ZH.encode(enc))
    assert d.text == ZH and d.bom


def test_sogou_gbk_file_needs_gb18030(external):
    raw = (external / "sogoucs-mini" / "gbk" / "news_sohusite_xml.smarty.dat").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")
    d = decode(raw)
    assert d.encoding == "gb18030"
    utf8 = (external / "sogoucs-mini" / "utf8" / "news_sohusite_xml.smarty.dat").read_text(encoding="utf-8")
    # the UTF-8 copy holds the same 200 <doc> blocks (it lacks the <docs> wrapper)
    assert d.text.count("<doc>") == utf8.count("<doc>") == 200
    assert d.newlines["crlf"] > 0 and "\r" not in d.text


def test_crlf_and_cr_become_lf():
    d = decode(b"a\r\nb\rc\n")
    assert d.text == "a\nb\nc\n" and d.newlines == {"crlf": 1, "cr": 1}


def test_a_few_bad_bytes_in_utf8_are_kept_visible():
    raw = ZH.encode("utf-8") * 20 + b"\xff" + ZH.encode("utf-8")
    d = decode(raw)
    assert d.encoding == "utf-8"
    assert len(d.undecodable) == 1 and d.undecodable[0][1] == "ff"
    assert "\ufffd" in d.text


def test_gb18030_run_inside_utf8_is_decoded():
    raw = ZH.encode("utf-8") * 20 + "双减".encode("gb18030") + ZH.encode("utf-8")
    d = decode(raw)
    assert "双减" in d.text and d.undecodable[0][2] == "decoded as gb18030"


@pytest.mark.parametrize("raw,what", [(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG"), (b"%PDF-1.4 xx", "PDF"), (b"ab\x00cd\x00\x00\x01\x02", "NUL")])
def test_binary_is_refused(raw, what):
    with pytest.raises(InputError, match=what):
        decode(raw)


def test_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 1000)
    from dedup.io.read import ReadConfig

    with pytest.raises(InputError, match="above the single-document limit"):
        read_path(p, ReadConfig(max_bytes=100))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "nope.txt")
