"""Datelines and site prefixes at the start of a news body.

Examples: ``"MOSKWA - ..."``, ``"KYIV, KOMPAS.com - ..."``, ``"Moskow (ANTARA) – ..."``,
``"CakapCakap – ..."``, ``"Liputan6.com, Jakarta - ..."``. Such a prefix is metadata, not
text to translate. It is only recognised when it really is a prefix: a few capitalised
words (optionally with an "(AGENCY)" and a date), then a dash with spaces around it, then a
capitalised sentence start. A normal sentence start ("Presiden Joko Widodo – yang ...")
is left alone.
"""

from __future__ import annotations

import re
from typing import Any

from summarize.text.stopwords import ALL_STOPWORDS

__all__ = ["split_dateline"]

_PREFIX_RE = re.compile(
    r"^(?P<head>[^\s\-\u2013\u2014](?:[^\-\u2013\u2014]{0,78}?[^\s\-\u2013\u2014])?)"
    r"\s+(?P<dash>--?|\u2013|\u2014)\s+(?P<rest>\S.*)$",
    re.DOTALL,
)
_AGENCY_RE = re.compile(r"\((?P<agency>[^()]{2,30})\)\s*$")
_DAYS = (
    "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_DATE_RE = re.compile(
    rf"^(?:(?:{_DAYS})\s*,?\s*)?(?:\(?\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?\)?"
    r"|\d{1,2}\s+[A-Za-z]+\s+\d{4}|[A-Za-z]+\s+\d{1,2},?\s+\d{4})$"
    rf"|^(?:{_DAYS})$",
    re.IGNORECASE,
)
_DOMAIN_RE = re.compile(r"[A-Za-z0-9]\.(?:com|co|id|net|org|news|tv|co\.id|or\.id)\b", re.I)
_CAMEL_RE = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]{2,}")
_WORD_RE = re.compile(r"^[A-Z0-9][\w.'\u2019&]*$")
_OPENING = "\"'(\u201c\u2018"


def _is_site(part: str) -> bool:
    return bool(_DOMAIN_RE.search(part) or any(_CAMEL_RE.search(w) for w in part.split()))


def _is_capitalised_words(part: str, max_words: int = 4) -> bool:
    words = part.split()
    return 1 <= len(words) <= max_words and all(_WORD_RE.match(w) or _is_site(w) for w in words)


def _is_agency(value: str) -> bool:
    words = value.split()
    return (
        1 <= len(words) <= 3
        and value[:1].isupper()
        and not any(ch.isdigit() for ch in value)
        and all(w[:1].isupper() for w in words)
    )


def split_dateline(paragraph: str) -> tuple[dict[str, Any], str] | None:
    """Split a leading dateline/site prefix off ``paragraph``.

    Returns ``(metadata, rest)`` where metadata has some of ``dateline``, ``site``,
    ``agency``, ``date`` and always ``prefix`` (the raw prefix with its dash), or
    ``None`` when the paragraph does not start with such a prefix.
    """
    match = _PREFIX_RE.match(paragraph)
    if not match:
        return None
    head, dash, rest = match.group("head"), match.group("dash"), match.group("rest")
    if not (rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in _OPENING):
        return None
    meta: dict[str, Any] = {}
    agency_match = _AGENCY_RE.search(head)
    if agency_match:
        inner = agency_match.group("agency").strip()
        if _DATE_RE.match(inner):
            meta["date"] = inner
        elif _is_agency(inner):
            meta["agency"] = inner
        else:
            return None
        head = head[: agency_match.start()].strip()
    parts = [p.strip() for p in head.split(",")] if head else []
    if any(not p for p in parts) or len(parts) > 3:
        return None
    places: list[str] = []
    for part in parts:
        if _DATE_RE.match(part):
            meta["date"] = f"{part}, {meta['date']}" if "date" in meta else part
        elif not _is_capitalised_words(part):
            return None
        elif _is_site(part) or (places and "site" not in meta):
            if "site" in meta:
                return None
            meta["site"] = part
        else:
            places.append(part)
    if len(places) > 1 or not (places or "site" in meta or "agency" in meta):
        return None
    if places:
        place = places[0]
        words = place.split()
        letters = [ch for ch in place if ch.isalpha()]
        all_caps = bool(letters) and all(ch.isupper() for ch in letters)
        supported = "agency" in meta or "site" in meta or "date" in meta
        single_name = len(words) == 1 and words[0].lower() not in ALL_STOPWORDS
        # "Presiden Joko Widodo – ..." is a sentence, "NEW YORK –" / "Jakarta –" are not.
        if not (all_caps or supported or single_name):
            return None
        meta["dateline"] = place
    meta["prefix"] = f"{match.group('head')} {dash}"
    return meta, rest.strip()
