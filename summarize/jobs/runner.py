"""``run_job``: one batch job from inputs to the closing summary, on either engine.

The job's semantics live here once: the output held for the run, resume (the ids already
done are skipped), counting (:class:`~summarize.jobs.tally.Tally`), story ids
(:mod:`summarize.jobs.stories`), progress events (:mod:`summarize.jobs.events`) and the
closing summary. The engines differ only in how batches are executed:
:class:`~summarize.jobs.local.LocalExecutor` runs them with ``Pipeline.run`` in this
process, :class:`~summarize.jobs.ray.RayExecutor` on Ray Data.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from summarize.config import PipelineConfig
from summarize.errors import ConfigError
from summarize.jobs.events import Done, EventCallback, Finished, JobEvent, Notice, Started
from summarize.jobs.job import ENGINES, LOCAL, RAY, Job
from summarize.jobs.sink import Sink
from summarize.jobs.tally import Tally
from summarize.types import RunSummary


class JobInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the job; ``message`` says what stays and how to go on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Executor(Protocol):
    """How one engine executes a job's batches (see the module docs)."""

    total: int | None

    def session(self) -> Any: ...  # a context manager: the output held, the engine up

    @property
    def target(self) -> str: ...

    def count(self) -> int | None: ...

    def done_ids(self) -> set[str]: ...

    def load(self, sink: Sink) -> None: ...

    def execute(self, done: set[str], sink: Sink) -> None: ...

    def finish(self, sink: Sink, *, interrupted: bool) -> None: ...

    def interrupted(self, tally: Tally, elapsed: float) -> str: ...


def _local(job: Job, pipeline: Any) -> Executor:
    from summarize.jobs.local import LocalExecutor

    return LocalExecutor(job, pipeline)


def _ray(job: Job, pipeline: Any) -> Executor:
    from summarize.jobs.ray import RayExecutor

    if pipeline is not None:
        raise ConfigError("the Ray engine builds its pipelines in its actors: pass no pipeline")
    return RayExecutor(job)


#: engine name -> how to build its executor
EXECUTORS = {LOCAL: _local, RAY: _ray}


def executor_for(job: Job, pipeline: Any = None) -> Executor:
    if job.engine not in EXECUTORS:
        raise ConfigError(f"unknown engine '{job.engine}' (use one of {', '.join(ENGINES)})")
    return EXECUTORS[job.engine](job, pipeline)


def run_job(job: Job, *, pipeline: Any = None, on_event: EventCallback | None = None) -> RunSummary:
    """Run ``job``; returns its closing summary (also the last event, :class:`Finished`).

    ``pipeline``: a :class:`~summarize.pipeline.Pipeline` to use (local engine; the
    demo's shared one), else one is built from ``job.config``. ``on_event`` receives the
    job's progress (:mod:`summarize.jobs.events`). Domain errors are raised (a model that
    is not there, an output that cannot be written: what was written stays valid);
    per-record problems are records with ``error`` set. Ctrl-C (or SIGTERM where it is
    made an interrupt) raises :class:`JobInterrupted`, after the run's output was left
    consistent (``resume`` continues it).
    """
    executor = executor_for(job, pipeline)
    sink = Sink(on_event)
    start = time.perf_counter()
    with executor.session():
        done = executor.done_ids() if job.resume else set()
        sink.emit(Started(executor.count()))
        executor.load(sink)
        load_time = time.perf_counter() - start
        interrupted = _execute(executor, done, sink)
        if sink.tally.repeated:
            sink.emit(_repeated_notice(sink.tally.repeated))
        executor.finish(sink, interrupted=interrupted)
    elapsed = time.perf_counter() - start
    if interrupted:
        raise JobInterrupted(executor.interrupted(sink.tally, elapsed))
    summary = sink.tally.summary(
        elapsed=elapsed, load_time=load_time, target=executor.target, total=executor.total
    )
    sink.emit(Finished(summary, sink.tally.flag_line()))
    return summary


def _execute(executor: Executor, done: set[str], sink: Sink) -> bool:
    """Run the batches; whether Ctrl-C stopped them."""
    try:
        executor.execute(done, sink)
    except KeyboardInterrupt:
        return True
    return False


def _repeated_notice(repeated: list[str]) -> Notice:
    return Notice(
        "Warning",
        f"{len(repeated)} record(s) repeat an id met earlier in the input "
        f"(first: {repeated[0]!r}); each was processed and written (--resume needs "
        "unique ids)",
    )


def run_on_ray(
    paths: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    config: PipelineConfig | Mapping[str, Any],
    options: Any = None,
    *,
    resume: bool = False,
    on_batch: Callable[[int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> RunSummary:
    """:func:`~summarize.jobs.run_job` on the Ray engine, in the arguments of the former
    ``summarize.distributed.run``: ``options`` is a
    :class:`~summarize.distributed.RayOptions` (its ``batch_size`` is the job's),
    ``on_batch(n)`` is called as each batch of ``n`` records is done, ``on_note(text)``
    with each note."""
    from summarize.distributed import RayOptions

    options = options or RayOptions()
    cfg = config if isinstance(config, PipelineConfig) else PipelineConfig.from_dict(config)
    job = Job(
        tuple(str(p) for p in paths),
        str(outdir),
        config=cfg.replace(batch_size=options.batch_size),
        resume=resume,
        engine=RAY,
        ray=options,
    )

    def on_event(event: JobEvent) -> None:
        if isinstance(event, Done) and on_batch is not None:
            on_batch(event.n)
        elif isinstance(event, Notice) and on_note is not None:
            on_note(event.text)

    return run_job(job, on_event=on_event)
