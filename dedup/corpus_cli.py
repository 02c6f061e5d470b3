"""Moved to :mod:`dedup.cli.corpus` (issue 14); this import path keeps working for one release.

``import dedup.corpus_cli`` gives the module itself (one object, so patching it patches the real one).
"""

import sys

from .cli import corpus

sys.modules[__name__] = corpus
