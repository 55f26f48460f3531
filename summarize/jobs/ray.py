"""The Ray engine's executor: the same job, its batches run by the Ray Data plan of
:mod:`summarize.distributed.engine` (read tasks, a CPU stage, a model actor pool, writer
tasks that commit part files atomically), counted and reconciled here in the driver."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

from summarize.errors import ConfigError
from summarize.jobs.events import Stage, Total
from summarize.jobs.job import Job
from summarize.jobs.sink import Sink
from summarize.jobs.stories import group_parts
from summarize.jobs.tally import Outcome, Tally


class RayExecutor:
    """Runs a :class:`Job` on Ray Data (this machine, or the cluster of ``job.ray``)."""

    def __init__(self, job: Job, pipeline: Any = None) -> None:
        from summarize.distributed.engine import RayOptions
        from summarize.web import is_url

        if job.feeds:
            raise ConfigError("--feed needs the local engine")
        if job.records:
            raise ConfigError("records given in memory need the local engine")
        if job.output == "-":
            raise ConfigError("--engine ray needs an output directory (-o DIR)")
        if any(is_url(p) for p in job.inputs):
            raise ConfigError("--engine ray reads files and directories, not URLs")
        self.job = job
        self.options = dataclasses.replace(job.ray or RayOptions(), batch_size=job.batch_size)
        self.run: Any = None
        self.total: int | None = None

    @contextlib.contextmanager
    def session(self) -> Iterator[RayExecutor]:
        from summarize.distributed import engine

        with engine.session(
            self.job.inputs, self.job.output, self.job.config, self.options, resume=self.job.resume
        ) as run:
            self.run = run
            yield self

    @property
    def target(self) -> str:
        return str(self.run.out.uri) if self.run is not None else self.job.output

    def count(self) -> int | None:
        return None  # counted on the cluster once the run starts (a Total event)

    def done_ids(self) -> set[str]:
        from summarize.distributed import output

        return output.completed_ids(self.run.out)

    def load(self, sink: Sink) -> None:
        """Models converted once in the driver where the backend needs it; the actors
        load them from the cache when the plan starts."""
        from summarize.distributed import engine

        sink.emit(Stage("preparing models"))
        engine.prepare(self.run)

    def execute(self, done: set[str], sink: Sink) -> None:
        from summarize.distributed import engine

        sink.tally.counts_flags = False  # the writers report each record's status only
        total, unreadable = engine.count(self.run)
        self.total = total
        sink.tally.unreadable = unreadable
        sink.emit(Total(total))
        for rows in engine.execute(self.run, done):
            sink.report(
                [
                    Outcome(
                        str(row["id"]),
                        skipped=bool(row["skip"]),
                        failed=bool(row["failed"]),
                        warned=bool(row["warned"]),
                        part=row["part"] or "",
                    )
                    for row in rows
                ]
            )

    def finish(self, sink: Sink, *, interrupted: bool) -> None:
        """Nothing lost (:func:`~summarize.distributed.engine.reconcile`), then the
        stories of the complete part files."""
        from summarize.distributed import engine

        if interrupted:
            return
        tally = sink.tally
        engine.reconcile(
            self.run.out,
            self.job.inputs,
            self.total or 0,
            tally.as_mapping(),
            tally.parts,
            tally.seen,
        )
        note = group_parts(self.run.out, self.job.inputs)
        if note is not None:
            sink.emit(note)

    def interrupted(self, tally: Tally, elapsed: float) -> str:
        return (
            f"Interrupted: the complete part files stay in {self.job.output}. "
            f"Continue with --resume -o {self.job.output}."
        )
