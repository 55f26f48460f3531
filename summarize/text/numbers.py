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
    "rb": 1e3, "jt": 1e6, "bn": 1e9, "mn": 1e6,
}  # fmt: skip

_UNITS_ID = {
    "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9,
}  # fmt: skip
NUMBER_WORDS: dict[str, float] = {
    **_UNITS_ID, "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000,
    "sejuta": 1e6,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:1[5-9]\d\d|2[01]\d\d)"
# 24 Februari 2022 / 24 February, 2022 / 29 November
_DATE_DMY = re.compile(
    rf"(?<![\w.,])(\d{{1,2}})\s+({_MONTH_ALT})\.?(?:,?\s+({_YEAR}))?(?![\w])", re.IGNORECASE
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

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])|(?<![\w.,])\d+(?:[.,]\d+)*(?=[^\W\d])")
_SCALE_AFTER = re.compile(r"\s*(" + "|".join(SCALES) + r")\b", re.IGNORECASE)
_WORD_NUMBER = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"(?:\s+(belas|puluh))?(?![\w])",
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

    def matches(self, other: Mention) -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == "number":
            return any(_close(a, b) for a in self.values for b in other.values)
        return any(_same_date(a, b) for a in self.values for b in other.values)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


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


def extract_mentions(text: str, lang: str = "id") -> list[Mention]:
    """Number and date mentions of ``text`` (dates first; their digits are not counted
    again as numbers)."""
    text = unicodedata.normalize("NFC", text)
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, Mention]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

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
        if free(*m.span()) and m.group(1)[0].isupper():
            month = MONTHS[m.group(1).lower()]
            add(m, Mention(m.group(0), "date", frozenset({(int(m.group(2)), month, None)})))
    for m in _DATE_SLASH.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12 and free(*m.span()):
            add(
                m, Mention(m.group(0), "date", frozenset({(_year_or_none(m.group(3)), month, day)}))
            )

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
        out.append((m.start(), Mention(span_text, "number", values, m.start(), end)))

    for m in _WORD_NUMBER.finditer(text):
        if not free(*m.span()):
            continue
        word = m.group(1).lower()
        value = NUMBER_WORDS[word]
        suffix = (m.group(2) or "").lower()
        if suffix and word in _UNITS_ID:
            value = value + 10 if suffix == "belas" else value * 10
        end = m.end()
        scale = _SCALE_AFTER.match(text, end)
        if scale:
            value *= SCALES[scale.group(1).lower()]
            end = scale.end()
        taken.append((m.start(), end))
        out.append(
            (
                m.start(),
                Mention(text[m.start() : end], "number", frozenset({float(value)}), m.start(), end),
            )
        )

    out.sort(key=lambda pair: pair[0])
    return [mention for _, mention in out]


def distinct_mentions(mentions: Iterable[Mention]) -> list[Mention]:
    seen: list[Mention] = []
    for m in mentions:
        if not any(m.matches(s) and s.matches(m) for s in seen):
            seen.append(m)
    return seen
