"""Main text and metadata of a whole web page, with trafilatura.

trafilatura finds the article body and drops the page chrome (navigation, related lists,
comments, footers); it also reads the title, publication date, author, site name and
canonical URL from meta tags, JSON-LD and the page itself. The project's own
Indonesian boilerplate and dateline rules run afterwards (in
:func:`summarize.text.clean.prepare_article`).

HTML *fragments* (a ``<p>...</p>`` snippet in a JSONL field) keep the small fragment
reader in :mod:`summarize.text.html`; only whole pages come here.
trafilatura is imported on first use.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from summarize.errors import NothingExtractedError

__all__ = ["ExtractedPage", "extract_page", "is_whole_page"]

_WHOLE_PAGE_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]", re.IGNORECASE)

#: trafilatura metadata field -> key in ``PreparedArticle.metadata``.
_META_KEYS = {
    "date": "published",
    "author": "author",
    "sitename": "site_name",
    "url": "canonical_url",
    "hostname": "hostname",
    "description": "description",
    "categories": "categories",
    "tags": "tags",
}


@dataclass(frozen=True)
class ExtractedPage:
    """The article of a page: ``text`` has one paragraph per block, separated by blank
    lines; ``metadata`` has some of ``published`` (ISO date), ``author``,
    ``site_name``, ``canonical_url``, ``hostname``, ``description``, ``categories``
    and ``tags``."""

    text: str
    title: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


def is_whole_page(markup: str) -> bool:
    """A document with ``<html>``/``<head>``/``<body>`` or a doctype, not a fragment."""
    return bool(_WHOLE_PAGE_RE.search(markup[:20_000]))


def _run(markup: str, url: str | None, *, favor_recall: bool) -> Any:
    import trafilatura

    # Its "discarding data" warnings repeat what the per-record error already says.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    return trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        favor_recall=favor_recall,
        deduplicate=False,
    )


def _field(doc: Any, name: str) -> Any:
    return doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)


def _page_text(markup: str, url: str | None) -> tuple[Any, str]:
    """trafilatura's document and its main text: the default pass, then for short or
    unusual pages a second pass that keeps more (still without comments)."""
    doc = _run(markup, url, favor_recall=False)
    text = (_field(doc, "text") or "").strip() if doc is not None else ""
    if not text:
        doc = _run(markup, url, favor_recall=True)
        text = (_field(doc, "text") or "").strip() if doc is not None else ""
    return doc, text


def _page_metadata(doc: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for source, key in _META_KEYS.items():
        value = _field(doc, source)
        if isinstance(value, (list, tuple)):
            value = [str(v) for v in value if v]
        if value:
            metadata[key] = value
    return metadata


def _page_title(doc: Any) -> str | None:
    title = _field(doc, "title")
    return " ".join(str(title).split()) or None if title else None


def extract_page(markup: str, url: str | None = None) -> ExtractedPage:
    """Extract the main text and metadata of a whole HTML page.

    ``url`` (where the page came from) helps trafilatura with relative canonical links
    and the site name. Raises :class:`~summarize.errors.NothingExtractedError` when
    neither the default nor the recall-oriented pass finds article text.
    """
    doc, text = _page_text(markup, url)
    if not text:
        raise NothingExtractedError(
            "article is empty after cleaning: no article text found on the page"
        )
    paragraphs = [" ".join(line.split()) for line in text.splitlines()]
    return ExtractedPage(
        text="\n\n".join(p for p in paragraphs if p),
        title=_page_title(doc),
        metadata=_page_metadata(doc),
    )
