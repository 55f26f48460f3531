"""Fetching pages and feeds from a real local HTTP server (http.server in a thread)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from summarize import errors
from summarize.io import count_records, iter_records
from summarize.web import (
    USER_AGENT,
    Fetcher,
    FetchSettings,
    iter_feed_records,
    iter_url_records,
    parse_feed,
    read_feed,
)
from summarize.web.reader import looks_like_url_list

# the test site is on 127.0.0.1: private addresses allowed (the default refuses them)
SETTINGS = FetchSettings(timeout=1.0, connect_timeout=1.0, max_bytes=1_000_000, allow_private=True)


def test_fetch_page_names_the_tool_and_follows_redirects(news_site: Any) -> None:
    with Fetcher(SETTINGS) as fetcher:
        page = fetcher.fetch(news_site.url("/redirect"))
    assert page.status == 200
    assert page.final_url == news_site.url("/portal/000.html")
    assert page.text == news_site.page("000", "portal").html
    assert USER_AGENT.startswith("summarize/")
    assert news_site.user_agents[-1] == USER_AGENT


@pytest.mark.parametrize(
    ("path", "error", "words"),
    [
        ("/404", errors.HttpStatusError, "HTTP 404"),
        ("/500", errors.HttpStatusError, "HTTP 500"),
        ("/slow", errors.FetchTimeoutError, "timed out"),
        ("/file.pdf", errors.NotHtmlError, "application/pdf"),
        ("/huge.html", errors.ResponseTooLargeError, "too large"),
        ("/stream.html", errors.ResponseTooLargeError, "too large"),
    ],
)
def test_bad_links_raise_specific_input_errors(
    news_site: Any, path: str, error: type[Exception], words: str
) -> None:
    with Fetcher(SETTINGS) as fetcher, pytest.raises(error, match=words) as info:
        fetcher.fetch(news_site.url(path))
    assert isinstance(info.value, errors.InputError)  # a per-record error, not fatal
    assert info.value.url == news_site.url(path)  # type: ignore[attr-defined]


def test_http_status_is_kept(news_site: Any) -> None:
    with Fetcher(SETTINGS) as fetcher, pytest.raises(errors.HttpStatusError) as info:
        fetcher.fetch(news_site.url("/404"))
    assert info.value.status == 404


def test_dns_refused_and_malformed_urls() -> None:
    with Fetcher(SETTINGS) as fetcher:
        with pytest.raises(errors.DnsError, match="nonexistent.invalid"):
            fetcher.fetch("http://nonexistent.invalid/berita")
        with pytest.raises(errors.NetworkError, match="cannot connect"):
            fetcher.fetch("http://127.0.0.1:1/")
        with pytest.raises(errors.InvalidUrlError):
            fetcher.fetch("ftp://example.com/x")


def test_bad_links_become_error_records_and_the_rest_go_on(news_site: Any) -> None:
    urls = [news_site.url(p) for p in ("/404", "/portal/001.html", "/file.pdf", "/detik/003.html")]
    records = list(iter_url_records(urls, settings=SETTINGS))
    assert [r["id"] for r in records] == urls
    assert [bool(r.get("_error")) for r in records] == [True, False, True, False]
    assert "HTTP 404" in records[0]["_error"]
    assert records[1]["html"] is True and records[1]["url"] == urls[1]


def test_skipped_urls_are_not_fetched(news_site: Any) -> None:
    url = news_site.url("/wordpress/002.html")
    before = news_site.requests.get("/wordpress/002.html", 0)
    assert list(iter_url_records([url], skip={url}, settings=SETTINGS)) == []
    assert news_site.requests.get("/wordpress/002.html", 0) == before


def test_url_arguments_and_url_list_files(news_site: Any, tmp_path: Path) -> None:
    listing = tmp_path / "links.txt"
    listing.write_text(
        f"# pages to read\n{news_site.url('/detik/000.html')}\n\n{news_site.url('/500')}\n",
        encoding="utf-8",
    )
    article = tmp_path / "article.txt"
    article.write_text("Jakarta - Ini sebuah berita.\nhttp://example.com/x\n", encoding="utf-8")
    assert looks_like_url_list(listing) and not looks_like_url_list(article)
    paths = [news_site.url("/portal/004.html"), str(listing), str(article)]
    assert count_records(paths) == 4
    records = list(iter_records(paths, fetch=SETTINGS))
    assert [r["id"] for r in records] == [
        news_site.url("/portal/004.html"),
        news_site.url("/detik/000.html"),
        news_site.url("/500"),
        "article",
    ]
    assert "HTTP 500" in records[2]["_error"]


def test_missing_local_path_fails_before_any_fetch(news_site: Any, tmp_path: Path) -> None:
    before = sum(news_site.requests.values())
    with pytest.raises(errors.ConfigError):
        list(
            iter_records(
                [news_site.url("/portal/000.html"), str(tmp_path / "nope.txt")], fetch=SETTINGS
            )
        )
    assert sum(news_site.requests.values()) == before


def test_rss_and_atom_items_get_ids_from_guid_or_link(news_site: Any) -> None:
    rss = read_feed(news_site.url("/feed.xml"), SETTINGS)
    assert [i.id for i in rss] == [f"warta-{n:03d}-portal" for n in range(5)]
    assert rss[2].url == news_site.url("/portal/002.html")
    assert rss[2].title == news_site.page("002").title
    atom = read_feed(news_site.url("/atom.xml"), SETTINGS)
    assert [i.id for i in atom] == [news_site.url(f"/wordpress/{n:03d}.html") for n in range(5)]
    no_guid = parse_feed(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>http://x.test/a</link></item>"
        b"<item><title>b</title><link>http://x.test/a</link></item>"  # duplicate link
        b"<item><title>no link</title></item></channel></rss>"
    )
    assert [(i.id, i.url) for i in no_guid] == [("http://x.test/a", "http://x.test/a")]


def test_not_a_feed(news_site: Any) -> None:
    with pytest.raises(errors.FeedError, match="not an RSS/Atom feed"):
        read_feed(news_site.url("/portal/000.html"), SETTINGS)
    with pytest.raises(errors.FeedError, match="HTTP 404"):
        read_feed(news_site.url("/404"), SETTINGS)


def test_feed_records_skip_done_items_without_fetching(news_site: Any) -> None:
    before = news_site.requests.get("/portal/000.html", 0)
    records = list(
        iter_feed_records(news_site.url("/feed.xml"), skip={"warta-000-portal"}, settings=SETTINGS)
    )
    assert [r["id"] for r in records] == [f"warta-{n:03d}-portal" for n in range(1, 5)]
    assert news_site.requests.get("/portal/000.html", 0) == before
    assert records[0]["title"] == news_site.page("001").title
    assert records[0]["feed"] == news_site.url("/feed.xml")
    assert "<html" in records[0]["text"]
