"""Moved to :mod:`dedup.corpus.model` (issue 14); this import path keeps working for one release.

``import dedup.corpus_model`` gives the module itself (one object, so patching it patches the real one).
"""

import sys

from .corpus import model

sys.modules[__name__] = model
