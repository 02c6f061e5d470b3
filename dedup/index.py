"""Moved to :mod:`dedup.corpus.index` (issue 14); this import path keeps working for one release.

``import dedup.index`` gives the module itself (one object, so patching it patches the real one).
"""

import sys

from .corpus import index

sys.modules[__name__] = index
