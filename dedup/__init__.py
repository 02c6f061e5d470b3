"""dedup: one clean canonical document out of messy, heavily repeated text.

>>> from dedup import clean
>>> clean("一是甲乙丙丁戊己庚辛。\\n\\n二是甲乙丙丁戊己庚辛。").text
'一是甲乙丙丁戊己庚辛。\\n'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .model import Block, Cluster, Edit, Pair, Span
from .pipeline import Config, Result, clean
from .report import Report, check

__all__ = ["Block", "Cluster", "Config", "Edit", "Pair", "Report", "Result", "Span", "check", "clean", "__version__"]
