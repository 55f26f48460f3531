"""Baseline systems.

* ``lead-K``: the first K sentences of the article (``summarize.extractive.lead_k``).
* ``textrank-K``: K sentences chosen by TextRank, in document order
  (``summarize.extractive.textrank``).
* ``gold-extractive``: the sentences IndoSum labels as its extractive oracle (an upper
  reference point, not a system; only for items with ``meta["gold_labels"]``).
* ``copy-source``: the source itself as the prediction (translation floor: it measures
  how much of the reference is shared with the untranslated input: names, numbers).

Summaries join the selected sentences with newlines, so rougeLsum sees the sentence
split. Sentences come from ``item.source_sentences`` (the data set's own split, e.g.
IndoSum's) or else from ``summarize.text.split_sentences``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarize.errors import ConfigError
from summarize.evaluation.datasets import EvalItem

_KIND_RE = re.compile(r"^(lead|textrank)-(\d+)$")
BASELINE_NAMES = ("lead-3", "textrank-3", "copy-source", "gold-extractive")


def item_sentences(item: EvalItem) -> list[str]:
    """The source sentences of ``item`` (its own split if the data set has one)."""
    if item.source_sentences is not None:
        return list(item.source_sentences)
    from summarize.evaluation._compat import split_sentences

    return split_sentences(item.source)


def lead_summary(item: EvalItem, k: int = 3) -> str:
    from summarize.extractive import lead_k

    sentences = item_sentences(item)
    return "\n".join(sentences[i] for i in lead_k(sentences, k=k))


def textrank_summary(item: EvalItem, k: int = 3) -> str:
    from summarize.extractive import textrank

    sentences = item_sentences(item)
    return "\n".join(sentences[i] for i in textrank(sentences, k=k))


def gold_extractive_summary(item: EvalItem) -> str:
    labels = item.meta.get("gold_labels")
    if labels is None:
        raise ConfigError(
            f"item {item.id!r} has no gold extractive labels (only IndoSum provides them)"
        )
    sentences = item_sentences(item)
    return "\n".join(s for s, keep in zip(sentences, labels, strict=False) if keep)


def copy_source(item: EvalItem) -> str:
    return item.source


def is_baseline(name: str) -> bool:
    return name in ("copy-source", "gold-extractive") or _KIND_RE.match(name) is not None


def baseline_predictions(name: str, items: Sequence[EvalItem]) -> list[str]:
    """Predictions of the baseline ``name`` for every item."""
    if name == "copy-source":
        return [copy_source(it) for it in items]
    if name == "gold-extractive":
        return [gold_extractive_summary(it) for it in items]
    m = _KIND_RE.match(name)
    if not m:
        raise ConfigError(
            f"unknown baseline {name!r}; use lead-K, textrank-K, copy-source or gold-extractive"
        )
    k = int(m.group(2))
    if k < 1:
        raise ConfigError(f"baseline {name!r}: K must be >= 1")
    if m.group(1) == "lead":
        return [lead_summary(it, k) for it in items]
    return [textrank_summary(it, k) for it in items]


def baseline_description(name: str) -> dict[str, object]:
    """What goes into the signature for a baseline system."""
    m = _KIND_RE.match(name)
    if m:
        return {
            "type": "baseline",
            "method": m.group(1),
            "k": int(m.group(2)),
            "implementation": f"summarize.extractive.{'lead_k' if m.group(1) == 'lead' else 'textrank'}",
            "sentences": "dataset split if available, else summarize.text.split_sentences",
        }
    return {"type": "baseline", "method": name}
