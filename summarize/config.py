"""``PipelineConfig``: the one description of a pipeline run.

Every front end (the CLI, the web demo, evaluation suites, the benchmark, the
distributed engine) builds one of these; none keeps its own list of keys. A field's
``metadata`` says how it is offered on the command line (``flag``, ``help``), so adding
an option is one edit here (plus, for a nested generation setting, its flag in
:data:`summarize.cli_common.GENERATION_FLAGS`).

The config is frozen, validated on construction (:class:`ConfigError` naming the field),
pickles (the distributed engine ships it to workers), and round-trips through JSON and
TOML with :meth:`PipelineConfig.to_dict` / :meth:`PipelineConfig.from_dict`. It is what a
run's signature records.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.engines.backends import BACKENDS, DEFAULT_BACKEND, BackendOptions, get_backend
from summarize.engines.factory import DEVICES, DTYPES
from summarize.errors import ConfigError
from summarize.models import registry
from summarize.strategies import DEFAULT_STRATEGY, EXTRACTIVE_METHODS, STRATEGIES, get_strategy
from summarize.types import GenerationSettings

#: Default upper bound on an article's size (characters). Larger input is rejected per record.
DEFAULT_MAX_CHARS = 5_000_000

#: Most tokens one generation may produce (a summary, or one translated sentence). A
#: model with a smaller limit (its position embeddings) caps it further when it loads.
MAX_NEW_TOKENS = 4096
#: Articles per pipeline batch unless ``batch_size`` says otherwise: the one default of the
#: CLI, the demo, evaluation, the benchmark and the Ray engine.
DEFAULT_BATCH_SIZE = 8
#: Most beams: memory grows with the beam count, and more than a few dozen never helps.
MAX_BEAMS = 64
#: Most CPU threads a backend option may ask for (the CLI caps ``--threads`` by the CPU
#: count, with a warning).
MAX_THREADS = 1024


@dataclass(frozen=True)
class NumberRange:
    """The values a numeric setting accepts: finite numbers from ``low`` to ``high``
    (``low`` itself refused when ``low_open``: penalties must be above 0)."""

    low: float
    high: float
    low_open: bool = False

    def check(self, name: str, value: float) -> None:
        """Raise :class:`ConfigError` naming ``name`` for NaN, infinity or a value out of
        range."""
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number, got {value}")
        if (value <= self.low if self.low_open else value < self.low) or value > self.high:
            raise ConfigError(f"{name} must be {self.describe()}, got {_shown(value)}")

    def describe(self) -> str:
        if self.low_open:
            return f"greater than {_num(self.low)} and at most {_num(self.high)}"
        return f"from {_num(self.low)} to {_num(self.high)}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _shown(value: float) -> str:
    """``value`` for a message (an integer of 19 digits or more: a huge integer)."""
    if isinstance(value, int) and abs(value) >= 10**18:
        return "a huge integer"
    return f"{value:,}" if isinstance(value, int) else str(value)


#: The range of every numeric generation setting (:class:`GenerationSettings`).
GENERATION_RANGES: dict[str, NumberRange] = {
    "num_beams": NumberRange(1, MAX_BEAMS),
    "max_new_tokens": NumberRange(1, MAX_NEW_TOKENS),
    "min_new_tokens": NumberRange(0, MAX_NEW_TOKENS),
    "length_penalty": NumberRange(-10.0, 10.0),
    "no_repeat_ngram_size": NumberRange(0, 64),
    "repetition_penalty": NumberRange(0.0, 10.0, low_open=True),
    "seed": NumberRange(0, 2**32 - 1),
}
#: The range of the numeric backend options (``--threads``, ``--inter-threads``, ``--set
#: backend_options.X=N``); 0 is CTranslate2's "library default" for ``intra_threads``.
BACKEND_OPTION_RANGES: dict[str, NumberRange] = {
    "threads": NumberRange(1, MAX_THREADS),
    "intra_threads": NumberRange(0, MAX_THREADS),
    "inter_threads": NumberRange(1, MAX_THREADS),
}

#: How model batches are formed (``--batching``), by name. ``article``: within one article
#: only, so a record is a pure function of its article, the configuration and the models,
#: whatever the batch size, the engine, the actor count or a resume. ``throughput``: across
#: the articles of a batch, with a sentence-level cache: fuller batches, but padding (and
#: CTranslate2's split of a batch) makes a sentence's translation depend on the other
#: articles of its batch and on what the cache saw before.
BATCHING_ARTICLE = "article"
BATCHING_THROUGHPUT = "throughput"
BATCHINGS: dict[str, str] = {
    BATCHING_ARTICLE: "batches within one article: the same records whatever the batch "
    "size, engine or resume",
    BATCHING_THROUGHPUT: "batches across the articles of a batch and a sentence cache: "
    "faster, but a record can depend on the other articles of its batch",
}
#: Whether each batching forms model batches across articles.
ACROSS_ARTICLES: dict[str, bool] = {BATCHING_ARTICLE: False, BATCHING_THROUGHPUT: True}

#: The repair step's stricter decoding, under ``PipelineConfig.repair_translation``.
REPAIR_DEFAULTS = GenerationSettings(num_beams=6, no_repeat_ngram_size=3, repetition_penalty=1.3)

#: Value kinds understood by validation and by the CLI builder.
STR, INT, BOOL, CHOICE, GENERATION, MAPPING = (
    "str",
    "int",
    "bool",
    "choice",
    "generation",
    "mapping",
)


def _opt(
    default: Any = None,
    *,
    kind: str,
    help: str,
    flag: str | None = None,
    choices: tuple[str, ...] = (),
    minimum: int | None = None,
    maximum: int | None = None,
    nullable: bool = False,
    none_as: Any = None,
    factory: Any = None,
) -> Any:
    meta = {
        "none_as": none_as,
        "kind": kind,
        "help": help,
        "flag": flag,
        "choices": choices,
        "min": minimum,
        "max": maximum,
        "nullable": nullable,
    }
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class PipelineConfig:
    """Strategy, models, backend, generation settings and limits of one pipeline run.

    ``mt_model``/``sum_model`` are hub ids or local directories; ``None`` means the
    strategy's default (see :attr:`resolved_mt_model`, :attr:`resolved_sum_model`).
    """

    strategy: str = _opt(
        DEFAULT_STRATEGY,
        kind=CHOICE,
        choices=STRATEGIES,
        flag="--strategy",
        help="How the English summary is made.",
    )
    mt_model: str | None = _opt(
        kind=STR,
        nullable=True,
        flag="--mt-model",
        help=f"Translation model: hub id or local directory [default: {registry.DEFAULT_MT_MODEL}].",
    )
    sum_model: str | None = _opt(
        kind=STR,
        nullable=True,
        flag="--sum-model",
        help="Summarisation model: hub id or local directory [default: per strategy, "
        f"e.g. {registry.DEFAULT_SUM_MODEL}].",
    )
    mt_revision: str | None = _opt(
        kind=STR,
        nullable=True,
        flag="--mt-revision",
        help="Branch, tag or commit of a hub translation model.",
    )
    sum_revision: str | None = _opt(
        kind=STR,
        nullable=True,
        flag="--sum-revision",
        help="Branch, tag or commit of a hub summarisation model.",
    )
    backend: str = _opt(
        DEFAULT_BACKEND, kind=CHOICE, choices=BACKENDS, flag="--backend", help="Inference backend."
    )
    device: str = _opt("auto", kind=CHOICE, choices=DEVICES, flag="--device", help="Device.")
    dtype: str = _opt(
        "auto",
        kind=CHOICE,
        choices=DTYPES,
        flag="--dtype",
        help="Weights/compute type (int8* only with ctranslate2).",
    )
    translation: GenerationSettings = _opt(
        kind=GENERATION,
        factory=GenerationSettings,
        help="Decoding settings of the translation model.",
    )
    summary: GenerationSettings = _opt(
        kind=GENERATION,
        factory=GenerationSettings,
        help="Decoding settings of the summarisation model.",
    )
    extractive: str = _opt(
        "lead",
        kind=CHOICE,
        choices=EXTRACTIVE_METHODS,
        flag="--extractive",
        help="Sentence picker for --strategy extract-translate.",
    )
    extract_k: int = _opt(
        3,
        kind=INT,
        minimum=1,
        maximum=1_000,
        flag="--sentences",
        help="Sentences picked by extract-translate.",
    )
    full_translation: bool | None = _opt(
        kind=BOOL,
        nullable=True,
        flag="--full-translation",
        help="Translate the whole article [default: yes, except extract-translate].",
    )
    max_chars: int = _opt(
        DEFAULT_MAX_CHARS,
        kind=INT,
        minimum=0,
        maximum=1_000_000_000,
        none_as=0,
        flag="--max-chars",
        help="Reject articles longer than this many characters (0: no limit).",
    )
    max_batch_tokens: int = _opt(
        4096,
        kind=INT,
        minimum=1,
        maximum=1_000_000,
        flag="--max-batch-tokens",
        help="Token budget of one translation batch.",
    )
    summary_batch_tokens: int = _opt(
        2048,
        kind=INT,
        minimum=1,
        maximum=1_000_000,
        flag="--summary-batch-tokens",
        help="Token budget of one summarisation batch (padded inputs; more is faster "
        "batching, more memory).",
    )
    cache_size: int = _opt(
        20_000,
        kind=INT,
        minimum=0,
        maximum=10_000_000,
        flag="--cache-size",
        help="Translated sentences kept in memory for repeats (0: no cache).",
    )
    batch_size: int = _opt(
        DEFAULT_BATCH_SIZE,
        kind=INT,
        minimum=1,
        maximum=100_000,
        flag="--batch-size",
        help="Articles per pipeline batch (local and Ray runs, the demo's Batch tab and "
        "digests, evaluation).",
    )
    batching: str = _opt(
        BATCHING_ARTICLE,
        kind=CHOICE,
        choices=tuple(BATCHINGS),
        flag="--batching",
        help="How model batches are formed: 'article' (within one article: the same records "
        "whatever the batch size, engine or resume) or 'throughput' (across the articles "
        "of a batch: faster, but a record can depend on its neighbours).",
    )
    repair: bool = _opt(
        True,
        kind=BOOL,
        flag="--repair",
        help="Retranslate sentences flagged repetition/untranslated/length/truncated with "
        "stricter decoding, then with --fallback-mt-model [default: on].",
    )
    fallback_mt_model: str | None = _opt(
        kind=STR,
        nullable=True,
        flag="--fallback-mt-model",
        help="Translation model for sentences that stricter decoding could not repair.",
    )
    repair_translation: GenerationSettings = _opt(
        kind=GENERATION,
        factory=GenerationSettings,
        help="Decoding settings of the repair step's retry; unset ones come from "
        "REPAIR_DEFAULTS (6 beams, no_repeat_ngram_size 3, repetition_penalty 1.3), then "
        "from the translation settings.",
    )
    prompts_dir: str | None = _opt(
        kind=STR,
        nullable=True,
        flag="--prompts-dir",
        help="Folder of prompts/<family>.toml overrides [default: $SUMMARIZE_PROMPTS_DIR or the "
        "shipped prompts].",
    )
    backend_options: BackendOptions = _opt(
        kind=MAPPING,
        factory=BackendOptions,
        help="Engine options (threads, inter_threads, cache_dir; which a backend takes: "
        "summarize.engines.backends); set from the command line with "
        "--threads/--inter-threads or --set backend_options.threads=N.",
    )

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = _check(f, getattr(self, f.name))
            object.__setattr__(self, f.name, value)
        get_backend(self.backend).check(self.backend_options)

    # -- derived values ------------------------------------------------------------
    @property
    def strategy_entry(self) -> Any:
        return get_strategy(self.strategy)

    @property
    def resolved_mt_model(self) -> str:
        return self.mt_model or registry.DEFAULT_MT_MODEL

    @property
    def resolved_sum_model(self) -> str | None:
        entry = get_strategy(self.strategy)
        if not entry.needs_summarizer:
            return None
        return self.sum_model or entry.default_sum_model

    @property
    def resolved_full_translation(self) -> bool:
        if self.full_translation is not None:
            return self.full_translation
        return bool(get_strategy(self.strategy).full_translation)

    def replace(self, **changes: Any) -> PipelineConfig:
        """A copy with ``changes`` (validated)."""
        unknown = sorted(set(changes) - set(field_names()))
        if unknown:
            raise ConfigError(f"unknown pipeline setting(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **changes)

    # -- serialisation ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON/TOML-able values; unset (``None``) values are left out."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (GenerationSettings, BackendOptions)):
                value = value.to_dict()
            elif isinstance(value, Mapping):
                value = dict(value)
            if value is not None:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PipelineConfig:
        """Build from :meth:`to_dict`'s shape; unknown keys are a :class:`ConfigError`."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"a pipeline config must be a table, not {type(data).__name__}")
        unknown = sorted(set(data) - set(field_names()))
        if unknown:
            raise ConfigError(
                f"unknown pipeline setting(s): {', '.join(unknown)} "
                f"(known: {', '.join(field_names())})"
            )
        return cls(**dict(data))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def to_toml(self) -> str:
        import tomli_w

        return tomli_w.dumps(self.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> PipelineConfig:
        """Read a ``.toml`` or ``.json`` file written by :meth:`to_toml`/:meth:`to_json`."""
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read config file {p}: {exc.strerror}") from exc
        try:
            if p.suffix.lower() == ".json":
                data = json.loads(raw)
            else:
                try:
                    import tomllib
                except ModuleNotFoundError:  # Python 3.10
                    import tomli as tomllib  # type: ignore[no-redef]

                data = tomllib.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: invalid {p.suffix.lstrip('.') or 'TOML'} ({exc})") from exc
        return cls.from_dict(data)


def field_names() -> tuple[str, ...]:
    """Every setting of :class:`PipelineConfig`, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(PipelineConfig))


def config_fields() -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(PipelineConfig)


_GENERATION_FIELDS = {f.name: f for f in dataclasses.fields(GenerationSettings)}
#: The type of each generation setting that is no integer.
_GENERATION_TYPES: dict[str, type[float] | type[int] | type[bool]] = {
    "length_penalty": float,
    "repetition_penalty": float,
    "do_sample": bool,
}


def _generation_value(where: str, key: str, v: Any) -> Any:
    """One generation setting checked: its type (an integer for a float setting becomes a
    float) and its range; bad values name ``where.key``."""
    want = _GENERATION_TYPES.get(key, int)
    if want is float and isinstance(v, int) and not isinstance(v, bool):
        try:
            v = float(v)
        except OverflowError:  # an integer beyond any float
            raise ConfigError(f"{where}.{key} must be a finite number, got {_shown(v)}") from None
    if not isinstance(v, want) or (want is int and isinstance(v, bool)):
        raise ConfigError(f"{where}.{key} must be {want.__name__}, got {v!r}")
    if key in GENERATION_RANGES:
        GENERATION_RANGES[key].check(f"{where}.{key}", v)
    return v


def generation_settings(value: Any, where: str) -> GenerationSettings:
    """A :class:`GenerationSettings` from itself or a mapping; bad keys name ``where``."""
    if isinstance(value, GenerationSettings):
        value = value.to_dict()  # built directly (the API): checked like a table
    if value is None:
        return GenerationSettings()
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table of generation settings")
    unknown = sorted(set(value) - set(_GENERATION_FIELDS))
    if unknown:
        raise ConfigError(
            f"{where}: unknown generation setting(s) {', '.join(unknown)} "
            f"(known: {', '.join(_GENERATION_FIELDS)})"
        )
    checked = {key: _generation_value(where, key, v) for key, v in value.items() if v is not None}
    settings = GenerationSettings(**checked)
    lo, hi = settings.min_new_tokens, settings.max_new_tokens
    if lo is not None and hi is not None and lo > hi:
        raise ConfigError(f"{where}: min_new_tokens {lo} is larger than max_new_tokens {hi}")
    return settings


def backend_options(value: Any, where: str = "backend_options") -> BackendOptions:
    """A :class:`BackendOptions` from itself or a table; bad values name ``where``."""
    if value is None:
        return BackendOptions()
    if isinstance(value, BackendOptions):
        value = value.to_dict()  # built directly (the API): checked like a table
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table, got {type(value).__name__}")
    for key, v in value.items():
        if key in BACKEND_OPTION_RANGES and v is not None:
            if isinstance(v, bool) or not isinstance(v, int):
                raise ConfigError(f"{where}.{key} must be an integer, got {v!r}")
            BACKEND_OPTION_RANGES[key].check(f"{where}.{key}", v)
    return BackendOptions.from_mapping(value, where)


def _check_text(name: str, meta: Mapping[str, Any], value: Any) -> Any:
    """A ``STR`` or ``CHOICE`` value: a string (a path becomes one); an empty string for a
    nullable ``STR`` is None; a choice must be one of ``meta["choices"]``."""
    if isinstance(value, Path):
        value = str(value)
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a string, got {value!r}")
    if meta["kind"] == STR and meta["nullable"] and not value.strip():
        return None  # an empty model box means "the default"
    if meta["kind"] == CHOICE and value not in meta["choices"]:
        noun = name.replace("_", " ") + (" method" if name == "extractive" else "")
        raise ConfigError(
            f"{name}: unknown {noun} '{value}' (use one of {', '.join(meta['choices'])})"
        )
    return value


def _check_int(name: str, meta: Mapping[str, Any], value: Any) -> Any:
    """An ``INT`` value: an integer (no bool) within ``meta["min"]``..``meta["max"]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, got {value!r}")
    if meta["min"] is not None and value < meta["min"]:
        raise ConfigError(f"{name} must be at least {meta['min']}, got {value}")
    if meta["max"] is not None and value > meta["max"]:
        raise ConfigError(f"{name} must be at most {meta['max']:,}, got {_shown(value)}")
    return value


def _check_bool(name: str, meta: Mapping[str, Any], value: Any) -> Any:
    """A ``BOOL`` value: true or false."""
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be true or false, got {value!r}")
    return value


#: How a set value (not None) of each scalar kind is checked.
_SCALAR_CHECKS = {STR: _check_text, CHOICE: _check_text, INT: _check_int, BOOL: _check_bool}


def _check(f: dataclasses.Field[Any], value: Any) -> Any:
    """Validate (and lightly normalise) one field's value."""
    meta = f.metadata
    kind, name = meta["kind"], f.name
    if value is None and meta["nullable"]:
        return None
    if value is None and meta["none_as"] is not None:
        return meta["none_as"]
    if kind == GENERATION:
        return generation_settings(value, name)
    if kind == MAPPING:
        return backend_options(value, name)
    if value is None:
        raise ConfigError(f"{name} must be set")
    if kind not in _SCALAR_CHECKS:
        raise AssertionError(f"unhandled kind {kind}")  # pragma: no cover
    return _SCALAR_CHECKS[kind](name, meta, value)


def parse_assignment(text: str) -> tuple[list[str], Any]:
    """``key=value`` or ``section.key=value`` (``--set``): the key path and the value,
    read as JSON when it parses (numbers, true/false, null), else as a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set expects KEY=VALUE, got {text!r}")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return key.strip().split("."), value


def apply_assignments(data: dict[str, Any], assignments: list[str]) -> dict[str, Any]:
    """``data`` (a :meth:`PipelineConfig.to_dict` shape) with ``--set`` assignments applied."""
    out = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in data.items()}
    for text in assignments:
        path, value = parse_assignment(text)
        if path[0] not in field_names():
            raise ConfigError(
                f"--set {text}: unknown pipeline setting '{path[0]}' "
                f"(known: {', '.join(field_names())})"
            )
        if len(path) == 1:
            out[path[0]] = value
        elif len(path) == 2:
            section = out.get(path[0])
            section = dict(section) if isinstance(section, Mapping) else {}
            section[path[1]] = value
            out[path[0]] = section
        else:
            raise ConfigError(f"--set {text}: use KEY=VALUE or SECTION.KEY=VALUE")
    return out


def merge_settings(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` applied; nested tables merge key by key."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out
