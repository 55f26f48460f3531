"""The driver of the Ray engine: models ready, then read -> prepare -> model -> write.

Ray is imported inside the functions here (nothing heavy at import).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from summarize import storage
from summarize.config import DEFAULT_BATCH_SIZE, PipelineConfig
from summarize.distributed import output
from summarize.errors import (
    BackendNotInstalledError,
    ClusterUnavailableError,
    ConfigError,
    OutputError,
    SummarizeError,
)
from summarize.types import RunSummary

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


def resolve_address(address: str | None) -> str:
    """The address to give ``ray.init``: the one asked for, else ``$RAY_ADDRESS``, else
    ``"local"`` (a private instance: ``None`` would join any Ray already running here)."""
    return address or os.environ.get("RAY_ADDRESS") or "local"


def check_address(address: str, timeout: float) -> None:
    """Fail in one line, within ``timeout`` seconds, for a cluster that cannot answer:
    a ``ray://`` address without Ray Client installed, or a ``host:port`` (``ray://``
    included) where nothing accepts a connection. ``auto`` and ``local`` are Ray's own."""
    import socket

    if address in ("auto", "local"):
        return
    target = address
    if address.startswith("ray://"):
        try:
            import grpc  # noqa: F401  (what Ray Client needs beyond ray[data])
        except ImportError as exc:
            raise BackendNotInstalledError(
                "ray:// addresses need Ray Client: pip install 'ray[client]' "
                "(or run on the cluster's head node with --ray-address auto)"
            ) from exc
        target = address[len("ray://") :]
    host, sep, port = target.rstrip("/").rpartition(":")
    if not sep or not port.isdigit():
        raise ConfigError(
            f"Ray address '{address}' is not auto, local, host:port or ray://host:port"
        )
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as exc:
        raise ClusterUnavailableError(
            f"no Ray cluster answers at {address} ({exc.strerror or exc}); start one with "
            "`ray start --head`, or leave out --ray-address to run on this machine"
        ) from exc


def _init_ray(ray: Any, address: str | None, timeout: float = 60.0) -> bool:
    """Connect to (or start) Ray; returns whether this call started it."""
    if ray.is_initialized():
        return False
    import logging

    address = resolve_address(address)
    check_address(address, timeout)
    kwargs: dict[str, Any] = {
        "address": address,
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    import signal
    import threading

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if in_main else None
    ray.init(**kwargs)
    if in_main and previous is not None:
        # ray.init makes SIGTERM sys.exit(15); keep ours (Interrupted, exit 130).
        signal.signal(signal.SIGTERM, previous)
    return True


#: How a multi-node cluster is told that local paths are shared (the CLI's flag).
SHARED_PATH_FLAG = "--shared-path"


def alive_nodes(ray: Any) -> int:
    """How many nodes of the connected cluster are alive."""
    return sum(1 for node in ray.nodes() if node.get("Alive"))


def check_paths_reachable(
    ray: Any, paths: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str], shared: bool
) -> None:
    """On a cluster of more than one node, refuse local input and output paths (each
    node would read and write its own disk: records lost without a word) unless
    ``shared`` says every node mounts them at the same path. Called before any model
    work."""
    local = [str(p) for p in [*paths, outdir] if not storage.is_remote(p)]
    if not local or shared:
        return
    nodes = alive_nodes(ray)
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


def run(
    paths: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    config: PipelineConfig | Mapping[str, Any],
    options: RayOptions | None = None,
    *,
    resume: bool = False,
    progress: bool = False,
    on_batch: Callable[[int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> RunSummary:
    """Run the pipeline over ``paths`` on Ray Data; write part files into ``outdir``.

    ``paths`` and ``outdir`` are local paths or filesystem URIs (``s3://``, ``gs://``,
    ``abfs://``, ``hdfs://``, ``file://``; :mod:`summarize.storage`). On a cluster of
    more than one node, local paths need ``options.shared_path``. Every run is
    reconciled (:func:`reconcile`): a record or part file unaccounted for is
    :class:`~summarize.errors.OutputError`.

    ``config`` is a :class:`~summarize.config.PipelineConfig` (or its ``to_dict`` form). With ``resume``, ids already in ``outdir`` are skipped. Model problems raise
    domain errors; per-record problems are rows with ``error`` set.
    """
    ray = _require_ray()
    options = options or RayOptions()
    cfg = _as_config(config)
    out = storage.resolve(outdir)  # a local path is made absolute
    output.check_outdir(out, resume=resume)
    _check_local_models(cfg)
    _check_inputs_exist(paths)

    start = time.perf_counter()
    started = _init_ray(ray, options.address, options.timeout)
    try:
        check_paths_reachable(ray, paths, outdir, options.shared_path)
        output.check_writable(out)  # exit 4 now, not a RayTaskError after the whole run
        output.remove_unfinished(out)
        done = output.completed_ids(out) if resume else set()
        from summarize.distributed.prepare import needs_preparation, prepare_models

        prepared = time.perf_counter()
        if needs_preparation(cfg):
            device = cfg.device if options.num_gpus_per_actor else "cpu"
            cfg = prepare_models(cfg, device=device)
        load_time = time.perf_counter() - prepared
        summary = _execute(
            ray, paths, out, cfg, options, done, progress, on_batch, start, load_time
        )
    except Exception as exc:
        domain = _domain_error(exc)
        if domain is not None and domain is not exc:
            raise domain from exc
        raise
    finally:
        if started:
            ray.shutdown()
    _group_stories(out, paths, on_note)
    return summary


def _group_stories(
    out: storage.Location,
    paths: Sequence[str | os.PathLike[str]],
    on_note: Callable[[str], None] | None,
) -> None:
    """``story``/``duplicate_of`` as the local engine sets them (one pass in the driver)."""
    from summarize.distributed.grouping import assign_stories
    from summarize.io import iter_ids

    done = assign_stories(out, iter_ids(paths))
    if done.merged_path is not None and on_note is not None:
        on_note(
            "some articles were written before their story merged with an earlier one and "
            f"carry an older story id; final story ids: {done.merged_path}"
        )


def _actor_cpus(ray: Any, options: RayOptions) -> float:
    """The CPUs each model actor reserves. Refuses (before any work) a pool the cluster
    can never place: it would wait for resources forever."""
    resources = ray.cluster_resources()
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
    return each


def _execute(
    ray: Any,
    paths: Sequence[str | os.PathLike[str]],
    out: storage.Location,
    cfg: PipelineConfig,
    options: RayOptions,
    done: set[str],
    progress: bool,
    on_batch: Callable[[int], None] | None,
    start: float,
    load_time: float,
) -> RunSummary:
    import sys

    from ray.data import ActorPoolStrategy
    from tqdm import tqdm

    from summarize.distributed.sources import RecordsDatasource
    from summarize.distributed.stages import ModelStage, prepare_stage, write_stage

    _quiet_ray_data()
    str_paths = [str(p) for p in paths]
    actor_cpus = _actor_cpus(ray, options)
    sums = ray.data.read_datasource(RecordsDatasource(str_paths, count_only=True)).sum(
        ["n", "unreadable"]
    )
    total, unreadable = int(sums["sum(n)"]), int(sums["sum(unreadable)"])
    # Read tasks are I/O: they must fit beside the actors (Ray's default is 1 CPU each).
    ds = ray.data.read_datasource(
        RecordsDatasource(str_paths, rows_per_block=options.batch_size), num_cpus=_STAGE_CPUS / 4
    )
    ds = ds.map_batches(
        prepare_stage,
        batch_format="pyarrow",
        batch_size=options.batch_size,
        fn_kwargs={"config": cfg, "skip": frozenset(done)},
        num_cpus=_STAGE_CPUS / 2,
    )
    ds = ds.map_batches(
        ModelStage,
        fn_constructor_kwargs={"config": cfg, "threads": max(int(actor_cpus), 1)},
        compute=ActorPoolStrategy(size=options.actors),
        batch_size=options.batch_size,
        batch_format="pyarrow",
        num_cpus=actor_cpus,
        num_gpus=options.num_gpus_per_actor or None,
        runtime_env={"env_vars": dict(ACTOR_ENV)},
    )
    ds = ds.map_batches(
        write_stage,
        batch_format="pyarrow",
        batch_size=options.rows_per_file,
        fn_kwargs={"outdir": out, "fmt": options.output_format},
        num_cpus=_STAGE_CPUS / 4,
    )
    counts = {"ok": 0, "failed": 0, "skipped": 0, "warned": 0}
    reported: dict[str, int] = {}  # part file a writer wrote -> its records
    seen: set[str] = set()
    with tqdm(
        total=total, unit="article", disable=not progress, file=sys.stderr, dynamic_ncols=True
    ) as bar:
        for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
            rows = batch.to_pylist()
            for row in rows:
                seen.add(str(row["id"]))
                if row["part"]:
                    reported[row["part"]] = reported.get(row["part"], 0) + 1
                if row["skip"]:
                    counts["skipped"] += 1
                elif row["failed"]:
                    counts["failed"] += 1
                else:
                    counts["ok"] += 1
                    counts["warned"] += bool(row["warned"])
            bar.update(len(rows))
            if on_batch is not None:
                on_batch(len(rows))
    reconcile(out, paths, total, counts, reported, seen)
    return RunSummary(
        total=total,
        ok=counts["ok"],
        failed=counts["failed"],
        skipped=counts["skipped"],
        warned=counts["warned"],
        elapsed=time.perf_counter() - start,
        load_time=load_time,
        target=out.uri,
        unreadable=unreadable,
    )


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
