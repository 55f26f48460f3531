"""The system-kind table: how each ``[[systems]]`` type of a suite is parsed, run and
described.

A suite's systems are ``baseline`` (an extractive or copy baseline), ``pipeline`` (the
project's :class:`~summarize.pipeline.Pipeline`, with its settings) and ``outputs``
(precomputed predictions). Each is one :class:`SystemKind` entry; the suite parser, the
runner, the report and the demo ask the entry and never compare kind names.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from summarize.config import PipelineConfig, field_names, merge_settings
from summarize.errors import ConfigError, SummarizeError
from summarize.evaluation.datasets import EvalItem, load_predictions, sha256_files
from summarize.evaluation.tasks import get_task


class SuiteLike(Protocol):
    """What a run reads of its :class:`~summarize.evaluation.suite.Suite` (the suite
    module builds on this one, so the type is not imported here)."""

    @property
    def task(self) -> str: ...
    @property
    def source_language(self) -> str: ...
    @property
    def reference_language(self) -> str: ...


#: The kinds' names: a data file's baselines and its system columns are built with them.
BASELINE, PIPELINE, OUTPUTS = "baseline", "pipeline", "outputs"


@dataclass(frozen=True)
class SystemSpec:
    """One system: ``type`` names its :class:`SystemKind`; ``params`` holds the rest of its
    table (model ids, generation settings, output file...)."""

    name: str
    type: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SystemRun:
    """A system's predictions and how they were produced."""

    name: str
    type: str
    description: dict[str, Any]
    predictions: tuple[str, ...]
    output_language: str
    seconds: float = 0.0
    errors: tuple[str | None, ...] = ()
    intermediate: tuple[str, ...] | None = None  # e.g. the full translation of a pipeline

    @property
    def error_count(self) -> int:
        return sum(1 for e in self.errors if e)


@dataclass(frozen=True)
class RunContext:
    """What a run needs besides the spec, the items and the suite."""

    overrides: Mapping[str, Any] = field(default_factory=dict)
    inline_outputs: Mapping[str, list[str]] = field(default_factory=dict)
    progress: bool = True
    label: str | None = None


@dataclass(frozen=True)
class SystemKind:
    """One kind of system.

    ``parse(params, name, where, resolve)`` checks a suite table (without ``type`` and
    ``name``; ``resolve`` makes a path in it absolute) and returns the system's name and
    its params; ``run`` makes its
    predictions; ``describe`` renders the description its run recorded (the report);
    ``configurable``: pipeline settings (the command line's, the demo's) apply to it.
    """

    name: str
    description: str
    parse: Callable[
        [dict[str, Any], str | None, str, Callable[[str], str]], tuple[str, dict[str, Any]]
    ]
    run: Callable[[SystemSpec, Sequence[EvalItem], SuiteLike, RunContext], SystemRun]
    describe: Callable[[Mapping[str, Any]], str]
    configurable: bool = False


# ------------------------------------------------------------------------ baseline


def _parse_baseline(
    params: dict[str, Any], name: str | None, where: str, resolve: Callable[[str], str]
) -> tuple[str, dict[str, Any]]:
    from summarize.evaluation.baselines import is_baseline

    method = str(params.get("baseline", name or ""))
    if not is_baseline(method):
        raise ConfigError(
            f"{where}: unknown baseline {method!r}; use lead-K, textrank-K, copy-source "
            "or gold-extractive"
        )
    return name or method, {**params, "baseline": method}


def _run_baseline(
    spec: SystemSpec, items: Sequence[EvalItem], suite: SuiteLike, ctx: RunContext
) -> SystemRun:
    from summarize.evaluation.baselines import baseline_description, baseline_predictions

    start = time.perf_counter()
    method = str(spec.params.get("baseline", spec.name))
    predictions = baseline_predictions(method, items)
    return SystemRun(
        name=spec.name,
        type=spec.type,
        description=baseline_description(method),
        predictions=tuple(predictions),
        output_language=str(spec.params.get("language", suite.source_language)),
        seconds=time.perf_counter() - start,
    )


def _describe_baseline(desc: Mapping[str, Any]) -> str:
    bits = [f"method `{desc.get('method')}`"]
    if "k" in desc:
        bits.append(f"k={desc['k']}")
    if "implementation" in desc:
        bits.append(f"`{desc['implementation']}`")
    return "baseline: " + ", ".join(bits)


# ------------------------------------------------------------------------- outputs


def _parse_outputs(
    params: dict[str, Any], name: str | None, where: str, resolve: Callable[[str], str]
) -> tuple[str, dict[str, Any]]:
    params = dict(params)
    if "path" in params:
        params["path"] = resolve(params["path"])
    elif "column" not in params:
        raise ConfigError(f"{where}: outputs system {name!r} needs 'path' or 'column'")
    return name or Path(str(params.get("path", params.get("column")))).stem, params


def _run_outputs(
    spec: SystemSpec, items: Sequence[EvalItem], suite: SuiteLike, ctx: RunContext
) -> SystemRun:
    start = time.perf_counter()
    desc: dict[str, Any] = {"type": spec.type}
    if "path" in spec.params:
        predictions = load_predictions(spec.params["path"], items, column=spec.params.get("column"))
        desc["path"] = spec.params["path"]
        try:
            desc["sha256"] = sha256_files([spec.params["path"]])
        except OSError:  # pragma: no cover
            pass
    else:
        column = str(spec.params.get("column", spec.name))
        if column not in ctx.inline_outputs:
            raise ConfigError(f"system {spec.name!r}: the data file has no column {column!r}")
        predictions = ctx.inline_outputs[column][: len(items)]
        desc["column"] = column
    if "description" in spec.params:
        desc["about"] = spec.params["description"]
    return SystemRun(
        name=spec.name,
        type=spec.type,
        description=desc,
        predictions=tuple(predictions),
        output_language=str(spec.params.get("language", suite.reference_language)),
        seconds=time.perf_counter() - start,
    )


def _describe_outputs(desc: Mapping[str, Any]) -> str:
    where = desc.get("path") or f"column `{desc.get('column')}`"
    extra = f" (sha256 `{desc['sha256'][:12]}`)" if desc.get("sha256") else ""
    return f"precomputed outputs: {where}{extra}"


# ------------------------------------------------------------------------ pipeline


def _parse_pipeline(
    params: dict[str, Any], name: str | None, where: str, resolve: Callable[[str], str]
) -> tuple[str, dict[str, Any]]:
    name = name or str(params.get("mt_model") or params.get("sum_model") or "pipeline")
    for key in ("translation", "summary", "options"):
        if key in params and not isinstance(params[key], dict):
            raise ConfigError(f"{where}.{key} must be a table")
    return name, params


def pipeline_config(spec: SystemSpec, task: str, overrides: Mapping[str, Any]) -> PipelineConfig:
    """The :class:`PipelineConfig` of a pipeline system: its table's pipeline settings
    (and its ``options`` table), then ``overrides`` (nested tables merge key by key). The
    task's strategy applies unless the system names one."""
    settings: dict[str, Any] = {k: spec.params[k] for k in field_names() if k in spec.params}
    settings.update(spec.params.get("options", {}))
    strategy = get_task(task).strategy
    if strategy is not None:
        settings.setdefault("strategy", strategy)
    changes = {k: v for k, v in overrides.items() if k in field_names() and v is not None}
    settings = merge_settings(settings, changes)
    try:
        return PipelineConfig.from_dict(settings)
    except ConfigError as exc:
        section = next((k for k in ("translation", "summary") if str(exc).startswith(k)), None)
        what = f"bad [{section}] settings" if section else "invalid pipeline settings"
        raise ConfigError(f"system {spec.name!r}: {what} ({exc})") from exc


def _pipeline_predictions(
    pipe: Any, items: Sequence[EvalItem], translates: bool, size: int, bar: Any
) -> tuple[list[str], list[str | None], list[str] | None]:
    """Predictions, per-item errors and (articles) the intermediate translations, in
    batches of ``size``."""
    if translates:
        predictions: list[str] = []
        for i in range(0, len(items), size):
            chunk = [it.source for it in items[i : i + size]]
            predictions.extend(pipe.translate_texts(chunk, on_event=bar.event))
            bar.update(len(chunk))
        return predictions, [None] * len(predictions), None
    records = ({"id": it.id, "text": it.source} for it in items)
    predictions, intermediate, errors = [], [], []
    for result in pipe.run(records, batch_size=size, on_event=bar.event):
        predictions.append(result.summary or "")
        intermediate.append(result.translation or "")
        errors.append(result.error)
        bar.update(1)
    return predictions, errors, intermediate


def _run_pipeline(
    spec: SystemSpec, items: Sequence[EvalItem], suite: SuiteLike, ctx: RunContext
) -> SystemRun:
    from summarize.pipeline import Pipeline
    from summarize.progress import StageBar

    config = pipeline_config(spec, suite.task, ctx.overrides)
    pipe = Pipeline(**{name: getattr(config, name) for name in field_names()})
    start = time.perf_counter()
    # per item, with the stage of the model call under way in the postfix
    with StageBar(
        len(items), unit="item", desc=ctx.label or spec.name, enabled=ctx.progress, leave=False
    ) as bar:
        bar.stage("loading models")
        pipe.load()
        predictions, errors, intermediate = _pipeline_predictions(
            pipe, items, get_task(suite.task).translates, config.batch_size, bar
        )
    seconds = time.perf_counter() - start
    if len(predictions) != len(items):
        raise ConfigError(
            f"system {spec.name!r} returned {len(predictions)} outputs for {len(items)} items"
        )
    description: dict[str, Any] = {"type": spec.type, "requested": config.to_dict()}
    try:
        description.update(pipe.describe())
    except SummarizeError:
        raise
    except Exception as exc:  # describe() is informative only
        description["describe_error"] = repr(exc)
    description["batch_size"] = config.batch_size
    return SystemRun(
        name=spec.name,
        type=spec.type,
        description=jsonable(description),
        predictions=tuple(predictions),
        output_language=str(spec.params.get("language", "en")),
        seconds=seconds,
        errors=tuple(errors),
        intermediate=tuple(intermediate) if intermediate and any(intermediate) else None,
    )


def _describe_model(role: str, info: Any) -> str:
    if not isinstance(info, Mapping):
        return f"{role}: `{info}`"
    mid = info.get("model_id") or info.get("id") or info.get("model")
    rev, backend = info.get("revision"), info.get("backend")
    return f"{role}: `{mid}`" + (f"@{rev}" if rev else "") + (f" ({backend})" if backend else "")


def _describe_pipeline(desc: Mapping[str, Any]) -> str:
    import json

    strategy = desc.get("strategy", desc.get("requested", {}).get("strategy"))
    parts = [f"strategy `{strategy}`"]
    parts += [_describe_model(role, info) for role, info in (desc.get("models") or {}).items()]
    settings = desc.get("settings")
    if settings:
        parts.append(f"settings `{json.dumps(settings, sort_keys=True)}`")
    return "pipeline: " + "; ".join(parts)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (dataclasses through ``to_dict``, paths as text,
    anything else by ``repr``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        return jsonable(to_dict() if callable(to_dict) else dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


# --------------------------------------------------------------------------- table

_TABLE = (
    SystemKind(
        name=BASELINE,
        description="an extractive or copy baseline (lead-K, textrank-K, copy-source, ...)",
        parse=_parse_baseline,
        run=_run_baseline,
        describe=_describe_baseline,
    ),
    SystemKind(
        name=PIPELINE,
        description="the project's Pipeline with the system's settings",
        parse=_parse_pipeline,
        run=_run_pipeline,
        describe=_describe_pipeline,
        configurable=True,
    ),
    SystemKind(
        name=OUTPUTS,
        description="precomputed predictions (.txt/.jsonl/.csv, or a column of the data file)",
        parse=_parse_outputs,
        run=_run_outputs,
        describe=_describe_outputs,
    ),
)

#: Every system kind by name.
SYSTEM_KINDS: dict[str, SystemKind] = {k.name: k for k in _TABLE}
SYSTEM_TYPES: tuple[str, ...] = tuple(SYSTEM_KINDS)
#: The kind of a suite table without ``type``.
DEFAULT_SYSTEM_KIND = BASELINE


def get_system_kind(name: str) -> SystemKind:
    """The entry of ``name`` (:class:`ConfigError` for an unknown kind)."""
    try:
        return SYSTEM_KINDS[name]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown system type {name!r}; use {', '.join(SYSTEM_TYPES)}") from None


def parse_system(raw: Any, index: int, where: str, resolve: Callable[[str], str]) -> SystemSpec:
    """One ``[[systems]]`` table of a suite file, checked by its kind (``resolve``: a path
    of the table, made absolute)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: systems[{index}] must be a table")
    params = dict(raw)
    kind = str(params.pop("type", DEFAULT_SYSTEM_KIND))
    if kind not in SYSTEM_KINDS:
        raise ConfigError(
            f"{where}: systems[{index}] has unknown type {kind!r}; use {', '.join(SYSTEM_TYPES)}"
        )
    name = params.pop("name", None)
    name, params = SYSTEM_KINDS[kind].parse(params, name, f"{where}: systems[{index}]", resolve)
    return SystemSpec(name=str(name), type=kind, params=params)


def describe_system(desc: Mapping[str, Any]) -> str:
    """A recorded system description as one line of the report."""
    import json

    kind = SYSTEM_KINDS.get(str(desc.get("type", "")))
    return kind.describe(desc) if kind is not None else json.dumps(desc, sort_keys=True)


def is_configurable(spec: SystemSpec) -> bool:
    """Whether pipeline settings apply to ``spec`` (its kind runs the Pipeline)."""
    return get_system_kind(spec.type).configurable
