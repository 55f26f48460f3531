"""Optional COMET (0-100). Runs only when ``comet`` (unbabel-comet) is importable and
the checkpoint is available offline; otherwise returns a ``skipped`` marker.
This module never installs packages or downloads models."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from summarize.evaluation.metrics.base import MetricOutput, mean_aggregate, skipped_output
from summarize.evaluation.metrics.optional import local_model_path, package_available

DEFAULT_MODEL = "Unbabel/wmt22-comet-da"


def comet(
    sources: Sequence[str],
    predictions: Sequence[str],
    references: Sequence[str],
    *,
    model: str | None = None,
) -> MetricOutput:
    """COMET segment scores and system score, or a skipped marker."""
    if not package_available("comet"):
        return skipped_output("comet", "skipped: package 'comet' (unbabel-comet) is not installed")
    model_id = model or DEFAULT_MODEL
    path = local_model_path(model_id, "checkpoints/model.ckpt")
    if path is None:
        return skipped_output(
            "comet", f"skipped: model '{model_id}' is not available locally (offline)"
        )
    if not predictions:
        return skipped_output("comet", "skipped: no items")
    import numpy as np
    from comet import load_from_checkpoint  # type: ignore[import-not-found]

    ckpt = Path(path)
    if ckpt.is_dir():
        ckpt = (
            ckpt / "model.ckpt"
            if (ckpt / "model.ckpt").exists()
            else ckpt / "checkpoints" / "model.ckpt"
        )
    scorer = load_from_checkpoint(str(ckpt))
    data = [
        {"src": s, "mt": p, "ref": r}
        for s, p, r in zip(sources, predictions, references, strict=True)
    ]
    out = scorer.predict(data, batch_size=16, gpus=0, progress_bar=False)
    values = [100.0 * float(v) for v in out.scores]
    return MetricOutput(
        name="comet",
        score=float(np.mean(values)),
        stats=np.asarray(values, dtype=np.float64)[:, None],
        aggregate=mean_aggregate,
        per_item=tuple(values),
        signature=f"comet|model:{model_id}",
    )
