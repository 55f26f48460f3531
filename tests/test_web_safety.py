"""The fetcher against hostile local servers: the address policy (every spelling of
loopback, redirects, DNS rebinding), the wall-clock deadline (slowloris), error kinds and
Retry-After, and feeds (encodings, broken documents, duplicate guids, relative links)."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest
from local_servers import (
    LOOPBACK_SPELLINGS,
    SECRET,
    SLOW_BODY,
    SLOW_HEADERS,
    Server,
    drip,
    loopback_names,
    redirect,
    secret_page,
    send,
)

from summarize import errors
from summarize.pipeline import to_record
from summarize.web import Fetcher, FetchSettings, iter_feed_records, iter_url_records
from summarize.web import addresses as addr
from summarize.web.feeds import parse_feed_document

PRIVATE_OK = FetchSettings(timeout=5.0, allow_private=True)

# ----------------------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("fd00:ec2::254", "private"),  # AWS metadata over IPv6
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("8.8.8.8", None),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_refusal_reasons(address: str, reason: str | None) -> None:
    assert addr.refusal(address) == reason


@pytest.fixture(scope="module")
def internal() -> Any:
    """An "internal" service with a secret, on 127.0.0.1."""
    with Server({"/secret": secret_page}) as server:
        yield server


@pytest.mark.parametrize("host", [*LOOPBACK_SPELLINGS, *loopback_names()])
def test_every_spelling_of_loopback_is_refused(internal: Any, host: str) -> None:
    before = internal.total_hits()
    with Fetcher() as fetcher, pytest.raises(errors.BlockedAddressError) as info:
        fetcher.fetch(internal.url("/secret", host))
    message = str(info.value)
    assert "refused to fetch" in message and "address" in message
    assert SECRET not in message
    assert info.value.kind == errors.PERMANENT
    assert internal.total_hits() == before  # no connection was even made


def test_allow_private_fetches_the_same_page(internal: Any) -> None:
    with Fetcher(PRIVATE_OK) as fetcher:
        assert SECRET in fetcher.fetch(internal.url("/secret", "127.1")).text


@pytest.fixture()
def public_127_0_0_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.2 as a public address: a stand-in for a site on the internet."""
    real = addr.refusal
    monkeypatch.setattr(addr, "refusal", lambda a: None if a == "127.0.0.2" else real(a))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_loopback_is_refused_at_that_hop(
    internal: Any, public_127_0_0_2: None, status: int
) -> None:
    target = internal.url("/secret")
    routes = {"/go": redirect(status, target), "/ok": lambda h: send(h, 200, "<p>publik</p>")}
    with Server(routes, host="127.0.0.2") as public, Fetcher() as fetcher:
        assert "publik" in fetcher.fetch(public.url("/ok")).text  # the policy allows it
        before = internal.total_hits()
        with pytest.raises(errors.BlockedAddressError, match="redirected to") as info:
            fetcher.fetch(public.url("/go"))
        assert public.hits["/go"] == 1
    assert target in str(info.value) and SECRET not in str(info.value)
    assert internal.total_hits() == before


def test_dns_rebinding_cannot_switch_the_address(
    internal: Any, public_127_0_0_2: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that answers a public address to the check and loopback afterwards: the
    connection goes to the address checked, and the name is looked up once."""
    answers = ["127.0.0.2", "127.0.0.1", "127.0.0.1"]
    lookups: list[str] = []
    real = socket.getaddrinfo

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        lookups.append(answers[len(lookups)])
        return real(lookups[-1], port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with Server({"/secret": lambda h: send(h, 200, "<p>public copy</p>")}, "127.0.0.2") as public:
        with Fetcher() as fetcher:
            page = fetcher.fetch(f"http://rebind.test:{public.port}/secret")
    assert "public copy" in page.text and SECRET not in page.text
    assert lookups == ["127.0.0.2"]


def test_a_host_with_one_private_address_among_public_ones_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = socket.getaddrinfo

    def mixed(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "mixed.test":
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    with Fetcher() as fetcher, pytest.raises(errors.BlockedAddressError, match="127.0.0.1"):
        fetcher.fetch("http://mixed.test/")


def test_proxy_variables_are_ignored(internal: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy would connect to addresses nobody checked."""
    monkeypatch.setenv("HTTP_PROXY", internal.url("/"))
    monkeypatch.setenv("http_proxy", internal.url("/"))
    before = internal.total_hits()
    with Fetcher() as fetcher, pytest.raises(errors.NetworkError):
        fetcher.fetch("http://192.0.2.1.invalid/")  # does not resolve; never the proxy
    assert internal.total_hits() == before


# ----------------------------------------------------------------------------- deadline


@pytest.mark.parametrize("answer", [SLOW_HEADERS, SLOW_BODY], ids=["headers", "body"])
def test_a_slowloris_is_cut_at_the_deadline(answer: bytes) -> None:
    with (
        Server({"/slow": drip(answer)}) as server,
        Fetcher(FetchSettings(timeout=3.0, allow_private=True)) as fetcher,
    ):
        start = time.monotonic()
        with pytest.raises(errors.FetchTimeoutError, match="timed out after 3 s") as info:
            fetcher.fetch(server.url("/slow"))
        elapsed = time.monotonic() - start
    assert 2.9 <= elapsed <= 5.0, elapsed
    assert info.value.kind == errors.TRANSIENT


def test_a_silent_server_is_cut_at_the_deadline() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts (the kernel does), never answers
    try:
        with Fetcher(FetchSettings(timeout=2.0, allow_private=True)) as fetcher:
            start = time.monotonic()
            with pytest.raises(errors.FetchTimeoutError):
                fetcher.fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/")
            assert 1.9 <= time.monotonic() - start <= 4.0
    finally:
        listener.close()


# ----------------------------------------------------------------------------- error kinds


def test_error_kinds_and_retry_after() -> None:
    calls = {"n": 0}

    def flaky(handler: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            send(handler, 503, "<p>busy</p>", headers={"Retry-After": "1"})
        else:
            send(handler, 200, "<p>back again</p>")

    routes = {
        "/flaky": flaky,
        "/busy": lambda h: send(h, 503, "<p>busy</p>", headers={"Retry-After": "3600"}),
        "/limited": lambda h: send(h, 429, "<p>slow down</p>"),
        "/gone": lambda h: send(h, 404, "<p>gone</p>"),
        "/pdf": lambda h: send(h, 200, b"%PDF-1.4", ctype="application/pdf"),
    }
    with Server(routes) as server, Fetcher(PRIVATE_OK) as fetcher:
        start = time.monotonic()
        assert "back again" in fetcher.fetch(server.url("/flaky")).text  # waited 1 s, retried
        assert 0.9 <= time.monotonic() - start < 4
        start = time.monotonic()
        with pytest.raises(errors.HttpStatusError, match="Retry-After: 3600") as busy:
            fetcher.fetch(server.url("/busy"))  # over the cap: fails now, transient
        assert time.monotonic() - start < 2
        assert busy.value.kind == errors.TRANSIENT
        records = list(
            iter_url_records(
                [server.url(p) for p in ("/limited", "/gone", "/pdf")], settings=PRIVATE_OK
            )
        )
        refused = list(iter_url_records([server.url("/gone")]))  # default policy
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        closed.close()
        unreachable = list(iter_url_records([f"http://127.0.0.1:{port}/"], settings=PRIVATE_OK))
    kinds = [r["_error_kind"] for r in records + refused + unreachable]
    assert kinds == ["transient", "permanent", "permanent", "permanent", "transient"]


def test_failed_records_keep_title_metadata_and_kind() -> None:
    record = to_record(
        {
            "id": "g1",
            "title": "Judul berita",
            "feed": "http://x.test/rss",
            "url": "http://x.test/a",
            "_error": "HTTP 503: http://x.test/a",
            "_error_kind": "transient",
        },
        1,
    )
    assert record.error and record.title == "Judul berita"
    assert record.error_kind == "transient"
    assert record.metadata == {"feed": "http://x.test/rss", "url": "http://x.test/a"}


# ----------------------------------------------------------------------------- feeds


def rss(items: str, encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>Warta</title><link>http://x.test/</link>{items}</channel></rss>"
    )


def test_feed_bytes_keep_the_encoding_the_xml_declares() -> None:
    body = rss(
        "<item><title>Kafe \u201cPelangi\u201d dibuka \u2013 caf\u00e9</title>"
        "<link>http://x.test/a</link><guid>a</guid></item>",
        encoding="windows-1252",
    ).encode("cp1252")
    routes = {"/rss": lambda h: send(h, 200, body, ctype="application/rss+xml")}
    with Server(routes) as server:
        records = list(
            iter_feed_records(server.url("/rss"), settings=PRIVATE_OK, skip=lambda _: False)
        )
    assert records[0]["title"] == "Kafe \u201cPelangi\u201d dibuka \u2013 caf\u00e9"


def test_relative_links_and_duplicate_guids() -> None:
    feed = parse_feed_document(
        rss(
            "<item><title>a</title><link>/berita/1.html</link><guid>g</guid></item>"
            "<item><title>b</title><link>berita/2.html</link><guid>g</guid></item>"
            "<item><title>a again</title><link>/berita/1.html</link><guid>g</guid></item>"
        ).encode(),
        base_url="https://x.test/rss/index.xml",
    )
    assert [(i.id, i.url, i.title) for i in feed.items] == [
        ("g", "https://x.test/berita/1.html", "a"),
        ("https://x.test/rss/berita/2.html", "https://x.test/rss/berita/2.html", "b"),
    ]
    assert "shares its guid" in feed.items[1].warnings[0]


def test_a_truncated_feed_is_an_error_or_a_warning_never_silent() -> None:
    whole = rss(
        "".join(
            f"<item><title>t{n}</title><link>http://x.test/{n}</link><guid>{n}</guid></item>"
            for n in range(3)
        )
    ).encode()
    cut = whole[: whole.index(b"<item>", whole.index(b"t1")) + 20]  # inside the third item
    partial = parse_feed_document(cut, source="cut")
    assert [i.id for i in partial.items] == ["0", "1"]
    assert partial.warnings and "malformed" in partial.warnings[0]
    with pytest.raises(errors.FeedError, match="malformed feed with no readable item"):
        parse_feed_document(whole[:120], source="early cut")
    with pytest.raises(errors.FeedError, match="not an RSS/Atom feed"):
        parse_feed_document(b"\x00\x01 garbage", source="garbage")


def test_feed_item_records_carry_the_feed_warning_and_failed_items_their_title() -> None:
    body = rss(
        "<item><title>ada</title><link>/ok.html</link><guid>1</guid></item>"
        "<item><title>Hilang</title><link>/missing.html</link><guid>2</guid></item>"
    ).encode()
    body = body[: body.rindex(b"</channel>")]  # truncated: no closing tags
    routes = {
        "/rss": lambda h: send(h, 200, body, ctype="application/rss+xml"),
        "/ok.html": lambda h: send(h, 200, "<html><body><p>isi</p></body></html>"),
    }
    with Server(routes) as server:
        records = list(iter_feed_records(server.url("/rss"), settings=PRIVATE_OK))
        assert [r["url"] for r in records] == [server.url("/ok.html"), server.url("/missing.html")]
    assert all("malformed" in r["_warnings"][0] for r in records)
    assert records[1]["title"] == "Hilang" and "HTTP 404" in records[1]["_error"]
    assert records[1]["_error_kind"] == "permanent"


# ----------------------------------------------------------------------------- TLS


def test_https_keeps_the_host_name_while_the_address_is_pinned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The socket goes to the checked address; SNI, the certificate check and the Host
    header still use the URL's name. A TLS server that never answers is cut too."""
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import trustme

    ca = trustme.CA()
    names: list[str | None] = []
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("pinned.test").configure_cert(server_ctx)
    server_ctx.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,misc]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            send(self, 200, f"<p>Host: {self.headers['Host']}</p>")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    real = socket.getaddrinfo

    def local(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = "127.0.0.1" if host in ("pinned.test", "other.test") else host
        return real(name, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local)
    with ca.cert_pem.tempfile() as ca_file:
        monkeypatch.setenv("SSL_CERT_FILE", ca_file)
        port = httpd.server_address[1]
        try:
            with Fetcher(FetchSettings(timeout=2.0, allow_private=True)) as fetcher:
                page = fetcher.fetch(f"https://pinned.test:{port}/")
                with pytest.raises(errors.NetworkError, match="(?i)certificate"):
                    fetcher.fetch(f"https://other.test:{port}/")  # right address, wrong name
                start = time.monotonic()
                with pytest.raises(errors.FetchTimeoutError):
                    fetcher.fetch(f"https://pinned.test:{silent.getsockname()[1]}/")
                assert 1.9 <= time.monotonic() - start <= 4.0
        finally:
            httpd.shutdown()
            httpd.server_close()
            silent.close()
    assert f"Host: pinned.test:{port}" in page.text
    assert names[0] == "pinned.test"
