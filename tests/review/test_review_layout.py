"""The review package's shape: the import paths users have, one job a module, presentation only.

``dedup/review.py`` became the package ``dedup/review/`` (issue 14); these
tests keep every name importable where it was, keep the modules small and
their internals shared only through underscore modules, and keep the review
above the pipeline: it reads report dicts, it does not run the cleaner.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib import resources
from pathlib import Path

import dedup.review
from dedup.review import _html, _shell, config, corpus, diff, document, histogram

PACKAGE = Path(dedup.review.__file__).parent
ROOT = PACKAGE.parent.parent

#: every public name of the single module ``dedup/review.py``, and the module that is now its home
PUBLIC = {
    "ReviewConfig": config,
    "to_html": document,
    "corpus_to_html": corpus,
    "corpus_sample_ids": corpus,
    "char_diff": diff,
    "histogram_svg": histogram,
    "best_match_scores": histogram,
    "esc": _html,
    "script_json": _html,
}


def _imports(path: Path) -> list[ast.ImportFrom | ast.Import]:
    """Every import statement of a module, function-level ones included."""
    return [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, (ast.Import, ast.ImportFrom))]


def test_every_public_name_is_where_it_was():
    assert sorted(dedup.review.__all__) == sorted(PUBLIC)
    for name, home in PUBLIC.items():
        assert getattr(dedup.review, name) is getattr(home, name), name


def test_the_old_import_line_works_in_a_fresh_interpreter():
    line = "from dedup.review import " + ", ".join(PUBLIC)
    proc = subprocess.run([sys.executable, "-c", line], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_importing_the_review_runs_no_pipeline():
    """Presentation only: importing the page renderers loads neither the report module nor the cleaner."""
    code = "import sys, dedup.review; print(sorted(m for m in sys.modules if m.startswith('dedup.') and not m.startswith('dedup.review')))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # besides errors, only what ``import dedup`` itself loads: the version and the old import paths (the base layer)
    assert proc.stdout.strip() == "['dedup._moved', 'dedup._version', 'dedup.errors']"


def test_modules_are_small_and_share_no_private_names():
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
        for node in _imports(path):
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name}:{node.lineno} imports private {private} from {node.module}"


def test_the_review_imports_only_the_report_check_from_the_document_layer():
    """Everything it needs of a run comes from the report dict; ``check`` re-verifies it."""
    seen = set()
    for path in PACKAGE.glob("*.py"):
        for node in _imports(path):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                seen.add((node.module, tuple(a.name for a in node.names)))
    assert {m for m, _ in seen} <= {"errors", "report", "fingerprint.keys"}
    # check() at run time; the Report type for annotations only (under TYPE_CHECKING)
    assert sorted(names for m, names in seen if m == "report") == [("Report",), ("check",)]


def test_stylesheet_and_script_are_package_data_carried_inline():
    css = resources.files("dedup.review").joinpath("review.css").read_text(encoding="utf-8")
    js = resources.files("dedup.review").joinpath("review.js").read_text(encoding="utf-8")
    page = _shell.render_page("t", "<p>body</p>", {})
    assert f"<style>\n{css}</style>" in page
    assert f"<script>\n{js}</script>" in page
    assert "JSON.parse" in js and ":root{" in css


def _names(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import statement may name: ``from . import review`` names ``review``."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    return [node.module] if node.module else [a.name for a in node.names]


def test_nothing_below_the_review_imports_it():
    """No cycle through the review: of the package, only the command line (the layer above) imports it.

    Until issue 14, ``dedup.report.to_html`` imported the review, which imports
    ``dedup.report.check``: ``report -> review -> report``.
    """
    importers = set()
    for path in (ROOT / "dedup").rglob("*.py"):
        if PACKAGE in path.parents:
            continue
        for node in _imports(path):
            if any(n.split(".")[-1] == "review" or ".review." in n for n in _names(node)):
                importers.add(path.relative_to(ROOT / "dedup").as_posix())
    command_line = {p for p in importers if p.split("/")[0].removesuffix(".py") in ("cli", "corpus_cli")}
    assert importers == command_line
