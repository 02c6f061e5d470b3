"""The one version string, and the distribution's name: low in the package, so any module may ask.

(``dedup.__version__`` is this; the report and the checkpoint read it from here, not from the package
``__init__``, whose lazy exports import the pipeline and the report.)
"""

from __future__ import annotations

#: the distribution's name on the package index (``dedup`` there is someone else's)
DISTRIBUTION = "dedup-text"


def version() -> str:
    """The one version string: the installed distribution's metadata.

    A source tree used without installing (``PYTHONPATH=.``) has no metadata
    for ``dedup-text``; its ``pyproject.toml`` then says the version.
    """
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return source_tree_version()


def source_tree_version() -> str:
    """``version`` from the ``pyproject.toml`` beside this package, if it is ours; else ``0+unknown``."""
    import tomllib
    from pathlib import Path

    try:
        project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return "0+unknown"
    return str(project.get("version", "0+unknown")) if project.get("name") == DISTRIBUTION else "0+unknown"


__all__ = ["DISTRIBUTION", "source_tree_version", "version"]
