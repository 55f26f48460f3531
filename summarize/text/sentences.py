"""Rule-based paragraph and sentence splitting for Indonesian (and English) news text.

A sentence boundary is a run of terminal punctuation (``.``, ``!``, ``?``, an ellipsis),
optionally followed by closing quotes/brackets, then whitespace, then something that can
start a sentence (an upper-case letter or digit, possibly behind an opening quote). The
exceptions are abbreviations, initials, numbers, URLs and e-mail addresses. Text that
ends without punctuation (a truncated sentence) simply stays one sentence.

Run-on text is bounded: a "sentence" longer than :data:`MAX_SENTENCE_CHARS` (a list of
dates or names without a full stop, a scraped table) is cut into pieces of at most that
length, at a clause break (``,``, ``;``, ``:``, a dash) or else a space in the second
half of each piece. So the work on every later stage (picking, translating, checking
sentences) is bounded per sentence, and an extract of a few sentences stays a few
sentences long whatever the size of the article.
"""

from __future__ import annotations

import re

from summarize.text.stopwords import ALL_STOPWORDS

__all__ = [
    "MAX_SENTENCE_CHARS",
    "bound_sentence",
    "split_paragraph_sentences",
    "split_paragraphs",
    "split_sentences",
]

#: The longest sentence the splitter returns (characters). Real news sentences are far
#: shorter (a few hundred characters); this is about 250-400 subword tokens, within
#: every supported translation model's input window.
MAX_SENTENCE_CHARS = 1_000
_CLAUSE_BREAKS = (", ", "; ", ": ", " - ", " – ", " — ")

# --- abbreviations (compared lower-case, without the final period) ---------------------

#: Titles and words that are always followed by a name: never a sentence end.
TITLE_ABBREVIATIONS: frozenset[str] = frozenset(
    """
    prof dr drs dra ir h hj sdr sdri st jl jln yth bpk kh ust ustadz tn ny nn
    gen jend kol letjen mayjen brigjen laksda marsda kapt lt kompol akbp aiptu bripka
    mr mrs ms messrs sen rep gov capt col sgt rev fr sr jr vs mt gg
    """.split()
)

#: Abbreviations that end a sentence unless a number follows ("No. 5", "Rp. 10.000").
NUMBER_ABBREVIATIONS: frozenset[str] = frozenset(
    "no nos nr rp hal vol th tgl p pp art fig ps ch sec".split()
)

#: Month abbreviations: not a boundary before a number ("24 Feb. 2022").
MONTH_ABBREVIATIONS: frozenset[str] = frozenset(
    "jan feb mar apr jun jul agu agt aug sep sept okt oct nov des dec".split()
)

#: Ambiguous abbreviations: a boundary only if a capitalised function word follows
#: ("PT Astra Tbk. Perusahaan itu" stays, "... Inc. The company" splits).
AMBIGUOUS_ABBREVIATIONS: frozenset[str] = frozenset(
    "inc ltd co corp tbk bros dept est approx ca cf ref univ assoc dkk".split()
)

# Note: list-final abbreviations such as "dll.", "dsb.", "dst.", "tsb.", "etc." need no
# entry: like ordinary words they end a sentence exactly when a capitalised word follows.

# Dotted abbreviations with short segments: "U.S.", "a.n.", "u.p.", "M.Sc.", "S.H.", "e.g.".
_DOTTED_RE = re.compile(r"^(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}$")

_TERMINATOR_RE = re.compile(r"[.!?\u2026]+")
_CLOSERS = frozenset("\"'\u201d\u2019\u00bb\u203a)]}")
_OPENERS = "\"'\u201c\u2018\u201e\u00ab\u2039([{"
_URL_RE = re.compile(r"(?:https?://|ftp://|www\.)\S+", re.IGNORECASE)
# E-mail addresses are found from their "@" (see _email_spans): the plain pattern
# r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+" rescans a long run without "@" from every start (quadratic).
_EMAIL_LOCAL_CHARS_RE = re.compile(r"[\w.+-]")
_EMAIL_DOMAIN_RE = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_URL_TRAILING = ".,;:!?)]}'\"\u201d\u2019"

_BLANK_LINE_RE = re.compile(r"\n[ \t\u00a0]*\n")
_SENTENCE_END_CHARS = ".!?\u2026:\"'\u201d\u2019)"


def _normalise_newlines(text: str) -> str:
    return (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n\n")
    )


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True when the lines of one block look like wrapped prose rather than paragraphs."""
    body = lines[:-1]
    if not body:
        return False
    lengths = [len(line) for line in body]
    longest = max(lengths)
    if longest > 120 or min(lengths) < 0.6 * longest or min(lengths) < 30:
        return False
    unterminated = sum(1 for line in body if not line.endswith(tuple(_SENTENCE_END_CHARS)))
    if unterminated / len(body) < 0.5:
        return False
    # A single wrapped line needs positive evidence: the next line continues lower-case.
    return len(body) >= 2 or lines[1][:1].islower()


def _join_wrapped(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if len(out) >= 2 and out.endswith("-") and out[-2].isalpha() and line[:1].isalpha():
            out += line  # "negara-\nnegara" -> "negara-negara"
        else:
            out += " " + line
    return out


def split_paragraphs(text: str) -> list[str]:
    """Split ``text`` into paragraphs, each with whitespace collapsed.

    Blank lines always separate paragraphs. Inside a block, each line is its own paragraph
    (the "one line per paragraph" layout of scraped news) unless the block looks
    hard-wrapped (similar line lengths, most lines without final punctuation), in which
    case its lines are joined.
    """
    paragraphs: list[str] = []
    for block in _BLANK_LINE_RE.split(_normalise_newlines(text)):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if len(lines) > 1 and _is_hard_wrapped(lines):
            paragraphs.append(_join_wrapped(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _email_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``local@domain.tld`` (the same matches as ``finditer`` with the plain
    pattern), found in linear time: each "@" looks left for its local part (never past
    the previous match) and right for a dotted domain."""
    spans: list[tuple[int, int]] = []
    last_end = 0
    is_local = _EMAIL_LOCAL_CHARS_RE.fullmatch
    at = text.find("@")
    while at != -1:
        start = at
        while start > last_end and is_local(text[start - 1]):
            start -= 1
        domain = _EMAIL_DOMAIN_RE.match(text, at + 1) if start < at else None
        if domain is not None:
            spans.append((start, domain.end()))
            last_end = domain.end()
            at = text.find("@", last_end)
        else:
            # The local part scanned here never needs scanning again: a later "@" only
            # looks back as far as the characters after this one.
            last_end = at + 1
            at = text.find("@", at + 1)
    return spans


def _protected_positions(text: str) -> bytearray:
    """A mask of the character positions inside URLs and e-mail addresses (never a
    boundary): ``mask[i]`` is 1 inside one. Empty when there is none."""
    mask = bytearray()
    for match in _URL_RE.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        mask = mask or bytearray(len(text))
        mask[match.start() : match.start() + len(url)] = b"\x01" * len(url)
    for start, end in _email_spans(text) if "@" in text else ():
        mask = mask or bytearray(len(text))
        mask[start:end] = b"\x01" * (end - start)
    return mask


def _can_start_sentence(token: str) -> bool:
    head = token.lstrip(_OPENERS)
    return bool(head) and (head[0].isupper() or head[0].isdigit())


def _starts_with_function_word(token: str) -> bool:
    head = token.lstrip(_OPENERS)
    match = re.match(r"[^\W\d_]+", head)
    return match is not None and head[0].isupper() and match.group().lower() in ALL_STOPWORDS


def _ends_list_number(text: str, word: str, token_start: int) -> bool:
    """Whether a number with a full stop ends a sentence: "1. Pertama" at the start of a
    paragraph or after a colon is list numbering."""
    if len(word) > 2:
        return True
    i = token_start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return not (i < 0 or text[i] == ":")


def _is_initial_like(word: str, lower: str) -> bool:
    """Ambiguous abbreviations, dotted ones ("U.S.", "M.Sc.") and initials ("J.")."""
    return (
        lower in AMBIGUOUS_ABBREVIATIONS
        or _DOTTED_RE.match(word) is not None
        or (len(word) == 1 and word.isalpha())
    )


def _word_ends_sentence(text: str, word: str, token_start: int, next_token: str) -> bool:
    """Whether ``word`` followed by a full stop (and then ``next_token``) ends a sentence."""
    if word.isdigit():
        return _ends_list_number(text, word, token_start)
    lower = word.lower()
    if lower in TITLE_ABBREVIATIONS:
        return False
    if lower in NUMBER_ABBREVIATIONS or lower in MONTH_ABBREVIATIONS:
        return not next_token.lstrip(_OPENERS)[:1].isdigit()
    if _is_initial_like(word, lower):
        # Initials ("J. Stoltenberg"), "U.S.", "M.Sc.": only split before "Dia", "The", ...
        return _starts_with_function_word(next_token)
    return True


def _is_boundary(text: str, match: re.Match[str], next_token: str) -> bool:
    """Decide whether the terminator ``match`` (followed by ``next_token``) ends a sentence."""
    if not _can_start_sentence(next_token):
        return False  # lower-case continuation ("... akal". bahwa), dashes, stray symbols
    punct = match.group()
    token_start = text.rfind(" ", 0, match.start()) + 1
    token = text[token_start : match.end()].lstrip(_OPENERS)
    if "?" in punct or "!" in punct:
        return True
    if "\u2026" in punct or len(punct) >= 2:  # ellipsis
        # "...." = ellipsis plus full stop; a free-standing ellipsis (" ... ") marks an
        # omission inside a sentence.
        return len(punct) >= 4 or token != punct
    word = token[:-1]
    if not word:
        return True
    return _word_ends_sentence(text, word, token_start, next_token)


def _sentence_end(text: str, match: re.Match[str], protected: bytearray) -> int | None:
    """Where the sentence that the terminator ``match`` may end stops (after closing
    quotes and brackets), or ``None`` when it ends none."""
    if protected and protected[match.start()]:
        return None
    end = match.end()
    while end < len(text) and text[end] in _CLOSERS:
        end += 1
    if end >= len(text) or text[end] != " ":
        return None  # "10.30", "U.S.A", ".\"," or the end of the text
    next_start = end + 1
    next_end = text.find(" ", next_start)
    next_token = text[next_start : next_end if next_end != -1 else len(text)]
    return end if _is_boundary(text, match, next_token) else None


def _split_paragraph(paragraph: str) -> list[str]:
    text = " ".join(paragraph.split())
    if not text:
        return []
    if " " not in text or _TERMINATOR_RE.search(text) is None:
        return [text]  # one word, or no terminal punctuation: one sentence
    protected = _protected_positions(text)
    sentences: list[str] = []
    start = 0
    for match in _TERMINATOR_RE.finditer(text):
        end = _sentence_end(text, match, protected)
        if end is not None:
            sentences.append(text[start:end].strip())
            start = end + 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def bound_sentence(sentence: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """``sentence`` cut into pieces of at most ``limit`` characters (itself when it is
    short enough). Each cut is after the last clause break (``, `` ``; `` ``: `` or a
    dash) in the second half of the piece, else at its last space there, else at the
    limit (no space at all). Linear time: every search looks at one piece only."""
    if len(sentence) <= limit:
        return [sentence]
    pieces: list[str] = []
    start, n, half = 0, len(sentence), max(limit // 2, 1)
    while n - start > limit:
        end = start + limit
        cut = -1
        for brk in _CLAUSE_BREAKS:
            at = sentence.rfind(brk, start + half, end)
            if at != -1:
                cut = max(cut, at + len(brk.rstrip()))
        if cut == -1:
            at = sentence.rfind(" ", start + half, end + 1)
            cut = at if at != -1 else end
        piece = sentence[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
    tail = sentence[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def split_paragraph_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph (a single block of text; line breaks are spaces),
    none longer than :data:`MAX_SENTENCE_CHARS`."""
    return [piece for s in _split_paragraph(paragraph) for piece in bound_sentence(s)]


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (paragraph breaks are always sentence breaks).

    Handles abbreviations (``dll.``, ``Jl.``, ``Prof. Dr.``, ``U.S.``, ``M.Sc.``, initials
    such as ``J. Stoltenberg``), numbers (``1.000.000``, ``3,5``, ``pukul 10.30``),
    quotations (``kata dia. "Kami ...`` splits before the quote; ``"... cepat," kata``
    does not), ellipses, ``?``/``!``, URLs and e-mail addresses. A truncated sentence
    without final punctuation is kept as one sentence, unless it is longer than
    :data:`MAX_SENTENCE_CHARS` (:func:`bound_sentence`).
    """
    sentences: list[str] = []
    for paragraph in split_paragraphs(text):
        sentences.extend(split_paragraph_sentences(paragraph))
    return sentences
