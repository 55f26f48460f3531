"""Corpus BLEU via ``sacrebleu.metrics.BLEU``, plus sentence BLEU and the per-segment
sufficient statistics used for bootstrap resampling.

Corpus BLEU is *not* the mean of sentence BLEU: it is computed from summed n-gram
counts and lengths. :func:`bleu` therefore returns the ``(n, 4 + 2*max_order)``
statistics matrix (``[hyp_len, ref_len, correct_1..4, total_1..4]``) whose column sums
give back the corpus score (:func:`bleu_from_sums`). Sentence scores use sacrebleu's
sentence-level settings (``effective_order=True``), as ``sacrebleu.sentence_bleu``.
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


def make_bleu(**options: Any) -> Any:
    """A ``sacrebleu.metrics.BLEU`` (defaults: 13a tokenizer, mixed case, exp smoothing)."""
    from sacrebleu.metrics.bleu import BLEU

    return BLEU(**options)


#: The result of :func:`bleu`.
BleuResult = SacrebleuResult


def bleu(
    predictions: Sequence[str], references: Sequence[str | Sequence[str]], **options: Any
) -> BleuResult:
    """Corpus BLEU (0-100) of ``predictions`` against one reference each.

    ``options`` go to ``sacrebleu.metrics.BLEU`` (``tokenize``, ``lowercase``, ...).
    An empty corpus scores 0.0.
    """
    check_lengths(predictions, references)
    metric = make_bleu(**options)
    stats = segment_statistics(metric, predictions, references)
    if stats.shape[0] == 0:
        return BleuResult(0.0, (), stats, signature(metric, "BLEU"), {"items": 0}, metric)
    corpus = metric._compute_score_from_stats([float(x) for x in stats.sum(axis=0)])
    sentence_metric = make_bleu(**{**options, "effective_order": True})
    sentence_scores = tuple(score_from_sums(sentence_metric, row) for row in stats)
    details = {
        "bp": float(corpus.bp),
        "precisions": [float(p) for p in corpus.precisions],
        "sys_len": int(corpus.sys_len),
        "ref_len": int(corpus.ref_len),
        "formatted": corpus.format(),
    }
    return BleuResult(
        float(corpus.score), sentence_scores, stats, signature(metric, "BLEU"), details, metric
    )


def bleu_from_sums(sums: Sequence[float], **options: Any) -> float:
    """Corpus BLEU from summed sufficient statistics."""
    return score_from_sums(make_bleu(**options), sums)
