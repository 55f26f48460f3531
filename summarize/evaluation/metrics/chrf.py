"""chrF and chrF++ via ``sacrebleu.metrics.CHRF`` (chrF++ is ``word_order=2``), with
per-segment sufficient statistics for bootstrap resampling and sentence scores.

Like BLEU, corpus chrF is computed from summed character/word n-gram statistics, not
as a mean of sentence scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from summarize.evaluation.metrics._sacrebleu import (
    SacrebleuResult,
    check_lengths,
    score_from_sums,
    segment_statistics,
    signature,
)


def make_chrf(word_order: int = 0, **options: Any) -> Any:
    """A ``sacrebleu.metrics.CHRF`` (chrF: ``word_order=0``; chrF++: ``word_order=2``)."""
    from sacrebleu.metrics.chrf import CHRF

    return CHRF(word_order=word_order, **options)


#: The result of :func:`chrf`.
ChrfResult = SacrebleuResult


def chrf(
    predictions: Sequence[str],
    references: Sequence[str | Sequence[str]],
    *,
    word_order: int = 0,
    **options: Any,
) -> ChrfResult:
    """Corpus chrF (0-100); ``word_order=2`` gives chrF++. An empty corpus scores 0.0."""
    check_lengths(predictions, references)
    metric = make_chrf(word_order, **options)
    name = "chrF++" if word_order == 2 else ("chrF" if word_order == 0 else f"chrF+{word_order}")
    stats = segment_statistics(metric, predictions, references)
    if stats.shape[0] == 0:
        return ChrfResult(0.0, (), stats, signature(metric, name), {"items": 0}, metric)
    score = score_from_sums(metric, stats.sum(axis=0))
    sentence_scores = tuple(score_from_sums(metric, row) for row in stats)
    return ChrfResult(score, sentence_scores, stats, signature(metric, name), {}, metric)


def chrf_plus_plus(
    predictions: Sequence[str], references: Sequence[str | Sequence[str]], **options: Any
) -> ChrfResult:
    """chrF++ (character 6-grams plus word uni- and bigrams)."""
    return chrf(predictions, references, word_order=2, **options)
