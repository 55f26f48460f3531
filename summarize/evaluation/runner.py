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

from summarize.config import PipelineConfig, field_names, merge_settings
from summarize.errors import ConfigError, SummarizeError
from summarize.evaluation.datasets import EvalItem, load_predictions, sha256_files
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
from summarize.evaluation.suite import Suite, SystemSpec
from summarize.strategies import TRANSLATION_ONLY_STRATEGY

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
#: (:class:`~summarize.config.PipelineConfig`), plus the batch size.
OVERRIDE_KEYS = (*field_names(), "batch_size")


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
        "transformers": _version("transformers"),
        "rouge-score": _version("rouge-score"),
        "sacrebleu": _version("sacrebleu"),
        "numpy": _version("numpy"),
        "ctranslate2": _version("ctranslate2"),
    }


# ------------------------------------------------------------------------- systems


def _baseline_run(spec: SystemSpec, items: Sequence[EvalItem], suite: Suite) -> SystemRun:
    from summarize.evaluation.baselines import baseline_description, baseline_predictions

    start = time.perf_counter()
    method = str(spec.params.get("baseline", spec.name))
    predictions = baseline_predictions(method, items)
    return SystemRun(
        name=spec.name,
        type="baseline",
        description=baseline_description(method),
        predictions=tuple(predictions),
        output_language=str(spec.params.get("language", suite.source_language)),
        seconds=time.perf_counter() - start,
    )


def _outputs_run(
    spec: SystemSpec, items: Sequence[EvalItem], suite: Suite, inline: Mapping[str, list[str]]
) -> SystemRun:
    start = time.perf_counter()
    if "path" in spec.params:
        predictions = load_predictions(spec.params["path"], items, column=spec.params.get("column"))
        desc: dict[str, Any] = {"type": "outputs", "path": spec.params["path"]}
        try:
            desc["sha256"] = sha256_files([spec.params["path"]])
        except OSError:  # pragma: no cover
            pass
    else:
        column = str(spec.params.get("column", spec.name))
        if column not in inline:
            raise ConfigError(f"system {spec.name!r}: the data file has no column {column!r}")
        predictions = inline[column][: len(items)]
        desc = {"type": "outputs", "column": column}
    if "description" in spec.params:
        desc["about"] = spec.params["description"]
    return SystemRun(
        name=spec.name,
        type="outputs",
        description=desc,
        predictions=tuple(predictions),
        output_language=str(spec.params.get("language", suite.reference_language)),
        seconds=time.perf_counter() - start,
    )


def pipeline_config(spec: SystemSpec, task: str, overrides: Mapping[str, Any]) -> PipelineConfig:
    """The :class:`PipelineConfig` of a pipeline system: its table's pipeline settings
    (and its ``options`` table), then ``overrides`` (nested tables merge key by key)."""
    settings: dict[str, Any] = {k: spec.params[k] for k in field_names() if k in spec.params}
    settings.update(spec.params.get("options", {}))
    if task == "translation":
        # sentence-level MT needs no summariser: don't load one
        settings.setdefault("strategy", TRANSLATION_ONLY_STRATEGY)
    changes = {k: v for k, v in overrides.items() if k in field_names() and v is not None}
    settings = merge_settings(settings, changes)
    try:
        return PipelineConfig.from_dict(settings)
    except ConfigError as exc:
        section = next((k for k in ("translation", "summary") if str(exc).startswith(k)), None)
        what = f"bad [{section}] settings" if section else "invalid pipeline settings"
        raise ConfigError(f"system {spec.name!r}: {what} ({exc})") from exc


def pipeline_kwargs(spec: SystemSpec, task: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``Pipeline(**kwargs)`` arguments of a pipeline system (its validated config's fields)."""
    config = pipeline_config(spec, task, overrides)
    return {name: getattr(config, name) for name in field_names()}


def _pipeline_run(
    spec: SystemSpec,
    items: Sequence[EvalItem],
    suite: Suite,
    overrides: Mapping[str, Any],
    progress: bool,
    label: str | None = None,
) -> SystemRun:
    from summarize.pipeline import Pipeline
    from summarize.progress import StageBar

    kwargs = pipeline_kwargs(spec, suite.task, overrides)
    requested = PipelineConfig(**kwargs).to_dict()
    batch_size = int(overrides.get("batch_size") or spec.params.get("batch_size", 8))
    pipe = Pipeline(**kwargs)
    start = time.perf_counter()
    errors: list[str | None] = []
    intermediate: list[str] | None = None
    # per item, with the stage of the model call under way in the postfix
    with StageBar(
        len(items), unit="item", desc=label or spec.name, enabled=progress, leave=False
    ) as bar:
        bar.stage("loading models")
        pipe.load()
        if suite.task == "translation":
            predictions: list[str] = []
            for i in range(0, len(items), batch_size):
                chunk = [it.source for it in items[i : i + batch_size]]
                predictions.extend(pipe.translate_texts(chunk, on_event=bar.event))
                bar.update(len(chunk))
            errors = [None] * len(predictions)
        else:
            records = ({"id": it.id, "text": it.source} for it in items)
            predictions, intermediate = [], []
            for result in pipe.run(records, batch_size=batch_size, on_event=bar.event):
                predictions.append(result.summary or "")
                intermediate.append(result.translation or "")
                errors.append(result.error)
                bar.update(1)
    seconds = time.perf_counter() - start
    if len(predictions) != len(items):
        raise ConfigError(
            f"system {spec.name!r} returned {len(predictions)} outputs for {len(items)} items"
        )
    description: dict[str, Any] = {"type": "pipeline", "requested": requested}
    try:
        description.update(pipe.describe())
    except SummarizeError:
        raise
    except Exception as exc:  # describe() is informative only
        description["describe_error"] = repr(exc)
    description["batch_size"] = batch_size
    return SystemRun(
        name=spec.name,
        type="pipeline",
        description=_jsonable(description),
        predictions=tuple(predictions),
        output_language=str(spec.params.get("language", "en")),
        seconds=seconds,
        errors=tuple(errors),
        intermediate=tuple(intermediate) if intermediate and any(intermediate) else None,
    )


def _jsonable(value: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        return _jsonable(to_dict() if callable(to_dict) else dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


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
    if spec.type == "baseline":
        return _baseline_run(spec, items, suite)
    if spec.type == "outputs":
        return _outputs_run(spec, items, suite, inline_outputs or {})
    if spec.type == "pipeline":
        return _pipeline_run(spec, items, suite, overrides or {}, progress, label)
    raise ConfigError(f"unknown system type {spec.type!r}")


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
    if overrides and not any(s.type == "pipeline" for s in specs):
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
        if spec.type == "pipeline":
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


def _score_runs(
    runs: Sequence[SystemRun], items: Sequence[EvalItem], suite: Suite, progress: bool
) -> tuple[dict[str, dict[str, MetricOutput]], list[ScoreEntry], Any | None]:
    """Every run's metric outputs and score cells (with bootstrap CIs), and the resample
    counts shared by the CIs and the paired tests."""
    n = len(items)
    counts = resample_counts(n, suite.resamples, suite.seed) if n else None
    references = [it.reference for it in items]
    sources = [it.source for it in items]
    outputs: dict[str, dict[str, MetricOutput]] = {}
    scores: list[ScoreEntry] = []
    for run in runs:
        config = metric_config(suite, run.output_language)
        outs = compute_metrics(
            suite.metrics, list(run.predictions), references, sources, config, progress=progress
        )
        ngram_metrics = [m for m in suite.metrics if m.startswith("novel-") or m == "compression"]
        if run.intermediate is not None and ngram_metrics:
            # compare an English summary with the English translation of the article
            alt = compute_metrics(
                ngram_metrics, list(run.predictions), references, list(run.intermediate), config
            )
            for name, value in alt.items():
                outs[name] = replace(value, details={**value.details, "source": "translation"})
        outputs[run.name] = outs
        for name in suite.metrics:
            out = outs[name]
            smp = None
            if out.ok and counts is not None and out.stats is not None and out.aggregate:
                smp = bootstrap_scores(out.stats, out.aggregate, counts=counts)
            if n == 0:
                out = replace(out, score=None)
            scores.append(_entry(run.name, out, smp))
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
