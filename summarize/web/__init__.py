"""Articles from the web: fetching pages (httpx), reading RSS/Atom feeds (feedparser)
and turning URLs and feed items into input records.

Importing this package is cheap: httpx and feedparser load on first use.
"""

from __future__ import annotations

from summarize.web.feeds import FeedItem, parse_feed, read_feed
from summarize.web.fetch import USER_AGENT, FetchedPage, Fetcher, FetchSettings, fetch, is_url
from summarize.web.reader import iter_feed_records, iter_url_records, read_url_list

__all__ = [
    "USER_AGENT",
    "FeedItem",
    "FetchSettings",
    "FetchedPage",
    "Fetcher",
    "fetch",
    "is_url",
    "iter_feed_records",
    "iter_url_records",
    "parse_feed",
    "read_feed",
    "read_url_list",
]
