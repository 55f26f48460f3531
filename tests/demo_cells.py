"""Reading the demo's sentence table in tests: its source and translation cells are
Markdown with the flagged spans in ``<mark>`` (issue 19)."""

from __future__ import annotations

import re


def unmarked(cell: str) -> str:
    """A sentence-table cell without its highlight marks and Markdown escapes."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"</?mark[^>]*>", "", cell))
