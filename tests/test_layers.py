"""The package's structure, measured from its source (issue 14): no import cycles, no private names
imported across modules, no module over 700 lines.

Every import statement counts -- module level, inside functions and under ``TYPE_CHECKING`` -- because
an import hidden in a function is still a dependency a reader has to know about.  ``from . import x``
counts as importing the submodule ``x`` when there is one.

There are no exceptions left (issue 14 removed the last: the ``dedup -> pipeline -> report`` cycle and
``io.read._finish`` imported by the pipeline); a new one is a failure to fix, not an entry to add.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dedup"
MAX_LINES = 700

def _module_names() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name -> (file, is a package ``__init__``)."""
    out: dict[str, tuple[Path, bool]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_package)
    return out


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules: dict[str, tuple[Path, bool]]) -> list[tuple[str, str | None]]:
    """The package modules one import statement loads, each with the name taken from it (None: the module itself)."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names if alias.name.split(".")[0] == "dedup"]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] != "dedup":
        return []
    return [(f"{target}.{alias.name}", None) if f"{target}.{alias.name}" in modules else (target, alias.name) for alias in node.names]


def _owner(name: str, modules: dict[str, tuple[Path, bool]]) -> str:
    """The module a dotted import name lives in (``dedup.io.read.x`` -> ``dedup.io.read``)."""
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


@lru_cache(maxsize=1)
def _graph() -> tuple[dict[str, frozenset[str]], tuple[tuple[str, str, str, int], ...]]:
    """Import edges between the package's modules, and every private name imported across modules."""
    modules = _module_names()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    private: list[tuple[str, str, str, int]] = []
    for module, (path, is_package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target, name in _imported(module, is_package, node, modules):
                owner = _owner(target, modules)
                if owner == module:
                    continue
                edges[module].add(owner)
                if name and name.startswith("_") and not name.startswith("__"):
                    private.append((module, owner, name, node.lineno))
    return {m: frozenset(t) for m, t in edges.items()}, tuple(private)


def _cycles() -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    edges, _ = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = set()
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.add(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def _describe(cycle: frozenset[str]) -> str:
    edges, _ = _graph()
    return "; ".join(f"{m} -> {', '.join(sorted(edges[m] & cycle))}" for m in sorted(cycle))


# ---------------------------------------------------------------------------- the analysis itself


def test_the_analysis_sees_function_level_relative_and_type_checking_imports(tmp_path):
    """The graph counts what a reader must know: a cycle made only of imports inside functions is a cycle."""
    edges, _ = _graph()
    # dedup.cli imports its corpus subcommand only inside functions; engines/__init__ imports .local inside a function
    assert "dedup.cli.corpus" in edges["dedup.cli"]
    assert "dedup.engines.local" in edges["dedup.engines"]
    # cli.config imports the parser types only under TYPE_CHECKING
    assert "dedup.cli.args" in edges["dedup.cli.config"]
    # `from . import x` is the submodule x when there is one (dedup.fingerprint.kernels)
    assert "dedup.fingerprint.kernels" in edges["dedup.corpus.batch"]


# ---------------------------------------------------------------------------- cycles


def test_no_import_cycle():
    bad = _cycles()
    assert not bad, "import cycles: " + " | ".join(_describe(c) for c in bad)



# ---------------------------------------------------------------------------- private names


def test_no_private_name_imported_across_modules():
    _, private = _graph()
    bad = list(private)
    assert not bad, [f"{m} line {line} imports {name} from {owner}" for m, owner, name, line in bad]



# ---------------------------------------------------------------------------- size


def _lines() -> dict[str, int]:
    return {m: len(path.read_text(encoding="utf-8").splitlines()) for m, (path, _) in _module_names().items()}


def test_no_module_over_the_limit():
    bad = {m: n for m, n in _lines().items() if n > MAX_LINES}
    assert not bad, bad



# ---------------------------------------------------------------------------- old import paths


def _load(spec: str) -> object:
    """``module:name`` (or a bare dotted path: the module, or the module's attribute) loaded as users do."""
    import importlib

    if ":" in spec:
        module, name = spec.split(":")
        return getattr(importlib.import_module(module), name)
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError:
        module, name = spec.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)


#: every import path README.md and docs/*.md name (grep 'dedup\.[a-z_.]*'; rule names such as
#: dedup.duplicate_paragraph are report values, not paths): they keep working for at least one release
DOCUMENTED = [
    "dedup.check",
    "dedup.clean",
    "dedup.cluster",
    "dedup.cluster.score_pair",
    "dedup.corpus",
    "dedup.corpus.corpus_match",
    "dedup.corpus.dedup_records",
    "dedup.corpus.solve_clusters",
    "dedup.errors",
    "dedup.errors.InputError",
    "dedup.fingerprint",
    "dedup.fingerprint.keys",
    "dedup.fingerprint.keys.matching_key",
    "dedup.io.read",
    "dedup.io.read.decode",
    "dedup.normalize.stitch",
    "dedup.normalize.unicode",
    "dedup.pipeline",
    "dedup.pipeline.clean",
    "dedup.reconstruct",
    "dedup.reconstruct.earliest",
    "dedup.repair",
    "dedup.repair.plugins.Corrector",
    "dedup.repair.plugins.register_corrector",
    "dedup.repair.reading",
    "dedup.report",
    "dedup.report.check",
    "dedup.review",
    "dedup.review.ReviewConfig",
    "dedup.review.corpus_to_html",
    "dedup.segment",
    "dedup.segment.DEFAULT_MAX_BLOCKS",
    "dedup.segment.check_limits",
    "dedup.testing",
    "dedup.testing.make_corpus",
    "dedup.testing.make_damaged_document",
    "dedup.testing.pair_scores",
]


@pytest.mark.parametrize("path", DOCUMENTED)
def test_documented_import_paths_work(path):
    assert _load(path) is not None


#: (old path, where it lives now) for every name or module issue 14 moved
MOVED_PATHS = [
    # issue 14's earlier moves, to break cycles
    ("dedup.corpus:bucket_pairs", "dedup.fingerprint.lsh:bucket_pairs"),
    ("dedup.corpus:components", "dedup.graph:components"),
    ("dedup.corpus:Prints", "dedup.corpus.model:Prints"),
    ("dedup.corpus:Finished", "dedup.corpus.model:Finished"),
    ("dedup.corpus:REASONS", "dedup.corpus.model:REASONS"),
    ("dedup.fingerprint.keys:is_cjk", "dedup.chardata:is_cjk"),
    # modules moved into packages: the old module path is the same module (dedup/_moved.py)
    ("dedup.checkpoint", "dedup.corpus.checkpoint"),
    ("dedup.index", "dedup.corpus.index"),
    ("dedup.corpus_model", "dedup.corpus.model"),
    ("dedup.cli_args", "dedup.cli.args"),
    ("dedup.cli_config", "dedup.cli.config"),
    ("dedup.corpus_cli", "dedup.cli.corpus"),
    ("dedup.repair.lexicon", "dedup.lexicon"),
    ("dedup.corpus_model:Prints", "dedup.corpus.model:Prints"),
    ("dedup.index:Index", "dedup.corpus.index:Index"),
    ("dedup.checkpoint:Checkpoint", "dedup.corpus.checkpoint:Checkpoint"),
    ("dedup.corpus_cli:config_from_args", "dedup.cli.corpus:config_from_args"),
    # names that moved between modules
    ("dedup.corpus:CorpusRun", "dedup.corpus.run:CorpusRun"),
    ("dedup.corpus:CorpusDoc", "dedup.corpus.run:CorpusDoc"),
    ("dedup.corpus:fingerprint_batch", "dedup.corpus.batch:fingerprint_batch"),
    ("dedup.corpus:verify_pairs", "dedup.corpus.batch:verify_pairs"),
    ("dedup.corpus:finish_batch", "dedup.corpus.batch:finish_batch"),
    ("dedup.corpus:keepers", "dedup.corpus.decide:keepers"),
    ("dedup.corpus:BoilerplateConfig", "dedup.corpus.config:BoilerplateConfig"),
    ("dedup.corpus:with_decisions", "dedup.corpus.config:with_decisions"),
    ("dedup.cli:config_from_args", "dedup.cli.clean:config_from_args"),
    ("dedup.cli:Parser", "dedup.cli.args:Parser"),
    ("dedup.cli:write_stdout", "dedup.cli.args:write_stdout"),
    ("dedup.io.records:RecordWriter", "dedup.io.record_writer:RecordWriter"),
    ("dedup.io.records:FileNames", "dedup.io.record_writer:FileNames"),
    ("dedup.io.records:open_report", "dedup.io.record_writer:open_report"),
    ("dedup.io.records:Fields", "dedup.io.formats:Fields"),
    ("dedup.normalize.stitch:Unit", "dedup.model:Unit"),
    ("dedup.cluster:REASONS", "dedup.model:REASONS"),
    ("dedup.testing:make_damaged_document", "dedup.testing.damage:make_damaged_document"),
    ("dedup.testing:measure", "dedup.testing.damage:measure"),
    ("dedup.testing:split_sentences", "dedup.testing.sentences:split_sentences"),
    ("dedup.testing:external_data_dir", "dedup.testing.sources:external_data_dir"),
]


@pytest.mark.parametrize("old, new", MOVED_PATHS)
def test_moved_names_keep_their_old_import_paths(old, new):
    """Names and modules moved (issue 14) are still importable where the README, docs and users found them."""
    assert _load(old) is _load(new)


def test_every_moved_module_is_pinned():
    """Each old module path the finder serves is tested above (and nothing else is served)."""
    from dedup._moved import MOVED

    assert set(MOVED) <= {old for old, _ in MOVED_PATHS if ":" not in old}


def test_old_module_paths_in_a_fresh_interpreter():
    """``import dedup.index`` works before anything else of the package was imported (the finder is installed by ``import dedup``)."""
    import subprocess
    import sys

    code = "import dedup.index, dedup.corpus_cli, sys; print(sys.modules['dedup.index'] is sys.modules['dedup.corpus.index'], sys.modules['dedup.corpus_cli'].__spec__.name)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert out == ["True", "dedup.cli.corpus"]
