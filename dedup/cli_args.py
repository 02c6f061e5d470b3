"""Moved to :mod:`dedup.cli.args` (issue 14); this import path keeps working for one release.

``import dedup.cli_args`` gives the module itself (one object, so patching it patches the real one).
"""

import sys

from .cli import args

sys.modules[__name__] = args
