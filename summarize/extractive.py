"""Extractive sentence selection: lead-k and TextRank.

Both return indices into the given sentence list, in document order, so callers can pick
the source sentences (or their aligned translations) themselves.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from numbers import Integral

import numpy as np

from summarize.errors import ConfigError
from summarize.text.stopwords import ALL_STOPWORDS
from summarize.text.tokens import word_tokens

__all__ = [
    "METHODS",
    "lead_k",
    "select_sentences",
    "sentence_similarity",
    "similarity_matrix",
    "textrank",
    "textrank_scores",
    "tokenize",
]

METHODS: tuple[str, ...] = ("lead", "textrank")

# Own TextRank rather than networkx/sumy: it is ~40 lines, deterministic (fixed start
# vector, stable tie-breaking) and avoids a graph-library dependency.


def tokenize(text: str, stopwords: Collection[str] = ()) -> list[str]:
    """Lowercase word tokens (Unicode letters/digits, so "é" and "ñ" stay), minus stopwords."""
    return [t for t in word_tokens(text) if t not in stopwords]


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 0:
        raise ConfigError(f"k must be a non-negative integer, got {k!r}")


def lead_k(sentences: Sequence[str], k: int = 3) -> list[int]:
    """The first ``k`` sentences (all of them when there are fewer)."""
    _check_k(k)
    return list(range(min(int(k), len(sentences))))


def sentence_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Mihalcea & Tarau (2004): |common words| / (log |a| + log |b|).

    ``a`` and ``b`` are token lists. No common word (or an empty side) gives 0; two
    one-word sentences with the same word (log 1 + log 1 = 0) count as 1.
    """
    if not a or not b:
        return 0.0
    overlap = len(set(a) & set(b))
    if overlap == 0:
        return 0.0
    denominator = math.log(len(a)) + math.log(len(b))
    if denominator <= 0.0:  # two one-word sentences: identical words are a full match
        return 1.0
    return overlap / denominator


def similarity_matrix(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Symmetric sentence-similarity matrix with a zero diagonal."""
    n = len(token_lists)
    matrix = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = matrix[j, i] = sentence_similarity(token_lists[i], token_lists[j])
    return matrix


def textrank_scores(
    sentences: Sequence[str],
    *,
    damping: float = 0.85,
    max_iter: int = 100,
    tol: float = 1e-6,
    stopwords: Collection[str] = ALL_STOPWORDS,
) -> np.ndarray:
    """Weighted PageRank (power iteration) over the sentence-similarity graph.

    ``S(i) = (1 - d) / n + d * sum_j W[j, i] / sum_k W[j, k] * S(j)``; sentences with no
    edges spread their score uniformly (the usual dangling-node rule). Scores sum to 1.
    """
    if not 0.0 < damping < 1.0:
        raise ConfigError(f"damping must be between 0 and 1, got {damping!r}")
    if max_iter < 1:
        raise ConfigError(f"max_iter must be at least 1, got {max_iter!r}")
    n = len(sentences)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    weights = similarity_matrix([tokenize(s, stopwords) for s in sentences])
    out_weight = weights.sum(axis=1)
    dangling = out_weight == 0.0
    transition = np.divide(
        weights, out_weight[:, None], out=np.zeros_like(weights), where=~dangling[:, None]
    )
    transition[dangling] = 1.0 / n
    scores = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        updated = (1.0 - damping) / n + damping * (transition.T @ scores)
        converged = float(np.abs(updated - scores).sum()) < tol
        scores = updated
        if converged:
            break
    return scores


def textrank(
    sentences: Sequence[str],
    k: int = 3,
    *,
    damping: float = 0.85,
    max_iter: int = 100,
    tol: float = 1e-6,
    stopwords: Collection[str] = ALL_STOPWORDS,
) -> list[int]:
    """Indices of the ``k`` highest-ranked sentences, in document order.

    Similarity is the original TextRank word overlap normalised by log sentence lengths,
    over :func:`tokenize` tokens with Indonesian and English stopwords removed (pass
    ``stopwords=()`` to keep every word). Ties go to the earlier sentence.
    """
    _check_k(k)
    if k == 0 or not sentences:
        return []
    scores = textrank_scores(
        sentences, damping=damping, max_iter=max_iter, tol=tol, stopwords=stopwords
    )
    # Round away float noise so that equal scores tie exactly, then prefer earlier ones.
    rounded = np.round(scores, 12)
    order = sorted(range(len(sentences)), key=lambda i: (-rounded[i], i))
    return sorted(order[: int(k)])


def select_sentences(sentences: Sequence[str], method: str, k: int) -> list[int]:
    """Dispatch to :func:`lead_k` ("lead") or :func:`textrank` ("textrank")."""
    name = method.strip().lower() if isinstance(method, str) else method
    if name == "lead":
        return lead_k(sentences, k)
    if name == "textrank":
        return textrank(sentences, k)
    raise ConfigError(f"unknown extractive method {method!r}; choose one of: {', '.join(METHODS)}")
