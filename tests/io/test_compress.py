"""Compressed and remote inputs and outputs (issue 12 item 5): gzip, bzip2, xz, Zstandard, fsspec URLs, --glob.

Inputs are compressed here with the standard library and pyarrow's one-shot
codecs, and outputs decompressed the same way: never with the module under
test, so a round trip through it is checked against independent code.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import subprocess
import sys
import tracemalloc
from pathlib import Path

import orjson
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.cli import main
from dedup.errors import InputError
from dedup.io.compress import compress_for, decompress_limited
from dedup.io.read import ReadConfig, read_path
from dedup.testing import make_corpus

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_zh_press.txt"
SUFFIX = {"gzip": ".gz", "bz2": ".bz2", "xz": ".xz", "zstd": ".zst"}
CODECS = sorted(SUFFIX)
CORPUS = ["--workers", "1", "--no-clean", "-q"]


def _compress(codec: str, data: bytes) -> bytes:
    if codec == "gzip":
        return gzip.compress(data)
    if codec == "bz2":
        return bz2.compress(data)
    if codec == "xz":
        return lzma.compress(data)
    out = pa.BufferOutputStream()
    with pa.CompressedOutputStream(out, "zstd") as z:
        z.write(data)
    return out.getvalue().to_pybytes()


def _decompress(codec: str, data: bytes) -> bytes:
    if codec == "gzip":
        return gzip.decompress(data)
    if codec == "bz2":
        return bz2.decompress(data)
    if codec == "xz":
        return lzma.decompress(data)
    return bytes(pa.CompressedInputStream(pa.BufferReader(data), "zstd").read())


def _jsonl(records) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records)


@pytest.fixture(scope="module")
def corpus_bytes() -> bytes:
    return _jsonl(make_corpus(5, 60).records)


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory, corpus_bytes) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    """The outputs of corpus mode on the uncompressed corpus: what every compressed run must give."""
    d = tmp_path_factory.mktemp("plain")
    (d / "in.jsonl").write_bytes(corpus_bytes)
    assert main(["corpus", str(d / "in.jsonl"), "-o", str(d / "o.jsonl"), "--report", str(d / "r.jsonl"), *CORPUS]) == 0
    return (d / "o.jsonl").read_bytes(), (d / "r.jsonl").read_bytes()


@pytest.fixture(scope="module")
def plain_seed(tmp_path_factory) -> bytes:  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("seed")
    assert main([str(SEED), "-o", str(d / "out.txt"), "-q"]) == 0
    return (d / "out.txt").read_bytes()


def _one_error(capsys) -> str:  # type: ignore[no-untyped-def]
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dedup-text: error: "), err
    return lines[0]


# ---------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("codec", CODECS)
def test_corpus_mode_reads_and_writes_every_codec(codec, tmp_path, corpus_bytes, plain_run):
    """wiki.jsonl.gz in (the format from the name inside), out.jsonl.gz and the report compressed: the same records."""
    sfx = SUFFIX[codec]
    src = tmp_path / f"wiki.jsonl{sfx}"
    src.write_bytes(_compress(codec, corpus_bytes))
    out, rep = tmp_path / f"o.jsonl{sfx}", tmp_path / f"r.jsonl{sfx}"
    assert main(["corpus", str(src), "-o", str(out), "--report", str(rep), *CORPUS]) == 0
    assert (_decompress(codec, out.read_bytes()), _decompress(codec, rep.read_bytes())) == plain_run
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([src.name, out.name, rep.name])  # no temporary left
    # the same bytes again (gzip headers carry no time or name)
    again = tmp_path / f"again{sfx}"
    assert main(["corpus", str(src), "-o", str(again), "--format", "jsonl", *CORPUS]) == 0
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize("codec", CODECS)
def test_single_document_mode_reads_and_writes_every_codec(codec, tmp_path, plain_seed):
    sfx = SUFFIX[codec]
    src = tmp_path / f"seed.txt{sfx}"
    src.write_bytes(_compress(codec, SEED.read_bytes()))
    out, rep = tmp_path / f"clean.txt{sfx}", tmp_path / f"report.json{sfx}"
    assert main([str(src), "-o", str(out), "--report", str(rep), "-q"]) == 0
    assert _decompress(codec, out.read_bytes()) == plain_seed
    assert orjson.loads(_decompress(codec, rep.read_bytes()))["stats"]["blocks"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([src.name, out.name, rep.name])


@pytest.mark.parametrize("codec", CODECS)
def test_sogou_and_parquet_inputs_compressed(codec, tmp_path, plain_run):
    """Every corpus reader opens its files through the same place: SogouCS dumps and Parquet files too."""
    recs = [orjson.loads(x) for x in plain_run[0].splitlines()][:5]
    dump = "".join(f"<doc>\n<url>u</url>\n<docno>{r['id']}</docno>\n<contenttitle>t</contenttitle>\n<content>{r['text']}</content>\n</doc>\n" for r in recs)
    (tmp_path / f"news.dat{SUFFIX[codec]}").write_bytes(_compress(codec, dump.encode("gb18030")))
    assert main(["corpus", str(tmp_path / f"news.dat{SUFFIX[codec]}"), "--format", "sogou", "-o", str(tmp_path / "o.jsonl"), *CORPUS]) == 0
    assert [r["id"] for r in map(orjson.loads, (tmp_path / "o.jsonl").read_bytes().splitlines())] == [r["id"] for r in recs]
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(recs), buf)
    (tmp_path / f"t.parquet{SUFFIX[codec]}").write_bytes(_compress(codec, buf.getvalue()))
    assert main(["corpus", str(tmp_path / f"t.parquet{SUFFIX[codec]}"), "-o", str(tmp_path / "p.jsonl"), *CORPUS]) == 0
    assert [r["id"] for r in map(orjson.loads, (tmp_path / "p.jsonl").read_bytes().splitlines())] == [r["id"] for r in recs]


# ---------------------------------------------------------------------------- magic, not names


@pytest.mark.parametrize("codec", CODECS)
def test_compressed_data_under_a_plain_name_is_decompressed(codec, tmp_path, corpus_bytes, plain_run, plain_seed):
    (tmp_path / "corpus.jsonl").write_bytes(_compress(codec, corpus_bytes))
    assert main(["corpus", str(tmp_path / "corpus.jsonl"), "-o", str(tmp_path / "o.jsonl"), *CORPUS]) == 0
    assert (tmp_path / "o.jsonl").read_bytes() == plain_run[0]
    # no suffix at all: the format is sniffed from the decompressed bytes
    (tmp_path / "dump").write_bytes(_compress(codec, corpus_bytes))
    assert main(["corpus", str(tmp_path / "dump"), "-o", str(tmp_path / "d.jsonl"), *CORPUS]) == 0
    assert (tmp_path / "d.jsonl").read_bytes() == plain_run[0]
    (tmp_path / "seed.txt").write_bytes(_compress(codec, SEED.read_bytes()))
    assert read_path(tmp_path / "seed.txt").text == read_path(SEED).text


def test_plain_data_under_a_compressed_name_is_read_as_it_is(tmp_path, corpus_bytes, plain_run):
    (tmp_path / "not-really.jsonl.gz").write_bytes(corpus_bytes)
    assert main(["corpus", str(tmp_path / "not-really.jsonl.gz"), "-o", str(tmp_path / "o.jsonl"), *CORPUS]) == 0
    assert (tmp_path / "o.jsonl").read_bytes() == plain_run[0]


@pytest.mark.parametrize("codec", CODECS)
def test_compressed_standard_input(codec, corpus_bytes, plain_run, plain_seed):
    """`zcat`-free pipes: compressed bytes on standard input, both modes, as a user runs them."""
    data = _compress(codec, corpus_bytes)
    run = subprocess.run([sys.executable, "-m", "dedup.cli", "corpus", "-", "--format", "jsonl", "-o", "-", *CORPUS], input=data, capture_output=True, timeout=300)
    assert (run.returncode, run.stderr, run.stdout) == (0, b"", plain_run[0])
    run = subprocess.run([sys.executable, "-m", "dedup.cli", "-q"], input=_compress(codec, SEED.read_bytes()), capture_output=True, timeout=300)
    assert (run.returncode, run.stderr, run.stdout) == (0, b"", plain_seed)


# ---------------------------------------------------------------------------- damaged and hostile


def _cut(codec: str, data: bytes) -> bytes:
    return _compress(codec, data)[: len(_compress(codec, data)) * 2 // 3]


def _garble(codec: str, data: bytes) -> bytes:
    z = bytearray(_compress(codec, data))
    for i in range(24, min(len(z) - 8, 400)):
        z[i] ^= 0x5A
    return bytes(z)


@pytest.mark.parametrize("damage", [_cut, _garble], ids=["truncated", "corrupt"])
@pytest.mark.parametrize("codec", CODECS)
def test_damaged_compressed_input_is_one_line_and_no_output(codec, damage, tmp_path, corpus_bytes, capsys):
    sfx = SUFFIX[codec]
    (tmp_path / f"in.jsonl{sfx}").write_bytes(damage(codec, corpus_bytes))
    capsys.readouterr()
    assert main(["corpus", str(tmp_path / f"in.jsonl{sfx}"), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r.jsonl"), *CORPUS]) == 1
    line = _one_error(capsys)
    assert f"in.jsonl{sfx}: {codec} data is truncated or corrupt" in line, line
    (tmp_path / f"seed.txt{sfx}").write_bytes(damage(codec, SEED.read_bytes()))
    assert main([str(tmp_path / f"seed.txt{sfx}"), "-o", str(tmp_path / "clean.txt"), "-q"]) == 1
    assert f"seed.txt{sfx}: {codec} data is truncated or corrupt" in _one_error(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"in.jsonl{sfx}", f"seed.txt{sfx}"])


def _bomb(codec: str, inflated: int) -> bytes:
    """Compressed data that inflates to ``inflated`` bytes of zeros: one 16 MiB member, repeated.

    Every codec reads concatenated members (gzip members, bzip2 and xz
    streams, zstd frames) as one stream.
    """
    member = _compress(codec, b"\0" * (16 << 20))
    return member * (inflated // (16 << 20))


@pytest.mark.parametrize("codec", CODECS)
def test_a_zip_bomb_is_refused_under_the_limit_without_inflating_it(codec, tmp_path, capsys):
    """1 GiB of zeros in a small file, --max-bytes 1 MiB: refused, having decompressed about 1 MiB."""
    bomb = tmp_path / f"bomb.txt{SUFFIX[codec]}"
    bomb.write_bytes(_bomb(codec, 1 << 30))
    assert bomb.stat().st_size < 8 << 20
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=f"more than 1,048,576 bytes once decompressed \\({codec}\\)"):
            read_path(bomb, ReadConfig(max_bytes=1 << 20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, peak  # a few chunks, not the gigabyte
    capsys.readouterr()
    assert main([str(bomb), "--max-bytes", str(1 << 20), "-q"]) == 1
    assert "above the single-document limit" in _one_error(capsys)


def test_a_zip_bomb_in_a_corpus_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("推进义务教育优质均衡发展。", encoding="utf-8")
    (folder / "b.txt.gz").write_bytes(_bomb("gzip", 256 << 20))
    capsys.readouterr()
    assert main(["corpus", str(folder), "-o", str(tmp_path / "out"), "--max-bytes", str(1 << 20), *CORPUS]) == 1
    assert "b.txt.gz" in _one_error(capsys)
    assert not (tmp_path / "out").exists()


@given(data=st.binary(max_size=4000), codec=st.sampled_from(CODECS), cut=st.integers(0, 4000))
def test_compress_then_decompress_is_the_identity_and_the_limit_holds(data, codec, cut):
    packed = compress_for(f"x{SUFFIX[codec]}", data)
    assert _decompress(codec, packed) == data  # what we write, others read
    assert decompress_limited(packed, len(data)) == (codec, data)
    if cut < len(data):
        assert decompress_limited(packed, cut) == (codec, None)


def test_compressed_parquet_or_text_output_is_refused(tmp_path, corpus_bytes, capsys):
    (tmp_path / "in.jsonl").write_bytes(corpus_bytes)
    capsys.readouterr()
    assert main(["corpus", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.parquet.gz"), *CORPUS]) == 2
    assert "only JSONL and SogouCS output can be compressed" in _one_error(capsys)
    assert not (tmp_path / "o.parquet.gz").exists()


# ---------------------------------------------------------------------------- URLs (fsspec)


def test_file_urls_both_modes(tmp_path, corpus_bytes, plain_run, plain_seed):
    (tmp_path / "wiki.jsonl.zst").write_bytes(_compress("zstd", corpus_bytes))
    assert main(["corpus", (tmp_path / "wiki.jsonl.zst").as_uri(), "-o", str(tmp_path / "o.jsonl"), *CORPUS]) == 0
    assert (tmp_path / "o.jsonl").read_bytes() == plain_run[0]
    (tmp_path / "seed.txt.gz").write_bytes(_compress("gzip", SEED.read_bytes()))
    assert main([(tmp_path / "seed.txt.gz").as_uri(), "-o", str(tmp_path / "clean.txt"), "-q"]) == 0
    assert (tmp_path / "clean.txt").read_bytes() == plain_seed


def test_memory_urls_both_modes(tmp_path, corpus_bytes, plain_run, plain_seed, capsys):
    import fsspec

    fs = fsspec.filesystem("memory")
    try:
        fs.pipe("/dedup-test/wiki.jsonl.xz", _compress("xz", corpus_bytes))
        fs.pipe("/dedup-test/seed.txt", SEED.read_bytes())
        assert main(["corpus", "memory://dedup-test/wiki.jsonl.xz", "-o", str(tmp_path / "o.jsonl"), *CORPUS]) == 0
        assert (tmp_path / "o.jsonl").read_bytes() == plain_run[0]
        assert main(["memory://dedup-test/seed.txt", "-o", str(tmp_path / "clean.txt"), "-q"]) == 0
        assert (tmp_path / "clean.txt").read_bytes() == plain_seed
        capsys.readouterr()
        assert main(["corpus", "memory://dedup-test/missing.jsonl", "-o", str(tmp_path / "m.jsonl"), *CORPUS]) == 1
        assert _one_error(capsys) == "dedup-text: error: memory://dedup-test/missing.jsonl: no such file"
        assert main(["nosuchproto://x/seed.txt", "-q"]) == 2
        assert "cannot open this URL" in _one_error(capsys)
    finally:
        fs.rm("/dedup-test", recursive=True)


def test_urls_without_fsspec_say_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "fsspec", None)  # import fsspec now fails
    capsys.readouterr()
    assert main(["corpus", "s3://bucket/wiki.jsonl.gz", "-o", str(tmp_path / "o.jsonl"), *CORPUS]) == 2
    assert "reading URLs needs fsspec (pip install 'dedup-text[remote]')" in _one_error(capsys)


# ---------------------------------------------------------------------------- --glob


def _folder(root: Path) -> Path:
    docs = root / "news"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text("推进义务教育优质均衡发展，助力双减政策落地见效。", encoding="utf-8")
    (docs / "sub" / "c.txt").write_text("本市地铁十一号线今日开通试运营，沿线居民出行时间大幅缩短。", encoding="utf-8")
    (docs / "b.md").write_text("气象台发布暴雨蓝色预警，预计今天夜间到明天白天有中到大雨。", encoding="utf-8")
    (docs / "file_information.csv").write_text("name,size\na.txt,72\n", encoding="utf-8")
    return docs


@pytest.mark.parametrize(
    ("globs", "taken"),
    [
        ([], ["a.txt", "b.md", "file_information.csv", "sub/c.txt"]),
        (["*.txt"], ["a.txt", "sub/c.txt"]),
        (["sub/*"], ["sub/c.txt"]),
        (["*.txt", "*.md"], ["a.txt", "b.md", "sub/c.txt"]),
    ],
)
def test_glob_picks_the_files_of_a_folder(globs, taken, tmp_path):
    docs = _folder(tmp_path)
    argv = ["corpus", str(docs), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r.jsonl"), *CORPUS]
    for g in globs:
        argv += ["--glob", g]
    assert main(argv) == 0
    assert [r["id"] for r in map(orjson.loads, (tmp_path / "r.jsonl").read_bytes().splitlines())] == taken
