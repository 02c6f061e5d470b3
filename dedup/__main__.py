"""``python -m dedup``: the same as the ``dedup-text`` command."""

import sys

from .cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
