"""Lazy access to sibling modules of the package (text splitting, extractive selection)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=1)
def sentence_splitter() -> Callable[[str], list[str]]:
    """``summarize.text.split_sentences`` (imported on first use)."""
    try:
        from summarize.text import split_sentences
    except ImportError:  # the package __init__ may not re-export it
        from summarize.text.sentences import split_sentences
    return split_sentences


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences with the project's Indonesian-aware splitter."""
    return sentence_splitter()(text)
