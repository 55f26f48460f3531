"""Escaping text for Markdown: the one escaper of the package (demo pages, eval reports)."""

from __future__ import annotations

import re

__all__ = ["escape_markdown"]

#: Characters with a meaning in Markdown (emphasis, code, links, HTML, tables, headings).
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def escape_markdown(text: object) -> str:
    """``text`` as literal Markdown on one line: special characters are backslash-escaped
    and newlines become spaces, so it is safe inside a table cell or a list item."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
