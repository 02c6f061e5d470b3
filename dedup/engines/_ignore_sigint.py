"""Dask preload for the local cluster's nannies and workers: ignore SIGINT.

A Ctrl-C on a terminal reaches the whole process group.  The driver handles it (it closes the cluster
and says one line); the cluster's own processes would each die with a KeyboardInterrupt traceback.
"""

from __future__ import annotations

import signal
from typing import Any


def dask_setup(_server: Any) -> None:
    """Called by dask in the nanny's or worker's process, on its main thread."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
