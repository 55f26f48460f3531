"""Pipeline options shared by ``summarize run``, ``eval`` and ``demo``.

The options are generated from :class:`summarize.config.PipelineConfig`'s fields (their
``flag`` and ``help`` metadata), so a new pipeline setting appears in every command line
without an edit here. Nested generation settings have the flags of
:data:`GENERATION_FLAGS`; anything else can be set with ``--set KEY=VALUE`` or a
``--config FILE`` (TOML or JSON).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from typing import Any

import click

from summarize.config import (
    BOOL,
    CHOICE,
    GENERATION_RANGES,
    INT,
    PipelineConfig,
    apply_assignments,
    config_fields,
    merge_settings,
)
from summarize.engines.backends import (
    BACKEND_TABLE,
    DEFAULT_BACKEND,
    BackendOptions,
    get_backend,
)
from summarize.errors import ConfigError
from summarize.strategies import STRATEGIES

__all__ = [
    "GENERATION_FLAGS",
    "STRATEGY_CHOICES",
    "pipeline_config",
    "pipeline_options",
    "pipeline_overrides",
    "thread_options",
]

STRATEGY_CHOICES = list(STRATEGIES)
#: One-letter aliases of pipeline flags.
_SHORT_FLAGS = {"strategy": "-s", "batch_size": "-b"}
THREADS_HELP = "CPU threads: per CTranslate2 worker, or torch's thread count [default: all cores]."
INTER_THREADS_HELP = "CTranslate2 workers that share each batch [default: 2 on 2+ cores]."


@dataclasses.dataclass(frozen=True)
class GenerationFlag:
    """A flag that sets generation settings: ``targets`` are ``(section, key)`` pairs.
    Its range is the setting's (:data:`summarize.config.GENERATION_RANGES`)."""

    flag: str
    param: str
    targets: tuple[tuple[str, str], ...]
    help: str

    @property
    def minimum(self) -> int:
        return int(GENERATION_RANGES[self.targets[0][1]].low)

    @property
    def maximum(self) -> int:
        return int(GENERATION_RANGES[self.targets[0][1]].high)

    @property
    def range(self) -> click.IntRange:
        return click.IntRange(self.minimum, self.maximum)


#: Flags for nested :class:`~summarize.types.GenerationSettings` values of the config.
GENERATION_FLAGS = (
    GenerationFlag(
        "--num-beams",
        "num_beams",
        (("translation", "num_beams"), ("summary", "num_beams")),
        "Beam size for both models [default: per model family, see prompts/].",
    ),
    GenerationFlag(
        "--min-length",
        "min_length",
        (("summary", "min_new_tokens"),),
        "Minimum summary length in tokens.",
    ),
    GenerationFlag(
        "--max-length",
        "max_length",
        (("summary", "max_new_tokens"),),
        "Maximum summary length in tokens.",
    ),
    GenerationFlag(
        "--max-translation-length",
        "max_translation_length",
        (("translation", "max_new_tokens"),),
        "Maximum tokens generated per translated sentence.",
    ),
)

#: Parameter names this module adds besides the config's own fields.
_EXTRA_PARAMS = ("config_file", "assignments", "threads", "inter_threads")


def _param(name: str) -> str:
    return f"cfg_{name}"


def _field_option(
    fld: dataclasses.Field[Any],
    shown: PipelineConfig,
    help_for: Mapping[str, str],
    show_defaults: bool,
    env: Mapping[str, Any],
) -> Any:
    """The click option of a :class:`PipelineConfig` field with a ``flag``."""
    meta = fld.metadata
    flag, kind = meta["flag"], meta["kind"]
    default = getattr(shown, fld.name)
    text = help_for.get(fld.name, meta["help"])
    if show_defaults and default is not None and kind != BOOL:
        text += f"  [default: {default}]" if "[default" not in text else ""
    kwargs: dict[str, Any] = {"default": None, "help": text, **env}
    decls = [flag, _param(fld.name)]
    if fld.name in _SHORT_FLAGS:
        decls.insert(1, _SHORT_FLAGS[fld.name])
    if kind == CHOICE:
        kwargs["type"] = click.Choice(meta["choices"])
    elif kind == INT:
        kwargs["type"] = click.IntRange(meta["min"], meta["max"])
    elif kind == BOOL:
        decls[0] = f"{flag}/--no-{flag[2:]}"
    else:
        kwargs["metavar"] = "ID|DIR" if fld.name.endswith("_model") else "TEXT"
    return click.option(*decls, **kwargs)


def pipeline_options(
    *,
    envvar_prefix: str | None = None,
    defaults: PipelineConfig | None = None,
    show_defaults: bool = True,
    help_for: Mapping[str, str] | None = None,
) -> Callable[[Any], Any]:
    """Click options for every :class:`PipelineConfig` field that has a ``flag``, the
    generation flags, ``--threads``/``--inter-threads``, ``--set`` and ``--config``.
    ``help_for`` replaces the help of fields (or generation flags) by name.

    Every option defaults to "not given" (``None``), so :func:`pipeline_overrides` can tell
    what the user set; ``defaults`` is only shown in the help. With ``envvar_prefix``
    each option also reads ``<PREFIX><NAME>`` (the demo's ``SUMMARIZE_MT_MODEL``...).
    """
    shown = defaults or PipelineConfig()
    help_for = dict(help_for or {})

    def env(name: str) -> dict[str, Any]:
        if envvar_prefix is None:
            return {}
        return {"envvar": f"{envvar_prefix}{name.upper()}", "show_envvar": True}

    def decorate(f: Any) -> Any:
        options = [
            _field_option(fld, shown, help_for, show_defaults, env(fld.name))
            for fld in config_fields()
            if fld.metadata.get("flag")
        ]
        for g in GENERATION_FLAGS:
            options.append(
                click.option(
                    g.flag,
                    _param(g.param),
                    type=g.range,
                    default=None,
                    help=help_for.get(g.param, g.help),
                    **env(g.param),
                )
            )
        options += [
            click.option("--threads", type=click.IntRange(1), help=THREADS_HELP, **env("threads")),
            click.option(
                "--inter-threads",
                type=click.IntRange(1),
                help=INTER_THREADS_HELP,
                **env("inter_threads"),
            ),
            click.option(
                "--set",
                "assignments",
                multiple=True,
                metavar="KEY=VALUE",
                help="Set any pipeline setting, e.g. --set summary.length_penalty=1.2 "
                "--set backend_options.threads=2 (repeatable).",
            ),
            click.option(
                "--config",
                "config_file",
                type=click.Path(exists=True, dir_okay=False),
                help="Pipeline settings from a TOML or JSON file (options given here win).",
                **env("config"),
            ),
        ]
        for option in reversed(options):
            f = option(f)
        return f

    return decorate


def pop_pipeline_options(options: dict[str, Any]) -> dict[str, Any]:
    """Remove this module's parameters from a command's ``**options`` and return them."""
    names = {_param(f.name) for f in config_fields()} | {_param(g.param) for g in GENERATION_FLAGS}
    names |= set(_EXTRA_PARAMS)
    return {k: options.pop(k) for k in list(options) if k in names}


def pipeline_overrides(options: Mapping[str, Any]) -> dict[str, Any]:
    """What the user set, in :meth:`PipelineConfig.to_dict`'s shape (generation settings
    as nested tables). ``--config`` and ``--threads`` are applied too; ``--set`` last."""
    out: dict[str, Any] = {}
    if options.get("config_file"):
        out.update(PipelineConfig.load(options["config_file"]).to_dict())
    for fld in config_fields():
        value = options.get(_param(fld.name))
        if value is not None:
            out[fld.name] = value
    for g in GENERATION_FLAGS:
        value = options.get(_param(g.param))
        if value is not None:
            for section, key in g.targets:
                out[section] = {**out.get(section, {}), key: value}
    backend = out.get("backend", DEFAULT_BACKEND)
    threads = thread_options(backend, options.get("threads"), options.get("inter_threads"))
    if threads:
        out["backend_options"] = {**out.get("backend_options", {}), **threads}
    return apply_assignments(out, list(options.get("assignments") or ()))


def pipeline_config(
    options: Mapping[str, Any], base: PipelineConfig | None = None
) -> PipelineConfig:
    """The :class:`PipelineConfig` of a command's options over ``base``."""
    start = (base or PipelineConfig()).to_dict()
    return PipelineConfig.from_dict(merge_settings(start, pipeline_overrides(options)))


def thread_options(backend: str, threads: int | None, inter_threads: int | None) -> dict[str, int]:
    """Backend options (:class:`~summarize.engines.backends.BackendOptions` as a table)
    for ``--threads``/``--inter-threads``.

    Which backend takes which is the backend table's (``--inter-threads`` needs one with
    workers); the engine applies them when it loads, not here: parsing options imports
    nothing heavy. Either is capped by the CPU cores this process may use, with a
    warning (more threads than cores only slows the work down).
    """
    chosen = BackendOptions(
        threads=_capped("--threads", threads),
        inter_threads=_capped("--inter-threads", inter_threads),
    )
    for name in get_backend(backend).unsupported(chosen):
        takers = [b.name for b in BACKEND_TABLE.values() if name in b.option_names]
        flag = "--" + name.replace("_", "-")
        raise ConfigError(f"{flag} needs --backend {' or '.join(takers)}")
    return chosen.to_dict()


def available_cpus() -> int:
    """The CPU cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return max(os.cpu_count() or 1, 1)


def _capped(flag: str, value: int | None) -> int | None:
    if value is None:
        return None
    cores = available_cpus()
    if value <= cores:
        return value
    shown = f"{value:,}" if value < 10**18 else "a huge number"
    click.echo(
        f"Warning: {flag} {shown} is more than the {cores} CPU core(s) this process may "
        f"use; using {cores}.",
        err=True,
    )
    return cores
