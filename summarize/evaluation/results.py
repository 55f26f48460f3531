"""What an evaluation run produces: per-system predictions, score cells with their
bootstrap CIs, paired comparisons, and the whole report with its ``results.json`` form.

Plain data, shared by the runner that fills it and the writers that render it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarize.evaluation.systems import SystemRun

if TYPE_CHECKING:  # pragma: no cover - types only: numpy loads with the suite's statistics
    from summarize.evaluation.datasets import EvalItem
    from summarize.evaluation.suite import Suite

RESULTS_VERSION = 1


def _num(x: float | None, digits: int = 6) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), digits)


def results_dict(report: EvalReport) -> dict[str, Any]:
    """The content of ``results.json``."""
    systems: dict[str, Any] = {}
    for run in report.systems:
        entry: dict[str, Any] = {
            "type": run.type,
            "output_language": run.output_language,
            "seconds": round(run.seconds, 3),
            "failed_items": run.error_count,
            "scores": {},
        }
        for s in report.scores:
            if s.system != run.name:
                continue
            cell: dict[str, Any] = {
                "score": _num(s.score),
                "ci95": [_num(s.low), _num(s.high)] if s.low is not None else None,
                "signature": s.signature,
            }
            if s.skipped:
                cell["skipped"] = s.skipped
            details = {k: v for k, v in s.details.items() if k != "formatted"}
            if details:
                cell["details"] = {
                    k: (_num(v) if isinstance(v, float) else v) for k, v in details.items()
                }
            entry["scores"][s.metric] = cell
        systems[run.name] = entry
    return {
        "format": f"summarize-eval/{RESULTS_VERSION}",
        "suite": report.suite.name,
        "task": report.suite.task,
        "items": len(report.items),
        "metrics": list(report.metrics),
        "systems": systems,
        "comparisons": [
            {
                "metric": c.metric,
                "baseline": c.baseline,
                "system": c.system,
                "delta": _num(c.delta),
                "p_value": _num(c.p_value),
                "win_rate": _num(c.win_rate),
            }
            for c in report.comparisons
        ],
        "signature": report.signature,
        "notes": list(report.notes),
        "seconds": round(report.seconds, 3),
    }


@dataclass(frozen=True)
class ScoreEntry:
    """One system x metric cell: corpus score with its bootstrap CI."""

    system: str
    metric: str
    score: float | None
    low: float | None = None
    high: float | None = None
    skipped: str | None = None
    signature: str = ""
    scale: str = "percent"
    higher_is_better: bool = True
    details: dict[str, Any] = field(default_factory=dict)

    def format(self, digits: int = 2) -> str:
        if self.skipped:
            return "skipped"
        if self.score is None:
            return "n/a"
        if self.low is None or self.high is None or self.low != self.low:
            return f"{self.score:.{digits}f}"
        return f"{self.score:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}]"


@dataclass(frozen=True)
class Comparison:
    """Paired bootstrap test of ``system`` against ``baseline`` (the suite's first system)."""

    metric: str
    baseline: str
    system: str
    delta: float
    p_value: float
    win_rate: float


@dataclass(frozen=True)
class EvalReport:
    suite: Suite
    items: tuple[EvalItem, ...]
    metrics: tuple[str, ...]
    systems: tuple[SystemRun, ...]
    scores: tuple[ScoreEntry, ...]
    comparisons: tuple[Comparison, ...]
    signature: dict[str, Any]
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    output_dir: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)

    def score(self, system: str, metric: str) -> ScoreEntry:
        for s in self.scores:
            if s.system == system and s.metric == metric:
                return s
        raise KeyError((system, metric))

    def system_names(self) -> list[str]:
        return [s.name for s in self.systems]

    def to_dict(self) -> dict[str, Any]:
        return results_dict(self)
