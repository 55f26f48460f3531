"""Text preparation: cleaning, HTML stripping, sentence splitting, language ID.

Standard library only at import, so ``import summarize.text`` is cheap; trafilatura
loads on first use, for whole web pages (:mod:`summarize.text.extract`).
"""

from __future__ import annotations

from summarize.text.boilerplate import is_boilerplate_line, parse_source_line
from summarize.text.clean import decode_input, normalize_text, prepare_article
from summarize.text.dateline import split_dateline
from summarize.text.html import html_to_text, looks_like_html
from summarize.text.langid import detect_language
from summarize.text.sentences import split_paragraphs, split_sentences
from summarize.text.tokens import word_tokens

__all__ = [
    "decode_input",
    "detect_language",
    "html_to_text",
    "is_boilerplate_line",
    "looks_like_html",
    "normalize_text",
    "parse_source_line",
    "prepare_article",
    "split_dateline",
    "split_paragraphs",
    "split_sentences",
    "word_tokens",
]
