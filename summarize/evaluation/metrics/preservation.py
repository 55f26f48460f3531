"""Preservation of numbers, dates and named entities from a source to its output.

A translation (or a faithful summary) should keep the figures and names of the source.
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
* Named entities: capitalised word sequences that do not merely start a sentence
  (a sentence-initial word counts only if it is an acronym, a known place/organisation,
  or also appears capitalised mid-sentence). Title words (Presiden, Menteri, Minister,
  ...), days and months are dropped; known names are mapped through a small id->en
  exonym table (Rusia -> Russia/Russian, Amerika Serikat/AS -> United States/US, PBB ->
  UN, ...). Comparison is case-insensitive and by whole words.

``recall`` = share of the source's distinct mentions found in the output;
``precision`` (support) = share of the output's distinct mentions found in the source
(figures or names the output invented lower it). Both are ``None`` when there is
nothing to compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------- numbers

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
    1000); a date value is ``(year | None, month, day | None)``."""

    text: str
    kind: str
    values: frozenset[Any]

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
        out.append((m.start(), mention))

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
        taken.append((m.start(), scale.end() if scale else m.end()))
        out.append((m.start(), Mention(span_text, "number", values)))

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
        out.append((m.start(), Mention(text[m.start() : end], "number", frozenset({float(value)}))))

    out.sort(key=lambda pair: pair[0])
    return [mention for _, mention in out]


def _distinct(mentions: Iterable[Mention]) -> list[Mention]:
    seen: list[Mention] = []
    for m in mentions:
        if not any(m.matches(s) and s.matches(m) for s in seen):
            seen.append(m)
    return seen


# -------------------------------------------------------------------------- entities

_EXONYM_GROUPS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("rusia", "russia"), ("russia", "russian", "russians", "russian federation")),
    (("ukraina", "ukraine"), ("ukraine", "ukrainian", "ukrainians")),
    (("amerika serikat", "as", "amerika"), ("united states", "us", "u.s.", "usa", "america", "american", "americans")),
    (("inggris", "britania raya"), ("britain", "uk", "u.k.", "england", "english", "british", "united kingdom")),
    (("jerman",), ("germany", "german", "germans")),
    (("prancis", "perancis"), ("france", "french")),
    (("tiongkok", "cina", "china", "rrt"), ("china", "chinese", "prc")),
    (("moskow", "moskwa", "moscow"), ("moscow",)),
    (("kiev", "kyiv", "kiew"), ("kyiv", "kiev")),
    (("lituania", "lithuania"), ("lithuania", "lithuanian")),
    (("rumania", "romania"), ("romania", "romanian")),
    (("finlandia",), ("finland", "finnish")),
    (("swedia",), ("sweden", "swedish")),
    (("belanda",), ("netherlands", "dutch", "holland")),
    (("jepang",), ("japan", "japanese")),
    (("pbb", "perserikatan bangsa-bangsa"), ("un", "u.n.", "united nations")),
    (("nato",), ("nato",)),
    (("uni eropa", "ue"), ("european union", "eu")),
    (("eropa",), ("europe", "european", "europeans")),
    (("korea selatan",), ("south korea", "south korean", "korea")),
    (("korea utara",), ("north korea", "north korean", "korea")),
    (("selandia baru",), ("new zealand",)),
    (("australia",), ("australia", "australian")),
    (("suriah",), ("syria", "syrian")),
    (("hungaria",), ("hungary", "hungarian")),
    (("bulgaria",), ("bulgaria", "bulgarian")),
    (("slowakia", "slovakia"), ("slovakia", "slovak", "slovakian")),
    (("polandia",), ("poland", "polish")),
    (("belarus", "belarusia"), ("belarus", "belarusian")),
    (("iran",), ("iran", "iranian")),
    (("turki",), ("turkey", "turkish", "türkiye")),
    (("italia",), ("italy", "italian")),
    (("spanyol",), ("spain", "spanish")),
    (("yunani",), ("greece", "greek")),
    (("kanada",), ("canada", "canadian")),
    (("meksiko",), ("mexico", "mexican")),
    (("brasil", "brazil"), ("brazil", "brazilian")),
    (("mesir",), ("egypt", "egyptian")),
    (("arab saudi",), ("saudi arabia", "saudi")),
    (("afrika selatan",), ("south africa", "south african")),
    (("singapura",), ("singapore", "singaporean")),
    (("filipina",), ("philippines", "philippine", "filipino")),
    (("malaysia",), ("malaysia", "malaysian")),
    (("thailand",), ("thailand", "thai")),
    (("indonesia",), ("indonesia", "indonesian", "indonesians")),
    (("india",), ("india", "indian")),
    (("timur tengah",), ("middle east",)),
    (("gedung putih",), ("white house",)),
    (("kremlin",), ("kremlin",)),
    (("barat",), ("west", "western")),
    (("dewan keamanan",), ("security council",)),
    (("ktt",), ("summit",)),
    (("asia-pasifik",), ("asia-pacific", "asia pacific")),
]  # fmt: skip

#: Indonesian (and source-side) name -> accepted English forms (lowercase).
EXONYMS: dict[str, tuple[str, ...]] = {
    key: tuple(dict.fromkeys((*english, key))) for keys, english in _EXONYM_GROUPS for key in keys
}
_REVERSE: dict[str, set[str]] = {}
for _keys, _english in _EXONYM_GROUPS:
    for _form in (*_english, *_keys):
        _REVERSE.setdefault(_form, set()).update((*_keys, *_english))

_KNOWN_NAMES = {k for k in EXONYMS} | {f for forms in EXONYMS.values() for f in forms}
_MAX_KNOWN_WORDS = max(len(k.split()) for k in _KNOWN_NAMES)

TITLE_WORDS = frozenset(
    """
    presiden wakil menteri luar dalam negeri sekretaris jenderal kepala juru bicara duta
    besar ketua gubernur bupati walikota wali kota direktur utama pak bu bapak ibu perdana
    raja ratu pangeran kementerian kantor berita komandan panglima pelatih kapten senator
    anggota mantan sang si tuan nyonya saudara dr prof ir haji hj kh
    president vice minister foreign interior secretary general chief head spokesman
    spokeswoman spokesperson ambassador chairman chair prime king queen prince ministry
    office news commander coach captain senator member former mr mrs ms sir lord
    the a an of in on at for and or but to by with from this that these those it its
    we i you he she they our their my his her anda beliau kami kita
    senin selasa rabu kamis jumat jum'at sabtu minggu ahad
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
) | frozenset(MONTHS)

_WORD_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W_][\w]*(?:[-'’][^\W_][\w]*)*")
# punctuation between two words that makes the second one start a sentence (or a quote)
_STARTER_RE = re.compile(r"[.!?:;…\n\"“‘«–—]|\s-\s")


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _sequences(text: str) -> list[tuple[list[str], bool]]:
    """Maximal runs of capitalised words separated only by spaces, each with a flag
    telling whether it starts a sentence."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    current_start = False
    prev_end = 0
    for m in _WORD_RE.finditer(text):
        word = re.sub(r"['’]s$", "", m.group(0))  # possessive: "Moscow's"
        gap = text[prev_end : m.start()]
        at_start = prev_end == 0 or bool(_STARTER_RE.search(gap))
        if _is_capitalised(word):
            if current and gap.strip(" \t\u00a0") == "" and "\n" not in gap:
                current.append(word)
            else:
                if current:
                    runs.append((current, current_start))
                current, current_start = [word], at_start
        else:
            if current:
                runs.append((current, current_start))
            current = []
        prev_end = m.end()
    if current:
        runs.append((current, current_start))
    return runs


def _split_run(words: list[str]) -> list[str]:
    """Split a capitalised run at title words and known names; returns lowercase
    entity strings."""
    out: list[str] = []
    chunk: list[str] = []
    i = 0

    def flush() -> None:
        if chunk:
            out.append(" ".join(chunk).lower())
            chunk.clear()

    while i < len(words):
        matched = 0
        for size in range(min(_MAX_KNOWN_WORDS, len(words) - i), 0, -1):
            cand = " ".join(words[i : i + size]).lower()
            if cand in _KNOWN_NAMES:
                matched = size
                break
        if matched:
            flush()
            out.append(" ".join(words[i : i + matched]).lower())
            i += matched
            continue
        word = words[i]
        parts = word.lower().split("-")
        if len(parts) > 1 and all(p in _KNOWN_NAMES for p in parts):  # "Rusia-Ukraina"
            flush()
            out.extend(parts)
        elif word.lower().strip(".") in TITLE_WORDS or len(word) < 2:
            flush()
        else:
            chunk.append(word)
        i += 1
    flush()
    return out


def extract_entities(text: str) -> list[str]:
    """Distinct named-entity strings (lowercase) of ``text``, in order of appearance."""
    text = unicodedata.normalize("NFC", text)
    runs = _sequences(text)
    mid_sentence = {w.lower() for run, start in runs for w in (run[1:] if start else run)}
    entities: list[str] = []
    for run, at_start in runs:
        if at_start:
            first = run[0]
            keep_first = (
                _is_acronym(first)
                or first.lower() in mid_sentence
                or any(" ".join(run[:k]).lower() in _KNOWN_NAMES for k in range(1, len(run) + 1))
            )
            if not keep_first:
                run = run[1:]
        if not run:
            continue
        for ent in _split_run(run):
            if ent not in entities:
                entities.append(ent)
    return entities


def _contains_phrase(haystack_lower: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", haystack_lower) is not None


def entity_forms(entity: str) -> tuple[str, ...]:
    """Accepted forms of ``entity`` in the other language (itself included)."""
    forms = set(EXONYMS.get(entity, ())) | _REVERSE.get(entity, set()) | {entity}
    return tuple(sorted(forms, key=len, reverse=True))


def entity_found(entity: str, text: str) -> bool:
    """Whether ``entity`` (or one of its exonyms) occurs in ``text`` as whole words."""
    lower = unicodedata.normalize("NFC", text).lower()
    return any(_contains_phrase(lower, form) for form in entity_forms(entity))


# ----------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class Preservation:
    """Distinct source mentions found in the output (``matched`` of ``total``), and the
    output's mentions with support in the source (``supported`` of ``output_total``)."""

    matched: int
    total: int
    supported: int
    output_total: int
    missing: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = ()

    @property
    def recall(self) -> float | None:
        return self.matched / self.total if self.total else None

    @property
    def precision(self) -> float | None:
        return self.supported / self.output_total if self.output_total else None


def number_preservation(
    source: str, output: str, *, src_lang: str = "id", out_lang: str = "en"
) -> Preservation:
    """Compare the numbers and dates of ``source`` and ``output`` as values."""
    src = _distinct(extract_mentions(source, src_lang))
    out = _distinct(extract_mentions(output, out_lang))
    found = [m for m in src if any(m.matches(o) for o in out)]
    supported = [o for o in out if any(o.matches(m) for m in src)]
    return Preservation(
        matched=len(found),
        total=len(src),
        supported=len(supported),
        output_total=len(out),
        missing=tuple(m.text for m in src if m not in found),
        unsupported=tuple(o.text for o in out if o not in supported),
    )


def entity_preservation(source: str, output: str) -> Preservation:
    """Compare the named entities of ``source`` and ``output`` (case-insensitive, via
    the exonym table)."""
    src = extract_entities(source)
    out = extract_entities(output)
    found = [e for e in src if entity_found(e, output)]
    supported = [e for e in out if entity_found(e, source)]
    return Preservation(
        matched=len(found),
        total=len(src),
        supported=len(supported),
        output_total=len(out),
        missing=tuple(e for e in src if e not in found),
        unsupported=tuple(e for e in out if e not in supported),
    )


PRESERVATION_METRICS = (
    "number-preservation",
    "number-support",
    "entity-preservation",
    "entity-support",
)


def corpus_counts(
    name: str,
    sources: Sequence[str],
    outputs: Sequence[str],
    *,
    src_lang: str = "id",
    out_lang: str = "en",
) -> tuple[list[tuple[int, int]], list[Preservation]]:
    """Per-item ``(hits, total)`` counts for the preservation metric ``name``: a corpus
    value is ``sum(hits) / sum(total)`` (a micro average)."""
    if name not in PRESERVATION_METRICS:
        raise ValueError(f"unknown preservation metric {name!r}")
    results = [
        number_preservation(s, o, src_lang=src_lang, out_lang=out_lang)
        if name.startswith("number")
        else entity_preservation(s, o)
        for s, o in zip(sources, outputs, strict=True)
    ]
    if name.endswith("preservation"):
        counts = [(r.matched, r.total) for r in results]
    else:
        counts = [(r.supported, r.output_total) for r in results]
    return counts, results
