"""Preservation of numbers, dates and named entities from a source to its output.

A translation (or a faithful summary) should keep the figures and names of the source.
Numbers and dates are compared as normalised values (``1.000`` = ``1,000``, ``24
Februari 2022`` = ``February 24, 2022``; the rules are in :mod:`summarize.text.numbers`).

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

import html
from collections.abc import Sequence
from dataclasses import dataclass

from summarize.text.names import (
    EXONYMS,
    TITLE_WORDS,
    NameIndex,
    entity_forms,
    entity_found,
    extract_entities,
)
from summarize.text.numbers import (
    MONTHS,
    NUMBER_WORDS,
    SCALES,
    Mention,
    MentionIndex,
    extract_mentions,
    parse_number,
)
from summarize.text.numbers import distinct_mentions as _distinct

__all__ = [
    "EXONYMS",
    "MONTHS",
    "NUMBER_WORDS",
    "PRESERVATION_METRICS",
    "SCALES",
    "TITLE_WORDS",
    "Mention",
    "Preservation",
    "corpus_counts",
    "entity_forms",
    "entity_found",
    "entity_preservation",
    "extract_entities",
    "extract_mentions",
    "number_preservation",
    "parse_number",
]

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
    """Compare the numbers and dates of ``source`` and ``output`` as values (HTML entities
    decoded first: ``&#39;`` is no number 39)."""
    src_all = _distinct(extract_mentions(html.unescape(source), src_lang))
    out_all = _distinct(extract_mentions(html.unescape(output), out_lang))
    src_index, out_index = MentionIndex(src_all), MentionIndex(out_all)
    # soft mentions ("satu", "kedua") may match but are not counted themselves
    src = [(m, out_index.matches_any(m)) for m in src_all if not m.soft]
    out = [(o, src_index.matches_any(o)) for o in out_all if not o.soft]
    return Preservation(
        matched=sum(ok for _, ok in src),
        total=len(src),
        supported=sum(ok for _, ok in out),
        output_total=len(out),
        missing=tuple(m.text for m, ok in src if not ok),
        unsupported=tuple(o.text for o, ok in out if not ok),
    )


def entity_preservation(
    source: str,
    output: str,
    *,
    in_source: NameIndex | None = None,
    in_output: NameIndex | None = None,
) -> Preservation:
    """Compare the named entities of ``source`` and ``output`` (case-insensitive, via
    the exonym table). ``in_source``/``in_output``: the texts' indexes, when the caller
    has them already."""
    source, output = html.unescape(source), html.unescape(output)
    in_output = in_output or NameIndex(output)
    in_source = in_source or NameIndex(source)
    src = [(e, in_output.found(e)) for e in extract_entities(source)]
    out = [(e, in_source.found(e)) for e in extract_entities(output)]
    return Preservation(
        matched=sum(ok for _, ok in src),
        total=len(src),
        supported=sum(ok for _, ok in out),
        output_total=len(out),
        missing=tuple(e for e, ok in src if not ok),
        unsupported=tuple(e for e, ok in out if not ok),
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
