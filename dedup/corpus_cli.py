"""``dedup-text corpus``: near-duplicate documents and boilerplate across a corpus.

    dedup-text corpus INPUT... -o OUT [--report REPORT.jsonl] [--format auto|jsonl|parquet|text|sogou]
        [--text-field text] [--id-field id] [--engine local|dask] [--scheduler ADDRESS]
        [--workers N] [--index DIR] [--checkpoint DIR] ...

Outputs (the kept documents, cleaned; the report, one JSON line per input
document) are written to temporary files and renamed only when the whole run
succeeded; an index is committed after them, and the checkpoint folder
(finished stage results that let a rerun resume) is removed last.  Errors are one line
(:mod:`dedup.errors`), mapped to exit codes by :func:`dedup.cli.main`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from typing import Any

from .cli import PROG, _fraction, _Parser, _positive_int
from .errors import UsageError


def _share(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {v}")
    return v


def _at_least_two(text: str) -> int:
    v = _positive_int(text)
    if v < 2:
        raise argparse.ArgumentTypeError(f"must be at least 2, got {v}")
    return v


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"{PROG} corpus",
        description="Find near-duplicate documents and boilerplate across a corpus (JSONL, Parquet, a folder of text files "
        "or a SogouCS dump); write the kept documents, cleaned, and a report line per input document "
        "(id, cluster, duplicate_of, score).",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="JSONL or Parquet files, folders of text files, SogouCS .dat files, or - for standard input")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="kept documents: a file in the input's format (or by extension: .jsonl, .parquet), a new folder for text input, or - (JSONL on standard output)")
    p.add_argument("--report", metavar="REPORT.jsonl", help="one JSON line per input document (.parquet: a Parquet table)")
    p.add_argument("--format", choices=("auto", "jsonl", "parquet", "text", "sogou"), default="auto", help="input format (default: from each input)")
    p.add_argument("--text-field", default="text", metavar="NAME", help="field holding the text (default: text)")
    p.add_argument("--id-field", default="id", metavar="NAME", help="field holding the document id (default: id; missing ids become FILE:LINE)")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="local process pool (default) or a dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler address (default: start a LocalCluster)")
    p.add_argument("--workers", type=_positive_int, metavar="N", help=f"worker processes (default: all {os.cpu_count()} cores); results do not depend on it")
    p.add_argument("--index", metavar="DIR", help="persistent index: deduplicate against every document added before, and add these")
    p.add_argument(
        "--checkpoint",
        metavar="DIR",
        help="keep finished stage results in DIR; rerunning the same command after a crash or Ctrl-C reuses them "
        "(results are identical). Removed after a successful run. Default with --index: INDEX/checkpoint",
    )
    p.add_argument("--keep-checkpoint", action="store_true", help="do not remove the checkpoint folder after a successful run")
    p.add_argument("--no-checkpoint", action="store_true", help="keep no stage results (not even under --index)")
    p.add_argument("--batch-size", type=_positive_int, default=500, metavar="N", help="documents per task (default 500); bounds memory")
    p.add_argument("--threshold", type=_fraction, metavar="X", help="edit similarity at which documents are near-duplicates (default 0.85)")
    p.add_argument("--keep", choices=("most_complete", "earliest"), default="most_complete", help="which document a cluster keeps (default: most complete, then majority, then earliest)")
    p.add_argument("--boilerplate-unit", choices=("line", "sentence"), default="line", help="unit of boilerplate: lines (default) or sentences (pages without line breaks)")
    p.add_argument("--boilerplate-min-docs", type=_at_least_two, default=5, metavar="N", help="a unit is boilerplate in at least N distinct documents (default 5)")
    p.add_argument("--boilerplate-share", type=_share, default=0.0, metavar="X", help="... and in at least this share of them (default 0)")
    p.add_argument("--boilerplate-keep", choices=("none", "first"), default="none", help="remove boilerplate from every document (none) or all but the first (first)")
    p.add_argument("--no-boilerplate", action="store_true", help="do not look for boilerplate")
    p.add_argument("--clean", action=argparse.BooleanOptionalAction, default=True, help="run each kept document through the single-document cleaner (default: on)")
    p.add_argument("--annotate", action="store_true", help="write every document, duplicates too, with cluster and duplicate_of fields")
    p.add_argument("--encoding", metavar="ENC", help="decode text files with this encoding instead of detecting it")
    p.add_argument("--max-bytes", type=_positive_int, metavar="N", help="largest single text file read (default 32 MiB)")
    p.add_argument("--stats", action="store_true", help="print run statistics (JSON) on standard error")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML review page of the largest clusters (inputs are read a second time for their texts)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary or progress on standard error")
    return p


def config_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .corpus import BoilerplateConfig, CorpusConfig

    cfg = CorpusConfig(
        boilerplate=BoilerplateConfig(
            enabled=not args.no_boilerplate,
            unit=args.boilerplate_unit,
            min_docs=args.boilerplate_min_docs,
            share=args.boilerplate_share,
            keep=args.boilerplate_keep,
        ),
        clean=args.clean,
        keep=args.keep,
        batch_size=args.batch_size,
    )
    if args.threshold is not None:
        cfg = dataclasses.replace(cfg, match=dataclasses.replace(cfg.match, threshold=args.threshold))
    return cfg


def _read_config(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .cli import read_config_from_args

    return read_config_from_args(args)


def _check_paths(args: argparse.Namespace) -> None:
    """Usage problems found before any work starts."""
    from .errors import InputError

    if args.inputs.count("-") > 1:
        raise UsageError("standard input (-) can be given only once")
    for path in args.inputs:
        if path != "-" and not os.path.exists(path):
            raise InputError(f"{path}: no such file or folder")
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if args.report == "-" and args.output == "-":
        raise UsageError("only one of -o and --report can be standard output")
    from .io.targets import check_distinct

    check_distinct(args.inputs, [("-o", args.output, None), ("--report", args.report, None), ("--html", args.html, None)])
    if args.checkpoint and args.no_checkpoint:
        raise UsageError("--checkpoint and --no-checkpoint contradict each other")
    ck = checkpoint_dir(args)
    if args.keep_checkpoint and ck is None:
        raise UsageError("--keep-checkpoint needs --checkpoint DIR (or --index)")
    if args.checkpoint:
        where = os.path.abspath(args.checkpoint)
        taken = {os.path.abspath(p): f"an input ({p})" for p in args.inputs if p != "-"}
        for flag, path in (("-o", args.output), ("--report", args.report), ("--html", args.html), ("--index", args.index)):
            if path and path != "-":
                taken[os.path.abspath(path)] = f"{flag} {path}"
        if where in taken:
            raise UsageError(f"--checkpoint {args.checkpoint} is also {taken[where]}; choose another folder")
        if os.path.exists(where) and not os.path.isdir(where):
            raise UsageError(f"--checkpoint {args.checkpoint}: exists and is not a folder")


def checkpoint_dir(args: argparse.Namespace) -> str | None:
    """Where stage results are kept: ``--checkpoint``, else ``INDEX/checkpoint`` with ``--index``.

    An incremental run is the kind that is long and repeated, so it is
    resumable by default; the folder is removed after success like any
    temporary file (``--keep-checkpoint`` keeps it).  Index maintenance only
    removes the index's own leftovers (``seg-``, ``verified-``, ``state-``,
    ``.pending-``), never this folder.
    """
    if args.no_checkpoint:
        return None
    if args.checkpoint:
        return str(args.checkpoint)
    if args.index:
        return os.path.join(args.index, "checkpoint")
    return None


def _terminate_like_interrupt():  # type: ignore[no-untyped-def]
    """SIGTERM stops a run like Ctrl-C: temporary files removed, workers stopped, exit 130.

    The first of them wins: from then on both are ignored, so that a second
    Ctrl-C cannot break the cleanup the first one started (temporary files,
    workers; the engine's pool is fully stopped by then, so the exit after
    it has nothing left to wait for).  Returns the previous handlers, which
    :func:`run_corpus` puts back, and the list of signals received (None off
    the main thread, where signals cannot be set).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    received: list[int] = []

    def handler(signum, frame):  # type: ignore[no-untyped-def]
        received.append(signum)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt

    return {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}, received


def run_corpus(argv: list[str]) -> int:
    """Entry point of ``dedup-text corpus``; returns the exit code (errors raise DedupError)."""
    import signal

    args = build_parser().parse_args(argv)
    handlers = _terminate_like_interrupt()
    try:
        return _run(args)
    finally:
        if handlers is not None:
            for sig, previous in handlers[0].items():
                signal.signal(sig, previous)


def _run(args: argparse.Namespace) -> int:
    from .corpus import CorpusRun
    from .engines import make_engine
    from .io.records import Fields, RecordWriter, iter_records, open_report, output_format, sniff_format

    _check_paths(args)
    config = config_from_args(args)
    fields = Fields(text=args.text_field, id=args.id_field)
    if args.format == "auto" and "-" in args.inputs:
        raise UsageError("give --format for standard input (jsonl, parquet or sogou)")
    if args.html and "-" in args.inputs:
        raise UsageError("--html re-reads the inputs and cannot be used with standard input")
    in_fmt = args.format if args.format != "auto" else sniff_format(args.inputs[0])
    out_fmt = output_format(args.output, in_fmt)  # type: ignore[arg-type]
    records = iter_records(args.inputs, args.format, fields, _read_config(args))
    progress = sys.stderr.isatty() and not args.quiet
    writer = report = None
    engine = make_engine(args.engine, workers=_workers(args), scheduler=args.scheduler)
    try:
        writer = RecordWriter(args.output, out_fmt, fields)
        report = open_report(args.report) if args.report else None
        run = CorpusRun(records, config, fields=fields, engine=engine, index=args.index, progress=progress, checkpoint=checkpoint_dir(args))
        rows: list[dict[str, Any]] = []  # only kept for --html: a few small fields per document
        try:
            n_written = 0
            for doc in run:
                row = doc.report()
                if report is not None:
                    report.write(row)
                if args.html and not doc.revised:
                    rows.append({k: row.get(k) for k in ("id", "cluster", "duplicate_of", "score", "match", "cluster_size")})
                if doc.revised or not (doc.kept or args.annotate):
                    continue
                rec: dict[str, Any] = dict(doc.record or {})
                if doc.kept:
                    rec[fields.text] = doc.text
                if args.annotate:
                    rec["cluster"] = doc.cluster
                    rec["duplicate_of"] = doc.duplicate_of
                writer.write(rec)
                n_written += 1
            html = _review_page(args, rows, fields, config) if args.html else None
            writer.commit()
            if report is not None:
                report.commit()
            if html is not None:
                from .io.write import write_atomic

                write_atomic(args.html, html)
            run.commit()
            if run.checkpoint is not None and not args.keep_checkpoint:
                run.checkpoint.remove()  # the outputs are safe: the stage results have served
        finally:
            run.close()
    except BaseException as exc:
        for w in (writer, report):
            if w is not None:
                w.abort()
        where = checkpoint_dir(args)
        if isinstance(exc, KeyboardInterrupt) and where and os.path.isdir(where):
            # the one line Ctrl-C prints (dedup.cli.main) then says how to carry on
            exc.note = f"; the same command resumes from {where}"  # type: ignore[attr-defined]
        raise
    finally:
        engine.close()
    s = run.stats
    if not args.quiet:
        print(
            f"{PROG} corpus: {s['documents']} documents -> {s['kept']} kept, {s['documents'] - s['kept']} duplicates "
            f"in {s['clusters']} clusters; {s['boilerplate_units']} boilerplate units, removed from {s['docs_with_boilerplate_removed']} documents"
            + (f"; {s['revised']} earlier decisions revised" if s.get("revised") else "")
            + _resumed_note(s, checkpoint_dir(args))
            + (f"; report: {args.report}" if args.report else ""),
            file=sys.stderr,
        )
    if args.stats:
        print(json.dumps(s, sort_keys=True), file=sys.stderr)
    return 0


def _workers(args: argparse.Namespace) -> int:
    """``--workers``, or every usable CPU; more than the CPUs is capped (a scheduler's cluster is its own)."""
    from .engines.local import cap_workers, usable_cpus

    if args.scheduler:
        return args.workers or usable_cpus()
    workers = cap_workers(args.workers or usable_cpus())
    if args.workers and workers < args.workers:
        print(f"{PROG} corpus: warning: --workers {args.workers} is more than the {workers} CPUs this process can use; using {workers}", file=sys.stderr)
    return workers


def _resumed_note(stats: dict[str, Any], folder: str | None) -> str:
    """``; resumed 12 of 40 batches from DIR`` when a checkpoint served (empty otherwise)."""
    resumed = sum(v for k, v in stats.items() if k.startswith("resumed_batches_"))
    total = resumed + sum(v for k, v in stats.items() if k.startswith("computed_batches_"))
    note = f"; resumed {resumed} of {total} batches from {folder}" if resumed else ""
    if stats.get("checkpoint_write_errors"):
        note += f"; {stats['checkpoint_write_errors']} batch results could not be checkpointed (disk full?)"
    return note


def _review_page(args: argparse.Namespace, rows: list[dict[str, Any]], fields: Any, config: Any) -> str:
    """The corpus review page: sample the largest clusters, then re-read only their texts."""
    from .io.records import iter_records
    from .review import corpus_sample_ids, corpus_to_html

    wanted = set(corpus_sample_ids(rows))
    texts: dict[str, str] = {}
    for rec in iter_records(args.inputs, args.format, fields, _read_config(args)):
        key = str(rec.get(fields.id))
        if key in wanted:
            texts[key] = str(rec.get(fields.text) or "")
    threshold = getattr(getattr(config, "match", None), "threshold", None)
    return corpus_to_html(rows, texts, threshold=threshold, title="dedup corpus review: " + ", ".join(args.inputs))


__all__ = ["build_parser", "run_corpus"]
