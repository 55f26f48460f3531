"""The Ray engine's side of a job: a Ray session (checks, connection), models prepared,
then the Ray Data plan read -> prepare -> model -> write, and the reconciliation of what
the writers reported. :mod:`summarize.jobs.ray` drives them (it counts, reconciles and
groups stories as for every engine).

Ray is imported inside the functions here (nothing heavy at import).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from summarize import storage
from summarize.config import DEFAULT_BATCH_SIZE, PipelineConfig
from summarize.distributed import connect, output
from summarize.distributed.connect import (  # noqa: F401  (re-exported)
    alive_nodes,
    check_address,
    init_ray,
    resolve_address,
)
from summarize.distributed.connect import init_ray as _init_ray
from summarize.errors import (
    ConfigError,
    OutputError,
    SummarizeError,
)

RAY_INSTALL_HINT = "pip install 'summarize[ray]'"
#: Environment of the model actors: models load from the cache, never from the hub.
ACTOR_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
#: The smallest CPU share an actor reserves by default (more actors than that cannot fit).
_MIN_ACTOR_CPUS = 0.1
#: CPUs the cleaning and writing stages keep free on a machine the actors would fill.
_STAGE_CPUS = 0.5


@dataclass(frozen=True)
class RayOptions:
    """How the Ray engine runs.

    ``address``: a running cluster (``auto``, ``ray://...`` or ``host:port``); ``None``
    uses ``RAY_ADDRESS`` if set, else starts a private Ray instance on this machine (never
    one that is already running). ``timeout``: seconds to wait for a ``host:port`` or
    ``ray://`` cluster to answer. ``actors``: size of the
    model actor pool. ``num_gpus_per_actor`` may be fractional. ``cpus_per_actor``: the
    CPUs each actor reserves and the threads its models use (default: 1, less when the
    actors would otherwise leave no CPU for the cleaning stage). ``batch_size``: articles
    per model call. ``rows_per_file``: records per output part file (the most a killed run
    can lose per file in flight). ``output_format``: ``parquet`` or ``jsonl``.
    ``shared_path``: local input and output paths are on a filesystem every node of the
    cluster mounts at the same path (without it, a cluster of more than one node refuses
    local paths: a worker would read and write its own disk).
    """

    address: str | None = None
    actors: int = 1
    timeout: float = 60.0
    num_gpus_per_actor: float = 0.0
    cpus_per_actor: float | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    rows_per_file: int = 256
    output_format: str = "parquet"
    shared_path: bool = False

    def __post_init__(self) -> None:
        if self.actors < 1:
            raise ConfigError("actors must be at least 1")
        if not (0 < self.timeout < math.inf):
            raise ConfigError(
                f"ray timeout must be a positive number of seconds, got {self.timeout}"
            )
        if self.num_gpus_per_actor < 0:
            raise ConfigError("num_gpus_per_actor cannot be negative")
        if self.cpus_per_actor is not None and self.cpus_per_actor <= 0:
            raise ConfigError("cpus_per_actor must be positive")
        if self.batch_size < 1 or self.rows_per_file < 1:
            raise ConfigError("batch_size and rows_per_file must be at least 1")
        if self.output_format not in output.FORMATS:
            raise ConfigError(
                f"unknown output format '{self.output_format}' "
                f"(use one of {', '.join(output.FORMATS)})"
            )


def ray_available() -> bool:
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError:
        return False
    return True


def _require_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ConfigError(f"--engine ray needs Ray Data: {RAY_INSTALL_HINT}") from exc
    return ray


def _as_config(config: PipelineConfig | Mapping[str, Any]) -> PipelineConfig:
    """A ``PipelineConfig`` (a mapping is read as :meth:`PipelineConfig.from_dict` does)."""
    if isinstance(config, PipelineConfig):
        return config
    return PipelineConfig.from_dict(config)


def _domain_error(exc: BaseException) -> SummarizeError | None:
    """The domain error behind a Ray error (task/actor failures wrap the original)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        cur = todo.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        cause = getattr(cur, "cause", None)
        if isinstance(cause, BaseException) and cause is not cur:
            # A RayTaskError(OutputError) is an OutputError too, but its message is the
            # remote traceback: take the original exception it carries.
            todo.append(cause)
            continue
        if isinstance(cur, SummarizeError):
            return cur
        todo.extend([cur.__cause__, cur.__context__, getattr(cur, "cause", None)])
    return None


def _check_local_models(config: PipelineConfig) -> None:
    """Fail in the driver, not in N actors, for a model path that does not exist."""
    from summarize.models.hub import local_model_dir

    for model in (config.mt_model, config.sum_model):
        if model:
            local_model_dir(model)


#: How a multi-node cluster is told that local paths are shared (the CLI's flag).
SHARED_PATH_FLAG = "--shared-path"


def check_paths_reachable(
    ray: Any,
    paths: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    shared: bool,
    timeout: float = 60.0,
) -> None:
    """On a cluster of more than one node, refuse local input and output paths (each
    node would read and write its own disk: records lost without a word) unless
    ``shared`` says every node mounts them at the same path. Called before any model
    work; listing the nodes waits at most ``timeout`` seconds."""
    local = [str(p) for p in [*paths, outdir] if not storage.is_remote(p)]
    if not local or shared:
        return
    nodes = alive_nodes(ray, timeout)
    if nodes > 1:
        raise ConfigError(
            f"the Ray cluster has {nodes} nodes and {local[0]} is a local path the other "
            "nodes may not see: put the inputs and -o on object storage (s3://, gs://, "
            f"abfs://, hdfs://), or pass {SHARED_PATH_FLAG} if every node mounts it at the "
            "same path"
        )


def _check_inputs_exist(paths: Sequence[str | os.PathLike[str]]) -> None:
    for p in paths:
        found = storage.local_path(p)
        exists = found.exists() if found is not None else storage.resolve(p).exists()
        if not exists:
            raise ConfigError(f"no such file or directory: {p}")


def _quiet_ray_data() -> None:
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    import logging

    logging.getLogger("ray.data").setLevel(logging.WARNING)
    import warnings

    # A small input (fewer batches than actors) is fine: no need to say so.
    warnings.filterwarnings("ignore", message="The minimum number of concurrent actors")


@dataclass
class RaySession:
    """A Ray run in progress: Ray connected, ``out`` checked and writable, ``config``
    the configuration the actors get (:func:`prepare` points it at converted models)."""

    ray: Any
    paths: list[str]
    out: storage.Location
    config: PipelineConfig
    options: RayOptions
    #: the CPUs each model actor reserves (:func:`prepare` decides)
    actor_cpus: float = 1.0


@contextlib.contextmanager
def session(
    paths: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    config: PipelineConfig | Mapping[str, Any],
    options: RayOptions | None = None,
    *,
    resume: bool = False,
) -> Iterator[RaySession]:
    """The checks that need no cluster (output directory, local models, inputs), then
    Ray connected (or started, and shut down at the end) and the checks that need it
    (paths every node sees, an output the writers can write), all before any model
    work. Within the block, a Ray error is raised as the domain error behind it.

    ``paths`` and ``outdir`` are local paths or filesystem URIs (``s3://``, ``gs://``,
    ``abfs://``, ``hdfs://``, ``file://``; :mod:`summarize.storage`). On a cluster of
    more than one node, local paths need ``options.shared_path``.
    """
    ray = _require_ray()
    options = options or RayOptions()
    cfg = _as_config(config)
    out = storage.resolve(outdir)  # a local path is made absolute
    output.check_outdir(out, resume=resume)
    _check_local_models(cfg)
    _check_inputs_exist(paths)
    started = _init_ray(ray, options.address, options.timeout)
    try:
        check_paths_reachable(ray, paths, outdir, options.shared_path, options.timeout)
        output.check_writable(out)  # exit 4 now, not a RayTaskError after the whole run
        output.remove_unfinished(out)
        yield RaySession(ray, [str(p) for p in paths], out, cfg, options)
    except Exception as exc:
        domain = _domain_error(exc)
        if domain is not None and domain is not exc:
            raise domain from exc
        raise
    finally:
        if started:
            ray.shutdown()


def prepare(run: RaySession) -> None:
    """Refuse an actor pool the cluster cannot place, then convert the models once in
    the driver where the backend needs it (the actors load them from the cache)."""
    from summarize.distributed.prepare import needs_preparation, prepare_models

    run.actor_cpus = _actor_cpus(run.ray, run.options)
    if needs_preparation(run.config):
        device = run.config.device if run.options.num_gpus_per_actor else "cpu"
        run.config = prepare_models(run.config, device=device)


def _actor_cpus(ray: Any, options: RayOptions) -> float:
    """The CPUs each model actor reserves. Refuses (before any work) a pool the cluster
    can never place: it would wait for resources forever."""
    resources = connect.cluster_resources(ray, options.timeout)
    cpus = float(resources.get("CPU", 1.0))
    each = options.cpus_per_actor
    if each is None:
        each = max(min(1.0, (cpus - _STAGE_CPUS) / options.actors), _MIN_ACTOR_CPUS)
    if options.actors * each > cpus:
        raise ConfigError(
            f"{options.actors} actors need {options.actors * each:g} CPUs and the Ray cluster "
            f"has {cpus:g}: use --actors {max(int(cpus / each), 1)} or fewer"
        )
    gpus = float(resources.get("GPU", 0.0))
    if options.num_gpus_per_actor and options.actors * options.num_gpus_per_actor > gpus:
        raise ConfigError(
            f"{options.actors} actors need {options.actors * options.num_gpus_per_actor:g} "
            f"GPUs and the Ray cluster has {gpus:g}"
        )
    # it could place them: wait (bounded) until other jobs leave them free
    connect.wait_for_resources(
        ray, options.actors * each, options.actors * options.num_gpus_per_actor, options.timeout
    )
    return each


def count(run: RaySession) -> tuple[int, int]:
    """The inputs' records and unreadable files, counted by Ray read tasks."""
    from summarize.distributed.sources import RecordsDatasource

    _quiet_ray_data()
    sums = run.ray.data.read_datasource(RecordsDatasource(run.paths, count_only=True)).sum(
        ["n", "unreadable"]
    )
    return int(sums["sum(n)"]), int(sums["sum(unreadable)"])


def plan(run: RaySession, done: set[str]) -> Any:
    """The Ray Data plan: read -> prepare (CPU tasks) -> models (an actor pool) -> write
    (part files); its rows say what became of each record (``DONE_COLUMNS`` of
    :mod:`summarize.distributed.stages`). Ids in ``done`` pass through as skipped."""
    from ray.data import ActorPoolStrategy

    from summarize.distributed.sources import RecordsDatasource
    from summarize.distributed.stages import ModelStage, prepare_stage, write_stage

    _quiet_ray_data()
    options, actor_cpus = run.options, run.actor_cpus
    # Read tasks are I/O: they must fit beside the actors (Ray's default is 1 CPU each).
    ds = run.ray.data.read_datasource(
        RecordsDatasource(run.paths, rows_per_block=options.batch_size), num_cpus=_STAGE_CPUS / 4
    )
    ds = ds.map_batches(
        prepare_stage,
        batch_format="pyarrow",
        batch_size=options.batch_size,
        fn_kwargs={"config": run.config, "skip": frozenset(done)},
        num_cpus=_STAGE_CPUS / 2,
    )
    ds = ds.map_batches(
        ModelStage,
        fn_constructor_kwargs={"config": run.config, "threads": max(int(actor_cpus), 1)},
        compute=ActorPoolStrategy(size=options.actors),
        batch_size=options.batch_size,
        batch_format="pyarrow",
        num_cpus=actor_cpus,
        num_gpus=options.num_gpus_per_actor or None,
        runtime_env={"env_vars": dict(ACTOR_ENV)},
    )
    return ds.map_batches(
        write_stage,
        batch_format="pyarrow",
        batch_size=options.rows_per_file,
        fn_kwargs={"outdir": run.out, "fmt": options.output_format},
        num_cpus=_STAGE_CPUS / 4,
    )


def execute(run: RaySession, done: set[str]) -> Iterator[list[dict[str, Any]]]:
    """Run :func:`plan`; its rows (``id``, ``skip``, ``failed``, ``warned``, ``part``)
    one batch at a time, as the writers finish them."""
    for batch in plan(run, done).iter_batches(batch_size=None, batch_format="pyarrow"):
        yield batch.to_pylist()


def _some(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def reconcile(
    out: storage.Location,
    paths: Sequence[str | os.PathLike[str]],
    total: int,
    counts: Mapping[str, int],
    reported: Mapping[str, int],
    seen: set[str],
) -> None:
    """No silent loss: every record read is ok, failed or skipped, and every part file a
    writer reported is at OUTDIR with the records it reported. Raises
    :class:`OutputError` naming the records or files that do not add up."""
    accounted = counts["ok"] + counts["failed"] + counts["skipped"]
    problems = []
    if accounted != total:
        from summarize.io import iter_ids

        missing = [rid for rid in iter_ids(paths) if rid not in seen]
        problems.append(
            f"{total} records read but {accounted} accounted for ({counts['ok']} ok + "
            f"{counts['failed']} failed + {counts['skipped']} skipped)"
            + (f"; missing: {_some(missing)}" if missing else "")
        )
    present = {part.name for part in output.part_files(out)}
    lost = sorted(name for name in reported if name not in present)
    if lost:
        problems.append(
            f"{len(lost)} part file(s) reported written are not in {out.uri}: {_some(lost)} "
            "(a worker wrote where the driver cannot see: use object storage, or "
            f"{SHARED_PATH_FLAG} only on a filesystem every node shares)"
        )
    short = sorted(
        name
        for name, rows in reported.items()
        if name in present and output.part_rows(out.child(name)) != rows
    )
    if short:
        problems.append(f"part file(s) in {out.uri} without all their records: {_some(short)}")
    if problems:
        raise OutputError("the run does not add up: " + "; ".join(problems))
