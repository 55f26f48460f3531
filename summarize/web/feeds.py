"""RSS and Atom feeds with feedparser: the items of a feed, each with a stable id."""

from __future__ import annotations

from dataclasses import dataclass

from summarize.errors import FeedError
from summarize.web.fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchSettings

__all__ = ["FeedItem", "parse_feed", "read_feed"]


@dataclass(frozen=True)
class FeedItem:
    """One feed entry. ``id`` is the entry's guid (Atom ``<id>``), else its link."""

    id: str
    url: str
    title: str | None = None
    published: str | None = None
    summary: str | None = None


def parse_feed(data: bytes | str, *, source: str = "feed") -> list[FeedItem]:
    """The items of an RSS/Atom document, in feed order, without duplicate ids.

    Entries with neither a guid nor a link are skipped (they cannot be fetched or
    resumed). Raises :class:`~summarize.errors.FeedError` when the document is not a
    feed.
    """
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(
            f"not an RSS/Atom feed: {source}" + (f" ({reason})" if reason else ""), source
        )
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        item_id = (entry.get("id") or "").strip() or link
        if not item_id or item_id in seen:
            continue
        seen.add(item_id)
        published = entry.get("published") or entry.get("updated")
        items.append(
            FeedItem(
                id=item_id,
                url=link or (item_id if item_id.startswith(("http://", "https://")) else ""),
                title=(entry.get("title") or "").strip() or None,
                published=str(published) if published else None,
                summary=(entry.get("summary") or "").strip() or None,
            )
        )
    return items


def read_feed(url: str, settings: FetchSettings | None = None) -> list[FeedItem]:
    """Fetch and parse a feed. Fetch failures raise :class:`~summarize.errors.FeedError`."""
    from summarize.errors import FetchError

    try:
        with Fetcher(settings, accept=(*FEED_TYPES, *HTML_TYPES, "text/plain")) as fetcher:
            page = fetcher.fetch(url)
    except FetchError as exc:
        raise FeedError(f"cannot read feed: {exc}", url) from None
    return parse_feed(page.text.encode("utf-8"), source=url)
