"""``dedup-text corpus``: near-duplicate documents and boilerplate across a corpus.

    dedup-text corpus INPUT... -o OUT [--report REPORT.jsonl] [--format auto|jsonl|parquet|text|sogou]
        [--text-field text] [--id-field id] [--engine local|dask] [--scheduler ADDRESS]
        [--workers N] [--index DIR] [--checkpoint DIR] ...

Outputs (the kept documents, cleaned; the report, one JSON line per input
document) are written to temporary files and renamed only when the whole run
succeeded; an index's files are written before them and put in effect (one
rename of its meta.json) after them, and the checkpoint folder
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

from ..errors import UsageError
from .args import PROG, add_matching_options, add_read_options, add_run_options, fraction, log, positive_int, say

CORPUS_HELP = (
    "Find near-duplicate documents and boilerplate across a corpus (JSONL, Parquet, a folder of text files "
    "or a SogouCS dump); write the kept documents, cleaned, and a report line per input document "
    "(id, cluster, duplicate_of, score)."
)


def _share(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {v}")
    return v


def _at_least_two(text: str) -> int:
    v = positive_int(text)
    if v < 2:
        raise argparse.ArgumentTypeError(f"must be at least 2, got {v}")
    return v


def add_corpus_options(p: argparse.ArgumentParser) -> None:
    """The options of ``dedup-text corpus``; those it shares with ``clean`` come from :mod:`dedup.cli.args`."""
    # INPUT and -o are required except with --rethreshold: dedup.cli.parse_args checks it after --config is merged
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="JSONL or Parquet files, folders of text files, SogouCS .dat files, or - for standard input")
    p.add_argument("-o", "--output", metavar="OUT", help=(
        "required: kept documents: a file in the input's format (or by extension: .jsonl, .parquet), a new folder for "
        "text input, or - (JSONL on standard output)"
    ))
    p.add_argument("--report", metavar="REPORT.jsonl", help="one JSON line per input document (.parquet: a Parquet table)")
    p.add_argument("--format", choices=("auto", "jsonl", "parquet", "text", "sogou"), default="auto", help="input format (default: from each input)")
    p.add_argument("--glob", action="append", metavar="PATTERN", help="folder inputs: read only files matching PATTERN ('*.txt'; with a '/', matched against the path inside the folder); repeatable")
    p.add_argument("--text-field", default="text", metavar="NAME", help="field holding the text (default: text)")
    p.add_argument("--id-field", default="id", metavar="NAME", help="field holding the document id (default: id; missing ids become FILE:LINE)")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="local process pool (default) or a dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler address (default: start a LocalCluster)")
    p.add_argument("--workers", type=positive_int, metavar="N", help=f"worker processes (default: all {os.cpu_count()} cores); results do not depend on it")
    p.add_argument("--index", metavar="DIR", help="persistent index: deduplicate against every document added before, and add these")
    p.add_argument(
        "--checkpoint",
        metavar="DIR",
        help="keep finished stage results in DIR; rerunning the same command after a crash or Ctrl-C reuses them "
        "(results are identical). Removed after a successful run. Default with --index: INDEX/checkpoint",
    )
    p.add_argument("--keep-checkpoint", action="store_true", help="do not remove the checkpoint folder after a successful run")
    p.add_argument("--no-checkpoint", action="store_true", help="keep no stage results (not even under --index)")
    p.add_argument("--batch-size", type=positive_int, default=500, metavar="N", help="documents per task (default 500); bounds memory")
    add_matching_options(p, what="documents", threshold=0.85)
    p.add_argument("--boilerplate-unit", choices=("line", "sentence"), default="line", help="unit of boilerplate: lines (default) or sentences (pages without line breaks)")
    p.add_argument("--boilerplate-min-docs", type=_at_least_two, default=5, metavar="N", help="a unit is boilerplate in at least N distinct documents (default 5)")
    p.add_argument("--boilerplate-share", type=_share, default=0.0, metavar="X", help="... and in at least this share of them (default 0)")
    p.add_argument("--boilerplate-keep", choices=("none", "first"), default="none", help="remove boilerplate from every document (none) or all but the first (first)")
    p.add_argument("--no-boilerplate", action="store_true", help="do not look for boilerplate")
    p.add_argument("--clean", action=argparse.BooleanOptionalAction, default=True, help="run each kept document through the single-document cleaner (default: on)")
    p.add_argument("--annotate", action="store_true", help="write every document, duplicates too, with cluster and duplicate_of fields")
    add_read_options(p)
    # corpus record I/O (issue 11): per-record limit, bad records, links
    p.add_argument("--max-record-bytes", type=positive_int, metavar="N", help=(
        "a record with more text (UTF-8 bytes) is kept and written unchanged, not compared or cleaned, with a note in "
        "its report line (default 8 MiB)"
    ))
    p.add_argument("--skip-bad-records", action="store_true", help="skip records that cannot be read (bad JSON, null text, a binary file...), counted in --stats, instead of stopping at the first")
    p.add_argument("--follow-links", action="store_true", help="in input folders, read links to files outside the folder and enter linked folders (default: skip them)")
    p.add_argument("--stats", action="store_true", help="print run statistics (JSON) on standard error")
    p.add_argument("--rethreshold", type=fraction, metavar="X", help=(
        "with --index and no INPUT: decide every indexed document again at similarity X from the stored pair scores "
        "(nothing fingerprinted, the index unchanged); the report and --stats list the pairs nearest X"
    ))
    p.add_argument("--giant-cluster", type=positive_int, default=1000, metavar="N", help=(
        "warn about clusters of at least N documents (a template or a chain; solved by direct matches, never collapsed; "
        "default 1000)"
    ))
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML review page of the largest clusters (inputs are read a second time for their texts)")
    add_run_options(p)


def config_from_args(args: argparse.Namespace):
    from ..corpus import BoilerplateConfig, CorpusConfig

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
        giant_cluster=args.giant_cluster,
    )
    if args.threshold is not None:
        cfg = dataclasses.replace(cfg, match=dataclasses.replace(cfg.match, threshold=args.threshold))
    if getattr(args, "max_record_bytes", None) is not None:
        cfg = dataclasses.replace(cfg, max_record_bytes=args.max_record_bytes)
    return cfg


def read_options(args: argparse.Namespace, *, quiet: bool = False):
    """How inputs are read: links, bad records, and the paths never read as documents (index, checkpoint, outputs)."""
    from ..io.records import ReadOptions

    own = [args.index, checkpoint_dir(args), args.output, args.report, args.html]
    return ReadOptions(
        follow_links=args.follow_links,
        skip_bad_records=args.skip_bad_records,
        exclude=tuple(os.path.abspath(x) for x in own if x and x != "-"),
        warn=(lambda message: None) if quiet else None,
    )


def _read_config(args: argparse.Namespace):
    from ..io.read import FolderReadConfig
    from .args import read_config_from_args

    return FolderReadConfig(**dataclasses.asdict(read_config_from_args(args)), glob=tuple(args.glob or ()))


def _check_paths(args: argparse.Namespace) -> None:
    """Usage problems found before any work starts."""
    from ..errors import InputError

    if args.inputs.count("-") > 1:
        raise UsageError("standard input (-) can be given only once")
    for path in args.inputs:
        if path != "-" and not os.path.exists(path) and "://" not in path:  # URLs are opened later (fsspec)
            raise InputError(f"{path}: no such file or folder")
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if args.report == "-" and args.output == "-":
        raise UsageError("only one of -o and --report can be standard output")
    if "-" in (args.output, args.report) and sys.stdout is None:
        from ..errors import OutputError

        raise OutputError("standard output is closed; give -o FILE")
    from ..io.targets import check_distinct

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
    _outputs_outside_state_folders(args)


def _outputs_outside_state_folders(args: argparse.Namespace) -> None:
    """No output inside the ``--index`` or checkpoint folder: it would overwrite the run's own state.

    (``-o IDX/seg-1/keys.bin`` replaced the index's keys, and later runs used the damaged index.)
    """
    folders = [(flag, path) for flag, path in (("--index", args.index), ("--checkpoint", checkpoint_dir(args))) if path]
    for flag, path in (("-o", args.output), ("--report", args.report), ("--html", args.html)):
        if not path or path == "-":
            continue
        real = os.path.realpath(path)
        for what, folder in folders:
            root = os.path.realpath(folder)
            if real == root or real.startswith(root + os.sep):
                raise UsageError(f"{flag} {path} is inside the {what} folder {folder}; choose an output elsewhere")


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


def _terminate_like_interrupt() -> Any:
    """SIGTERM stops a run like Ctrl-C: temporary files removed, workers stopped, exit 130.

    The first of them wins: from then on both are ignored, so that a second
    Ctrl-C cannot break the cleanup the first one started (temporary files,
    workers; the engine's pool is fully stopped by then, so the exit after
    it has nothing left to wait for).  Returns the previous handlers, which
    :func:`run` puts back, and the list of signals received (None off
    the main thread, where signals cannot be set).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    received: list[int] = []

    def handler(signum, frame):
        if _in_finalizer(frame):
            # raised here, the KeyboardInterrupt is printed as "Exception ignored" and dropped, and with
            # both signals then ignored the run went on to its end: the signal comes again once out of it
            threading.Timer(0.05, os.kill, (os.getpid(), signum)).start()
            return
        received.append(signum)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt

    return {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}, received


def _in_finalizer(frame: Any) -> bool:
    """Is ``frame`` inside a ``__del__`` or a ``weakref.finalize`` callback, whose exceptions Python drops?

    A Dask future released by the garbage collector runs ``Future.__del__`` on
    the main thread, where the signal handler then runs too.
    """
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or (code.co_name == "__call__" and code.co_filename.endswith("weakref.py")):
            return True
        frame = frame.f_back
    return False


def _ignore_interrupts() -> None:
    """Ignore Ctrl-C and SIGTERM for the rest of the run (its handlers are put back by :func:`run`).

    Once the outputs are renamed into place the run has succeeded; an
    interrupt while the engine stops (a Dask cluster takes seconds) printed
    "interrupted; no output was written" with exit 130 beside complete
    outputs (the review's Ctrl-C test at 60-80 % of a run, when the signal
    came after the commit).
    """
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)


def run(args: argparse.Namespace) -> int:
    """``dedup-text corpus`` with its parsed arguments; returns the exit code (errors raise DedupError)."""
    import signal

    handlers = _terminate_like_interrupt()
    try:
        return _run(args)
    finally:
        if handlers is not None:
            for sig, previous in handlers[0].items():
                signal.signal(sig, previous)


def _run(args: argparse.Namespace) -> int:
    from ..engines.local import keep_freed_memory

    keep_freed_memory()  # this process is the CLI's own: its allocator may keep what it frees
    if args.rethreshold is not None:
        return _rethreshold(args)
    from ..engines import make_engine
    from ..io.record_writer import RecordWriter, check_file_names, open_report
    from ..io.records import Fields, iter_records, output_format, parquet_schema, sniff_format

    _check_paths(args)
    config = config_from_args(args)
    fields = Fields(text=args.text_field, id=args.id_field)
    if args.format == "auto" and "-" in args.inputs:
        raise UsageError("give --format for standard input (jsonl, parquet or sogou)")
    if args.html and "-" in args.inputs:
        raise UsageError("--html re-reads the inputs and cannot be used with standard input")
    in_fmt = args.format if args.format != "auto" else sniff_format(args.inputs[0])
    out_fmt = output_format(args.output, in_fmt)
    options = read_options(args)
    records = iter_records(args.inputs, args.format, fields, _read_config(args), options=options)
    if out_fmt == "text":
        records = check_file_names(records, fields, args.output)  # two ids on one file: refused before any output
    progress = sys.stderr is not None and sys.stderr.isatty() and not args.quiet  # None: started with 2>&-
    writer = report = None
    engine = make_engine(args.engine, workers=_workers(args), scheduler=args.scheduler)
    log.info("%d inputs (%s) -> %s (%s); engine %s", len(args.inputs), in_fmt, args.output, out_fmt, args.engine)
    try:
        writer = RecordWriter(args.output, out_fmt, fields, like=parquet_schema(args.inputs, args.format) if out_fmt == "parquet" else None)
        report = open_report(args.report) if args.report else None
        from ..corpus.partitioned import open_run  # --engine dask: nothing per document on the driver

        run = open_run(records, config, fields=fields, engine=engine, index=args.index, progress=progress, checkpoint=checkpoint_dir(args))
        rows: Any = []  # only kept for --html: a few small fields per document
        # --engine dask: the workers write the outputs (and the page's rows), the run puts them in
        if hasattr(run, "write_outputs_to") and run.write_outputs_to(writer, report, annotate=args.annotate, review=bool(args.html)):
            rows = run.review_rows
        try:
            n_written = 0
            for doc in run:
                row = doc.report()
                if report is not None:
                    report.write(row)
                if args.html and not doc.revised:
                    rows.append({k: row.get(k) for k in ("id", "cluster", "duplicate_of", "score", "match", "cluster_size")})
                # a revision is written only when it brings a record: an earlier duplicate kept again
                if (doc.revised and doc.record is None) or not (doc.kept or args.annotate):
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
            run.prepare_commit()  # what can fail (a full --index disk) fails before any output is in place
            # every output written and synced before any is renamed into place: a full disk for the
            # report or the page leaves no output behind
            writer.finish()
            if report is not None:
                report.finish()
            if html is not None:
                from ..io.write import write_atomic

                write_atomic(args.html, html)
            _ignore_interrupts()  # from the first rename on, the run is done: a Ctrl-C now would say "no output" of outputs in place
            writer.commit()
            if report is not None:
                report.commit()
            from ..errors import DedupError

            try:
                run.commit()  # one rename
            except DedupError as exc:
                raise type(exc)(str(exc) + _withdraw_outputs(args)) from None
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
    s.update({f"skipped_{kind}": n for kind, n in sorted(options.skipped.items())})
    log.info("stage seconds: %s", ", ".join(f"{k[len('seconds_'):]} {v}" for k, v in sorted(s.items()) if k.startswith("seconds_")))
    if not args.quiet:
        say(
            f"{PROG} corpus: {s['documents']} documents -> {s['kept']} kept, {s['documents'] - s['kept']} duplicates "
            f"in {s['clusters']} clusters; {s['boilerplate_units']} boilerplate units, removed from {s['docs_with_boilerplate_removed']} documents"
            + (f"; {s['revised']} earlier decisions revised" if s.get("revised") else "")
            + _resumed_note(s, checkpoint_dir(args))
            + "".join(f"; {n} {kind.replace('_', ' ')} skipped" for kind, n in sorted(options.skipped.items()))
            + (f"; {s['oversized_records']} records over --max-record-bytes written unchanged" if s.get("oversized_records") else "")
            + (f"; report: {args.report}" if args.report else "")
        )
    _data_warnings(s)
    if args.stats:
        say(json.dumps(s, sort_keys=True))
    return 0


def _data_warnings(s: dict[str, Any]) -> None:
    """One line per thing about the data a user must hear of (said even with -q)."""
    missing = s.get("restored", 0) - s.get("restored_written", 0)
    if s.get("restored_written"):
        say(
            f"{PROG} corpus: warning: {s['restored_written']} earlier duplicates are kept again (the document each duplicated is removed now, "
            "and they match no kept one directly); they are written in this output, from the records the index keeps: see 'revised' in the report"
        )
    if missing:
        say(
            f"{PROG} corpus: warning: {missing} earlier duplicates are kept again (the document each duplicated is removed now, "
            "and they match no kept one directly); their text is in the earlier runs' inputs, not in this output "
            "(an index written before dedup.index/3 keeps no records): see 'note' in the report"
        )
    for g in s.get("giant_clusters", []):
        why = (
            f"its members share mostly one template ({g['template_share']:.0%} of their text)" if g.get("why") == "template" else "a template or a chain rather than one story?"
        )
        say(f"{PROG} corpus: warning: cluster {g['cluster']} has {g['size']} documents ({g['kept']} kept: each removal is a direct match); {why} see --stats")
    if s.get("solve_unsolved"):
        say(
            f"{PROG} corpus: warning: {s['solve_unsolved']} documents of large clusters were kept without being solved "
            f"(after {s['solve_rounds']} rounds of representatives): possible duplicates left in, nothing removed unverified"
        )


#: options that decide (besides the thresholds), by the name :func:`dedup.corpus.with_decisions` knows them
_DECISION_OPTIONS = {
    "keep": "keep",
    "no_boilerplate": "boilerplate.enabled",
    "boilerplate_unit": "boilerplate.unit",
    "boilerplate_min_docs": "boilerplate.min_docs",
    "boilerplate_share": "boilerplate.share",
    "boilerplate_keep": "boilerplate.keep",
}


def _given_decisions(args: argparse.Namespace) -> set[str]:
    """The decision options set on the command line or in --config: those that differ from the defaults.

    (An option given with its default value cannot be told apart, and counts as not given.)
    """
    parser = argparse.ArgumentParser(add_help=False)
    add_corpus_options(parser)  # only for its defaults
    return {name for dest, name in _DECISION_OPTIONS.items() if getattr(args, dest) != parser.get_default(dest)}


def _rethreshold(args: argparse.Namespace) -> int:
    """``--index DIR --rethreshold X``: every indexed document decided again at X, from stored scores."""
    from ..corpus import CorpusRun
    from ..engines import make_engine
    from ..io.record_writer import open_report

    if args.inputs or args.output:
        raise UsageError("--rethreshold decides the indexed documents again: give no INPUT and no -o")
    if not args.index:
        raise UsageError("--rethreshold needs --index DIR (the stored pair scores)")
    for flag, value in (("--threshold", args.threshold), ("--html", args.html), ("--checkpoint", args.checkpoint), ("--annotate", args.annotate or None)):
        if value is not None:
            raise UsageError(f"{flag} does not go with --rethreshold (it decides again at X from the index alone)")
    _outputs_outside_state_folders(args)
    if not os.path.isfile(os.path.join(args.index, "meta.json")):
        raise UsageError(f"--index {args.index}: not an index (no meta.json); build one with 'dedup-text corpus INPUT -o OUT --index DIR'")
    from ..corpus import with_decisions
    from ..corpus.index import Index

    # decided as the index was built to decide (its keep policy, its boilerplate), unless told otherwise
    config = with_decisions(config_from_args(args), Index.stored_decisions(args.index), _given_decisions(args))
    config = dataclasses.replace(config, clean=False)
    config = dataclasses.replace(config, match=dataclasses.replace(config.match, threshold=args.rethreshold))
    engine = make_engine(args.engine, workers=args.workers or 1, scheduler=args.scheduler)
    report = None
    try:
        report = open_report(args.report) if args.report else None
        run = CorpusRun([], config, engine=engine, index=args.index, progress=False, read_only_index=True)
        try:
            for doc in run.redecide():
                if report is not None:
                    report.write(doc.report())
            if report is not None:
                report.commit()
        finally:
            run.close()
    except BaseException:
        if report is not None:
            report.abort()
        raise
    finally:
        engine.close()
    s = run.stats
    if not args.quiet:
        say(
            f"{PROG} corpus: {s['documents']} indexed documents at similarity {args.rethreshold} -> {s['kept']} kept, "
            f"{s['documents'] - s['kept']} duplicates in {s['clusters']} clusters ({s.get('pairs_verified', 0)} pairs verified again, "
            f"{s['pairs_stored']} stored)" + (f"; report: {args.report}" if args.report else "")
        )
        for r in s["near_threshold"]:
            say(f"  near {args.rethreshold}: {r['a']} ~ {r['b']} similarity {r['similarity']} ({'accepted' if r['accepted'] else 'rejected'})")
    _data_warnings(s)
    if args.stats:
        say(json.dumps(s, sort_keys=True))
    return 0


def _workers(args: argparse.Namespace) -> int:
    """``--workers``, or every usable CPU; more than the CPUs is capped (a scheduler's cluster is its own)."""
    from ..engines.local import cap_workers, usable_cpus

    if args.scheduler:
        return args.workers or usable_cpus()
    workers = cap_workers(args.workers or usable_cpus())
    if args.workers and workers < args.workers:
        say(f"{PROG} corpus: warning: --workers {args.workers} is more than the {workers} CPUs this process can use; using {workers}")
    return workers


def _resumed_note(stats: dict[str, Any], folder: str | None) -> str:
    """``; resumed 12 of 40 batches from DIR`` when a checkpoint served (empty otherwise)."""
    resumed = sum(v for k, v in stats.items() if k.startswith("resumed_batches_"))
    total = resumed + sum(v for k, v in stats.items() if k.startswith("computed_batches_"))
    note = f"; resumed {resumed} of {total} batches from {folder}" if resumed else ""
    if stats.get("checkpoint_write_errors"):
        note += f"; {stats['checkpoint_write_errors']} batch results could not be checkpointed (disk full?)"
    return note


def _withdraw_outputs(args: argparse.Namespace) -> str:
    """Remove the outputs just put in place when the index could not take this run (they would claim it did)."""
    gone = []
    for flag, path in (("-o", args.output), ("--report", args.report), ("--html", args.html)):
        if path and path != "-" and os.path.isfile(path) and not os.path.islink(path):
            try:
                os.unlink(path)
                gone.append(f"{flag} {path}")
            except OSError:
                pass
    return f"; removed {', '.join(gone)}, which described a run the index does not hold" if gone else ""


def _review_page(args: argparse.Namespace, rows: list[dict[str, Any]], fields: Any, config: Any) -> str:
    """The corpus review page: sample the largest clusters, then re-read only their texts."""
    from ..io.records import iter_records
    from ..review import corpus_sample_ids, corpus_to_html

    wanted = set(corpus_sample_ids(rows))
    texts: dict[str, str] = {}
    for rec in iter_records(args.inputs, args.format, fields, _read_config(args), options=read_options(args, quiet=True)):
        key = str(rec.get(fields.id))
        if key in wanted:
            texts[key] = str(rec.get(fields.text) or "")
    threshold = getattr(getattr(config, "match", None), "threshold", None)
    return corpus_to_html(rows, texts, threshold=threshold, title="dedup corpus review: " + ", ".join(args.inputs))


__all__ = ["CORPUS_HELP", "add_corpus_options", "config_from_args", "run"]
