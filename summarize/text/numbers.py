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
from collections.abc import Iterable
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


def extract_mentions(text: str, lang: str = "id") -> list[Mention]:
    """Number and date mentions of ``text`` (dates first; their digits are not counted
    again as numbers)."""
    text = unicodedata.normalize("NFC", text)
    # tokenised text splits thousands: "rp 13. 000" (same length, so spans stay valid)
    # ... but not a day and a year after a month ("July 21, 356 BCE")
    text = _SPLIT_THOUSANDS.sub(
        lambda m: (
            m.group(0)
            if _MONTH_BEFORE.search(text, max(0, m.start() - 16), m.start())
            else m.group(1) + m.group(2) + m.group(3) + " "
        ),
        text,
    )
    taken = _Taken()
    out: list[tuple[int, Mention]] = []
    free = taken.free

    def add(m: re.Match[str], mention: Mention) -> None:
        taken.append(m.span())
        out.append((m.start(), replace(mention, start=m.start(), end=m.end())))

    for m in _DATE_DMY.finditer(text):
        day, month = int(m.group(1)), MONTHS[m.group(2).lower()]
        if 1 <= day <= 31 and free(*m.span()):
            add(
                m, Mention(m.group(0), "date", frozenset({(_year_or_none(m.group(3)), month, day)}))
            )
    for m in _DATE_MDY.finditer(text):
        month, day = MONTHS[m.group(1).lower()], int(m.group(2))
        if m.group(1).lower() in ("may", "mar", "des") and not m.group(1)[0].isupper():
            continue  # "may 5" is more likely a verb
        if 1 <= day <= 31 and free(*m.span()):
            add(
                m, Mention(m.group(0), "date", frozenset({(_year_or_none(m.group(3)), month, day)}))
            )
    for m in _DATE_MY.finditer(text):
        ambiguous = m.group(1).lower() in ("may", "mar", "des", "jan", "jun", "sep")
        if free(*m.span()) and (m.group(1)[0].isupper() or not ambiguous):
            month = MONTHS[m.group(1).lower()]
            add(m, Mention(m.group(0), "date", frozenset({(int(m.group(2)), month, None)})))
    for m in _DATE_SLASH.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12 and free(*m.span()):
            add(
                m, Mention(m.group(0), "date", frozenset({(_year_or_none(m.group(3)), month, day)}))
            )

    for m in _TIME.finditer(text):
        if free(*m.span()):
            hour, minute = int(m.group(1)), int(m.group(2))
            if m.group(4) and m.group(4).lower() == "p" and hour < 12:
                hour += 12
            elif m.group(4) and m.group(4).lower() == "a" and hour == 12:
                hour = 0
            clock = {hour + minute / 100, hour + minute / 60}
            if minute == 0:
                clock.add(float(hour))
            add(m, Mention(m.group(0).rstrip(), "number", frozenset(clock)))
    for m in _TIME_ID.finditer(text):
        if free(*m.span()):
            hour, minute = int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4))
            clock = {hour + minute / 100, hour + minute / 60}
            if minute == 0:
                clock.add(float(hour))
            add(m, Mention(m.group(0), "number", frozenset(clock)))
    for m in (*_FRACTION_EN.finditer(text), *_FRACTION_ID.finditer(text)):
        if free(*m.span()):
            value = _fraction(m.group(1), m.group(2))
            if value is not None:
                # "a quarter", "seperempat": like "half", often no quantity at all
                soft = m.group(1).lower() in ("a", "se", "one", "satu", "1")
                add(m, Mention(m.group(0), "number", frozenset({value}), soft=soft))

    for m in _NUMBER.finditer(text):
        if not free(*m.span()):
            continue
        values = parse_number(m.group(0), lang)
        if not values:
            continue
        span_text = m.group(0)
        scale = _SCALE_AFTER.match(text, m.end())
        if scale:
            factor = SCALES[scale.group(1).lower()]
            values = frozenset(v * factor for v in values)
            span_text = text[m.start() : scale.end()]
        end = scale.end() if scale else m.end()
        taken.append((m.start(), end))
        # a bare "1" is often "a"/"an" in the other language ("1 hari" = "a day")
        soft = values == frozenset({1.0}) and not scale
        out.append((m.start(), Mention(span_text, "number", values, m.start(), end, soft)))

    for mention in _word_numbers(text, free):
        taken.append((mention.start, mention.end))
        out.append((mention.start, mention))

    out.sort(key=lambda pair: pair[0])
    return [mention for _, mention in out]


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


def _word_numbers(text: str, free: Any) -> list[Mention]:
    """Spelled-out numbers: "dua ratus lima puluh ribu" = "two hundred fifty thousand" =
    250000; "lima belas" = "fifteen"; ordinals ("ketiga", "third"); a day followed by a
    month ("lima belas Maret", "the fifth of June") becomes a date."""
    idioms = _Taken()
    for m in _IDIOMS.finditer(text):
        idioms.append(m.span())
    words = [
        m
        for m in _LETTERS.finditer(text)
        if free(m.start(), m.end()) and idioms.free(m.start(), m.start() + 1)
    ]
    out: list[Mention] = []
    i = 0
    while i < len(words):
        total = current = last = 0.0
        kind = ""  # type of the previous component
        first = i
        end_i = i
        soft = False

        def emit(first: int, end_i: int) -> None:
            nonlocal total, current, last, kind, soft
            if kind:
                start, end = words[first].start(), words[end_i].end()
                value = total + current
                mention = Mention(text[start:end], "number", frozenset({float(value)}), start, end)
                if soft or value == 1 or _SOFT_AFTER.match(text, end):
                    mention = replace(mention, soft=True)
                out.append(mention)
            total = current = last = 0.0
            kind, soft = "", False

        j = i
        while j < len(words):
            w = words[j].group(0).lower()
            if j > i:
                gap = text[words[j - 1].end() : words[j].start()]
                if not _RUN_GAP.fullmatch(gap):
                    break
            if w in _UNITS_ID or w in _UNITS_EN:
                if kind in ("unit", "teen", "ord"):
                    emit(first, end_i)
                    first = j
                v = float(_UNITS_ID.get(w) or _UNITS_EN[w])
                current += v
                last, kind = v, "unit"
            elif w in _TEENS or w in _TENS_EN:
                if kind in ("unit", "teen", "ten", "ord"):
                    emit(first, end_i)
                    first = j
                current += float(_TEENS.get(w) or _TENS_EN[w])
                last, kind = 0.0, "ten" if w in _TENS_EN else "teen"
            elif w in ("belas", "puluh", "ratus") and kind == "unit":
                factor = {"belas": None, "puluh": 10.0, "ratus": 100.0}[w]
                current += 10.0 if factor is None else last * (factor - 1)
                last, kind = 0.0, {"belas": "teen", "puluh": "ten", "ratus": "hundred"}[w]
            elif w in ("belas", "puluh") and kind == "ord" and 2 <= current <= 9:
                # an ordinal of the teens or tens: "kesembilan belas" = nineteenth,
                # "kedua puluh" = twentieth (no longer the soft "kedua" = both)
                current = current + 10.0 if w == "belas" else current * 10.0
                soft = False
            elif w == "puluhan" and kind == "unit" and 2 <= current <= 9:
                current *= 10.0  # "dua puluhan" = the twenties (of an age, a decade)
                last, kind = 0.0, "ten"
            elif w == "hundred" and kind in ("", "unit", "teen", "ten"):
                current = (current or 1.0) * 100.0
                last, kind = 0.0, "hundred"
            elif w in _SE_WORDS:
                if kind in ("unit", "teen", "ten", "hundred", "ord") or (
                    _SE_WORDS[w] >= 1e3 and kind == "scale"
                ):
                    emit(first, end_i)
                    first = j
                if _SE_WORDS[w] >= 1e3:
                    total += current + _SE_WORDS[w]
                    current, kind = 0.0, "scale"
                else:
                    current += _SE_WORDS[w]
                    kind = "hundred"
                last = 0.0
            elif (
                w in _WORD_SCALES
                and not kind
                and j > 0
                and words[j - 1].group(0).lower() in ("a", "an", "one")
                and _RUN_GAP.fullmatch(text[words[j - 1].end() : words[j].start()])
            ):
                # "a thousand" = seribu (soft: "a thousand words" = "ribuan kata")
                total, current, last, kind = 0.0, float(_WORD_SCALES[w]), 0.0, "scale"
                first, soft = j, True
            elif w in _WORD_SCALES and kind and kind != "ord":
                total = (
                    (total + (current or 1.0)) * _WORD_SCALES[w]
                    if _WORD_SCALES[w] > 1e3
                    else total + (current or 1.0) * _WORD_SCALES[w]
                )
                current, last, kind = 0.0, 0.0, "scale"
            elif (w in _ORDINALS or w in _SOFT) and kind == "ten" and w in _UNIT_ORDINALS_EN:
                current += _UNIT_ORDINALS_EN[w]  # "twenty-first" = 21
                soft, kind = False, "ord"
            elif w in _ORDINALS or w in _SOFT:
                if kind:
                    emit(first, end_i)
                    first = j
                current = float(_ORDINALS.get(w) or _SOFT[w])
                soft = w in _SOFT
                kind = "ord"
            elif w == "and" and kind in ("hundred", "scale") and j + 1 < len(words):
                j += 1
                continue
            else:
                break
            end_i = j
            j += 1
        if not kind:
            i = max(j, i + 1)
            continue
        # a day number followed by a month: a date
        value = total + current
        date = _DATE_AFTER.match(text, words[end_i].end())
        if date and value == int(value) and 1 <= value <= 31 and total == 0:
            start = words[first].start()
            month = MONTHS[date.group(1).lower()]
            if not (date.group(1).lower() in ("may", "mar", "des") and date.group(1)[0].islower()):
                out.append(
                    Mention(
                        text[start : date.end()],
                        "date",
                        frozenset({(_year_or_none(date.group(2)), month, int(value))}),
                        start,
                        date.end(),
                    )
                )
                i = end_i + 1
                while i < len(words) and words[i].start() < date.end():
                    i += 1
                continue
        emit(first, end_i)
        i = end_i + 1
    return out


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
