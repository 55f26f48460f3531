"""The common shape of a computed metric, shared by every metric module.

Each metric module exposes small pure functions returning its own result type; the
runner converts those into :class:`MetricOutput` objects: a corpus score plus the
per-item *sufficient statistics* and an *aggregate* function, so that bootstrap
resampling can recompute the corpus score for any resample of items without running
the metric again (sacrebleu's approach for BLEU/chrF, a plain mean for ROUGE).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

#: ``aggregate(sums, n)``: ``sums`` is a ``(B, k)`` array of per-resample column sums of
#: the ``(n, k)`` statistics matrix; returns the ``B`` corpus scores.
Aggregate = Callable[["np.ndarray", int], "np.ndarray"]


@dataclass(frozen=True, eq=False)
class MetricOutput:
    """One metric computed for one system over a corpus.

    ``score`` is the corpus score (``None`` when skipped or undefined, e.g. no items).
    ``stats`` is the ``(n_items, k)`` matrix of per-item sufficient statistics and
    ``aggregate`` turns column sums of resampled rows into corpus scores; both are
    ``None`` for skipped metrics. ``per_item`` holds per-item scores (``None`` where an
    item has no defined value). ``scale`` is ``"percent"`` (0-100), ``"ratio"`` or
    ``"words"``: it tells the report how to plot it.
    """

    name: str
    score: float | None
    stats: np.ndarray | None = None
    aggregate: Aggregate | None = None
    per_item: tuple[float | None, ...] = ()
    signature: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None
    scale: str = "percent"
    higher_is_better: bool = True

    @property
    def ok(self) -> bool:
        return self.skipped is None and self.score is not None


def skipped_output(name: str, reason: str, *, signature: str = "") -> MetricOutput:
    """A marker for a metric that could not run (missing package or model, no items)."""
    return MetricOutput(name=name, score=None, skipped=reason, signature=signature)


def mean_aggregate(sums: np.ndarray, n: int) -> np.ndarray:
    """Aggregate for a per-item mean: column 0 holds the item score."""
    if n == 0:
        return sums[:, 0] * float("nan")
    return sums[:, 0] / n


def ratio_aggregate(sums: np.ndarray, n: int) -> np.ndarray:
    """Aggregate ``sum(col0) / sum(col1)``: a micro average, or a mean over the items
    that have a value (col1 = 1 where defined, col0 = value or 0). NaN when undefined."""
    import numpy as np

    num = sums[:, 0]
    den = sums[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def defined_mean(values: Sequence[float | None]) -> tuple[float | None, list[list[float]]]:
    """Mean over defined values plus the ``[value, defined]`` statistics rows."""
    rows = [[float(v), 1.0] if v is not None else [0.0, 0.0] for v in values]
    count = sum(r[1] for r in rows)
    mean = sum(r[0] for r in rows) / count if count else None
    return mean, rows
