"""HTML detection and stripping of HTML *fragments* (a ``<p>...</p>`` snippet in a JSONL
field); whole pages go through trafilatura (:mod:`summarize.text.extract`).

The markup is tokenised by lxml's libxml2 HTML parser (already a dependency through
trafilatura) with a target object that receives start/end/data events: linear time in C,
about ten times faster than :mod:`html.parser` on tag-dense input."""

from __future__ import annotations

import html as _html
import re
from typing import Any, NamedTuple

from summarize.text.strict import strict_text

__all__ = ["HtmlText", "html_to_text", "looks_like_html", "unescape_entities"]

# Tags that make a string "HTML" when auto-detecting (inline tags such as <b> alone do not).
_HTML_HINT_RE = re.compile(
    r"<!doctype\s+html|<(?:html|head|body|p|div|br|h[1-6]|article|section|main|ul|ol|li|"
    r"table|tr|td|title|meta|script|style|span|a\s+href|img|blockquote|figure)\b[^<>]*>",
    re.IGNORECASE,
)
_CLOSING_TAG_RE = re.compile(r"</[a-zA-Z][a-zA-Z0-9]*\s*>")

#: Elements whose whole content is dropped.
SKIP_TAGS: frozenset[str] = frozenset(
    """script style noscript template nav footer aside form button iframe svg select
    figcaption object embed canvas video audio""".split()
)
#: Elements that start a new paragraph.
BLOCK_TAGS: frozenset[str] = frozenset(
    """address article blockquote br dd details div dl dt fieldset figure h1 h2 h3 h4 h5 h6
    header hr li main ol p pre section summary table tbody td th thead tr ul""".split()
)
VOID_TAGS: frozenset[str] = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
# class/id values of page furniture around the article (share bars, related links, ...).
_FURNITURE_RE = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|related|recommend(?:ed|ation)?|comments?|"
    r"advert(?:isement)?|ads?|iklan|newsletter|breadcrumbs?|sidebar|menu|popup|cookie|"
    r"baca-?juga|read-?also|tags?)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Page-level containers are never dropped for their class ("post has-comments").
_STRUCTURAL_TAGS: frozenset[str] = frozenset({"html", "body", "article", "main"})
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


# A start or end tag's body up to its ">": characters other than quotes and "=", a
# stray quote, or an "=" with its value; a value that opens with a quote must close
# before the tag ends (it may hold ">", never "<"). Each alternative starts with its own
# character, so a failed match costs one scan to the next "<": linear.
_TAG_BODY = r"""(?:[^<>"'=]|["']|=\s*"[^"<]*"|=\s*'[^'<]*'|=(?!\s*["']))*>"""
# Every "<": a complete tag (its ">" before the next "<"), the start of a comment or
# CDATA section, or a bare "<".
_LT_RE = re.compile(
    r"<(?:(?P<open>!--|!\[CDATA\[)|"
    rf"(?P<tag>/?[A-Za-z]{_TAG_BODY}|![A-Za-z][^<>]*>|\?[^<>]*>))?"
)
_COMMENT_CLOSE_RE = re.compile(r"--\s*>")  # what HTML parsers accept as "-->"


class _NextFinder:
    """The next occurrence of a pattern at or after a position that only moves forward:
    each part of the text is searched once (linear), however many times it is asked."""

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self.text, self.pattern = text, pattern
        self.found: re.Match[str] | None = None
        self.exhausted = False

    def at_or_after(self, pos: int) -> re.Match[str] | None:
        if self.exhausted:
            return None
        if self.found is None or self.found.start() < pos:
            self.found = self.pattern.search(self.text, pos)
            self.exhausted = self.found is None
        return self.found


def _escape_broken_markup(markup: str) -> str:
    """Escape (as ``&lt;``) every "<" that does not open a complete tag, comment,
    ``<![CDATA[...]]>``, declaration or processing instruction.

    Broken markup is text, whatever the parser would make of it: libxml2 reads
    "<a <a 5%" as attributes and drops the rest of a document after an unclosed "<!--"
    (and html.parser, in Python before 3.13.4, rescans the rest of the document for each
    such construct: quadratic). Here a tag is complete when its ">" comes before the next
    "<"; an escaped "<" comes out of the parser as the plain character, as text.
    """
    comment_end = _NextFinder(markup, _COMMENT_CLOSE_RE)
    cdata_end = _NextFinder(markup, re.compile(r"\]\]>"))
    out: list[str] = []
    copied = 0
    skip_until = 0  # inside a comment or CDATA section: its "<" are not markup
    for match in _LT_RE.finditer(markup):
        i = match.start()
        if i < skip_until or match.group("tag"):
            continue  # a complete tag, or inside a comment/CDATA
        opener = match.group("open")
        if opener is not None:
            close = (comment_end if opener == "!--" else cdata_end).at_or_after(match.end())
            if close is not None:
                skip_until = close.end()
                continue
        out.append(markup[copied:i])
        out.append("&lt;")
        copied = i + 1
    if not out:
        return markup
    out.append(markup[copied:])
    return "".join(out)


class HtmlText(NamedTuple):
    """Text extracted from HTML: paragraphs separated by blank lines, plus a headline."""

    text: str
    title: str | None


def looks_like_html(text: str) -> bool:
    """Heuristic: block-level/document tags such as ``<p>``, ``<div>``, ``<br>``, ``<html>``."""
    sample = text[:200_000]
    return bool(_HTML_HINT_RE.search(sample)) or len(_CLOSING_TAG_RE.findall(sample)) >= 3


def unescape_entities(text: str) -> str:
    """Unescape only well-formed entities (``&amp;``, ``&#8220;``), leaving "R&D" alone."""
    return _ENTITY_RE.sub(lambda m: _html.unescape(m.group()), text)


def _joined(parts: list[str]) -> str | None:
    """Text parts as one line with whitespace collapsed (``None`` when empty)."""
    return " ".join("".join(parts).split()) or None


def _is_furniture(tag: str, attrib: Any) -> bool:
    """Page furniture (menus, share bars, comments...) named by a class, id or role."""
    return (
        bool(attrib)
        and tag not in _STRUCTURAL_TAGS
        and any(
            name in ("class", "id", "role") and value and _FURNITURE_RE.search(value)
            for name, value in attrib.items()
        )
    )


class _Extractor:
    """lxml parser target: collects the body text, the ``<title>`` and the first ``<h1>``."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.skip_tag: str | None = None  # outermost element being dropped
        self.skip_depth = 0
        self.title_parts: list[str] | None = None
        self.h1_parts: list[str] | None = None
        self.title: str | None = None
        self.h1: str | None = None

    def _break(self) -> None:
        self.parts.append("\n\n")

    def start(self, tag: str, attrib: Any) -> None:  # libxml2 gives lower-case names
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if (tag in SKIP_TAGS or _is_furniture(tag, attrib)) and tag not in VOID_TAGS:
            self.skip_tag, self.skip_depth = tag, 1
            return
        if tag == "title" and self.title is None:
            self.title_parts = []
        elif tag == "h1" and self.h1 is None:
            self.h1_parts = []
        if tag in BLOCK_TAGS:
            self._break()

    def end(self, tag: str) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth <= 0:
                    self.skip_tag = None
            return
        if tag == "title" and self.title_parts is not None:
            self.title = _joined(self.title_parts)
            self.title_parts = None
        elif tag == "h1" and self.h1_parts is not None:
            self.h1 = _joined(self.h1_parts)
            self.h1_parts = None
        if tag in BLOCK_TAGS:
            self._break()

    def data(self, data: str) -> None:
        if self.skip_tag is not None:
            return
        if self.title_parts is not None:
            self.title_parts.append(data)
            return  # <title> text is never body text
        if self.h1_parts is not None:
            self.h1_parts.append(data)
            return  # the headline is not part of the body
        # Whitespace inside HTML is not significant: a newline in the source is a space
        # (html_to_text collapses the rest; "\n\n" is its paragraph break).
        self.parts.append(data.replace("\n", " "))

    def close(self) -> None:
        if self.h1_parts is not None:  # unclosed <h1>
            self.h1 = _joined(self.h1_parts)


def _clean_title(title: str | None) -> str | None:
    """Drop a trailing site name: "Judul berita - Kompas.com" -> "Judul berita"."""
    if not title:
        return None
    for sep in (" | ", " - ", " \u2013 ", " \u2014 ", " :: "):
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if head and len(tail.split()) <= 4 and len(head.split()) >= 2:
                return head.strip()
    return title.strip() or None


def html_to_text(markup: str) -> HtmlText:
    """Strip HTML: drop script/style/nav/footer/aside (and share/related boxes), make block
    elements paragraph breaks, unescape entities, and take ``<h1>`` (else ``<title>``) as
    the headline. The headline is not repeated in the returned text."""
    from lxml import etree  # lazily: lxml loads only when HTML is seen

    extractor = _Extractor()
    markup = _escape_broken_markup(strict_text(markup))
    if markup.strip():  # libxml2 refuses an empty document (which has no text anyway)
        # huge_tree: no limit on depth or text size (the text work after it is linear).
        parser = etree.HTMLParser(target=extractor, recover=True, huge_tree=True, no_network=True)
        parser.feed(markup)
        parser.close()
    raw = "".join(extractor.parts)
    paragraphs = [" ".join(chunk.split()) for chunk in raw.split("\n\n")]
    text = "\n\n".join(p for p in paragraphs if p)
    title = extractor.h1 or _clean_title(extractor.title)
    return HtmlText(text=text, title=title)
