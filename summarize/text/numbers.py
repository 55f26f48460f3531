"""Numbers and dates in Indonesian and English text, as comparable values.

Indonesian writes numbers and dates differently from English, so mentions are compared
as *normalised values*:

* ``1.000`` (Indonesian thousands dot) = ``1,000``; ``3,5`` (decimal comma) = ``3.5``;
  ``2 juta`` / ``2,5 miliar`` = ``2 million`` / ``2.5 billion``; number words
  (``delapan`` = ``eight``); the unit after a number is ignored, so ``700 personel``
  matches ``700 personnel``.
* Dates: ``24 Februari 2022`` = ``February 24, 2022`` = ``24 February 2022``;
  ``29 November`` = ``November 29``; ``(10/7)`` (Indonesian day/month) = ``10 July``;
  ``Maret 2022`` = ``March 2022``. A date without a year matches the same day and month
  with any year.

Pure standard-library code shared by :mod:`summarize.quality` (flags) and
:mod:`summarize.evaluation.metrics.preservation` (metrics).
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

MONTHS: dict[str, int] = {
    # Indonesian
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5,
    "juni": 6, "juli": 7, "agustus": 8, "september": 9, "oktober": 10,
    "november": 11, "nopember": 11, "desember": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8,
    "agust": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "des": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "october": 10, "december": 12, "aug": 8, "oct": 10, "dec": 12,
}  # fmt: skip

SCALES: dict[str, float] = {
    "ribu": 1e3, "juta": 1e6, "miliar": 1e9, "milyar": 1e9, "triliun": 1e12,
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "rb": 1e3, "jt": 1e6, "bn": 1e9, "mn": 1e6, "k": 1e3, "ribuan": 1e3, "jutaan": 1e6,
}  # fmt: skip

_UNITS_ID = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9,
}  # fmt: skip
_UNITS_EN = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}  # fmt: skip
_TEENS = {
    "sepuluh": 10, "sebelas": 11,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_EN = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINALS = {
    "ketiga": 3, "keempat": 4, "kelima": 5, "keenam": 6, "ketujuh": 7, "kedelapan": 8,
    "kesembilan": 9, "kesepuluh": 10,
    "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "eighties": 80, "nineties": 90,
    "thrice": 3, "dozen": 12, "lusin": 12, "selusin": 12,
}  # fmt: skip
#: words for 1 and 2 that often are not numbers at all ("satu hari" = "a day", "kedua" =
#: "both", "second" = a unit of time): their mentions are soft
_SOFT = {
    "satu": 1, "one": 1, "pertama": 1, "first": 1, "once": 1, "sekali": 1,
    "kedua": 2, "second": 2, "twice": 2, "third": 3, "sepertiga": 1 / 3, "berdua": 2, "keduanya": 2, "both": 2, "pair": 2, "couple": 2,
    "setengah": 0.5, "half": 0.5, "quarter": 0.25, "seperempat": 0.25,
}  # fmt: skip
#: English ordinals of the units, the end of "twenty-first"
_UNIT_ORDINALS_EN = {
    "first": 1.0, "second": 2.0, "third": 3.0, "fourth": 4.0, "fifth": 5.0, "sixth": 6.0,
    "seventh": 7.0, "eighth": 8.0, "ninth": 9.0,
}  # fmt: skip
#: fixed expressions whose number word is no quantity ("pedagang kaki lima" = street vendor)
_IDIOMS = re.compile(r"\bkaki\s+lima\b", re.IGNORECASE)
#: after a number word, a compound that may be no quantity ("a three-way junction" =
#: pertigaan, "a two-way street" = dua arah): such a mention is soft
_SOFT_AFTER = re.compile(r"-way\b", re.IGNORECASE)
_WORD_SCALES = {
    "ribu": 1e3, "juta": 1e6, "miliar": 1e9, "milyar": 1e9, "triliun": 1e12,
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
}  # fmt: skip
_SE_WORDS = {"seratus": 100, "seribu": 1e3, "sejuta": 1e6, "semiliar": 1e9}

#: Spelled-out numbers (single words) of both languages and their values.
NUMBER_WORDS: dict[str, float] = {
    **{k: v for k, v in _UNITS_ID.items() if v > 1},
    **{k: v for k, v in _UNITS_EN.items() if v > 1},
    **_TEENS,
    **_TENS_EN,
    **_SE_WORDS,
    **_ORDINALS,
}

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:1[5-9]\d\d|2[01]\d\d)"
# 24 Februari 2022 / 24 February, 2022 / 29 November
_DATE_DMY = re.compile(
    rf"(?<![\w.,])(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_ALT})"
    # a full stop after the month belongs to it only before a year ("5 Mar. 2022"); at
    # the end of a sentence ("5 Maret.") it is the sentence's
    rf"(?:\.(?=,?\s+{_YEAR}(?![\w])))?(?:,?\s+({_YEAR}))?(?![\w])",
    re.IGNORECASE,
)
# February 24, 2022 / Feb. 24 / November 29th
_DATE_MDY = re.compile(
    rf"(?<![\w])({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\w.,]\d)(?:,?\s+({_YEAR}))?(?![\w])",
    re.IGNORECASE,
)
# Maret 2022 / March 2022
_DATE_MY = re.compile(rf"(?<![\w])({_MONTH_ALT})\.?,?\s+({_YEAR})(?![\w])", re.IGNORECASE)
# (10/7), 10/7/2017: Indonesian day/month[/year]
_DATE_SLASH = re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\w/])")

# a number not glued to a word ("Rp1,5" and "US$3" count: a currency sign)
# (a time glued to its word in chat: "jam6", "pukul7")
_NUMBER_START = r"(?:(?<![\w.,])|(?<=Rp)|(?<=rp)|(?<=RP)|(?<=\$)|(?<=jam)|(?<=pukul))"
_NUMBER = re.compile(
    rf"{_NUMBER_START}\d+(?:[.,]\d+)*(?![\w])|{_NUMBER_START}\d+(?:[.,]\d+)*(?=[^\W\d])"
)
_SCALE_AFTER = re.compile(
    r"[\s-]*(" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
_SPLIT_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})([.,]) (\d{3})(?![\d])")
_MONTH_BEFORE = re.compile(rf"(?<![\w])(?:{_MONTH_ALT})\.?\s+$", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]+")
_RUN_GAP = re.compile(r"[\s-]*")
_DATE_AFTER = re.compile(
    rf"\s+(?:of\s+)?({_MONTH_ALT})\.?(?:,?\s+({_YEAR}))?(?![\w])", re.IGNORECASE
)
# 6:30, 18:00 (a clock time; read as 6.30, 6.5 and, for :00, 6); "11:35 p.m." = 23:35;
# Indonesian "pukul 23.35" / "23.35 WIB"
_TIME = re.compile(
    r"(?<![\w.,:])([01]?\d|2[0-3]):([0-5]\d)(?![\w:])(\s*(?:([ap])\.?\s?m\b\.?))?",
    re.IGNORECASE,
)
_TIME_ID = re.compile(
    r"(?:(?<=pukul )|(?<=jam ))([01]?\d|2[0-3])[.:]([0-5]\d)(?![\w.,:]\d)"
    r"|(?<![\w.,:])([01]?\d|2[0-3])[.:]([0-5]\d)(?=\s+(?:WIB|WITA|WIT)\b)",
    re.IGNORECASE,
)
# fractions: "dua per tiga" = "two-thirds" = 2/3, "satu per empat" = "one-fourth",
# "a quarter", "three quarters"
_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10,
}  # fmt: skip
_FRACTION_NUMERATOR = r"a|one|two|three|four|five|six|seven|eight|nine|\d+"
_FRACTION_EN = re.compile(
    rf"(?<![\w-])({_FRACTION_NUMERATOR})[\s-]+("
    + "|".join(sorted(_DENOMINATORS, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)
_FRACTION_ID = re.compile(
    r"(?<![\w-])(se|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|\d+)"
    r"(?:\s+per|per)\s*(dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|\d+)(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """A number or date mention: ``kind`` is ``"number"`` or ``"date"``; ``values`` holds
    the candidate normalised values (an ambiguous ``1.000`` in English text may be 1.0 or
    1000); a date value is ``(year | None, month, day | None)``. ``start``/``end`` give
    its place in the (NFC-normalised) text; they take no part in equality."""

    text: str
    kind: str
    values: frozenset[Any]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)
    #: an ambiguous word ("satu"/"one", "kedua"/"second"): it may match a mention of the
    #: other side, but its absence there means nothing ("satu hari" = "a day").
    soft: bool = field(default=False, compare=False)

    def matches(self, other: Mention) -> bool:
        if self.kind != other.kind:
            # a bare year matches a date of that year ("2022" / "24 Februari 2022")
            number, date = (self, other) if self.kind == "number" else (other, self)
            years = {d[0] for d in date.values if d[0] is not None}
            return any(v in years for v in number.values)
        if self.kind == "number":
            return any(_close(a, b) for a in self.values for b in other.values)
        return any(_same_date(a, b) for a in self.values for b in other.values)


def _close(a: float, b: float) -> bool:
    # a number too long for a float (400 digits: inf) is close to nothing; the tolerance
    # alone would make inf close to every number
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _same_date(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    ya, ma, da = a
    yb, mb, db = b
    if ma != mb:
        return False
    if da != db:
        return False
    return ya is None or yb is None or ya == yb


def _parse_convention(token: str, thousands: str, decimal: str) -> float | None:
    """Parse ``token`` with the given separators; ``None`` if it does not fit."""
    if decimal in token:
        whole, _, frac = token.rpartition(decimal)
        if thousands in frac or not frac.isdigit():
            return None
    else:
        whole, frac = token, ""
    if thousands in whole:
        groups = whole.split(thousands)
        if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
            return None
        whole = "".join(groups)
    if not whole.isdigit():
        return None
    return float(f"{whole}.{frac}") if frac else float(whole)


def parse_number(token: str, lang: str = "id") -> frozenset[float]:
    """Candidate values of a numeric token written in ``lang``'s convention.

    Indonesian uses ``.`` for thousands and ``,`` for decimals; English the reverse.
    The primary reading is the language's own; when it does not fit (``45.9`` in
    Indonesian text) the other convention is used. A token that also reads as a
    thousands grouping in the other convention (``1.000`` in English output copied from
    Indonesian) gets that reading as a second candidate.
    """
    id_val = _parse_convention(token, ".", ",")
    en_val = _parse_convention(token, ",", ".")
    primary, other = (id_val, en_val) if lang == "id" else (en_val, id_val)
    values: set[float] = set()
    if primary is not None:
        values.add(primary)
    elif other is not None:
        values.add(other)
    # the other convention's thousands separator: "." for Indonesian, "," for English
    other_sep = "\\." if lang != "id" else ","
    if other is not None and re.fullmatch(rf"\d{{1,3}}(?:{other_sep}\d{{3}})+", token):
        values.add(other)
    return frozenset(values)


def _year_or_none(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    return y + 2000 if y < 100 else y


class _Taken:
    """Character spans already read as mentions, overlapping ones merged and all sorted
    (each ends at or before the next starts), so that :meth:`free` costs log n (a list
    scanned on each check made long texts quadratic)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        """No taken span overlaps ``[start, end)``: with merged spans only the last one
        that starts before ``end`` can."""
        i = bisect.bisect_left(self._starts, end) - 1
        return i < 0 or self._ends[i] <= start

    def append(self, span: tuple[int, int]) -> None:
        start, end = span
        lo = bisect.bisect_right(self._ends, start)  # the first span that ends after start
        hi = bisect.bisect_left(self._starts, end)  # past the last that starts before end
        if lo < hi:  # merge the spans it overlaps
            start, end = min(start, self._starts[lo]), max(end, self._ends[hi - 1])
        lo = min(lo, hi)  # (lo > hi: only empty spans equal to this one lie between)
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]


#: ``free(start, end)``: no mention takes any of the characters ``[start, end)``
_Free = Callable[[int, int], bool]
#: month abbreviations that also are English words ("may 5" is more likely a verb): lower
#: case, they are no month before a day
_VERB_MONTHS = ("may", "mar", "des")
#: month abbreviations that are also words: lower case, they are no month before a year
_WORD_MONTHS = ("may", "mar", "des", "jan", "jun", "sep")
#: numerators of a fraction that is often no quantity ("a quarter", "seperempat")
_SOFT_NUMERATORS = ("a", "se", "one", "satu", "1")


def _date(m: re.Match[str], year: str | None, month: int, day: int) -> Mention:
    return Mention(m.group(0), "date", frozenset({(_year_or_none(year), month, day)}))


def _date_dmy(m: re.Match[str], free: _Free) -> Mention | None:
    """24 Februari 2022 / 24 February, 2022 / 29 November."""
    day, month = int(m.group(1)), MONTHS[m.group(2).lower()]
    if 1 <= day <= 31 and free(*m.span()):
        return _date(m, m.group(3), month, day)
    return None


def _date_mdy(m: re.Match[str], free: _Free) -> Mention | None:
    """February 24, 2022 / Feb. 24 / November 29th."""
    month, day = MONTHS[m.group(1).lower()], int(m.group(2))
    if m.group(1).lower() in _VERB_MONTHS and not m.group(1)[0].isupper():
        return None  # "may 5" is more likely a verb
    if 1 <= day <= 31 and free(*m.span()):
        return _date(m, m.group(3), month, day)
    return None


def _date_my(m: re.Match[str], free: _Free) -> Mention | None:
    """Maret 2022 / March 2022."""
    ambiguous = m.group(1).lower() in _WORD_MONTHS
    if free(*m.span()) and (m.group(1)[0].isupper() or not ambiguous):
        month = MONTHS[m.group(1).lower()]
        return Mention(m.group(0), "date", frozenset({(int(m.group(2)), month, None)}))
    return None


def _date_slash(m: re.Match[str], free: _Free) -> Mention | None:
    """(10/7), 10/7/2017: Indonesian day/month[/year]."""
    day, month = int(m.group(1)), int(m.group(2))
    if 1 <= day <= 31 and 1 <= month <= 12 and free(*m.span()):
        return _date(m, m.group(3), month, day)
    return None


def _clock(hour: int, minute: int) -> frozenset[float]:
    """A clock time's readings: 6:30 is 6.30 and 6.5; 6:00 is 6 as well."""
    clock = {hour + minute / 100, hour + minute / 60}
    if minute == 0:
        clock.add(float(hour))
    return frozenset(clock)


def _time(m: re.Match[str], free: _Free) -> Mention | None:
    """6:30, 18:00; "11:35 p.m." = 23:35."""
    if not free(*m.span()):
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    half = m.group(4).lower() if m.group(4) else ""
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return Mention(m.group(0).rstrip(), "number", _clock(hour, minute))


def _time_id(m: re.Match[str], free: _Free) -> Mention | None:
    """Indonesian "pukul 23.35" / "23.35 WIB"."""
    if not free(*m.span()):
        return None
    hour, minute = int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4))
    return Mention(m.group(0), "number", _clock(hour, minute))


def _fraction_mention(m: re.Match[str], free: _Free) -> Mention | None:
    """ "dua per tiga" = "two-thirds"; "a quarter", "seperempat" are soft (like "half",
    often no quantity at all)."""
    if not free(*m.span()):
        return None
    value = _fraction(m.group(1), m.group(2))
    if value is None:
        return None
    soft = m.group(1).lower() in _SOFT_NUMERATORS
    return Mention(m.group(0), "number", frozenset({value}), soft=soft)


#: the patterns read before plain numbers, in order (dates first, so that their digits
#: are not counted again as numbers), each with the rule that makes its match a mention
_SPAN_RULES: tuple[
    tuple[re.Pattern[str], Callable[[re.Match[str], _Free], Mention | None]], ...
] = (
    (_DATE_DMY, _date_dmy),
    (_DATE_MDY, _date_mdy),
    (_DATE_MY, _date_my),
    (_DATE_SLASH, _date_slash),
    (_TIME, _time),
    (_TIME_ID, _time_id),
    (_FRACTION_EN, _fraction_mention),
    (_FRACTION_ID, _fraction_mention),
)


def _join_split_thousands(text: str) -> str:
    """Tokenised text splits thousands: "rp 13. 000" becomes "rp 13.000 " (same length,
    so spans stay valid) ... but not a day and a year after a month ("July 21, 356 BCE")."""
    return _SPLIT_THOUSANDS.sub(
        lambda m: (
            m.group(0)
            if _MONTH_BEFORE.search(text, max(0, m.start() - 16), m.start())
            else m.group(1) + m.group(2) + m.group(3) + " "
        ),
        text,
    )


def _digit_number(text: str, m: re.Match[str], lang: str) -> Mention | None:
    """A number in digits, with the scale word after it ("2,5 miliar")."""
    values = parse_number(m.group(0), lang)
    if not values:
        return None
    span_text = m.group(0)
    scale = _SCALE_AFTER.match(text, m.end())
    if scale:
        factor = SCALES[scale.group(1).lower()]
        values = frozenset(v * factor for v in values)
        span_text = text[m.start() : scale.end()]
    end = scale.end() if scale else m.end()
    # a bare "1" is often "a"/"an" in the other language ("1 hari" = "a day")
    soft = values == frozenset({1.0}) and not scale
    return Mention(span_text, "number", values, m.start(), end, soft)


class _Mentions:
    """The mentions found so far, each with the place where it starts, and the spans
    they take."""

    def __init__(self) -> None:
        self.taken = _Taken()
        self.found: list[tuple[int, Mention]] = []

    def add(self, mention: Mention) -> None:
        self.taken.append((mention.start, mention.end))
        self.found.append((mention.start, mention))

    def in_order(self) -> list[Mention]:
        self.found.sort(key=lambda pair: pair[0])
        return [mention for _, mention in self.found]


def extract_mentions(text: str, lang: str = "id") -> list[Mention]:
    """Number and date mentions of ``text`` (dates first; their digits are not counted
    again as numbers)."""
    text = _join_split_thousands(unicodedata.normalize("NFC", text))
    mentions = _Mentions()
    free = mentions.taken.free
    for pattern, rule in _SPAN_RULES:
        for m in pattern.finditer(text):
            mention = rule(m, free)
            if mention is not None:
                mentions.add(replace(mention, start=m.start(), end=m.end()))
    for m in _NUMBER.finditer(text):
        if free(*m.span()):
            mention = _digit_number(text, m, lang)
            if mention is not None:
                mentions.add(mention)
    for mention in _word_numbers(text, free):
        mentions.add(mention)
    return mentions.in_order()


def _fraction(numerator: str, denominator: str) -> float | None:
    def value(word: str) -> float | None:
        w = word.lower()
        if w.isdigit():
            return float(w)
        if w in ("a", "se"):
            return 1.0
        known = _UNITS_ID.get(w) or _UNITS_EN.get(w) or _TEENS.get(w) or _DENOMINATORS.get(w)
        return float(known) if known else None

    top, bottom = value(numerator), value(denominator)
    if top is None or not bottom:
        return None
    return top / bottom


#: what a word rule of :class:`_WordRun` did with a word: took it into the number, or
#: skipped it ("and" of "two hundred and five"); ``None``: the word is no part of it
_TAKE, _SKIP = 1, 2
_ID_MULTIPLIERS = {"belas": None, "puluh": 10.0, "ratus": 100.0}
_ID_MULTIPLIED_KIND = {"belas": "teen", "puluh": "ten", "ratus": "hundred"}
#: the words before a scale that make it a number ("a thousand" = seribu)
_SCALE_ARTICLES = ("a", "an", "one")


class _WordRun:
    """Reads spelled-out numbers from a list of words, one run at a time.

    The state of the number being read: ``total`` (what the scales have multiplied so
    far), ``current`` (the part below the last scale), ``last`` (the last unit, which a
    following "puluh"/"ratus" multiplies), ``kind`` (the type of the previous component:
    "unit", "teen", "ten", "hundred", "scale", "ord", "" before the first) and ``soft``;
    ``first``/``end`` are the indexes of its first and last words.
    """

    def __init__(self, text: str, words: list[re.Match[str]]) -> None:
        self.text = text
        self.words = words
        self.out: list[Mention] = []
        self.begin(0)

    def begin(self, i: int) -> None:
        self.first = self.end = i
        self._reset()

    def _reset(self) -> None:
        self.total = self.current = self.last = 0.0
        self.kind = ""
        self.soft = False

    def emit(self) -> None:
        """Keep the number read so far (if any) as a mention, and start afresh."""
        if self.kind:
            start, end = self.words[self.first].start(), self.words[self.end].end()
            value = self.total + self.current
            mention = Mention(self.text[start:end], "number", frozenset({float(value)}), start, end)
            if self.soft or value == 1 or _SOFT_AFTER.match(self.text, end):
                mention = replace(mention, soft=True)
            self.out.append(mention)
        self._reset()

    def restart_at(self, j: int) -> None:
        """Word ``j`` cannot continue the number: keep it, and start a new one there."""
        self.emit()
        self.first = j

    def gap_before(self, j: int) -> str:
        return self.text[self.words[j - 1].end() : self.words[j].start()]

    def read(self, i: int) -> int:
        """Read the longest run of number words from word ``i`` (joined by spaces or
        hyphens); returns the index of the word it stopped at."""
        self.begin(i)
        j = i
        while j < len(self.words):
            if j > i and not _RUN_GAP.fullmatch(self.gap_before(j)):
                break
            step = self._step(self.words[j].group(0).lower(), j)
            if step is None:
                break
            if step == _TAKE:
                self.end = j
            j += 1
        return j

    def _step(self, w: str, j: int) -> int | None:
        for rule in _RULES_BY_WORD.get(w, ()):
            step = rule(self, w, j)
            if step is not None:
                return step
        return None

    def date(self) -> Mention | None:
        """The run as a day followed by a month ("lima belas Maret", "the fifth of June"):
        a date; ``None`` when it is not one."""
        value = self.total + self.current
        date = _DATE_AFTER.match(self.text, self.words[self.end].end())
        if not (date and value == int(value) and 1 <= value <= 31 and self.total == 0):
            return None
        start = self.words[self.first].start()
        month = MONTHS[date.group(1).lower()]
        if date.group(1).lower() in _VERB_MONTHS and date.group(1)[0].islower():
            return None
        year = _year_or_none(date.group(2))
        return Mention(
            self.text[start : date.end()],
            "date",
            frozenset({(year, month, int(value))}),
            start,
            date.end(),
        )


def _unit_word(run: _WordRun, w: str, j: int) -> int | None:
    """satu ... sembilan, one ... nine."""
    if w not in _UNITS_ID and w not in _UNITS_EN:
        return None
    if run.kind in ("unit", "teen", "ord"):
        run.restart_at(j)
    v = float(_UNITS_ID.get(w) or _UNITS_EN[w])
    run.current += v
    run.last, run.kind = v, "unit"
    return _TAKE


def _teen_or_ten_word(run: _WordRun, w: str, j: int) -> int | None:
    """sepuluh, sebelas, ten ... nineteen, twenty ... ninety."""
    if w not in _TEENS and w not in _TENS_EN:
        return None
    if run.kind in ("unit", "teen", "ten", "ord"):
        run.restart_at(j)
    run.current += float(_TEENS.get(w) or _TENS_EN[w])
    run.last, run.kind = 0.0, "ten" if w in _TENS_EN else "teen"
    return _TAKE


def _id_multiplier(run: _WordRun, w: str, j: int) -> int | None:
    """ "belas", "puluh", "ratus" after a unit: "lima belas", "dua puluh", "tiga ratus"."""
    if w not in _ID_MULTIPLIERS or run.kind != "unit":
        return None
    factor = _ID_MULTIPLIERS[w]
    run.current += 10.0 if factor is None else run.last * (factor - 1)
    run.last, run.kind = 0.0, _ID_MULTIPLIED_KIND[w]
    return _TAKE


def _id_ordinal_multiplier(run: _WordRun, w: str, j: int) -> int | None:
    """An ordinal of the teens or tens: "kesembilan belas" = nineteenth, "kedua puluh" =
    twentieth (no longer the soft "kedua" = both)."""
    if w not in ("belas", "puluh") or run.kind != "ord" or not 2 <= run.current <= 9:
        return None
    run.current = run.current + 10.0 if w == "belas" else run.current * 10.0
    run.soft = False
    return _TAKE


def _id_decade(run: _WordRun, w: str, j: int) -> int | None:
    """ "dua puluhan" = the twenties (of an age, a decade)."""
    if w != "puluhan" or run.kind != "unit" or not 2 <= run.current <= 9:
        return None
    run.current *= 10.0
    run.last, run.kind = 0.0, "ten"
    return _TAKE


def _hundred_word(run: _WordRun, w: str, j: int) -> int | None:
    if w != "hundred" or run.kind not in ("", "unit", "teen", "ten"):
        return None
    run.current = (run.current or 1.0) * 100.0
    run.last, run.kind = 0.0, "hundred"
    return _TAKE


def _se_word(run: _WordRun, w: str, j: int) -> int | None:
    """seratus, seribu, sejuta, semiliar."""
    if w not in _SE_WORDS:
        return None
    value = _SE_WORDS[w]
    if run.kind in ("unit", "teen", "ten", "hundred", "ord") or (
        value >= 1e3 and run.kind == "scale"
    ):
        run.restart_at(j)
    if value >= 1e3:
        run.total += run.current + value
        run.current, run.kind = 0.0, "scale"
    else:
        run.current += value
        run.kind = "hundred"
    run.last = 0.0
    return _TAKE


def _article_scale(run: _WordRun, w: str, j: int) -> int | None:
    """ "a thousand" = seribu (soft: "a thousand words" = "ribuan kata")."""
    if w not in _WORD_SCALES or run.kind or j == 0:
        return None
    if run.words[j - 1].group(0).lower() not in _SCALE_ARTICLES:
        return None
    if not _RUN_GAP.fullmatch(run.gap_before(j)):
        return None
    run.total, run.current, run.last, run.kind = 0.0, float(_WORD_SCALES[w]), 0.0, "scale"
    run.first, run.soft = j, True
    return _TAKE


def _scale_word(run: _WordRun, w: str, j: int) -> int | None:
    """ribu, juta, thousand, million... after a number."""
    if w not in _WORD_SCALES or not run.kind or run.kind == "ord":
        return None
    scale = _WORD_SCALES[w]
    run.total = (
        (run.total + (run.current or 1.0)) * scale
        if scale > 1e3
        else run.total + (run.current or 1.0) * scale
    )
    run.current, run.last, run.kind = 0.0, 0.0, "scale"
    return _TAKE


def _ordinal_word(run: _WordRun, w: str, j: int) -> int | None:
    """Ordinals ("ketiga", "third", "twenty-first" = 21) and the soft words for one and
    two ("satu", "kedua", "both")."""
    if w not in _ORDINALS and w not in _SOFT:
        return None
    if run.kind == "ten" and w in _UNIT_ORDINALS_EN:
        run.current += _UNIT_ORDINALS_EN[w]  # "twenty-first" = 21
        run.soft, run.kind = False, "ord"
        return _TAKE
    if run.kind:
        run.restart_at(j)
    run.current = float(_ORDINALS.get(w) or _SOFT[w])
    run.soft = w in _SOFT
    run.kind = "ord"
    return _TAKE


def _and_word(run: _WordRun, w: str, j: int) -> int | None:
    """ "and" inside a number: "two hundred and five"."""
    if w == "and" and run.kind in ("hundred", "scale") and j + 1 < len(run.words):
        return _SKIP
    return None


#: the word rules of :class:`_WordRun`, in order, each with the words it may take: the
#: first rule that takes a word decides
_WORD_RULES: tuple[tuple[Callable[[_WordRun, str, int], int | None], frozenset[str]], ...] = (
    (_unit_word, frozenset({*_UNITS_ID, *_UNITS_EN})),
    (_teen_or_ten_word, frozenset({*_TEENS, *_TENS_EN})),
    (_id_multiplier, frozenset(_ID_MULTIPLIERS)),
    (_id_ordinal_multiplier, frozenset({"belas", "puluh"})),
    (_id_decade, frozenset({"puluhan"})),
    (_hundred_word, frozenset({"hundred"})),
    (_se_word, frozenset(_SE_WORDS)),
    (_article_scale, frozenset(_WORD_SCALES)),
    (_scale_word, frozenset(_WORD_SCALES)),
    (_ordinal_word, frozenset({*_ORDINALS, *_SOFT})),
    (_and_word, frozenset({"and"})),
)
#: for each word, the rules that may take it, in order (most words of a text: none)
_RULES_BY_WORD = {
    w: tuple(rule for rule, vocabulary in _WORD_RULES if w in vocabulary)
    for w in frozenset().union(*(vocabulary for _, vocabulary in _WORD_RULES))
}


def _number_words(text: str, free: _Free) -> list[re.Match[str]]:
    """The words of ``text`` that may be part of a spelled-out number: not taken by
    another mention, and not inside an idiom ("kaki lima")."""
    idioms = _Taken()
    for m in _IDIOMS.finditer(text):
        idioms.append(m.span())
    return [
        m
        for m in _LETTERS.finditer(text)
        if free(m.start(), m.end()) and idioms.free(m.start(), m.start() + 1)
    ]


def _word_numbers(text: str, free: _Free) -> list[Mention]:
    """Spelled-out numbers: "dua ratus lima puluh ribu" = "two hundred fifty thousand" =
    250000; "lima belas" = "fifteen"; ordinals ("ketiga", "third"); a day followed by a
    month ("lima belas Maret", "the fifth of June") becomes a date."""
    words = _number_words(text, free)
    run = _WordRun(text, words)
    i = 0
    while i < len(words):
        j = run.read(i)
        if not run.kind:
            i = max(j, i + 1)
            continue
        date = run.date()
        if date is None:
            run.emit()
            i = run.end + 1
            continue
        run.out.append(date)
        i = run.end + 1
        while i < len(words) and words[i].start() < date.end:
            i += 1
    return run.out


# ------------------------------------------------------------------ days of the month

#: "tanggal 7", "tgl. satu": the number after it is a day of the month
_DAY_BEFORE = re.compile(r"(?:\btanggal|\btgl\.?)\s*$", re.IGNORECASE)
#: English ordinal words of the days (1-31), built from the tables above
_EN_ORDINAL = {
    **{int(v): w for w, v in _UNIT_ORDINALS_EN.items()},
    **{int(v): w for w, v in _ORDINALS.items() if w.endswith("th") and v == int(v)},
}
_EN_TENS = {int(v): w for w, v in _TENS_EN.items()}


def _day_words(day: int) -> list[str]:
    if day in _EN_ORDINAL:
        return [_EN_ORDINAL[day]]
    tens, unit = divmod(day, 10)
    if tens * 10 in _EN_TENS and unit in _EN_ORDINAL:
        return [f"{_EN_TENS[tens * 10]}[- ]?{_EN_ORDINAL[unit]}"]
    return []


def days_of_month(text: str, mentions: Iterable[Mention]) -> list[tuple[Mention, int]]:
    """The number mentions of an Indonesian ``text`` that name a day of the month without
    the month ("tanggal satu tiap bulan" = the first of each month; with a month the
    mention is already a date) and their day."""
    out = []
    for m in mentions:
        if m.kind != "number" or len(m.values) != 1:
            continue
        value = next(iter(m.values))
        if (
            value == int(value)
            and 1 <= value <= 31
            and _DAY_BEFORE.search(text, max(0, m.start - 12), m.start)
        ):
            out.append((m, int(value)))
    return out


#: what follows a day given without its month: "of" ("the first of each month"), "day",
#: a month named by its place ("on the second next month") or the end of a clause ("by
#: the fourth."); not another noun ("the first month")
_DAY_AFTER = (
    r"(?=\s*(?:of\b|day\b|(?:next|this|last|coming|following)\s+month\b"
    r"|[.,;:!?)\]\"'”’]|$))"
)


def day_written(text: str, day: int, mentions: Iterable[Mention]) -> bool:
    """Whether an English ``text`` (with its ``mentions``) gives ``day`` as a day: a date
    with that day, or the number in digits ("1", "1st") or its ordinal ("first",
    "twenty-first") before "of", "day" or the end of a clause; a cardinal word ("on the
    one basis") or an ordinal of something else ("the first month") is no day."""
    if any(m.kind == "date" and any(d[2] == day for d in m.values) for m in mentions):
        return True
    forms = [rf"{day}(?:st|nd|rd|th)?", *_day_words(day)]
    pattern = rf"(?<![\w.,])(?:{'|'.join(forms)}){_DAY_AFTER}"
    return re.search(pattern, text, re.IGNORECASE) is not None


#: :class:`MentionIndex`'s cell width on the scale of :func:`_scale`: twice the largest
#: distance of two close numbers there, so close numbers lie in the same or adjacent cells.
_CELL = 2e-9


def _scale(v: float) -> float:
    """``v`` itself up to 1 in size, its logarithm beyond (continuous, slope at most 1):
    two numbers that :func:`_close` accepts are at most about 1e-9 apart here."""
    return v if abs(v) <= 1.0 else math.copysign(1.0 + math.log(abs(v)), v)


class MentionIndex:
    """Mentions indexed by value: :meth:`matches_any` gives the answer of
    ``any(m.matches(o) for o in mentions)`` in constant time instead of n, so that
    comparing the mentions of two long texts is not quadratic.

    Hand-written because the match is a tolerance on floats plus date rules, which no
    library index knows: numbers sit in cells of :data:`_CELL` on the :func:`_scale`
    (a number's own cell and its two neighbours hold every close one; each candidate is
    checked with :meth:`Mention.matches`' own rule), dates under their month and day,
    and years in a set.
    """

    def __init__(self, mentions: Iterable[Mention] = ()) -> None:
        self._cells: dict[int, list[float]] = {}
        self._number_set: set[float] = set()
        self._dates: dict[tuple[Any, Any], set[Any]] = {}  # (month, day) -> years
        self._years: set[Any] = set()  # years of dates, for a bare year
        for m in mentions:
            self.add(m)

    def add(self, m: Mention) -> None:
        if m.kind == "number":
            for v in m.values:
                self._number_set.add(v)
                if math.isfinite(v):  # inf and nan are close to nothing
                    self._cells.setdefault(math.floor(_scale(v) / _CELL), []).append(v)
            return
        for year, month, day in m.values:
            self._dates.setdefault((month, day), set()).add(year)
            if year is not None:
                self._years.add(year)

    def _close_number(self, a: float) -> bool:
        if not math.isfinite(a):
            return False  # (as _close says)
        cell = math.floor(_scale(a) / _CELL)
        return any(_close(a, b) for k in (cell - 1, cell, cell + 1) for b in self._cells.get(k, ()))

    def matches_any(self, m: Mention) -> bool:
        if m.kind == "number":
            if any(self._close_number(a) for a in m.values):
                return True
            return any(v in self._years for v in m.values)  # a bare year / a date
        for year, month, day in m.values:
            years = self._dates.get((month, day))
            # a date without its year matches only where the year is given elsewhere
            # ("24 September 1759" -> "September 24, ," lost the year)
            if years is not None and (
                year is None
                or year in years
                or (None in years and (year in self._number_set or year in self._years))
            ):
                return True
        years = {d[0] for d in m.values if d[0] is not None}
        return any(y in self._number_set for y in years)  # a date / a bare year


def distinct_mentions(mentions: Iterable[Mention]) -> list[Mention]:
    """The mentions, each kept only if no earlier kept one matches it (in order)."""
    seen: list[Mention] = []
    index = MentionIndex()
    for m in mentions:
        if not index.matches_any(m):
            seen.append(m)
            index.add(m)
    return seen
