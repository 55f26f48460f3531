"""Turn raw article input (plain text, HTML or bytes) into a :class:`PreparedArticle`."""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Any

from summarize.errors import BinaryInputError, EmptyInputError
from summarize.text.boilerplate import (
    is_boilerplate_line,
    is_read_also_heading,
    is_trailer_heading,
    line_core,
    parse_source_line,
)
from summarize.text.dateline import split_dateline
from summarize.text.extract import extract_page, is_whole_page
from summarize.text.html import html_to_text, looks_like_html, unescape_entities
from summarize.text.langid import detect_language
from summarize.text.sentences import split_paragraph_sentences, split_paragraphs
from summarize.types import PreparedArticle

__all__ = ["decode_input", "normalize_text", "prepare_article"]

#: Share of control characters above which a string is treated as binary data.
MAX_CONTROL_RATIO = 0.05
#: Headline limits: a first line longer than this is body text.
HEADLINE_MAX_WORDS = 20
HEADLINE_MAX_CHARS = 200
#: Mid-text subheadings ("Putusan NATO") are at most this many words.
SUBHEADING_MAX_WORDS = 10

_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or .docx/.xlsx)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"\xd0\xcf\x11\xe0", "legacy Microsoft Office document"),
)

#: Invisible characters dropped from the text: zero-width spaces and joiners, soft hyphen,
#: and the bidirectional controls (marks, embeddings, overrides, isolates). Indonesian
#: and English need none of them; kept, they split words for the tokenizer and the
#: name/number checks, and an override can make the page show text in another order.
_ZERO_WIDTH = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
        "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    None,
)
_QUOTES = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2033": '"', "\u301d": '"', "\u301e": '"', "\uff02": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2039": "'",
        "\u203a": "'", "\u2032": "'", "\uff07": "'",
    }
)  # fmt: skip
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x0b": "\n",
                              "\x0c": "\n\n", "\x85": "\n"})  # fmt: skip
_MULTI_SPACE_RE = re.compile(r"[ ]{2,}")
#: Space separators (Unicode category Zs) and tabs become a plain space; control
#: characters (category Cc) other than the newline are dropped. One ``str.translate``
#: instead of a per-character loop (the table is checked against unicodedata in tests).
_ZS = "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_SPACES_AND_CONTROLS = {
    **{c: None for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if c != 0x0A},
    **dict.fromkeys(map(ord, _ZS + "\t"), " "),
}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # Cc but \t\n\v\f\r
_TERMINAL = (".", "!", "?", "...")
_QUOTE_CHARS = "\"'"


# --- input checks --------------------------------------------------------------------


def decode_input(data: bytes) -> str:
    """Decode bytes as strict UTF-8 (a UTF-8 BOM is dropped).

    Raises :class:`BinaryInputError` for known binary formats, NUL bytes, UTF-16/32 text
    and invalid UTF-8, with a message that says which.
    """
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise BinaryInputError(f"input looks like a {kind} file, not text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BinaryInputError("input is UTF-16/UTF-32 encoded text; expected UTF-8")
    if b"\x00" in data:
        raise BinaryInputError("input looks like binary data: it contains NUL bytes")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise BinaryInputError(
            f"input is not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
            f" ({exc.reason})"
        ) from None


def _control_characters(text: str) -> int:
    return len(_CONTROL_RE.findall(text))


def _check_text(text: str) -> int:
    """Raise :class:`BinaryInputError` for binary-looking text; return the control count."""
    if "\x00" in text:
        raise BinaryInputError("input looks like binary data: it contains NUL characters")
    controls = _control_characters(text)
    if controls and controls / len(text) > MAX_CONTROL_RATIO:
        raise BinaryInputError(
            f"input looks like binary data: {controls} of {len(text)} characters are"
            " control characters"
        )
    replacements = text.count("\ufffd")
    if replacements >= 5 and replacements / len(text) > MAX_CONTROL_RATIO:
        raise BinaryInputError(
            f"input contains {replacements} U+FFFD replacement characters: it was probably"
            " decoded with the wrong encoding"
        )
    return controls


# --- normalisation -------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """NFC, straight quotes, plain spaces, no zero-width, bidi-control or control characters.

    Line structure is kept (``\\n``; runs of blank lines become one blank line) and each
    line is stripped. En/em dashes are kept; "…" becomes "...".
    """
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_ZERO_WIDTH).translate(_QUOTES).replace("\u2026", "...")
    # NBSP, narrow NBSP, thin space, ideographic space, ... -> " "; controls dropped
    text = text.translate(_SPACES_AND_CONTROLS)
    lines = [_MULTI_SPACE_RE.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _norm_title(title: str | None) -> str | None:
    if title is None:
        return None
    cleaned = " ".join(normalize_text(unescape_entities(title)).split())
    return cleaned or None


def _same_text(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", s.casefold()).split())

    return key(a) == key(b)


# --- structure -----------------------------------------------------------------------


def _filter_lines(text: str, removed: list[str], metadata: dict[str, Any]) -> str:
    """Drop boilerplate lines (into ``removed``) and move source lines into ``metadata``."""
    lines = text.split("\n")
    # The characters after the current line, kept as a running count, so the trailer
    # check below does not re-sum the rest of the text at every heading-like line.
    chars_after = len(text) - (len(lines) - 1)  # every line's characters
    kept: list[str] = []
    sources: list[str] = []
    body_chars = 0
    skip_link_title = False
    for i, line in enumerate(lines):
        chars_after -= len(line)
        if not line:
            kept.append(line)
            continue
        if skip_link_title:
            skip_link_title = False
            if len(line.split()) <= 20 and not line.endswith(_TERMINAL):
                removed.append(line)  # the linked headline after a bare "Baca Juga"
                continue
        core = line_core(line)
        if body_chars and chars_after <= 2 * body_chars and is_trailer_heading(line, core):
            # Related-article lists and comment widgets follow: drop the rest.
            removed.append(line)
            removed.extend(ln for ln in lines[i + 1 :] if ln)
            break
        if is_read_also_heading(line, core):
            removed.append(line)
            skip_link_title = True
            continue
        if is_boilerplate_line(line, core):
            removed.append(line)
            continue
        source = parse_source_line(line, core)
        if source is not None:
            sources.append(source)
            continue
        kept.append(line)
        body_chars += len(line)
    if sources:
        metadata["source"] = "; ".join(dict.fromkeys(sources))
    return "\n".join(kept)


def _starts_like_sentence(text: str) -> bool:
    head = text.lstrip(_QUOTE_CHARS + "(")
    return bool(head) and (head[0].isupper() or head[0].isdigit())


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _looks_like_headline(first: str, rest: list[str]) -> bool:
    """A short first line without a final period, followed by body text."""
    if not rest:
        return False
    words = first.split()
    if not 2 <= len(words) <= HEADLINE_MAX_WORDS or len(first) > HEADLINE_MAX_CHARS:
        return False
    if not _starts_like_sentence(first) or split_dateline(first) is not None:
        return False
    stripped = first.rstrip(_QUOTE_CHARS + ")")
    if stripped.endswith((".", ",", ";", ":", "-", "\u2013", "\u2014")):
        return False
    if stripped.endswith(("?", "!")) and not _is_title_case(first):
        return False
    body = rest[0]
    if not _starts_like_sentence(body):
        return False  # the "headline" is a truncated sentence that continues below
    return len(body.split()) >= len(words) or body.rstrip(_QUOTE_CHARS + ")").endswith(_TERMINAL)


def _is_subheading(paragraph: str, previous: str, has_next: bool) -> bool:
    core = paragraph.strip(_QUOTE_CHARS)
    return (
        has_next
        and 1 <= len(core.split()) <= SUBHEADING_MAX_WORDS
        and _starts_like_sentence(core)
        and not core.endswith((".", ",", ";", ":"))
        and previous.rstrip(_QUOTE_CHARS + ")").endswith(_TERMINAL)
    )


def _language_warning(language: str, confidence: float) -> str | None:
    if language == "id":
        return None
    if language == "en":
        return f"input looks like English (not Indonesian), confidence {confidence:.2f}"
    return "could not tell the input language (too little text, or neither Indonesian nor English)"


def _input_text(text: str | bytes) -> str:
    """The article as text: bytes decoded (:func:`decode_input`), a leading BOM dropped;
    empty input raises :class:`~summarize.errors.EmptyInputError`."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = decode_input(bytes(text))
    elif isinstance(text, str):
        raw = text
    else:
        raise TypeError(f"article text must be str or bytes, not {type(text).__name__}")
    raw = raw.removeprefix("\ufeff")
    if not raw.strip():
        raise EmptyInputError("article is empty (no text)")
    return raw


def _markup_text(
    raw: str, html: bool | None, url: str | None, metadata: dict[str, Any]
) -> tuple[str, str | None]:
    """The text of ``raw`` without its markup, and the title the markup gives (a whole
    page's metadata goes to ``metadata``); plain text only has its entities unescaped."""
    if not (looks_like_html(raw) if html is None else html):
        return unescape_entities(raw), None
    if is_whole_page(raw):
        page = extract_page(raw, url=url)
        text, html_title = page.text, _norm_title(page.title)
        metadata.update(page.metadata)
    else:
        extracted = html_to_text(raw)
        text, html_title = extracted.text, _norm_title(extracted.title)
    metadata["html"] = True
    return text, html_title


def _split_headline(
    paragraphs: list[str], titles: tuple[str | None, ...]
) -> tuple[list[str], str | None]:
    """``paragraphs`` without a leading headline, and the headline detected there
    (``None`` when the first line repeats one of the known ``titles`` or is no headline)."""
    if not paragraphs:
        return paragraphs, None
    for candidate in titles:
        if candidate and _same_text(paragraphs[0], candidate):
            return paragraphs[1:], None  # the headline repeated as the first line
    if _looks_like_headline(paragraphs[0], paragraphs[1:]):
        return paragraphs[1:], paragraphs[0]
    return paragraphs, None


def _take_dateline(paragraphs: list[str], metadata: dict[str, Any]) -> None:
    """Move a leading dateline/site prefix of the first paragraph into ``metadata``."""
    if not paragraphs:
        return
    split = split_dateline(paragraphs[0])
    if split is not None:
        prefix_meta, rest = split
        metadata.update(prefix_meta)
        paragraphs[0] = rest


def _subheadings(paragraphs: list[str]) -> list[str]:
    return [
        p
        for i, p in enumerate(paragraphs)
        if i > 0 and _is_subheading(p, paragraphs[i - 1], i + 1 < len(paragraphs))
    ]


def _sentence_paragraphs(paragraphs: list[str]) -> tuple[tuple[str, ...], ...]:
    """The sentences of each paragraph (paragraphs without any are dropped); raises
    :class:`~summarize.errors.EmptyInputError` when none is left."""
    sentence_paragraphs = tuple(
        tuple(sentences) for p in paragraphs if (sentences := split_paragraph_sentences(p))
    )
    if not sentence_paragraphs:
        raise EmptyInputError(
            "article is empty after cleaning (only markup, boilerplate or metadata was found)"
        )
    return sentence_paragraphs


def prepare_article(
    text: str | bytes,
    *,
    html: bool | None = None,
    title: str | None = None,
    url: str | None = None,
) -> PreparedArticle:
    """Clean one article for translation and summarisation.

    * ``bytes`` are decoded as strict UTF-8; binary or invalid input raises
      :class:`~summarize.errors.BinaryInputError`, empty input
      :class:`~summarize.errors.EmptyInputError`.
    * HTML (auto-detected when ``html`` is None) sets ``metadata["html"]``. A whole page
      goes through trafilatura (:func:`~summarize.text.extract.extract_page`; ``url`` is
      where it came from): its main text is kept, its title is the title candidate and
      ``published``, ``author``, ``site_name``, ``canonical_url``... go to ``metadata``;
      a page without article text raises :class:`~summarize.errors.NothingExtractedError`.
      A fragment is stripped by :func:`~summarize.text.html.html_to_text` (``<h1>``
      becomes the title candidate).
    * Unicode is NFC-normalised, quotes straightened, whitespace and zero-width characters
      cleaned.
    * Boilerplate lines (reading time, "Baca juga", share buttons, credits, copyright,
      comment widgets, related-article trailers) go to ``removed``; "Sumber: X" lines go to
      ``metadata["source"]``; a leading dateline/site prefix goes to ``metadata``
      (``dateline``, ``site``, ``agency``, ``date``, ``prefix``).
    * A short unpunctuated first line followed by body text is the headline (``title``);
      an explicit ``title`` wins.
    * ``paragraphs`` holds the sentences of each paragraph; ``text`` joins sentences with a
      space and paragraphs with a blank line. ``language`` comes from
      :func:`~summarize.text.langid.detect_language`; anything but "id" adds a warning.
    """
    raw = _input_text(text)
    controls = _check_text(raw)
    metadata: dict[str, Any] = {}
    removed: list[str] = []
    warnings: list[str] = []
    if controls:
        warnings.append(f"removed {controls} stray control character(s)")

    raw, html_title = _markup_text(raw, html, url, metadata)
    body_text = _filter_lines(normalize_text(raw), removed, metadata)
    explicit_title = _norm_title(title)
    paragraphs, detected = _split_headline(
        split_paragraphs(body_text), (explicit_title, html_title)
    )
    final_title = explicit_title or html_title or detected
    if detected and final_title != detected:
        metadata["headline"] = detected
    _take_dateline(paragraphs, metadata)
    subheadings = _subheadings(paragraphs)
    if subheadings:
        metadata["subheadings"] = subheadings

    sentence_paragraphs = _sentence_paragraphs(paragraphs)
    cleaned = "\n\n".join(" ".join(sentences) for sentences in sentence_paragraphs)
    language, confidence = detect_language(cleaned)
    metadata["language_confidence"] = confidence
    warning = _language_warning(language, confidence)
    if warning:
        warnings.append(warning)

    return PreparedArticle(
        text=cleaned,
        paragraphs=sentence_paragraphs,
        title=final_title,
        language=language,
        metadata=metadata,
        removed=tuple(removed),
        warnings=tuple(warnings),
    )
