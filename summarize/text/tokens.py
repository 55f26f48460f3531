"""A tiny Unicode-aware word tokeniser shared by language ID and TextRank."""

from __future__ import annotations

import re

# Letters and digits of any script (``[^\W_]`` is ``\w`` without the underscore), so
# "café", "Zelenskyy" and "Kyiv" stay whole; hyphens and apostrophes separate tokens,
# which makes Indonesian reduplication ("negara-negara") count as the base word.
_WORD_RE = re.compile(r"[^\W_]+")


def word_tokens(text: str) -> list[str]:
    """Lowercase word tokens of ``text`` (letters/digits of any script, no punctuation)."""
    return _WORD_RE.findall(text.lower())


def alpha_tokens(text: str) -> list[str]:
    """Like :func:`word_tokens` but only tokens that contain at least one letter."""
    return [t for t in word_tokens(text) if not t.isdigit()]
