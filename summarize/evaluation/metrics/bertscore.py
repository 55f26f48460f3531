"""Optional BERTScore (F1, 0-100). Runs only when ``bert_score`` is importable and the
model is available offline; otherwise returns a ``skipped`` marker for the report.
This module never installs packages or downloads models."""

from __future__ import annotations

from collections.abc import Sequence

from summarize.evaluation.metrics.base import MetricOutput, mean_aggregate, skipped_output
from summarize.evaluation.metrics.optional import local_model_path, package_available

DEFAULT_MODELS = {"en": "roberta-large", "id": "bert-base-multilingual-cased"}


def bertscore(
    predictions: Sequence[str],
    references: Sequence[str],
    *,
    lang: str = "en",
    model: str | None = None,
) -> MetricOutput:
    """BERTScore F1 per item and its corpus mean, or a skipped marker."""
    if not package_available("bert_score"):
        return skipped_output("bertscore", "skipped: package 'bert_score' is not installed")
    model_id = model or DEFAULT_MODELS.get(lang, "bert-base-multilingual-cased")
    path = local_model_path(model_id)
    if path is None:
        return skipped_output(
            "bertscore", f"skipped: model '{model_id}' is not available locally (offline)"
        )
    if not predictions:
        return skipped_output("bertscore", "skipped: no items")
    import numpy as np
    from bert_score import score as bert_score_fn  # type: ignore[import-not-found]

    num_layers = None
    try:
        from bert_score.utils import model2layers  # type: ignore[import-not-found]

        num_layers = model2layers.get(model_id)
    except ImportError:  # pragma: no cover
        pass
    _, _, f1 = bert_score_fn(
        list(predictions),
        list(references),
        model_type=path,
        num_layers=num_layers or 9,
        lang=lang,
        verbose=False,
    )
    values = [100.0 * float(v) for v in f1.tolist()]
    stats = np.asarray(values, dtype=np.float64)[:, None]
    return MetricOutput(
        name="bertscore",
        score=float(np.mean(values)),
        stats=stats,
        aggregate=mean_aggregate,
        per_item=tuple(values),
        signature=f"bertscore|model:{model_id}|layers:{num_layers or 9}|f1",
    )
