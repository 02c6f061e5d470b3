"""Keep policies: which copy of a cluster is the canonical one.

A keep policy takes the copies of one cluster (:class:`Copy`: unit index, text,
matching key) and returns the index of the one to keep.  Two have names, for
configs and the command line (``--keep most_complete|earliest``); corpus mode
takes only those, since it decides from stored fingerprints without the texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Copy:
    """What a keep policy sees of one member of a cluster."""

    unit: int
    text: str
    key: str


#: A keep policy picks the index (into the list it is given) of the copy to keep.
KeepPolicy = Callable[[Sequence[Copy]], int]


def most_complete(copies: Sequence[Copy]) -> int:
    """Default keep policy: the most complete copy, then the majority reading, then the earliest.

    >>> most_complete([Copy(0, "甲乙", "甲乙"), Copy(1, "甲乙丙", "甲乙丙"), Copy(2, "甲乙丙", "甲乙丙")])
    1
    """
    counts: dict[str, int] = {}
    for c in copies:
        counts[c.key] = counts.get(c.key, 0) + 1
    return min(range(len(copies)), key=lambda i: (-len(copies[i].key), -counts[copies[i].key], copies[i].unit))


def earliest(copies: Sequence[Copy]) -> int:
    """Keep policy: always the first occurrence."""
    return min(range(len(copies)), key=lambda i: copies[i].unit)


#: the keep policies that have a name: ``Config(keep=...)``, ``CorpusConfig(keep=...)``, ``--keep``
KEEP_POLICIES: dict[str, KeepPolicy] = {"most_complete": most_complete, "earliest": earliest}
KeepName = Literal["most_complete", "earliest"]


def keep_policy(keep: KeepName | KeepPolicy) -> KeepPolicy:
    """The keep policy given by name or as a callable; ``ValueError`` for anything else.

    >>> keep_policy("earliest") is earliest
    True
    """
    if isinstance(keep, str):
        if keep not in KEEP_POLICIES:
            raise ValueError(f"keep must be {' or '.join(KEEP_POLICIES)}, or a callable taking the copies, not {keep!r}")
        return KEEP_POLICIES[keep]
    if not callable(keep):
        raise ValueError(f"keep must be {' or '.join(KEEP_POLICIES)}, or a callable taking the copies, not {keep!r}")
    return keep


def keep_policy_name(keep: KeepName | KeepPolicy) -> KeepName:
    """The name of a named keep policy, given by name or as its function; ``ValueError`` for any other.

    For corpus mode, which decides all clusters at once from stored
    fingerprints, without the documents' texts that a callable would need.

    >>> keep_policy_name(earliest)
    'earliest'
    """
    policy = keep_policy(keep)
    for name, known in KEEP_POLICIES.items():
        if policy is known:
            return name  # type: ignore[return-value]
    raise ValueError(
        f"corpus mode takes a named keep policy ({' or '.join(KEEP_POLICIES)}, or dedup.reconstruct.{'/'.join(KEEP_POLICIES)}), "
        f"not {getattr(keep, '__name__', repr(keep))}: it decides from stored fingerprints, without the texts a callable needs"
    )
