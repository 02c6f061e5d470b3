"""Speaker tags that open a line of a transcript (``Reporter:``, ``记者：``, ``Dr. Hale:``).

The checker and the reconstruction both ask where a tag ends, so that a sentence and its
tag can be said apart; one home keeps their answers the same.
"""

from __future__ import annotations

import re

from .fingerprint.keys import KeyConfig, strip_marker

_SPEAKER_ONLY = KeyConfig(strip_markers=False, strip_speaker=True)
#: a speaker tag made of a title and a name (``Dr. Hale:``), which the short-tag rule of the keys
#: (no full stop, no space) does not take: transcripts name their speakers so
_TITLED_SPEAKER = re.compile(r"\s*(?:Dr|Mr|Mrs|Ms|Prof)\.\s+[A-Z][A-Za-z'-]{1,15}:\s+")


def speaker_tag_end(text: str) -> int:
    """Length of the speaker tag ``text`` opens with (``Reporter:``, ``记者：``, ``Dr. Hale:``), 0 if none.

    >>> speaker_tag_end("Dr. Hale: The survey team met."), speaker_tag_end("Reporter: It rained."), speaker_tag_end("Dr. Hale met us.")
    (10, 10, 0)
    """
    n = strip_marker(text, _SPEAKER_ONLY)
    if n:
        return n
    m = _TITLED_SPEAKER.match(text)
    return m.end() if m else 0
