"""Run a suite: load the data, produce every system's predictions, score them, add
bootstrap CIs and paired tests, and write ``results.json``, ``report.md``,
``scores.png`` and ``predictions.jsonl``."""

from __future__ import annotations

import platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from summarize.config import field_names
from summarize.engines.backends import BACKEND_TABLE
from summarize.errors import ConfigError
from summarize.evaluation.datasets import EvalItem, sha256_files
from summarize.evaluation.metrics import (
    MetricConfig,
    MetricOutput,
    compute_metrics,
    expand_metrics,
)
from summarize.evaluation.metrics.rouge import RougeSettings
from summarize.evaluation.results import Comparison, EvalReport, ScoreEntry, SystemRun
from summarize.evaluation.stats import (
    DEFAULT_CONFIDENCE,
    bootstrap_scores,
    bootstrap_signature,
    paired_bootstrap,
    percentile_interval,
    resample_counts,
)
from summarize.evaluation.suite import Suite
from summarize.evaluation.systems import (
    RunContext,
    SystemSpec,
    get_system_kind,
    is_configurable,
    pipeline_config,
)

__all__ = [
    "OVERRIDE_KEYS",
    "Comparison",
    "EvalReport",
    "ScoreEntry",
    "SystemRun",
    "metric_config",
    "pipeline_config",
    "pipeline_kwargs",
    "run_suite",
    "run_system",
]

#: CLI/API overrides applied to every ``pipeline`` system: any pipeline setting
#: (:class:`~summarize.config.PipelineConfig`, the batch size included).
OVERRIDE_KEYS = field_names()


# ------------------------------------------------------------------------ versions


def _version(dist: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:
        return None


def environment() -> dict[str, Any]:
    """Package versions (read from metadata: nothing heavy is imported)."""
    import summarize

    return {
        "summarize": summarize.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": _version("torch"),
        "rouge-score": _version("rouge-score"),
        "sacrebleu": _version("sacrebleu"),
        "numpy": _version("numpy"),
        **{b.package: _version(b.package) for b in BACKEND_TABLE.values()},
    }


# ------------------------------------------------------------------------- systems


def pipeline_kwargs(spec: SystemSpec, task: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``Pipeline(**kwargs)`` arguments of a pipeline system (its validated config's fields)."""
    config = pipeline_config(spec, task, overrides)
    return {name: getattr(config, name) for name in field_names()}


def run_system(
    spec: SystemSpec,
    items: Sequence[EvalItem],
    suite: Suite,
    *,
    overrides: Mapping[str, Any] | None = None,
    inline_outputs: Mapping[str, list[str]] | None = None,
    progress: bool = True,
    label: str | None = None,
) -> SystemRun:
    """Predictions of one system for ``items`` (``label``: the progress bar's, e.g.
    ``system 2/3 opus-mt``)."""
    context = RunContext(
        overrides=overrides or {},
        inline_outputs=inline_outputs or {},
        progress=progress,
        label=label,
    )
    return get_system_kind(spec.type).run(spec, items, suite, context)


# -------------------------------------------------------------------------- scoring


def metric_config(suite: Suite, out_lang: str) -> MetricConfig:
    rouge_opts = dict(suite.rouge)
    rouge_opts.setdefault("lang", suite.reference_language)
    allowed = {"tokenizer", "stemmer", "lang", "lsum"}
    unknown = set(rouge_opts) - allowed
    if unknown:
        raise ConfigError(f"unknown [rouge] settings: {', '.join(sorted(unknown))}")
    return MetricConfig(
        rouge=RougeSettings(**rouge_opts),
        bleu=dict(suite.bleu),
        chrf=dict(suite.chrf),
        src_lang=suite.source_language,
        out_lang=out_lang,
    )


def _entry(system: str, out: MetricOutput, samples: Any | None) -> ScoreEntry:
    low = high = None
    if samples is not None and out.ok:
        low, high = percentile_interval(samples, DEFAULT_CONFIDENCE)
    return ScoreEntry(
        system=system,
        metric=out.name,
        score=out.score,
        low=low,
        high=high,
        skipped=out.skipped,
        signature=out.signature,
        scale=out.scale,
        higher_is_better=out.higher_is_better,
        details=dict(out.details),
    )


def run_suite(
    suite: Suite,
    *,
    systems: Sequence[str] | None = None,
    limit: int | None = None,
    output_dir: str | Path | None = None,
    seed: int | None = None,
    resamples: int | None = None,
    metrics: Sequence[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: bool = True,
    plot: bool = True,
) -> EvalReport:
    """Evaluate ``suite`` and (when ``output_dir`` is given) write the report files.

    ``systems`` filters by system name; ``limit``, ``seed``, ``resamples`` and
    ``metrics`` override the suite; ``overrides`` (``mt_model``, ``sum_model``,
    ``backend``, ``device``, ``strategy``, ``batch_size``) apply to pipeline systems.
    """
    t0 = time.perf_counter()
    overrides = _check_overrides(overrides)
    suite = _apply_run_options(suite, limit=limit, seed=seed, resamples=resamples, metrics=metrics)
    specs = _select_systems(suite, systems, overrides)
    notes: list[str] = list(suite.notes)
    items, inline, dataset_sig = _load_items(suite, notes)
    runs = _run_systems(specs, items, suite, overrides, inline, progress, notes)
    outputs, scores, counts = _score_runs(runs, items, suite, progress)
    comparisons = _compare_with_first(runs, outputs, suite, counts)
    notes.extend(f"{s.metric} for {s.system}: {s.skipped}" for s in scores if s.skipped)
    report = EvalReport(
        suite=suite,
        items=items,
        metrics=suite.metrics,
        systems=tuple(runs),
        scores=tuple(scores),
        comparisons=tuple(comparisons),
        signature=_signature(suite, dataset_sig, runs, scores, overrides),
        notes=tuple(dict.fromkeys(notes)),
        seconds=time.perf_counter() - t0,
    )
    if output_dir is not None:
        from summarize.evaluation.report import write_report

        report = write_report(report, Path(output_dir), plot=plot)
    return report


# ---------------------------------------------------------------- run_suite's steps


def _check_overrides(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The overrides that are set; unknown names are a :class:`ConfigError`."""
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(overrides) - set(OVERRIDE_KEYS)
    if unknown:
        raise ConfigError(f"unknown overrides: {', '.join(sorted(unknown))}")
    return overrides


def _apply_run_options(
    suite: Suite,
    *,
    limit: int | None,
    seed: int | None,
    resamples: int | None,
    metrics: Sequence[str] | None,
) -> Suite:
    """``suite`` with this run's limit, seed, resamples and metrics (when given), checked."""
    suite = replace(
        suite,
        limit=limit if limit is not None else suite.limit,
        seed=seed if seed is not None else suite.seed,
        resamples=resamples if resamples is not None else suite.resamples,
        metrics=expand_metrics(metrics) if metrics else suite.metrics,
    )
    if suite.resamples < 1:
        raise ConfigError("resamples must be >= 1")
    if suite.limit is not None and suite.limit < 0:
        raise ConfigError("limit must be >= 0")
    return suite


def _select_systems(
    suite: Suite, systems: Sequence[str] | None, overrides: Mapping[str, Any]
) -> list[SystemSpec]:
    """The systems to run, in the order asked for; model overrides need a pipeline system."""
    specs = list(suite.systems)
    if systems:
        wanted = list(dict.fromkeys(systems))
        missing = [w for w in wanted if w not in suite.system_names()]
        if missing:
            raise ConfigError(
                f"no system named {', '.join(map(repr, missing))} in suite {suite.name!r} "
                f"(systems: {', '.join(suite.system_names())})"
            )
        specs = [s for s in specs if s.name in wanted]
        specs.sort(key=lambda s: wanted.index(s.name))
    if overrides and not any(is_configurable(s) for s in specs):
        model_keys = [k for k in overrides if k in ("mt_model", "sum_model")]
        if model_keys:
            raise ConfigError(
                f"--{model_keys[0].replace('_', '-')} given but the selected systems include no "
                "pipeline system"
            )
    return specs


def _load_items(
    suite: Suite, notes: list[str]
) -> tuple[tuple[EvalItem, ...], dict[str, list[str]], dict[str, Any]]:
    """The data set's items, its inline output columns and its signature."""
    items_list, inline = suite.dataset.load(limit=suite.limit)
    items = tuple(items_list)
    files = suite.dataset.files()
    dataset_sig = {
        **suite.dataset.describe(),
        "sha256": sha256_files(files),
        "files": [str(f) for f in files],
        "items": len(items),
        "limit": suite.limit,
    }
    if not items:
        notes.append("the data set has no items: every score is undefined")
    return items, inline, dataset_sig


def _run_systems(
    specs: Sequence[SystemSpec],
    items: Sequence[EvalItem],
    suite: Suite,
    overrides: Mapping[str, Any],
    inline: Mapping[str, list[str]],
    progress: bool,
    notes: list[str],
) -> list[SystemRun]:
    """Every system's predictions, noting overridden settings and failed items."""
    runs: list[SystemRun] = []
    for number, spec in enumerate(specs, 1):
        run = run_system(
            spec,
            items,
            suite,
            overrides=overrides,
            inline_outputs=inline,
            progress=progress,
            label=f"system {number}/{len(specs)} {spec.name}",
        )
        if is_configurable(spec):
            run = _name_overridden(run, spec, overrides, notes)
        if run.error_count:
            notes.append(
                f"{run.name}: {run.error_count} of {len(items)} items failed and are scored as "
                f"empty outputs (first error: {next(e for e in run.errors if e)})"
            )
        runs.append(run)
    return runs


def _name_overridden(
    run: SystemRun, spec: SystemSpec, overrides: Mapping[str, Any], notes: list[str]
) -> SystemRun:
    """A pipeline run renamed after the models that replaced the suite's, with a note."""
    changed = {k: v for k, v in overrides.items() if k in field_names() and spec.params.get(k) != v}
    models = [str(changed[k]) for k in ("mt_model", "sum_model") if k in changed]
    if models:  # the suite's name would claim a model that did not run
        short = "+".join(Path(m).name or m for m in models)
        run = replace(run, name=f"{run.name}@{short}")
    if changed:
        notes.append(
            f"{run.name}: settings overridden (command line or API): "
            + ", ".join(f"{k}={v}" for k, v in changed.items())
        )
    return run


def _run_outputs(
    run: SystemRun, items: Sequence[EvalItem], suite: Suite, progress: bool
) -> dict[str, MetricOutput]:
    """One run's metric outputs. Novel n-grams and compression of a run that kept its
    intermediate English translation compare the summary with that translation."""
    references = [it.reference for it in items]
    config = metric_config(suite, run.output_language)
    outs = compute_metrics(
        suite.metrics,
        list(run.predictions),
        references,
        [it.source for it in items],
        config,
        progress=progress,
    )
    ngram_metrics = [m for m in suite.metrics if m.startswith("novel-") or m == "compression"]
    if run.intermediate is not None and ngram_metrics:
        alt = compute_metrics(
            ngram_metrics, list(run.predictions), references, list(run.intermediate), config
        )
        for name, value in alt.items():
            outs[name] = replace(value, details={**value.details, "source": "translation"})
    return outs


def _cell(system: str, out: MetricOutput, counts: Any | None, empty: bool) -> ScoreEntry:
    """One score cell, with its bootstrap CI when the metric resamples."""
    smp = None
    if out.ok and counts is not None and out.stats is not None and out.aggregate:
        smp = bootstrap_scores(out.stats, out.aggregate, counts=counts)
    return _entry(system, replace(out, score=None) if empty else out, smp)


def _score_runs(
    runs: Sequence[SystemRun], items: Sequence[EvalItem], suite: Suite, progress: bool
) -> tuple[dict[str, dict[str, MetricOutput]], list[ScoreEntry], Any | None]:
    """Every run's metric outputs and score cells (with bootstrap CIs), and the resample
    counts shared by the CIs and the paired tests."""
    n = len(items)
    counts = resample_counts(n, suite.resamples, suite.seed) if n else None
    outputs: dict[str, dict[str, MetricOutput]] = {}
    scores: list[ScoreEntry] = []
    for run in runs:
        outs = outputs[run.name] = _run_outputs(run, items, suite, progress)
        scores += [_cell(run.name, outs[name], counts, n == 0) for name in suite.metrics]
    return outputs, scores, counts


def _compare_with_first(
    runs: Sequence[SystemRun],
    outputs: Mapping[str, Mapping[str, MetricOutput]],
    suite: Suite,
    counts: Any | None,
) -> list[Comparison]:
    """Paired bootstrap tests of every system against the first one."""
    comparisons: list[Comparison] = []
    if len(runs) > 1 and counts is not None:
        base = runs[0].name
        for run in runs[1:]:
            for name in suite.metrics:
                a, b = outputs[base][name], outputs[run.name][name]
                if not (a.ok and b.ok) or a.stats is None or b.stats is None or not a.aggregate:
                    continue
                res = paired_bootstrap(
                    a.stats,
                    b.stats,
                    a.aggregate,
                    counts=counts,
                    seed=suite.seed,
                    aggregate_b=b.aggregate,
                )
                comparisons.append(
                    Comparison(name, base, run.name, res.delta, res.p_value, res.win_rate)
                )
    return comparisons


def _signature(
    suite: Suite,
    dataset_sig: dict[str, Any],
    runs: Sequence[SystemRun],
    scores: Sequence[ScoreEntry],
    overrides: Mapping[str, Any],
) -> dict[str, Any]:
    """What produced the scores: suite, data, systems, metric signatures, ROUGE and
    bootstrap settings, overrides and package versions."""
    metric_sigs: dict[str, str] = {}
    for s in scores:
        if s.signature and s.metric not in metric_sigs:
            metric_sigs[s.metric] = s.signature
    rouge_settings = metric_config(suite, suite.reference_language).rouge
    return {
        "suite": {
            "name": suite.name,
            "task": suite.task,
            "path": str(suite.path) if suite.path else None,
            "sha256": sha256_files([suite.path]) if suite.path else None,
            "description": suite.description,
            "source_language": suite.source_language,
            "reference_language": suite.reference_language,
        },
        "dataset": dataset_sig,
        "systems": {r.name: r.description for r in runs},
        "metrics": metric_sigs,
        "rouge": {
            "signature": rouge_settings.signature(),
            "tokenizer": rouge_settings.tokenizer,
            "stemmer": "porter" if rouge_settings.stemmer else "none",
            "lang": rouge_settings.lang,
            "lsum": rouge_settings.lsum,
        },
        "bootstrap": {
            "signature": bootstrap_signature(suite.resamples, suite.seed),
            "method": "percentile",
            "confidence": DEFAULT_CONFIDENCE,
            "resamples": suite.resamples,
            "seed": suite.seed,
            "paired_test": f"paired-bs|n:{suite.resamples}|seed:{suite.seed}|vs:{runs[0].name if runs else ''}",
        },
        "overrides": dict(overrides),
        "versions": environment(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
