"""Evaluation suites: a TOML file naming a data set, systems, metrics and statistics.

Example (``eval/indosum-baselines.toml``)::

    name = "indosum-baselines"
    task = "summarization"            # or "translation"
    source_language = "id"
    reference_language = "id"         # language of the references (ROUGE stemming)
    metrics = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    resamples = 1000
    seed = 12345
    # limit = 50

    [dataset]
    data = "indosum"                  # a named data set: `summarize data pull indosum`
    loader = "indosum"                # nusax_mt | tatoeba | talpco | indosum | pairs
    path = "dev.01.first150.jsonl"    # a file of that data set

    [rouge]
    tokenizer = "unicode"             # or "default" (rouge-score's own)
    stemmer = false                   # Porter; English references only
    lsum = "newline-or-split"

    [[systems]]
    type = "baseline"
    name = "lead-3"

    [[systems]]
    type = "pipeline"                 # the project's Pipeline
    name = "opus-mt"
    strategy = "extract-translate"
    mt_model = "Helsinki-NLP/opus-mt-id-en"
    [systems.translation]             # GenerationSettings
    num_beams = 4

    [[systems]]
    type = "outputs"                  # precomputed predictions (.txt/.jsonl/.csv)
    name = "my-system"
    path = "outputs/my-system.jsonl"

With ``data = NAME`` the loader's paths are files of that named data set
(:mod:`summarize.evaluation.data`), read from the data cache; a data set that is not
there (or fails its checksums) stops the run with the ``summarize data pull NAME``
command. Without ``data``, paths are relative to the suite file (``{evaldata}``, kept for
older suites, expands to the data cache folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from summarize.errors import ConfigError
from summarize.evaluation.datasets import (
    LOADERS,
    EvalItem,
    dataset_files,
    is_indosum_file,
    load_pairs,
    normalise_loader_name,
)
from summarize.evaluation.metrics import expand_metrics
from summarize.evaluation.stats import DEFAULT_RESAMPLES, DEFAULT_SEED
from summarize.evaluation.systems import (
    BASELINE,
    OUTPUTS,
    SYSTEM_TYPES,
    SystemSpec,
    parse_system,
)
from summarize.evaluation.tasks import SUMMARIZATION, TASKS, get_task, guess_task

__all__ = [
    "SYSTEM_TYPES",
    "TASKS",
    "DatasetSpec",
    "Suite",
    "SystemSpec",
    "list_suites",
    "load_suite",
    "load_target",
    "parse_suite",
    "suite_for_file",
]


def repo_root() -> Path:
    """The checkout holding the ``summarize`` package (parent of the package folder)."""
    return Path(__file__).resolve().parents[2]


def evaldata_dir() -> Path:
    """What ``{evaldata}`` in older suites expands to: the data cache
    (:func:`summarize.evaluation.data.data_dir`)."""
    from summarize.evaluation.data import data_dir

    return data_dir()


def suite_dirs() -> list[Path]:
    """Folders searched for suite names: ``./eval``, ``<repo root>/eval``, then the suites
    shipped inside the wheel (``summarize/eval_suites``)."""
    dirs = [
        Path.cwd() / "eval",
        repo_root() / "eval",
        Path(__file__).resolve().parents[1] / "eval_suites",
    ]
    out: list[Path] = []
    for d in dirs:
        if d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def resolve_path(template: str | Path, base_dir: Path) -> Path:
    """Expand ``{evaldata}`` and ``~``; a relative path is relative to ``base_dir``."""
    text = str(template)
    if "{evaldata}" in text:
        text = text.replace("{evaldata}", str(evaldata_dir()))
    p = Path(text).expanduser()
    return p if p.is_absolute() else (base_dir / p)


def data_set_name(value: Any, where: str) -> str | None:
    """The ``data`` key of a dataset table: a name from the data set table, or None."""
    if value is None:
        return None
    from summarize.evaluation.data import get_dataset

    if not isinstance(value, str):
        raise ConfigError(f"{where}: 'data' must be the name of a data set")
    return get_dataset(value).name


def resolve_data_path(template: str, data: str | None, base_dir: Path) -> Path:
    """A loader path: a file of the named data set ``data`` (in the data cache), else
    :func:`resolve_path` against ``base_dir``."""
    if data is None:
        return resolve_path(template, base_dir)
    from summarize.evaluation.data import dataset_dir

    p = Path(template)
    if p.is_absolute() or ".." in p.parts:
        raise ConfigError(
            f"a path of data set {data!r} must be a file name in it, got {template!r}"
        )
    return dataset_dir(data) / p


@dataclass(frozen=True)
class DatasetSpec:
    """Which loader reads which files. ``paths`` maps the loader's path arguments to
    resolved paths; ``options`` are the loader's other keyword arguments."""

    loader: str
    paths: dict[str, Path]
    options: dict[str, Any] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    #: the named data set the paths belong to (``summarize data pull NAME``), if any
    data: str | None = None

    def require(self) -> None:
        """Stop (exit 2, naming the pull command) unless the named data set is cached
        with its checksums."""
        if self.data is not None:
            from summarize.evaluation.data import require

            require(self.data)

    def files(self) -> list[Path]:
        return dataset_files(self.loader, self.paths, self.options)

    def load(self, limit: int | None = None) -> tuple[list[EvalItem], dict[str, list[str]]]:
        """Items plus any system outputs the data file carries (pairs files only)."""
        self.require()
        if self.loader == "pairs":
            return load_pairs(self.paths["path"], limit=limit, **self.options)
        info = LOADERS[self.loader]
        try:
            items = info.function(
                **{k: str(v) for k, v in self.paths.items()}, **self.options, limit=limit
            )
        except TypeError as exc:
            raise ConfigError(
                f"invalid [dataset] options for loader {self.loader!r} ({exc})"
            ) from exc
        return items, {}

    def describe(self) -> dict[str, Any]:
        return {
            **({"data": self.data} if self.data is not None else {}),
            "loader": self.loader,
            "paths": {k: str(v) for k, v in self.paths.items()},
            "templates": dict(self.templates),
            "options": dict(self.options),
        }


@dataclass(frozen=True)
class Suite:
    name: str
    task: str
    dataset: DatasetSpec
    systems: tuple[SystemSpec, ...]
    metrics: tuple[str, ...]
    limit: int | None = None
    resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    source_language: str = "id"
    reference_language: str = "en"
    rouge: dict[str, Any] = field(default_factory=dict)
    bleu: dict[str, Any] = field(default_factory=dict)
    chrf: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None
    notes: tuple[str, ...] = ()

    def system_names(self) -> list[str]:
        return [s.name for s in self.systems]


def _require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise ConfigError(f"{where}: missing '{key}'")
    return table[key]


def _parse_dataset(ds: Any, where: str, base_dir: Path) -> DatasetSpec:
    """The ``[dataset]`` table: its loader, the loader's paths and its other options."""
    if not isinstance(ds, dict):
        raise ConfigError(f"{where}: [dataset] must be a table")
    ds = dict(ds)
    loader = normalise_loader_name(str(_require(ds, "loader", f"{where} [dataset]")))
    ds.pop("loader")
    if loader == "pairs":
        path_args: tuple[str, ...] = ("path",)
    elif loader in LOADERS:
        path_args = LOADERS[loader].path_args
    else:
        raise ConfigError(
            f"{where}: unknown dataset loader {loader!r}; use {', '.join([*LOADERS, 'pairs'])}"
        )
    data_name = data_set_name(ds.pop("data", None), f"{where} [dataset]")
    templates = {k: str(_require(ds, k, f"{where} [dataset]")) for k in path_args}
    paths = {k: resolve_data_path(v, data_name, base_dir) for k, v in templates.items()}
    options = {k: v for k, v in ds.items() if k not in path_args}
    return DatasetSpec(
        loader=loader, paths=paths, options=options, templates=templates, data=data_name
    )


def _parse_systems(raw: Any, where: str, base_dir: Path) -> tuple[SystemSpec, ...]:
    """The ``[[systems]]`` tables, each checked by its kind; names must be unique."""
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}: define at least one [[systems]] table")

    def resolve(template: str) -> str:
        return str(resolve_path(template, base_dir))

    systems = tuple(parse_system(s, i, where, resolve) for i, s in enumerate(raw))
    names = [s.name for s in systems]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: duplicate system names: {', '.join(dupes)}")
    return systems


def _sizes(data: dict[str, Any], where: str) -> tuple[int | None, int]:
    """The suite's ``limit`` (items) and ``resamples``, checked."""
    limit = data.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ConfigError(f"{where}: limit must be a non-negative integer")
    resamples = int(data.get("resamples", DEFAULT_RESAMPLES))
    if resamples < 1:
        raise ConfigError(f"{where}: resamples must be >= 1")
    return limit, resamples


def parse_suite(data: dict[str, Any], *, path: Path | None = None) -> Suite:
    """Build a :class:`Suite` from parsed TOML; paths resolve against ``path``'s folder."""
    where = str(path) if path else "suite"
    base_dir = path.parent if path else Path.cwd()
    task = get_task(str(_require(data, "task", where)), where)
    dataset = _parse_dataset(_require(data, "dataset", where), where, base_dir)
    systems = _parse_systems(data.get("systems", []), where, base_dir)
    limit, resamples = _sizes(data, where)
    return Suite(
        name=str(data.get("name") or (path.stem if path else "suite")),
        task=task.name,
        dataset=dataset,
        systems=systems,
        metrics=expand_metrics(data.get("metrics") or task.metrics),
        limit=limit,
        resamples=resamples,
        seed=int(data.get("seed", DEFAULT_SEED)),
        source_language=str(data.get("source_language", "id")),
        reference_language=str(data.get("reference_language", task.reference_language)),
        rouge=dict(data.get("rouge", {})),
        bleu=dict(data.get("bleu", {})),
        chrf=dict(data.get("chrf", {})),
        description=str(data.get("description", "")),
        path=path,
    )


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError as exc:
            raise ConfigError("reading suites on Python 3.10 needs the 'tomli' package") from exc
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from exc


def list_suites() -> dict[str, Path]:
    """Suite name -> file, for every ``*.toml`` in :func:`suite_dirs` (first wins)."""
    out: dict[str, Path] = {}
    for d in suite_dirs():
        if d.is_dir():
            for f in sorted(d.glob("*.toml")):
                out.setdefault(f.stem, f)
    return out


def find_suite(name_or_path: str | Path) -> Path:
    """A suite file from a path or a name in ``eval/``."""
    p = Path(name_or_path).expanduser()
    if p.is_file():
        return p
    if p.suffix == ".toml" or os.sep in str(name_or_path):
        raise ConfigError(f"suite file not found: {p}")
    suites = list_suites()
    if str(name_or_path) in suites:
        return suites[str(name_or_path)]
    available = ", ".join(suites) or "none"
    raise ConfigError(f"no suite named {str(name_or_path)!r} (available: {available})")


def load_suite(name_or_path: str | Path) -> Suite:
    """Read and validate a suite by name (``indosum-baselines``) or path."""
    path = find_suite(name_or_path)
    return parse_suite(_load_toml(path), path=path.resolve())


def suite_for_file(
    path: str | Path,
    *,
    task: str | None = None,
    limit: int | None = None,
) -> Suite:
    """An ad-hoc suite for a data file.

    * IndoSum JSONL (has ``paragraphs``): lead-3 and TextRank-3 baselines with ROUGE.
    * A pairs file (JSONL/CSV with ``source``, ``reference`` and system columns): every
      system column is a system. Without system columns the baselines are used
      (lead-3/TextRank-3 for summarisation, copy-source for translation). The task is
      guessed from the source/reference length ratio unless given.
    """
    p = Path(path).expanduser().resolve()
    if not p.is_file():
        raise ConfigError(f"file not found: {p}")
    if is_indosum_file(p):
        summarization = get_task(SUMMARIZATION)
        return Suite(
            name=p.stem,
            task=summarization.name,
            dataset=DatasetSpec("indosum", {"path": p}, templates={"path": str(p)}),
            systems=_baselines(summarization.baselines),
            metrics=summarization.metrics,
            limit=limit,
            reference_language=summarization.reference_language,
            description=f"IndoSum-format file {p.name}: extractive baselines",
            path=None,
        )
    if p.suffix.lower() not in (".jsonl", ".jl", ".ndjson", ".csv", ".tsv"):
        raise ConfigError(
            f"{p}: not a suite (.toml), an IndoSum .jsonl, or a pairs .jsonl/.csv file"
        )
    items, outputs = load_pairs(p, limit=limit)
    notes: list[str] = []
    if task is None:
        entry = guess_task([it.source for it in items], [it.reference for it in items])
        notes.append(f"task guessed from the source/reference length ratio: {entry.name}")
    else:
        entry = get_task(task)
    if outputs:
        systems = tuple(SystemSpec(col, OUTPUTS, {"column": col}) for col in outputs)
    else:
        systems = _baselines(entry.baselines)
        notes.append("no system columns in the file: scoring baselines only")
    return Suite(
        name=p.stem,
        task=entry.name,
        dataset=DatasetSpec("pairs", {"path": p}, templates={"path": str(p)}),
        systems=systems,
        metrics=entry.metrics,
        limit=limit,
        reference_language="en",
        description=f"pairs file {p.name}",
        notes=tuple(notes),
    )


def _baselines(names: Sequence[str]) -> tuple[SystemSpec, ...]:
    return tuple(SystemSpec(n, BASELINE, {"baseline": n}) for n in names)


def load_target(target: str | Path, *, task: str | None = None) -> Suite:
    """A suite name, a suite ``.toml``, an IndoSum ``.jsonl`` or a pairs file."""
    p = Path(target).expanduser()
    if p.is_file() and p.suffix.lower() != ".toml":
        return suite_for_file(p, task=task)
    suite = load_suite(target)
    if task is not None and task != suite.task:
        raise ConfigError(f"suite {suite.name!r} is a {suite.task} suite, not {task}")
    return suite


def with_overrides(suite: Suite, **changes: Any) -> Suite:
    """A copy of ``suite`` with fields replaced (``None`` values are ignored)."""
    return replace(suite, **{k: v for k, v in changes.items() if v is not None})


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "suite"
