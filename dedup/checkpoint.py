"""Moved to :mod:`dedup.corpus.checkpoint` (issue 14); this import path keeps working for one release.

``import dedup.checkpoint`` gives the module itself (one object, so patching it patches the real one).
"""

import sys

from .corpus import checkpoint

sys.modules[__name__] = checkpoint
