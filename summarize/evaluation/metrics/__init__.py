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

from collections.abc import Callable, Iterable, Sequence
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
    "METRICS",
    "MetricConfig",
    "MetricEntry",
    "MetricInputs",
    "MetricOutput",
    "compute_metrics",
    "expand_metrics",
    "is_known_metric",
    "metric_entry",
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


def is_known_metric(name: str) -> bool:
    return metric_entry(name) is not None


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


@dataclass(frozen=True)
class MetricInputs:
    """What every metric of one system is computed from."""

    predictions: Sequence[str]
    references: Sequence[str]
    sources: Sequence[str]
    config: MetricConfig
    progress: bool = False


@dataclass(frozen=True)
class MetricEntry:
    """One row of the metric table: a family of metrics, the names it computes and how.

    ``compute`` gets all the names of its family a run asks for at once (ROUGE scores
    every type in one pass) and returns one :class:`MetricOutput` per name.
    """

    family: str
    knows: Callable[[str], bool]
    compute: Callable[[Sequence[str], MetricInputs], dict[str, MetricOutput]]


def _rouge(names: Sequence[str], data: MetricInputs) -> dict[str, MetricOutput]:
    from dataclasses import replace

    import numpy as np

    from summarize.evaluation.metrics.rouge import rouge

    n = len(data.predictions)
    settings = replace(data.config.rouge, types=tuple(names))
    result = rouge(data.predictions, data.references, settings, progress=data.progress)
    out: dict[str, MetricOutput] = {}
    for t in names:
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
    return out


def _bleu(names: Sequence[str], data: MetricInputs) -> dict[str, MetricOutput]:
    from summarize.evaluation.metrics.bleu import bleu

    b = bleu(data.predictions, data.references, **data.config.bleu)
    return {
        name: MetricOutput(
            name, b.score, b.stats, b.aggregate, b.sentence_scores, b.signature, b.details
        )
        for name in names
    }


def _chrf(names: Sequence[str], data: MetricInputs) -> dict[str, MetricOutput]:
    from summarize.evaluation.metrics.chrf import chrf

    out: dict[str, MetricOutput] = {}
    for name in names:
        c = chrf(
            data.predictions,
            data.references,
            word_order=2 if name == "chrf++" else 0,
            **data.config.chrf,
        )
        out[name] = MetricOutput(
            name, c.score, c.stats, c.aggregate, c.sentence_scores, c.signature, c.details
        )
    return out


def _bertscore(names: Sequence[str], data: MetricInputs) -> dict[str, MetricOutput]:
    from summarize.evaluation.metrics.bertscore import bertscore

    cfg = data.config
    return {
        name: bertscore(
            data.predictions, data.references, lang=cfg.out_lang, model=cfg.bertscore_model
        )
        for name in names
    }


def _comet(names: Sequence[str], data: MetricInputs) -> dict[str, MetricOutput]:
    from summarize.evaluation.metrics.comet import comet

    return {
        name: comet(data.sources, data.predictions, data.references, model=data.config.comet_model)
        for name in names
    }


def _is_preservation(name: str) -> bool:
    from summarize.evaluation.metrics.preservation import PRESERVATION_METRICS

    return name in PRESERVATION_METRICS


def _preservation(names: Sequence[str], data: MetricInputs) -> dict[str, MetricOutput]:
    import numpy as np

    from summarize.evaluation.metrics.preservation import corpus_counts

    cfg = data.config
    n = len(data.predictions)
    out: dict[str, MetricOutput] = {}
    for name in names:
        counts, results = corpus_counts(
            name, data.sources, data.predictions, src_lang=cfg.src_lang, out_lang=cfg.out_lang
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
            signature=f"{name}|src:{cfg.src_lang}|out:{cfg.out_lang}|micro-average",
            details={
                "hits": int(total[0]) if n else 0,
                "total": int(total[1]) if n else 0,
                f"{missing_key}_examples": examples,
            },
        )
    return out


def _is_reference_free(name: str) -> bool:
    from summarize.evaluation.metrics.reference_free import is_reference_free

    return is_reference_free(name)


def _reference_free(names: Sequence[str], data: MetricInputs) -> dict[str, MetricOutput]:
    from summarize.evaluation.metrics.reference_free import corpus_values

    out: dict[str, MetricOutput] = {}
    for name in names:
        values = corpus_values(name, data.sources, data.predictions)
        scale = "words" if name == "length" else ("ratio" if name == "compression" else "percent")
        out[name] = _from_values(name, values, f"{name}|tok:unicode|lowercase", scale)
    return out


#: The metric table (as sacrebleu keeps its metrics): a name belongs to the first entry
#: that knows it. A new metric is one function and one row here (plus its label).
METRICS: tuple[MetricEntry, ...] = (
    MetricEntry("rouge", lambda name: name in ROUGE_TYPES, _rouge),
    MetricEntry("bleu", lambda name: name == "bleu", _bleu),
    MetricEntry("chrf", lambda name: name in ("chrf", "chrf++"), _chrf),
    MetricEntry("bertscore", lambda name: name == "bertscore", _bertscore),
    MetricEntry("comet", lambda name: name == "comet", _comet),
    MetricEntry("preservation", _is_preservation, _preservation),
    MetricEntry("reference-free", _is_reference_free, _reference_free),
)


def metric_entry(name: str) -> MetricEntry | None:
    """The table row that computes ``name`` (``None`` for an unknown metric)."""
    return next((entry for entry in METRICS if entry.knows(name)), None)


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
    n = len(predictions)
    if len(references) != n or len(sources) != n:
        raise ValueError("predictions, references and sources must have the same length")
    data = MetricInputs(predictions, references, sources, config or MetricConfig(), progress)
    by_entry: dict[str, tuple[MetricEntry, list[str]]] = {}
    for name in dict.fromkeys(names):
        entry = metric_entry(name)
        if entry is None:
            raise ConfigError(f"unknown metric {name!r}")
        by_entry.setdefault(entry.family, (entry, []))[1].append(name)
    out: dict[str, MetricOutput] = {}
    for entry, wanted in by_entry.values():
        out.update(entry.compute(wanted, data))
    return {name: out[name] for name in names if name in out}


def skipped(name: str, reason: str) -> MetricOutput:
    return skipped_output(name, reason)
