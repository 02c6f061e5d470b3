"""Moved to :mod:`dedup.cli.config` (issue 14); this import path keeps working for one release.

``import dedup.cli_config`` gives the module itself (one object, so patching it patches the real one).
"""

import sys

from .cli import config

sys.modules[__name__] = config
