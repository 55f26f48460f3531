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


def _starts_sentence(rest: str) -> bool:
    return rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in _OPENING


def _read_bracket(head: str, meta: dict[str, Any]) -> str | None:
    """Read a final "(AGENCY)" or "(date)" of ``head`` into ``meta``; returns the head
    without it, or ``None`` when the brackets hold something else."""
    agency_match = _AGENCY_RE.search(head)
    if not agency_match:
        return head
    inner = agency_match.group("agency").strip()
    if _DATE_RE.match(inner):
        meta["date"] = inner
    elif _is_agency(inner):
        meta["agency"] = inner
    else:
        return None
    return head[: agency_match.start()].strip()


def _read_part(part: str, places: list[str], meta: dict[str, Any]) -> bool:
    """Read one comma-separated part of the head (a date, a site or a place) into
    ``meta`` or ``places``; ``False`` when it is none of them."""
    if _DATE_RE.match(part):
        meta["date"] = f"{part}, {meta['date']}" if "date" in meta else part
    elif not _is_capitalised_words(part):
        return False
    elif _is_site(part) or (places and "site" not in meta):
        if "site" in meta:
            return False
        meta["site"] = part
    else:
        places.append(part)
    return True


def _read_places(head: str, meta: dict[str, Any]) -> list[str] | None:
    """The places named in ``head`` (its dates and site go to ``meta``); ``None`` when
    it is no dateline."""
    parts = [p.strip() for p in head.split(",")] if head else []
    if any(not p for p in parts) or len(parts) > 3:
        return None
    places: list[str] = []
    for part in parts:
        if not _read_part(part, places, meta):
            return None
    return places


def _is_place(place: str, meta: dict[str, Any]) -> bool:
    """ "Presiden Joko Widodo – ..." is a sentence, "NEW YORK –" / "Jakarta –" are not."""
    words = place.split()
    letters = [ch for ch in place if ch.isalpha()]
    all_caps = bool(letters) and all(ch.isupper() for ch in letters)
    supported = "agency" in meta or "site" in meta or "date" in meta
    single_name = len(words) == 1 and words[0].lower() not in ALL_STOPWORDS
    return all_caps or supported or single_name


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
    if not _starts_sentence(rest):
        return None
    meta: dict[str, Any] = {}
    bare_head = _read_bracket(head, meta)
    if bare_head is None:
        return None
    places = _read_places(bare_head, meta)
    if places is None or len(places) > 1:
        return None
    if not (places or "site" in meta or "agency" in meta):
        return None
    if places:
        if not _is_place(places[0], meta):
            return None
        meta["dateline"] = places[0]
    meta["prefix"] = f"{match.group('head')} {dash}"
    return meta, rest.strip()
