"""Evaluation suite: ROUGE, BLEU, chrF (with bootstrap confidence intervals),
reference-free and preservation metrics, baselines, data loaders and reports.

Nothing heavy is imported here: names load on first use.

>>> from summarize.evaluation import load_suite, run_suite          # doctest: +SKIP
>>> report = run_suite(load_suite("indosum-baselines"), output_dir="results/eval/x")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summarize._lazy import lazy_attribute

_LAZY = {
    "EvalItem": "summarize.evaluation.datasets",
    "load_nusax_mt": "summarize.evaluation.datasets",
    "load_tatoeba": "summarize.evaluation.datasets",
    "load_talpco": "summarize.evaluation.datasets",
    "load_indosum": "summarize.evaluation.datasets",
    "load_pairs": "summarize.evaluation.datasets",
    "detokenize": "summarize.evaluation.datasets",
    "baseline_predictions": "summarize.evaluation.baselines",
    "RougeSettings": "summarize.evaluation.metrics.rouge",
    "UnicodeTokenizer": "summarize.evaluation.metrics.rouge",
    "rouge": "summarize.evaluation.metrics.rouge",
    "bleu": "summarize.evaluation.metrics.bleu",
    "chrf": "summarize.evaluation.metrics.chrf",
    "bootstrap_ci": "summarize.evaluation.stats",
    "paired_bootstrap": "summarize.evaluation.stats",
    "Suite": "summarize.evaluation.suite",
    "load_suite": "summarize.evaluation.suite",
    "list_suites": "summarize.evaluation.suite",
    "suite_for_file": "summarize.evaluation.suite",
    "EvalReport": "summarize.evaluation.results",
    "run_suite": "summarize.evaluation.runner",
    "eval_command": "summarize.evaluation.cli",
}

__all__ = [
    "EvalItem",
    "EvalReport",
    "RougeSettings",
    "Suite",
    "UnicodeTokenizer",
    "baseline_predictions",
    "bleu",
    "bootstrap_ci",
    "chrf",
    "detokenize",
    "eval_command",
    "list_suites",
    "load_indosum",
    "load_nusax_mt",
    "load_pairs",
    "load_suite",
    "load_talpco",
    "load_tatoeba",
    "paired_bootstrap",
    "rouge",
    "run_suite",
    "suite_for_file",
]

if TYPE_CHECKING:  # pragma: no cover
    from summarize.evaluation.baselines import baseline_predictions
    from summarize.evaluation.cli import eval_command
    from summarize.evaluation.datasets import (
        EvalItem,
        detokenize,
        load_indosum,
        load_nusax_mt,
        load_pairs,
        load_talpco,
        load_tatoeba,
    )
    from summarize.evaluation.metrics.bleu import bleu
    from summarize.evaluation.metrics.chrf import chrf
    from summarize.evaluation.metrics.rouge import RougeSettings, UnicodeTokenizer, rouge
    from summarize.evaluation.results import EvalReport
    from summarize.evaluation.runner import run_suite
    from summarize.evaluation.stats import bootstrap_ci, paired_bootstrap
    from summarize.evaluation.suite import Suite, list_suites, load_suite, suite_for_file


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, globals(), name)
