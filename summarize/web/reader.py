"""Input records from URLs, files of URLs and feeds (the readers behind ``summarize run``).

Records have the shape :func:`summarize.io.iter_records` yields: ``id``, ``text`` (the
page's HTML), ``html: True``, ``url`` and, for feed items, ``feed`` and the item's
``title``/``published``. A link that cannot be fetched becomes a record with an
``_error`` (DNS, timeout, 4xx/5xx, not HTML, too large, refused address) and an
``_error_kind`` (``"transient"``: ``--resume`` tries it again; ``"permanent"``): it is
reported, never dropped, and the job goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from summarize.errors import FetchError
from summarize.web.feeds import read_feed_document
from summarize.web.fetch import Fetcher, FetchSettings, is_url

__all__ = [
    "iter_feed_records",
    "iter_url_records",
    "looks_like_url_list",
    "count_web_sources",
    "read_url_list",
    "repeated_urls",
    "split_web_sources",
]

#: A text file is a list of URLs when every non-blank, non-comment line is a URL.
_SNIFF_BYTES = 65_536


def looks_like_url_list(path: str | os.PathLike[str]) -> bool:
    """Whether a text file holds URLs, one per line (``#`` comments and blanks allowed)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError:
        return False
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return bool(lines) and all(is_url(ln) and " " not in ln for ln in lines)


def read_url_list(path: str | os.PathLike[str], *, unique: bool = True) -> list[str]:
    """The URLs of a URL-list file, in order, without duplicates (``unique=False``: with)."""
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    urls = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]
    return list(dict.fromkeys(urls)) if unique else urls


def _page_record(
    fetcher: Fetcher, record_id: str, url: str, extra: dict[str, Any]
) -> dict[str, Any]:
    try:
        page = fetcher.fetch(url)
    except FetchError as exc:
        return {"id": record_id, "url": url, **extra, "_error": str(exc), "_error_kind": exc.kind}
    record: dict[str, Any] = {"id": record_id, "text": page.text, "html": True, "url": url}
    if page.final_url != url:
        record["final_url"] = page.final_url
    record.update(extra)
    return record


def iter_url_records(
    urls: Iterable[str],
    *,
    settings: FetchSettings | None = None,
    skip: Collection[str] | Callable[[str], bool] = (),
) -> Iterator[dict[str, Any]]:
    """Fetch each URL (id = the URL). Ids in ``skip`` are not fetched at all."""
    skipped = skip if callable(skip) else skip.__contains__
    with Fetcher(settings) as fetcher:
        for url in urls:
            url = url.strip()
            if skipped(url):
                continue
            yield _page_record(fetcher, url, url, {})


def iter_feed_records(
    feed_url: str,
    *,
    settings: FetchSettings | None = None,
    skip: Collection[str] | Callable[[str], bool] = (),
) -> Iterator[dict[str, Any]]:
    """Fetch the feed, then each item's page (id = the item's guid, else its link).

    Items whose id is in ``skip`` are not fetched (``--resume`` processes only new
    items). A feed that cannot be read raises :class:`~summarize.errors.FeedError`; the
    warnings of a feed read only in part go into each item's ``_warnings``.
    """
    skipped = skip if callable(skip) else skip.__contains__
    feed = read_feed_document(feed_url, settings)
    with Fetcher(settings) as fetcher:
        for item in feed.items:
            if skipped(item.id):
                continue
            extra: dict[str, Any] = {"feed": feed_url}
            if item.title:
                extra["title"] = item.title
            if item.published:
                extra["published"] = item.published
            notes = [*feed.warnings, *item.warnings]
            if notes:
                extra["_warnings"] = notes
            if not item.url:
                yield {
                    "id": item.id,
                    **extra,
                    "_error": "feed item has no link",
                    "_error_kind": "permanent",
                }
                continue
            yield _page_record(fetcher, item.id, item.url, extra)


#: Suffixes of files that may hold a list of URLs.
URL_LIST_SUFFIXES = frozenset({".txt", ".urls", ".list"})


def _urls_of(item: str | os.PathLike[str]) -> list[str] | None:
    """The URLs an input stands for (a URL, or a file of URLs); ``None`` otherwise."""
    if isinstance(item, str) and is_url(item):
        return [item.strip()]
    path = Path(item)
    if path.suffix.lower() in URL_LIST_SUFFIXES and path.is_file() and looks_like_url_list(path):
        return read_url_list(path, unique=False)
    return None


def split_web_sources(
    items: Iterable[str | os.PathLike[str]],
    *,
    skip: Collection[str] | Callable[[str], bool] = (),
    settings: FetchSettings | None = None,
) -> tuple[list[str | os.PathLike[str]], Iterator[dict[str, Any]]]:
    """Split inputs into local paths and a lazy stream of records for the URLs among
    them (URLs given directly and the lines of URL-list files), in order, fetched with
    ``settings``."""
    local, urls = _local_and_urls(items)
    unique = list(dict.fromkeys(urls))
    stream = iter_url_records(unique, skip=skip, settings=settings) if urls else iter(())
    return local, stream


def count_web_sources(
    items: Iterable[str | os.PathLike[str]],
) -> tuple[list[str | os.PathLike[str]], int]:
    """Local paths and the number of URLs among the inputs (for progress bars): each URL
    once, as :func:`split_web_sources` fetches them."""
    local, urls = _local_and_urls(items)
    return local, len(dict.fromkeys(urls))


def repeated_urls(items: Iterable[str | os.PathLike[str]]) -> int:
    """How many URLs among the inputs repeat one given before (each is fetched once)."""
    _, urls = _local_and_urls(items)
    return len(urls) - len(dict.fromkeys(urls))


def _local_and_urls(
    items: Iterable[str | os.PathLike[str]],
) -> tuple[list[str | os.PathLike[str]], list[str]]:
    """Local paths, and every URL (given directly or listed in URL files, repeats kept)."""
    local: list[str | os.PathLike[str]] = []
    urls: list[str] = []
    for item in items:
        found = _urls_of(item)
        if found is None:
            local.append(item)
        else:
            urls.extend(found)
    return local, urls
