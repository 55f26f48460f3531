"""A local news site for offline tests and benchmarks: the seeds wrapped in site chrome.

Each seed article is rendered by three page templates that imitate common Indonesian
news layouts (a portal with a "TERPOPULER" ticker, a detik-style detail page and a
WordPress theme). Every page carries the furniture a scraper meets in the wild:
navigation, a headline ticker, inline "Baca juga:" links, ads, share buttons, tags,
related-article lists, comments, a cookie banner, a footer and JSON-LD metadata.

:class:`NewsSite` serves the pages with :mod:`http.server` in a thread on 127.0.0.1,
plus an RSS feed, an Atom feed and bad links (404, 500, a slow page, a PDF, a page
larger than any sane cap, an empty page, a redirect).

Every string of chrome is listed in :data:`CHROME_MARKERS`; none of them occurs in an
article body, so "no marker in the cleaned source" is a precise check.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = [
    "CHROME_MARKERS",
    "SITES",
    "NewsPage",
    "NewsSite",
    "build_pages",
]

#: Hand-written headlines for the seeds that have none in their text file.
HEADLINES: dict[str, str] = {
    "000": "NATO Tuduh Rusia Jadikan Musim Dingin Senjata Perang",
    "001": "Stoltenberg Harapkan Pemimpin NATO Setujui Dukungan Tambahan untuk Ukraina",
    "002": "Stoltenberg: Penguatan Misi NATO Tak Jadikan Aliansi Pihak dalam Konflik",
    "003": "Rusia Lontarkan Serangkaian Ancaman Jelang KTT NATO di Vilnius",
}
AUTHORS = ("Rina Kartika", "Bayu Pratama", "Dewi Lestari", "Agus Salim", "Fajar Nugroho")
DATES = ("2022-11-30", "2022-03-24", "2024-07-10", "2023-07-11", "2024-07-10")

TICKER = (
    "Harga Cabai Rawit di Pasar Induk Naik Dua Kali Lipat",
    "Jadwal Lengkap Liga Champions Pekan Ini",
    "Lima Tips Merawat Sepeda Motor di Musim Hujan",
)
READ_ALSO = (
    "Kisah Pedagang Bakso yang Sukses Membuka Cabang di Tokyo",
    "Gempa Magnitudo 5,2 Guncang Pesisir Selatan Garut",
    "Resep Rendang Daging Empuk ala Rumah Makan Padang",
)
RELATED = (
    "Timnas Futsal Lolos ke Semifinal Piala Asia Tenggara",
    "Pemkot Bandung Tambah Armada Bus Sekolah Gratis",
    "Festival Kuliner Nusantara Digelar Akhir Pekan Ini",
    "Wisatawan Padati Pantai Kuta Saat Libur Panjang",
)
COMMENTS = (
    "Semoga cepat selesai masalahnya, kasihan rakyat kecil yang jadi korban.",
    "Beritanya kurang lengkap min, tolong diperbarui lagi ya.",
)
COOKIE_TEXT = "Situs ini menggunakan cookie untuk meningkatkan pengalaman Anda."
AD_TEXT = "Pasang iklan Anda di sini, hubungi tim pemasaran kami"
FOOTER_TEXT = "Redaksi | Pedoman Media Siber | Kebijakan Privasi | Karir"
NEWSLETTER_TEXT = "Dapatkan ringkasan berita pilihan setiap pagi langsung di kotak masuk Anda"

WHATSAPP_TEXT = (
    "Simak breaking news dan berita pilihan kami langsung di ponselmu. Pilih saluran "
    "andalanmu akses berita Warta Kini WhatsApp Channel : https://whatsapp.com/channel/0029"
)
AUDIO_TEXT = "Dengarkan berita ini"
VIDEO_TEXT = "Video Pilihan: Cuaca Ekstrem Landa Pesisir Utara Jawa"

#: Strings of site chrome that must never reach the cleaned source.
CHROME_MARKERS: tuple[str, ...] = (
    *TICKER,
    *READ_ALSO,
    *RELATED,
    *COMMENTS,
    COOKIE_TEXT,
    AD_TEXT,
    FOOTER_TEXT,
    NEWSLETTER_TEXT,
    "TERPOPULER",
    "Baca juga",
    "Bagikan",
    "WhatsApp",
    "Facebook",
    "ADVERTISEMENT",
    "SCROLL TO CONTINUE",
    "Pedoman Media Siber",
    "Berita Terkait",
    "Tinggalkan Balasan",
    "Beranda",
    WHATSAPP_TEXT[:40],
    AUDIO_TEXT,
    VIDEO_TEXT,
    "Editor:",
    "Halaman",
)

SITES = ("portal", "detik", "wordpress", "kini")


@dataclass(frozen=True)
class NewsPage:
    """One test page and what a good extractor should find on it."""

    path: str  # URL path, e.g. "/portal/002.html"
    seed: str  # "002"
    site: str
    html: str
    title: str
    date: str  # ISO date
    author: str
    body: str  # the cleaned seed text: what the cleaned source should contain
    paragraphs: tuple[str, ...]


def _seed_files(seeds_dir: Path) -> list[Path]:
    files = sorted(seeds_dir.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no seed articles (*.txt) in {seeds_dir}")
    return files


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _body_blocks(prepared: Any) -> list[tuple[str, str]]:
    """(kind, text) blocks of an article body: "p" paragraphs and "h2" subheadings."""
    subheadings = set(prepared.metadata.get("subheadings", ()))
    blocks: list[tuple[str, str]] = []
    for i, sentences in enumerate(prepared.paragraphs):
        text = " ".join(sentences)
        if i == 0 and prepared.metadata.get("prefix"):
            text = f"{prepared.metadata['prefix']} {text}"  # the dateline as printed
        blocks.append(("h2" if text in subheadings else "p", text))
    return blocks


def _jsonld(title: str, date: str, author: str, site_name: str, url: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": f"{date}T09:30:00+07:00",
        "dateModified": f"{date}T11:00:00+07:00",
        "author": {"@type": "Person", "name": author},
        "publisher": {"@type": "Organization", "name": site_name},
        "mainEntityOfPage": url,
    }
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def _head(title: str, site_name: str, date: str, author: str, url: str) -> str:
    return f"""<head>
<meta charset="utf-8">
<title>{_esc(title)} - {_esc(site_name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{_esc(title)}">
<meta property="og:title" content="{_esc(title)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{_esc(site_name)}">
<meta property="og:url" content="{_esc(url)}">
<meta property="article:published_time" content="{date}T09:30:00+07:00">
<meta name="author" content="{_esc(author)}">
<link rel="canonical" href="{_esc(url)}">
<link rel="stylesheet" href="/static/site.css">
{_jsonld(title, date, author, site_name, url)}
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head>"""


def _nav(items: tuple[str, ...]) -> str:
    links = "".join(f'<li><a href="/kanal/{i.lower()}">{i}</a></li>' for i in items)
    return f'<nav class="main-nav"><ul><li><a href="/">Beranda</a></li>{links}</ul></nav>'


def _cookie() -> str:
    return (
        '<div id="cookie-consent" class="cookie-banner"><p>'
        f'{COOKIE_TEXT} <a href="/privasi">Pelajari</a></p>'
        '<button type="button">Setuju</button></div>'
    )


def _ticker() -> str:
    items = "".join(f'<li><a href="/read/{i}">{_esc(t)}</a></li>' for i, t in enumerate(TICKER))
    return (
        f'<div class="ticker"><span class="ticker__label">TERPOPULER</span><ul>{items}</ul></div>'
    )


def _share() -> str:
    return (
        '<div class="share-buttons"><span>Bagikan:</span>'
        '<a href="https://facebook.com/sharer">Facebook</a>'
        '<a href="https://twitter.com/intent/tweet">Twitter</a>'
        '<a href="https://wa.me/?text=">WhatsApp</a>'
        '<a href="#" class="copy">Salin tautan</a></div>'
    )


def _ad(n: int) -> str:
    return (
        f'<div class="ads ad-slot" id="div-gpt-ad-{n}"><span>ADVERTISEMENT</span>'
        f"<p>{AD_TEXT}</p><span>SCROLL TO CONTINUE WITH CONTENT</span></div>"
    )


def _read_also(n: int, style: str) -> str:
    title = _esc(READ_ALSO[n % len(READ_ALSO)])
    if style == "strong":
        return f'<p><strong>Baca juga:</strong> <a href="/read/ba{n}">{title}</a></p>'
    return f'<div class="baca-juga"><span>Baca juga</span><a href="/read/ba{n}">{title}</a></div>'


def _related(heading: str) -> str:
    items = "".join(
        f'<li><a href="/read/r{i}"><img src="/img/r{i}.jpg" alt=""><h3>{_esc(t)}</h3></a></li>'
        for i, t in enumerate(RELATED)
    )
    return f'<section class="related-posts"><h2>{heading}</h2><ul>{items}</ul></section>'


def _comments(heading: str) -> str:
    items = "".join(
        f'<li class="comment"><div class="comment-author">Pembaca{i}</div><p>{_esc(c)}</p></li>'
        for i, c in enumerate(COMMENTS)
    )
    return (
        f'<section id="comments" class="comments-area"><h3>{heading}</h3><ol>{items}</ol>'
        '<div id="respond"><h3>Tinggalkan Balasan</h3><form><textarea></textarea>'
        "<button>Kirim</button></form></div></section>"
    )


def _tags(words: tuple[str, ...]) -> str:
    links = "".join(f'<a href="/tag/{w.lower()}" rel="tag">{w}</a>' for w in words)
    return f'<div class="tags">Tag: {links}</div>'


def _footer(site_name: str) -> str:
    return (
        f'<footer class="site-footer"><p>{FOOTER_TEXT}</p>'
        f'<p class="newsletter">{NEWSLETTER_TEXT}</p>'
        f"<p>&copy; 2024 {_esc(site_name)}. All rights reserved.</p></footer>"
    )


def _body_html(blocks: list[tuple[str, str]], read_also_style: str, ads: bool) -> str:
    out: list[str] = []
    for i, (kind, text) in enumerate(blocks):
        out.append(f"<{kind}>{_esc(text)}</{kind}>")
        if i == 1:
            out.append(_read_also(0, read_also_style))
        if ads and i == 2:
            out.append(_ad(i))
        if i == 4:
            out.append(_read_also(1, read_also_style))
    return "\n".join(out)


def _portal(page: dict[str, Any], blocks: list[tuple[str, str]]) -> str:
    """The portal template: a "TERPOPULER" ticker, breadcrumbs and a sidebar."""
    title, date, author, url = page["title"], page["date"], page["author"], page["url"]
    y, m, d = date.split("-")
    site_name = "Warta Nusantara"
    return f"""<!DOCTYPE html><html lang="id">{_head(title, site_name, date, author, url)}
<body class="single post">{_cookie()}
<header class="site-header"><a class="logo" href="/">Warta Nusantara</a>
{_nav(("Nasional", "Internasional", "Ekonomi", "Olahraga", "Tekno"))}</header>
{_ticker()}
<div class="breadcrumb"><a href="/">Beranda</a> &rsaquo; <a href="/kanal/internasional">Internasional</a></div>
<main><article class="article">
<h1 class="article__title">{_esc(title)}</h1>
<div class="article__meta"><span class="author">Penulis: {_esc(author)}</span>
<time datetime="{date}T09:30:00+07:00">{d}/{m}/{y}, 09:30 WIB</time></div>
{_share()}
<figure><img src="/img/{page["seed"]}.jpg" alt="ilustrasi"><figcaption>Ilustrasi. (ANTARA/Dok)</figcaption></figure>
<div class="article__content">
{_body_html(blocks, "strong", ads=True)}
</div>
{_tags(("NATO", "Ukraina", "Rusia"))}
{_share()}
</article>
<aside class="sidebar">{_related("Berita Terkait")}{_ad(9)}</aside>
{_comments("Komentar")}
</main>
{_footer(site_name)}
<script src="/static/app.js"></script></body></html>"""


def _detik(page: dict[str, Any], blocks: list[tuple[str, str]]) -> str:
    """The detik-style detail page: a "TERPOPULER" box beside the article."""
    title, date, author, url = page["title"], page["date"], page["author"], page["url"]
    y, m, d = date.split("-")
    site_name = "detikWarta"
    return f"""<!DOCTYPE html><html lang="id">{_head(title, site_name, date, author, url)}
<body>{_cookie()}
<div class="header">{_nav(("News", "Finance", "Sport", "Hot", "Inet"))}</div>
<div class="container"><div class="column-8">
<article class="detail">
<div class="detail__header"><h1 class="detail__title">{_esc(title)}</h1>
<div class="detail__author">{_esc(author)} - detikWarta</div>
<div class="detail__date">{d}/{m}/{y} 09:30 WIB</div></div>
{_share()}
<div class="detail__body-text itp_bodycontent">
{_body_html(blocks, "div", ads=True)}
</div>
<div class="detail__body-tag">{_tags(("nato", "ukraina", "stoltenberg"))}</div>
</article>
{_comments("Komentar")}
</div>
<div class="column-4"><div class="box"><h2>TERPOPULER</h2><ol>
{"".join(f'<li><a href="/read/t{i}">{_esc(t)}</a></li>' for i, t in enumerate(TICKER))}
</ol></div>{_related("Berita Terkait")}</div></div>
{_footer(site_name)}</body></html>"""


def _kini_body(blocks: list[tuple[str, str]]) -> list[str]:
    """The kini template's body: its blocks with a photo, a bare "Baca Juga" list, an ad
    and a video between them."""
    body = []
    for i, (kind, text) in enumerate(blocks):
        body.append(f"<{kind}>{_esc(text)}</{kind}>")
        if i == 0:
            body.append(
                '<div class="photo"><img src="/img/x.jpg" alt="">'
                '<div class="photo__caption">Suasana pertemuan para menteri. '
                "(ANTARA FOTO/Dok)</div></div>"
            )
        if i == 1:  # a bare "Baca Juga" heading and a list of links
            body.append(
                "<p><strong>Baca Juga</strong></p><ul>"
                f'<li><a href="/read/k1">{_esc(READ_ALSO[2])}</a></li></ul>'
            )
        if i == 2:
            body.append('<div class="ads-on-body"><span>ADVERTISEMENT</span></div>')
        if i == 3:
            body.append(
                f'<div class="video-embed"><p>{_esc(VIDEO_TEXT)}</p>'
                '<iframe src="/embed/v1"></iframe></div>'
            )
    return body


def _kini(page: dict[str, Any], blocks: list[tuple[str, str]]) -> str:
    """The kini template: an audio player, paging, an editor line and a popular list."""
    title, date, author, url = page["title"], page["date"], page["author"], page["url"]
    y, m, d = date.split("-")
    site_name = "Warta Kini"
    body = _kini_body(blocks)
    return f"""<!DOCTYPE html><html lang="id">{_head(title, site_name, date, author, url)}
<body>{_cookie()}
<header>{_nav(("Terkini", "Nasional", "Global", "Money", "Bola"))}</header>
{_ticker()}
<div class="container"><div class="read">
<h1 class="read__title">{_esc(title)}</h1>
<div class="read__time">Warta Kini - {d}/{m}/{y}, 09:30 WIB</div>
<div class="read__credit"><div class="credit-title-name">Penulis {_esc(author)}</div></div>
<div class="audio-player"><button>{AUDIO_TEXT}</button></div>
<div class="read__content"><div class="clearfix">
{chr(10).join(body)}
<p>{_esc(WHATSAPP_TEXT)}</p>
</div></div>
<div class="read__paging">Halaman: <a href="?page=1">1</a> <a href="?page=2">2</a></div>
<div class="read__editor">Editor: <a href="/editor/1">Sigit Wibowo</a></div>
{_tags(("NATO", "Ukraina", "Rusia"))}
{_share()}
</div>
<div class="most-popular"><h2>Terpopuler</h2><ol>
{"".join(f'<li><a href="/read/p{i}">{_esc(t)}</a></li>' for i, t in enumerate(TICKER))}
</ol></div>
{_related("Artikel Terkait")}
{_comments("Komentar")}
</div>
{_footer(site_name)}</body></html>"""


def _wordpress(page: dict[str, Any], blocks: list[tuple[str, str]]) -> str:
    """A WordPress theme (as seed 004 was scraped from)."""
    title, date, author, url = page["title"], page["date"], page["author"], page["url"]
    y, m, d = date.split("-")
    site_name = "Kabar Dunia"
    return f"""<!DOCTYPE html><html lang="id-ID">{_head(title, site_name, date, author, url)}
<body class="post-template-default single single-post">{_cookie()}
<div id="page" class="site"><header id="masthead">
<p class="site-title"><a href="/">Kabar Dunia</a></p>
{_nav(("Dunia", "Politik", "Bisnis", "Opini"))}{_ticker()}</header>
<div id="content"><div id="primary" class="content-area"><main id="main">
<article id="post-{page["seed"]}" class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{_esc(title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{date}T09:30:00+07:00">{d}/{m}/{y}</time></span>
<span class="byline">oleh <span class="author vcard"><a href="/author/x">{_esc(author)}</a></span></span>
<span class="reading-time">Estimated read time 2 min read</span></div></header>
<div class="entry-content">
{_body_html(blocks, "strong", ads=False)}
</div>
<footer class="entry-footer">{_tags(("NATO", "Ukraina"))}{_share()}</footer>
</article>
<div class="related-posts"><h2>You May Also Like</h2><ul>
{"".join(f'<li><a href="/read/w{i}">{_esc(t)}</a></li>' for i, t in enumerate(RELATED))}
</ul><h2>More From Author</h2></div>
{_comments("+ There are no comments")}
</main></div></div>
{_footer(site_name)}</div></body></html>"""


#: The page templates by site; any other site gets the WordPress theme.
_TEMPLATES = {"portal": _portal, "detik": _detik, "kini": _kini}


def _render(site: str, page: dict[str, Any], blocks: list[tuple[str, str]]) -> str:
    return _TEMPLATES.get(site, _wordpress)(page, blocks)


def build_pages(seeds_dir: str | Path, base_url: str = "http://127.0.0.1") -> list[NewsPage]:
    """Every seed rendered by every template in :data:`SITES` (15 pages for 5 seeds)."""
    from summarize.text.clean import prepare_article

    pages: list[NewsPage] = []
    for n, path in enumerate(_seed_files(Path(seeds_dir))):
        seed = path.stem[:3]
        prepared = prepare_article(path.read_bytes())
        title = prepared.title or HEADLINES.get(seed) or f"Berita {seed}"
        blocks = _body_blocks(prepared)
        for site in SITES:
            url_path = f"/{site}/{seed}.html"
            info = {
                "title": title,
                "date": DATES[n % len(DATES)],
                "author": AUTHORS[(n + SITES.index(site)) % len(AUTHORS)],
                "url": f"{base_url}{url_path}",
                "seed": seed,
            }
            pages.append(
                NewsPage(
                    path=url_path,
                    seed=seed,
                    site=site,
                    html=_render(site, info, blocks),
                    title=title,
                    date=info["date"],
                    author=info["author"],
                    body=prepared.text,
                    paragraphs=tuple(" ".join(p) for p in prepared.paragraphs),
                )
            )
    return pages


def _rss(site: NewsSite, pages: list[NewsPage]) -> str:
    items = "".join(
        f"""<item><title>{_esc(p.title)}</title><link>{site.url(p.path)}</link>
<guid isPermaLink="false">warta-{p.seed}-{p.site}</guid>
<pubDate>{time.strftime("%a, %d %b %Y 09:30:00 +0700", time.strptime(p.date, "%Y-%m-%d"))}</pubDate>
<description>{_esc(p.paragraphs[0][:120])}</description></item>"""
        for p in pages
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Warta Nusantara</title><link>{site.url('/')}</link>"
        f"<description>Berita terbaru</description>{items}</channel></rss>"
    )


def _atom(site: NewsSite, pages: list[NewsPage]) -> str:
    entries = "".join(
        f"""<entry><title>{_esc(p.title)}</title><link href="{site.url(p.path)}"/>
<id>{site.url(p.path)}</id><updated>{p.date}T09:30:00+07:00</updated></entry>"""
        for p in pages
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Kabar Dunia</title><id>{site.url('/')}</id>"
        f"<updated>2024-07-10T00:00:00Z</updated>{entries}</feed>"
    )


@dataclass
class NewsSite:
    """The test site, served on 127.0.0.1 by a :class:`ThreadingHTTPServer` in a thread.

    >>> with NewsSite("seeds") as site:          # doctest: +SKIP
    ...     site.url("/portal/002.html")

    Bad links: ``/404``, ``/500``, ``/slow`` (answers after ``slow_seconds``),
    ``/file.pdf``, ``/huge.html`` (``huge_bytes`` of HTML with a Content-Length),
    ``/stream.html`` (the same without one), ``/empty.html``,
    ``/redirect`` (302 to the first page). Feeds: ``/feed.xml`` (RSS, the first
    ``feed_items`` pages of the "portal" site, newest last) and ``/atom.xml``.
    ``requests`` counts the GETs per path.
    """

    seeds_dir: str | Path
    slow_seconds: float = 5.0
    huge_bytes: int = 12_000_000
    feed_items: int | None = None
    pages: list[NewsPage] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    user_agents: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the site is not running (use start() or a with block)")
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def page(self, seed: str, site: str = "portal") -> NewsPage:
        for p in self.pages:
            if p.seed == seed and p.site == site:
                return p
        raise KeyError(f"{site}/{seed}")

    def feed_pages(self) -> list[NewsPage]:
        portal = [p for p in self.pages if p.site == "portal"]
        return portal if self.feed_items is None else portal[: self.feed_items]

    def start(self) -> NewsSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # keep test output quiet

            def _send(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                site.requests[path] = site.requests.get(path, 0) + 1
                site.user_agents.append(self.headers.get("User-Agent", ""))
                html_type = "text/html; charset=utf-8"
                by_path = {p.path: p for p in site.pages}
                try:
                    if path in by_path:
                        self._send(200, html_type, by_path[path].html.encode("utf-8"))
                    elif path == "/feed.xml":
                        body = _rss(site, site.feed_pages()).encode("utf-8")
                        self._send(200, "application/rss+xml; charset=utf-8", body)
                    elif path == "/atom.xml":
                        pages = [p for p in site.pages if p.site == "wordpress"]
                        self._send(200, "application/atom+xml", _atom(site, pages).encode())
                    elif path == "/500":
                        self._send(500, html_type, b"<html><body>Server error</body></html>")
                    elif path == "/slow":
                        time.sleep(site.slow_seconds)
                        self._send(200, html_type, site.pages[0].html.encode("utf-8"))
                    elif path == "/file.pdf":
                        self._send(200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
                    elif path == "/huge.html":
                        self._send_huge(declare_length=True)
                    elif path == "/stream.html":
                        self._send_huge(declare_length=False)
                    elif path == "/empty.html":
                        body = b"<!DOCTYPE html><html><head><title>Kosong</title></head><body></body></html>"
                        self._send(200, html_type, body)
                    elif path == "/redirect":
                        self.send_response(302)
                        self.send_header("Location", site.pages[0].path)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                    else:
                        self._send(404, html_type, b"<html><body>Tidak ditemukan</body></html>")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeouts, size caps): expected

            def _send_huge(self, declare_length: bool) -> None:
                chunk = b"<p>" + b"kata " * 2000 + b"</p>\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if declare_length:
                    self.send_header("Content-Length", str(site.huge_bytes))
                else:  # no length: the body ends when the connection closes
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                sent = 0
                while sent < site.huge_bytes:
                    part = chunk[: site.huge_bytes - sent]
                    self.wfile.write(part)
                    sent += len(part)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.pages = build_pages(self.seeds_dir, self.base_url)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> NewsSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __iter__(self) -> Iterator[NewsPage]:
        return iter(self.pages)
