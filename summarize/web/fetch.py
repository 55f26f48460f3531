"""Fetch web pages with httpx: an address policy, one deadline, redirects, a size cap and
a content-type check.

Every connection is checked and pinned by :mod:`summarize.web.addresses` (no loopback,
private, link-local... addresses unless allowed), and every fetch ends by one
wall-clock deadline. Every failure is a specific :class:`~summarize.errors.FetchError`
(DNS, connection, timeout, 4xx/5xx, not HTML, too large, bad URL, refused address) with
its ``kind`` (transient or permanent), which the readers turn into a per-record error:
one bad link never stops a job. httpx is imported on first use.
"""

from __future__ import annotations

import datetime
import email.utils
import re
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from summarize import __version__
from summarize.errors import (
    BlockedAddressError,
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
    """How pages are fetched.

    ``timeout``: one wall-clock deadline in seconds for the whole fetch (name lookup,
    connect, TLS, headers, body, redirects and Retry-After waits), enforced whatever the
    server does; ``connect_timeout``: seconds to connect; ``max_bytes``: the largest body
    accepted. ``allow_private``: also fetch loopback, private, link-local and other
    non-public addresses (:mod:`summarize.web.addresses`; off by default, and always
    off in the demo). A 429 or 503 answer with a ``Retry-After`` of at most
    ``retry_after_cap`` seconds is tried again after that wait, up to ``retries`` times,
    within the deadline. ``refusal_hint`` is added to the message of a refused address.
    """

    timeout: float = 20.0
    connect_timeout: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    allow_private: bool = False
    retries: int = 2
    retry_after_cap: float = 10.0
    refusal_hint: str = ""


@dataclass(frozen=True)
class FetchedPage:
    """A fetched document. ``url`` is the one asked for, ``final_url`` after redirects;
    ``text`` is ``content`` (the raw body) decoded."""

    url: str
    final_url: str
    status: int
    content_type: str
    text: str
    elapsed: float
    content: bytes = b""


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


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


class Fetcher:
    """A reusable HTTP client (connection pooling) that returns :class:`FetchedPage`.

    Every connection goes through :class:`~summarize.web.addresses.PinnedBackend`: the
    host is resolved once, refused when an address is not public (unless
    ``settings.allow_private``), and the socket connects to the address checked.
    Redirects are followed here, one hop at a time, each hop under the same policy and
    the same deadline. Proxy settings from the environment are ignored (a proxy would
    connect to addresses nobody checked). ``accept`` lists the media types taken;
    anything else raises :class:`~summarize.errors.NotHtmlError`. Use as a context
    manager or call :meth:`close`.
    """

    def __init__(
        self, settings: FetchSettings | None = None, *, accept: tuple[str, ...] = HTML_TYPES
    ) -> None:
        import httpx

        from summarize.web.addresses import PinnedBackend

        self.settings = settings or FetchSettings()
        self.accept = accept
        s = self.settings

        class PinnedTransport(httpx.HTTPTransport):
            """httpx's transport over a connection pool with the pinned backend (the
            pool is httpcore's, built as httpx builds it, plus ``network_backend``)."""

            def __init__(self) -> None:
                import httpcore

                super().__init__()
                self._pool.close()  # httpx's own pool, unused: replaced by one with our backend
                self._pool = httpcore.ConnectionPool(
                    ssl_context=httpx.create_ssl_context(),
                    max_connections=10,
                    max_keepalive_connections=5,
                    keepalive_expiry=5.0,
                    network_backend=PinnedBackend(allow_private=s.allow_private),
                )

        self._client = httpx.Client(
            transport=PinnedTransport(),
            trust_env=False,
            follow_redirects=False,
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
        """GET ``url``; raise a :class:`~summarize.errors.FetchError` subclass on failure.

        The whole fetch ends by ``settings.timeout`` seconds after it starts."""
        from summarize.web.addresses import deadline

        url = url.strip()
        if not is_url(url):
            raise InvalidUrlError(f"not an http(s) URL: {url!r}", url)
        start = time.monotonic()
        with deadline(self.settings.timeout) as end:
            return self._follow(url, start, end)

    def _follow(self, url: str, start: float, end: float) -> FetchedPage:
        s = self.settings
        hop, redirects, retries = url, 0, 0
        while True:
            response = self._send(url, hop)
            try:
                if response.is_redirect and response.next_request is not None:
                    redirects += 1
                    if redirects > s.max_redirects:
                        raise NetworkError(
                            f"too many redirects (more than {s.max_redirects}): {url}",
                            url,
                            transient=False,  # a loop stays a loop
                        )
                    hop = str(response.next_request.url)
                    if not is_url(hop):
                        raise InvalidUrlError(
                            f"redirected to a URL that is not http(s) ({hop[:200]!r}): {url}", url
                        )
                    continue
                wait = _retry_after(response.headers.get("retry-after"))
                if (
                    response.status_code in (429, 503)
                    and wait is not None
                    and wait <= s.retry_after_cap
                    and retries < s.retries
                    and time.monotonic() + wait < end
                ):
                    retries += 1
                    time.sleep(wait)
                    continue
                return self._guarded(url, lambda r=response: self._read(url, r, start, end))
            finally:
                response.close()

    def _send(self, url: str, hop: str) -> Any:
        """Send one GET (headers read, body not yet) for ``hop``, a step of ``url``."""
        return self._guarded(
            url, lambda: self._client.send(self._client.build_request("GET", hop), stream=True), hop
        )

    def _guarded(self, url: str, step: Any, hop: str | None = None) -> Any:
        """Run ``step``, turning transport failures into :class:`FetchError`."""
        import httpx

        from summarize.web.addresses import AddressRefused, HostUnresolvable

        s = self.settings
        via = f" (redirected to {hop[:200]})" if hop and hop != url else ""
        try:
            return step()
        except FetchError:
            raise
        except AddressRefused as exc:
            hint = f" {s.refusal_hint}" if s.refusal_hint else ""
            raise BlockedAddressError(
                f"refused to fetch {url}{via}: {exc}; only public addresses are fetched.{hint}",
                url,
            ) from None
        except HostUnresolvable as exc:
            raise DnsError(f"{exc}: {url}{via}", url, transient=exc.transient) from None
        except httpx.TimeoutException:
            raise FetchTimeoutError(f"timed out after {s.timeout:g} s: {url}", url) from None
        except httpx.InvalidURL as exc:
            raise InvalidUrlError(f"invalid URL {url!r}{via}: {exc}", url) from None
        except httpx.UnsupportedProtocol as exc:
            raise InvalidUrlError(f"unsupported URL {url!r}{via}: {exc}", url) from None
        except (httpx.TransportError, OSError) as exc:
            if _is_dns_failure(exc):
                host = urlsplit(hop or url).hostname or url
                raise DnsError(f"cannot resolve host '{host}': {url}", url) from None
            raise NetworkError(
                f"cannot connect: {exc or type(exc).__name__}: {url}{via}", url
            ) from None

    def _read(self, url: str, response: Any, start: float, deadline: float) -> FetchedPage:
        final = str(response.url)
        status = response.status_code
        if status >= 400:
            reason = response.reason_phrase or ""
            wait = response.headers.get("retry-after", "").strip()
            later = f" (Retry-After: {wait[:40]})" if wait and status in (429, 503) else ""
            raise HttpStatusError(
                f"HTTP {status} {reason}".rstrip() + f"{later}: {url}", url, status
            )
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
            content=body,
        )


def fetch(url: str, settings: FetchSettings | None = None) -> FetchedPage:
    """Fetch one page with a short-lived :class:`Fetcher`."""
    with Fetcher(settings) as fetcher:
        return fetcher.fetch(url)
