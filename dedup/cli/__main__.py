"""``python -m dedup.cli``: the same as the ``dedup-text`` command (and ``python -m dedup``)."""

import sys

from . import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
