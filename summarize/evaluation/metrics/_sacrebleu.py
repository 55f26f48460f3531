"""Shared plumbing for the sacrebleu-based metrics (BLEU, chrF): sufficient statistics
per segment, a corpus score recomputed from summed statistics, and the signature."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def check_lengths(predictions: Sequence[str], references: Sequence[Any]) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")


def reference_streams(references: Sequence[str | Sequence[str]]) -> list[list[str | None]]:
    """sacrebleu's reference layout (one stream per reference position) from per-item
    references: a string, or a sequence of strings for several references. Items with
    fewer references are padded with ``None`` (sacrebleu skips those)."""
    per_item = [[r] if isinstance(r, str) else list(r) for r in references]
    width = max((len(r) for r in per_item), default=1) or 1
    return [[r[i] if i < len(r) else None for r in per_item] for i in range(width)]


def segment_statistics(
    metric: Any, predictions: Sequence[str], references: Sequence[str | Sequence[str]]
) -> np.ndarray:
    """The ``(n, k)`` matrix of sacrebleu's per-segment sufficient statistics."""
    if not predictions:
        return np.zeros((0, 0), dtype=np.float64)
    preds = [p if isinstance(p, str) else "" for p in predictions]
    stats = metric._extract_corpus_statistics(preds, reference_streams(references))
    return np.asarray(stats, dtype=np.float64)


def score_from_sums(metric: Any, sums: Sequence[float]) -> float:
    """Corpus score from column sums of the statistics (a fresh list: sacrebleu's
    add-k smoothing mutates its input)."""
    return float(metric._compute_score_from_stats([float(x) for x in sums]).score)


class StatsAggregate:
    """``aggregate(sums, n)`` for bootstrap resampling of a sacrebleu metric."""

    def __init__(self, metric: Any) -> None:
        self.metric = metric

    def __call__(self, sums: np.ndarray, n: int) -> np.ndarray:
        if sums.shape[1] == 0:
            return np.zeros(sums.shape[0])
        return np.array([score_from_sums(self.metric, row) for row in sums], dtype=np.float64)


def signature(metric: Any, name: str) -> str:
    """``name|`` + sacrebleu's own signature string (e.g. ``nrefs:1|case:mixed|...``)."""
    if not hasattr(metric, "num_refs"):
        metric.num_refs = 1
    return f"{name}|{metric.get_signature().format()}"


@dataclass(frozen=True, eq=False)
class SacrebleuResult:
    """A corpus score with its sentence scores and the per-segment statistics that
    bootstrap resampling sums (:meth:`aggregate` rescores resampled sums)."""

    score: float
    sentence_scores: tuple[float, ...]
    stats: np.ndarray
    signature: str
    details: dict[str, Any] = field(default_factory=dict)
    metric: Any = None

    def aggregate(self, sums: np.ndarray, n: int) -> np.ndarray:
        return StatsAggregate(self.metric)(sums, n)
