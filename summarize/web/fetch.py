"""Fetch web pages with httpx: timeouts, redirects, a size cap and a content-type check.

Every failure is a specific :class:`~summarize.errors.FetchError` (DNS, connection,
timeout, 4xx/5xx, not HTML, too large, bad URL), which the readers turn into a
per-record error: one bad link never stops a job. httpx is imported on first use.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from summarize import __version__
from summarize.errors import (
    DnsError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    InvalidUrlError,
    NetworkError,
    NotHtmlError,
    ResponseTooLargeError,
)

__all__ = ["USER_AGENT", "FetchSettings", "FetchedPage", "Fetcher", "fetch", "is_url"]

USER_AGENT = f"summarize/{__version__} (Indonesian news summariser; python-httpx)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def is_url(value: str) -> bool:
    """``http://`` or ``https://`` followed by a host."""
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class FetchSettings:
    """``timeout``: seconds for the whole request (connect, headers and body);
    ``connect_timeout``: seconds to connect; ``max_bytes``: the largest body accepted."""

    timeout: float = 20.0
    connect_timeout: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class FetchedPage:
    """A fetched document. ``url`` is the one asked for, ``final_url`` after redirects."""

    url: str
    final_url: str
    status: int
    content_type: str
    text: str
    elapsed: float


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _charset(content_type: str, head: bytes) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    match = _META_CHARSET_RE.search(head[:4096])
    return match.group(1).decode("ascii") if match else None


def _decode(body: bytes, content_type: str) -> str:
    charset = _charset(content_type, body) or "utf-8"
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


def _is_dns_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, socket.gaierror):
            return True
        text = str(seen).lower()
        if "name or service not known" in text or "nodename nor servname" in text:
            return True
        if "temporary failure in name resolution" in text or "no address associated" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Fetcher:
    """A reusable HTTP client (connection pooling) that returns :class:`FetchedPage`.

    ``accept`` lists the media types taken; anything else raises
    :class:`~summarize.errors.NotHtmlError`. Use as a context manager or call
    :meth:`close`.
    """

    def __init__(
        self, settings: FetchSettings | None = None, *, accept: tuple[str, ...] = HTML_TYPES
    ) -> None:
        import httpx

        self.settings = settings or FetchSettings()
        self.accept = accept
        s = self.settings
        self._client = httpx.Client(
            follow_redirects=True,
            max_redirects=s.max_redirects,
            timeout=httpx.Timeout(s.timeout, connect=s.connect_timeout),
            headers={
                "User-Agent": s.user_agent,
                "Accept": ", ".join((*accept, "*/*;q=0.1")),
                "Accept-Language": "id,en;q=0.8",
            },
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> FetchedPage:
        """GET ``url``; raise a :class:`~summarize.errors.FetchError` subclass on failure."""
        import httpx

        url = url.strip()
        if not is_url(url):
            raise InvalidUrlError(f"not an http(s) URL: {url!r}", url)
        start = time.monotonic()
        deadline = start + self.settings.timeout
        try:
            with self._client.stream("GET", url) as response:
                return self._read(url, response, start, deadline)
        except FetchError:
            raise
        except httpx.TooManyRedirects:
            raise NetworkError(
                f"too many redirects (more than {self.settings.max_redirects}): {url}", url
            ) from None
        except httpx.TimeoutException:
            raise FetchTimeoutError(
                f"timed out after {self.settings.timeout:g} s: {url}", url
            ) from None
        except httpx.InvalidURL as exc:
            raise InvalidUrlError(f"invalid URL {url!r}: {exc}", url) from None
        except (httpx.TransportError, OSError) as exc:
            if _is_dns_failure(exc):
                host = urlsplit(url).hostname or url
                raise DnsError(f"cannot resolve host '{host}': {url}", url) from None
            raise NetworkError(f"cannot connect: {exc or type(exc).__name__}: {url}", url) from None

    def _read(self, url: str, response: Any, start: float, deadline: float) -> FetchedPage:
        final = str(response.url)
        status = response.status_code
        if status >= 400:
            reason = response.reason_phrase or ""
            raise HttpStatusError(f"HTTP {status} {reason}".rstrip() + f": {url}", url, status)
        content_type = response.headers.get("content-type", "")
        media = _media_type(content_type)
        if media and media not in self.accept:
            raise NotHtmlError(f"not an HTML page (Content-Type: {media}): {url}", url)
        cap = self.settings.max_bytes
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise ResponseTooLargeError(
                f"page too large ({int(length):,} bytes; the limit is {cap:,}): {url}", url
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise ResponseTooLargeError(f"page too large (more than {cap:,} bytes): {url}", url)
            if time.monotonic() > deadline:
                raise FetchTimeoutError(
                    f"timed out after {self.settings.timeout:g} s while reading: {url}", url
                )
            chunks.append(chunk)
        body = b"".join(chunks)
        if not media and not body.lstrip()[:1] == b"<":
            raise NotHtmlError(f"not an HTML page (no Content-Type, not markup): {url}", url)
        return FetchedPage(
            url=url,
            final_url=final,
            status=status,
            content_type=content_type,
            text=_decode(body, content_type),
            elapsed=time.monotonic() - start,
        )


def fetch(url: str, settings: FetchSettings | None = None) -> FetchedPage:
    """Fetch one page with a short-lived :class:`Fetcher`."""
    with Fetcher(settings) as fetcher:
        return fetcher.fetch(url)
