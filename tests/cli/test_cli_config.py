"""``--config FILE``: TOML whose keys are the long options; the command line wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.cli import main, parse_args

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_zh_press.txt"
A = "推进义务教育优质均衡发展助力双减政策有效落实优质均衡是解决择校热补课热的治本之策。"
B = A.replace("择校", "择学").replace("治本", "治理").replace("义务", "议务").replace("有效", "有力")  # similarity ~0.9


def _toml(tmp_path: Path, text: str, name: str = "c.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_clean_reads_options_from_the_file_and_the_command_line_wins(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(f"{A}\n\n{B}\n", encoding="utf-8")
    strict = _toml(tmp_path, "threshold = 0.95\nquiet = true\n")
    assert main([str(src), "--config", strict]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("均衡发展助力") == 2 and captured.err == ""  # 0.95: not duplicates; quiet from the file
    assert main([str(src), "--threshold", "0.85", "--config", strict]) == 0  # the command line wins, before or after
    assert capsys.readouterr().out.count("均衡发展助力") == 1
    assert main(["clean", "--config", strict, str(src), "--threshold", "0.85"]) == 0
    assert capsys.readouterr().out.count("均衡发展助力") == 1


def test_corpus_reads_options_from_the_file(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"doc": str(i), "content": t}, ensure_ascii=False) + "\n" for i, t in enumerate([A, B, A + "还有后文。"])), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    config = _toml(
        tmp_path,
        f'format = "jsonl"\ntext-field = "content"\nid_field = "doc"\nclean = false\nkeep = "earliest"\n'
        f"workers = 1\nbatch-size = 2\nquiet = true\noutput = {json.dumps(str(out))}\n",
    )
    assert main(["corpus", str(src), "--config", config]) == 0
    assert capsys.readouterr().err == ""
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc"] for r in kept] == ["0"] and kept[0]["content"] == A  # earliest, not cleaned, fields from the file
    assert main(["corpus", str(src), "--config", config, "--keep", "most_complete", "-o", str(tmp_path / "o2.jsonl")]) == 0
    assert [json.loads(line)["doc"] for line in (tmp_path / "o2.jsonl").read_text(encoding="utf-8").splitlines()] == ["2"]
    assert not (tmp_path / "out.jsonl.tmp").exists()


def test_both_spellings_and_the_no_form_of_a_switch(tmp_path):
    for text in ("max-bytes = 1000\nno-clean = true\n", "max_bytes = 1000\nclean = false\n", "max_bytes = 1000\nno_clean = true\n"):
        args = parse_args(["corpus", "x", "-o", "y", "--config", _toml(tmp_path, text)])
        assert (args.max_bytes, args.clean) == (1000, False), text
    args = parse_args(["corpus", "x", "-o", "y", "--clean", "--config", _toml(tmp_path, "clean = false\n")])
    assert args.clean is True  # the command line wins over the file's --no-clean too


@pytest.mark.parametrize(
    "text,needle",
    [
        ("max-byte = 10\n", "unknown key 'max-byte' (did you mean 'max-bytes'?)"),
        ("boilerplate-min-docs = 3\n", "unknown key 'boilerplate-min-docs'"),  # a corpus option, given to clean
        ("version = true\n", "unknown key 'version'"),
        ("config = 'other.toml'\n", "unknown key 'config'"),
        ("max-bytes = '10'\n", "max-bytes: expected a whole number, not \"10\""),
        ("max-bytes = 1.5\n", "max-bytes: not a whole number: '1.5'"),
        ("max-bytes = true\n", "max-bytes: expected a single value, not true"),
        ("max-bytes = -3\n", "max-bytes: must be positive, got -3"),
        ("threshold = '0.9'\n", "threshold: expected a number, not \"0.9\""),
        ("threshold = 1.5\n", "threshold: must be in (0, 1], got 1.5"),
        ("encoding = 8\n", "encoding: expected a string, not 8"),
        ("unit = 'word'\n", "unit: must be one of paragraph, line, not \"word\""),
        ("quiet = 'yes'\n", "quiet: expected true or false, not \"yes\""),
        ("verbose = -1\n", "verbose: expected a whole number >= 0, not -1"),
        ("repair = ['off']\n", "repair: expected a single value, not ['off']"),
        ("report = { path = 'r.json' }\n", "report: expected a single value, not a table"),
        ("threshold = \n", "not valid TOML: "),
    ],
)
def test_a_bad_file_is_one_line_naming_the_key(tmp_path, capsys, text, needle):
    config = _toml(tmp_path, text)
    assert main([str(SEED), "--config", config, "-o", str(tmp_path / "o.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dedup-text: error: --config {config}: ") and err.count("\n") == 1
    assert needle in err, err
    assert not (tmp_path / "o.txt").exists()


def test_a_missing_file_is_a_usage_error(tmp_path, capsys):
    assert main([str(SEED), "--config", str(tmp_path / "none.toml")]) == 2
    assert capsys.readouterr().err == f"dedup-text: error: --config {tmp_path / 'none.toml'}: no such file\n"


#: options of dedup-text corpus, with values valid for each (the command-line form of a value is str(value))
CORPUS_OPTIONS = {
    "threshold": st.floats(0.01, 1.0).map(lambda v: round(v, 3)),
    "batch-size": st.integers(1, 10_000),
    "format": st.sampled_from(["auto", "jsonl", "parquet", "text", "sogou"]),
    "text-field": st.text("abcxyz_", min_size=1, max_size=8),
    "keep": st.sampled_from(["most_complete", "earliest"]),
    "boilerplate-min-docs": st.integers(2, 50),
    "boilerplate-share": st.floats(0.0, 1.0).map(lambda v: round(v, 3)),
    "annotate": st.booleans(),
    "clean": st.booleans(),
    "verbose": st.integers(0, 3),
    "log-level": st.sampled_from(["debug", "info", "warning", "error"]),
}


def _command_line(options: dict) -> list[str]:  # type: ignore[type-arg]
    """The same options as command-line arguments."""
    argv: list[str] = []
    for key, value in options.items():
        if key == "clean":
            argv.append("--clean" if value else "--no-clean")
        elif key == "annotate":
            argv += ["--annotate"] if value else []
        elif key == "verbose":
            argv += ["-v"] * value
        else:
            argv += [f"--{key}", str(value)]
    return argv


def _toml_value(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else json.dumps(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(in_file=st.fixed_dictionaries({}, optional=CORPUS_OPTIONS), on_line=st.fixed_dictionaries({}, optional=CORPUS_OPTIONS), underscores=st.booleans())
def test_file_then_command_line_is_the_command_line_alone(tmp_path, in_file, on_line, underscores):
    """A setting in the file is the same option on the command line, unless the command line gives it too."""
    text = "".join(f"{k.replace('-', '_') if underscores else k} = {_toml_value(v)}\n" for k, v in in_file.items())
    with_file = vars(parse_args(["corpus", "x", "-o", "y", "--config", _toml(tmp_path, text), *_command_line(on_line)]))
    given = {k: v for k, v in on_line.items() if _command_line({k: v})}  # -v zero times, no --annotate: not given
    alone = vars(parse_args(["corpus", "x", "-o", "y", *_command_line({**in_file, **given})]))
    assert with_file.pop("config") is not None and alone.pop("config") is None
    assert with_file == alone


def test_the_documented_example_is_a_valid_corpus_config(tmp_path):
    """The example in dedup.cli_config's docstring (and the README's) parses, each key to its option."""
    import dedup.cli_config

    doc = dedup.cli_config.__doc__ or ""
    example = "\n".join(line[4:] for line in doc.split("::", 1)[1].split("\n\n", 2)[1].splitlines())
    assert example.startswith("# corpus.toml:") and "boilerplate-min-docs = 3" in example
    args = parse_args(["corpus", "news.jsonl", "-o", "kept.jsonl", "--config", _toml(tmp_path, example)])
    assert (args.format, args.text_field, args.id_field, args.threshold, args.keep) == ("jsonl", "content", "url", 0.9, "earliest")
    assert (args.boilerplate_min_docs, args.clean, args.workers, args.report) == (3, False, 4, "report.jsonl")


def test_a_repeatable_option_takes_a_list_and_the_command_line_replaces_it(tmp_path):
    """An ``action="append"`` option (like a repeatable --glob): a TOML list; given on the command line, it replaces the file's."""
    from dedup.cli import Parser
    from dedup.cli_config import parse_with_config

    def parser() -> Parser:
        p = Parser(prog="t")
        p.add_argument("--glob", action="append", metavar="PATTERN")
        p.add_argument("--config")
        return p

    both = _toml(tmp_path, 'glob = ["*.txt", "*.md"]\n')
    assert parse_with_config(parser(), ["--config", both]).glob == ["*.txt", "*.md"]
    assert parse_with_config(parser(), ["--config", both, "--glob", "*.csv"]).glob == ["*.csv"]
    assert parse_with_config(parser(), ["--config", _toml(tmp_path, 'glob = "*.txt"\n', "one.toml")]).glob == ["*.txt"]
    with pytest.raises(Exception, match=r"glob: expected a string, not 1"):
        parse_with_config(parser(), ["--config", _toml(tmp_path, "glob = [1]\n", "bad.toml")])
