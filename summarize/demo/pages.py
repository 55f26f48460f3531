"""News pages the demo fetches: links checked, then fetched with the demo's limits."""

from __future__ import annotations

from typing import Any

from summarize.demo.config import DemoConfig
from summarize.demo.errors import DemoError


def fetch_settings(config: DemoConfig) -> Any:
    """The fetcher's limits: the demo's timeout, a page size after the article limit, and
    private addresses refused (unless a test allows them)."""
    from summarize.web import FetchSettings

    return FetchSettings(
        timeout=config.fetch_timeout_s,
        max_bytes=min(5_000_000, config.pipeline.max_chars * 4),
        allow_private=config.fetch_allow_private,  # False unless a test sets it
    )


def check_url(url: str) -> str:
    """``url`` stripped, or a :class:`DemoError` when it is not an http(s) link."""
    from summarize.web import is_url

    url = url.strip()
    if not is_url(url):
        raise DemoError(
            f"'{url[:200]}' is not a web link. Give an http:// or https:// address.",
            title="Invalid link",
        )
    return url


def fetch_page(url: str, config: DemoConfig) -> dict[str, Any]:
    """A news page as a record (trafilatura extracts its text in the pipeline)."""
    from summarize.errors import BlockedAddressError, FetchError
    from summarize.web import Fetcher

    url = check_url(url)
    try:
        with Fetcher(fetch_settings(config)) as fetcher:
            page = fetcher.fetch(url)
    except BlockedAddressError as exc:
        raise DemoError(str(exc), title="Address not allowed") from exc
    except FetchError as exc:
        raise DemoError(str(exc), title="Cannot fetch the page") from exc
    return {"id": "article", "text": page.text, "html": True, "url": url}
