"""RSS and Atom feeds with feedparser: the items of a feed, each with a stable id.

feedparser gets the raw bytes, so the encoding the XML declares (``windows-1252``...)
is honoured. A document that is not a feed, or a broken one with no readable item, is a
:class:`~summarize.errors.FeedError` (one feed fails; the job goes on); a broken one
with some readable items gives those items and a warning. Relative item links are
resolved against the feed's URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from summarize.errors import FeedError
from summarize.web.fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchSettings

__all__ = [
    "Feed",
    "FeedItem",
    "parse_feed",
    "parse_feed_document",
    "read_feed",
    "read_feed_document",
]


@dataclass(frozen=True)
class FeedItem:
    """One feed entry. ``id`` is the entry's guid (Atom ``<id>``), else its link; an entry
    whose guid an earlier entry already has, with another link, takes its link as id
    (with a note in ``warnings``)."""

    id: str
    url: str
    title: str | None = None
    published: str | None = None
    summary: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its ``items`` and ``warnings`` about the whole feed (a broken
    document of which only part could be read)."""

    items: tuple[FeedItem, ...]
    title: str | None = None
    warnings: tuple[str, ...] = ()


def _is_benign(exc: object) -> bool:
    """feedparser's notes that are not damage (an encoding declared one way, read another)."""
    import feedparser

    return isinstance(exc, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType))


def _entry_id(
    entry: Any, base_url: str, links_of: dict[str, str]
) -> tuple[str, str, str, list[str]]:
    """An entry's id (its guid, else its link), its guid, its absolute link and notes
    about it. ``links_of``: guid -> the link of the first item with that guid."""
    link = (entry.get("link") or "").strip()
    if link and base_url:
        link = urljoin(base_url, link)
    guid = (entry.get("id") or "").strip()
    if guid and guid in links_of and link and link != links_of[guid]:
        # Two stories under one guid (a CMS bug): keep both, told apart by link.
        note = (
            f"feed item shares its guid {guid[:200]!r} with an earlier item that links "
            f"elsewhere; its id is its link"
        )
        return link, guid, link, [note]
    return guid or link, guid, link, []


def _feed_items(entries: Any, base_url: str) -> list[FeedItem]:
    """The entries as items, in feed order; repeated ids and entries with neither a
    guid nor a link are skipped."""
    items: list[FeedItem] = []
    links_of: dict[str, str] = {}
    seen: set[str] = set()
    for entry in entries:
        item_id, guid, link, notes = _entry_id(entry, base_url, links_of)
        if not item_id or item_id in seen:
            continue
        seen.add(item_id)
        if guid:
            links_of.setdefault(guid, link)
        published = entry.get("published") or entry.get("updated")
        url = link or (item_id if item_id.startswith(("http://", "https://")) else "")
        items.append(
            FeedItem(
                id=item_id,
                url=url,
                title=(entry.get("title") or "").strip() or None,
                published=str(published) if published else None,
                summary=(entry.get("summary") or "").strip() or None,
                warnings=tuple(notes),
            )
        )
    return items


def parse_feed_document(data: bytes | str, *, source: str = "feed", base_url: str = "") -> Feed:
    """The items of an RSS/Atom document, in feed order, without duplicate ids.

    Pass the raw bytes (feedparser honours the XML declaration's encoding). Relative
    links are resolved against ``base_url``. Entries with neither a guid nor a link are
    skipped (they cannot be fetched or resumed). Raises
    :class:`~summarize.errors.FeedError` when the document is not a feed, or is broken
    with no readable entry.
    """
    import feedparser

    parsed = feedparser.parse(data)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and _is_benign(problem):
        problem = None
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(
            f"not an RSS/Atom feed: {source}" + (f" ({problem})" if problem else ""), source
        )
    items = _feed_items(parsed.entries, base_url)
    warnings: list[str] = []
    if problem is not None:
        if not items:
            raise FeedError(f"malformed feed with no readable item: {source} ({problem})", source)
        warnings.append(
            f"the feed {source} is malformed ({problem}); {len(items)} item(s) read, "
            "later items may be missing"
        )
    title = (parsed.get("feed", {}).get("title") or "").strip() or None
    return Feed(items=tuple(items), title=title, warnings=tuple(warnings))


def parse_feed(data: bytes | str, *, source: str = "feed", base_url: str = "") -> list[FeedItem]:
    """The items of :func:`parse_feed_document` (its warnings dropped)."""
    return list(parse_feed_document(data, source=source, base_url=base_url).items)


def read_feed_document(url: str, settings: FetchSettings | None = None) -> Feed:
    """Fetch and parse a feed (links resolved against the URL it was fetched from).
    Fetch failures raise :class:`~summarize.errors.FeedError` (its ``transient`` is the
    fetch error's)."""
    from summarize.errors import FetchError

    try:
        with Fetcher(settings, accept=(*FEED_TYPES, *HTML_TYPES, "text/plain")) as fetcher:
            page = fetcher.fetch(url)
    except FetchError as exc:
        raise FeedError(f"cannot read feed: {exc}", url, transient=exc.transient) from None
    return parse_feed_document(page.content, source=url, base_url=page.final_url or url)


def read_feed(url: str, settings: FetchSettings | None = None) -> list[FeedItem]:
    """The items of :func:`read_feed_document`."""
    return list(read_feed_document(url, settings).items)
