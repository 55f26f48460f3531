"""Metrics: one module per metric family, plus a small registry used by the runner.

Metric names (all corpus scores; percent unless noted):

* ``rouge1``, ``rouge2``, ``rougeL``, ``rougeLsum`` - ROUGE F1 (precision and recall in
  the details); alias ``rouge``.
* ``bleu``, ``chrf``, ``chrf++`` - sacrebleu.
* ``length`` (words), ``compression`` (ratio), ``novel-N``, ``repetition-N``;
  aliases ``novel`` (1-3), ``repetition`` (1-3), ``reference-free``.
* ``number-preservation``, ``number-support``, ``entity-preservation``,
  ``entity-support``; alias ``preservation``.
* ``bertscore``, ``comet`` - optional; skipped unless installed and available offline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarize.errors import ConfigError
from summarize.evaluation.metrics.base import (
    MetricOutput,
    defined_mean,
    mean_aggregate,
    ratio_aggregate,
    skipped_output,
)
from summarize.evaluation.metrics.rouge import ROUGE_TYPES, RougeSettings

__all__ = [
    "ALIASES",
    "MetricConfig",
    "MetricOutput",
    "compute_metrics",
    "default_metrics",
    "expand_metrics",
    "is_known_metric",
    "metric_label",
]

ALIASES: dict[str, tuple[str, ...]] = {
    "rouge": ROUGE_TYPES,
    "mt": ("bleu", "chrf", "chrf++"),
    "chrf2": ("chrf++",),
    "chrfpp": ("chrf++",),
    "novel": ("novel-1", "novel-2", "novel-3"),
    "repetition": ("repetition-1", "repetition-2", "repetition-3"),
    "reference-free": ("length", "compression", "novel-1", "novel-2", "repetition-2"),
    "preservation": (
        "number-preservation", "number-support", "entity-preservation", "entity-support",
    ),
}  # fmt: skip

_CASE = {"rougel": "rougeL", "rougelsum": "rougeLsum"}

LABELS = {
    "rouge1": "ROUGE-1",
    "rouge2": "ROUGE-2",
    "rougeL": "ROUGE-L",
    "rougeLsum": "ROUGE-Lsum",
    "bleu": "BLEU",
    "chrf": "chrF",
    "chrf++": "chrF++",
    "length": "length (words)",
    "compression": "compression (x)",
    "bertscore": "BERTScore F1",
    "comet": "COMET",
}


def metric_label(name: str) -> str:
    """Display name of a metric (``rouge1`` -> ``ROUGE-1``)."""
    return LABELS.get(name, name)


def default_metrics(task: str) -> tuple[str, ...]:
    if task == "summarization":
        return ROUGE_TYPES
    if task == "translation":
        return ("bleu", "chrf", "chrf++")
    raise ConfigError(f"unknown task {task!r}; use 'summarization' or 'translation'")


def is_known_metric(name: str) -> bool:
    from summarize.evaluation.metrics.preservation import PRESERVATION_METRICS
    from summarize.evaluation.metrics.reference_free import is_reference_free

    return (
        name in ROUGE_TYPES
        or name in ("bleu", "chrf", "chrf++", "bertscore", "comet")
        or name in PRESERVATION_METRICS
        or is_reference_free(name)
    )


def expand_metrics(names: Iterable[str]) -> tuple[str, ...]:
    """Expand aliases, normalise case, drop duplicates; unknown names raise ConfigError."""
    out: list[str] = []
    for raw in names:
        for part in str(raw).split(","):
            name = part.strip()
            if not name:
                continue
            low = name.lower()
            key = _CASE.get(low, low)
            if low in ALIASES:
                expanded: Sequence[str] = ALIASES[low]
            elif is_known_metric(key):
                expanded = (key,)
            else:
                raise ConfigError(
                    f"unknown metric {name!r}; known: rouge1, rouge2, rougeL, rougeLsum, bleu, "
                    "chrf, chrf++, length, compression, novel-N, repetition-N, "
                    "number-preservation, number-support, entity-preservation, entity-support, "
                    "bertscore, comet (aliases: " + ", ".join(ALIASES) + ")"
                )
            for n in expanded:
                if n not in out:
                    out.append(n)
    return tuple(out)


@dataclass(frozen=True)
class MetricConfig:
    """Settings for every metric of a run.

    ``src_lang``/``out_lang`` are the languages of the sources and of the system output
    (for number conventions in the preservation metrics and BERTScore's model).
    """

    rouge: RougeSettings = field(default_factory=RougeSettings)
    bleu: dict[str, Any] = field(default_factory=dict)
    chrf: dict[str, Any] = field(default_factory=dict)
    src_lang: str = "id"
    out_lang: str = "en"
    bertscore_model: str | None = None
    comet_model: str | None = None


def _from_values(
    name: str, values: Sequence[float | None], signature: str, scale: str, **details: Any
) -> MetricOutput:
    import numpy as np

    mean, rows = defined_mean(values)
    stats = np.asarray(rows, dtype=np.float64).reshape(len(rows), 2)
    return MetricOutput(
        name=name,
        score=mean,
        stats=stats,
        aggregate=ratio_aggregate,
        per_item=tuple(values),
        signature=signature,
        scale=scale,
        details={"defined_items": int(stats[:, 1].sum()) if len(rows) else 0, **details},
        higher_is_better=name not in ("length",) and not name.startswith("repetition"),
    )


def compute_metrics(
    names: Sequence[str],
    predictions: Sequence[str],
    references: Sequence[str],
    sources: Sequence[str],
    config: MetricConfig | None = None,
    *,
    progress: bool = False,
) -> dict[str, MetricOutput]:
    """Compute every metric in ``names`` (already expanded) for one system."""
    import numpy as np

    config = config or MetricConfig()
    n = len(predictions)
    if len(references) != n or len(sources) != n:
        raise ValueError("predictions, references and sources must have the same length")
    out: dict[str, MetricOutput] = {}

    rouge_types = tuple(t for t in names if t in ROUGE_TYPES)
    if rouge_types:
        from dataclasses import replace

        from summarize.evaluation.metrics.rouge import rouge

        settings = replace(config.rouge, types=rouge_types)
        result = rouge(predictions, references, settings, progress=progress)
        for t in rouge_types:
            f = [100.0 * item[t]["fmeasure"] for item in result.per_item]
            out[t] = MetricOutput(
                name=t,
                score=100.0 * result.mean[t]["fmeasure"],
                stats=np.asarray(f, dtype=np.float64).reshape(n, 1),
                aggregate=mean_aggregate,
                per_item=tuple(f),
                signature=settings.signature(),
                details={
                    "precision": 100.0 * result.mean[t]["precision"],
                    "recall": 100.0 * result.mean[t]["recall"],
                    "tokenizer": settings.tokenizer,
                    "stemmer": "porter" if settings.stemmer else "none",
                    "lsum": settings.lsum,
                },
            )

    for name in names:
        if name in out:
            continue
        if name == "bleu":
            from summarize.evaluation.metrics.bleu import bleu

            b = bleu(predictions, references, **config.bleu)
            out[name] = MetricOutput(
                name, b.score, b.stats, b.aggregate, b.sentence_scores, b.signature, b.details
            )
        elif name in ("chrf", "chrf++"):
            from summarize.evaluation.metrics.chrf import chrf

            c = chrf(
                predictions, references, word_order=2 if name == "chrf++" else 0, **config.chrf
            )
            out[name] = MetricOutput(
                name, c.score, c.stats, c.aggregate, c.sentence_scores, c.signature, c.details
            )
        elif name == "bertscore":
            from summarize.evaluation.metrics.bertscore import bertscore

            out[name] = bertscore(
                predictions, references, lang=config.out_lang, model=config.bertscore_model
            )
        elif name == "comet":
            from summarize.evaluation.metrics.comet import comet

            out[name] = comet(sources, predictions, references, model=config.comet_model)
        elif name.startswith(("number-", "entity-")):
            from summarize.evaluation.metrics.preservation import corpus_counts

            counts, results = corpus_counts(
                name, sources, predictions, src_lang=config.src_lang, out_lang=config.out_lang
            )
            stats = np.asarray(counts, dtype=np.float64).reshape(n, 2)
            total = stats.sum(axis=0)
            score = 100.0 * total[0] / total[1] if n and total[1] > 0 else None
            per_item = tuple(100.0 * h / t if t else None for h, t in counts)
            missing_key = "missing" if name.endswith("preservation") else "unsupported"
            examples = [m for r in results for m in getattr(r, missing_key)][:10]
            out[name] = MetricOutput(
                name=name,
                score=score,
                stats=stats * np.array([100.0, 1.0]),
                aggregate=ratio_aggregate,
                per_item=per_item,
                signature=f"{name}|src:{config.src_lang}|out:{config.out_lang}|micro-average",
                details={
                    "hits": int(total[0]) if n else 0,
                    "total": int(total[1]) if n else 0,
                    f"{missing_key}_examples": examples,
                },
            )
        else:
            from summarize.evaluation.metrics.reference_free import corpus_values, is_reference_free

            if not is_reference_free(name):
                raise ConfigError(f"unknown metric {name!r}")
            values = corpus_values(name, sources, predictions)
            scale = (
                "words" if name == "length" else ("ratio" if name == "compression" else "percent")
            )
            out[name] = _from_values(name, values, f"{name}|tok:unicode|lowercase", scale)
    return {name: out[name] for name in names if name in out}


def skipped(name: str, reason: str) -> MetricOutput:
    return skipped_output(name, reason)
