"""The local engine's executor: batches run by :meth:`Pipeline.run` in this process and
streamed to one JSONL file (or stdout, or an object on a store through a local spool)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from summarize.errors import ConfigError, FeedError, OutputError
from summarize.jobs.events import Notice, Progress, Stage
from summarize.jobs.job import Job
from summarize.jobs.sink import Sink
from summarize.jobs.stories import StreamedStories
from summarize.jobs.tally import Outcome, Tally


def _local_output(job: Job) -> str:
    """The output as the local engine writes it: ``-``, a local path, or a remote URI."""
    from summarize import storage

    output = job.output
    storage.check_scheme(output)
    if storage.is_uri(output) and not storage.is_remote(output):  # file:///...
        output = str(storage.local_path(output))
    if output != "-" and not storage.is_remote(output) and os.path.isdir(output):
        raise ConfigError(f"-o {output} is a directory (only --engine ray writes one)")
    if job.resume and output == "-":
        raise ConfigError("--resume needs an output file (-o FILE)")
    return output


class LocalExecutor:
    """Runs a :class:`Job` in this process. ``pipeline``: an already built (or loaded)
    :class:`~summarize.pipeline.Pipeline` to use (the demo's shared one), else one is
    built from the job's config."""

    def __init__(self, job: Job, pipeline: Any = None) -> None:
        self.job = job
        self.pipeline = pipeline
        self.path = self.shown = _local_output(job)
        self.checkpoint: Any = None
        self.stories = StreamedStories()
        self.total: int | None = None

    @contextlib.contextmanager
    def session(self) -> Iterator[LocalExecutor]:
        """The output held for this run: locked (``<output>.lock``), and for an object on
        a store a local spool committed to it as it goes and at the end."""
        from summarize import storage
        from summarize.io import OutputLock

        with contextlib.ExitStack() as stack:
            if storage.is_remote(self.path):
                spool = stack.enter_context(
                    storage.SpooledOutput(self.path, resume=self.job.resume)
                )
                self.path, self.checkpoint = str(spool.path), spool.checkpoint
            stack.enter_context(OutputLock(self.path))  # before anything reads or cuts it
            if self.job.resume:
                from summarize.io import check_unique_ids

                check_unique_ids(self.job.inputs)
            yield self

    @property
    def target(self) -> str:
        return "stdout" if self.path == "-" else self.shown

    def count(self) -> int | None:
        """Records in the inputs (``None`` with feeds: not known before they are read)."""
        from summarize.io import count_records

        if self.job.feeds:
            return None
        found = count_records(self.job.inputs) if self.job.inputs else 0
        self.total = None if found is None else found + len(self.job.records)
        return self.total

    def done_ids(self) -> set[str]:
        """``resume``: ids already in the output (records that failed with a transient
        error are not done: tried again, their lines replaced), and their stories."""
        from summarize.io import completed_ids

        done = completed_ids(self.path, retry_transient=True)
        self.stories.resume_from(self.path)
        return done

    def load(self, sink: Sink) -> None:
        from summarize.web.reader import repeated_urls

        if self.pipeline is None:
            from summarize.pipeline import Pipeline

            self.pipeline = Pipeline(self.job.config)
        sink.emit(Stage("loading models"))
        self.pipeline.load()
        for warning in self.pipeline.license_warnings():
            sink.emit(Notice("Warning", warning))
        urls = repeated_urls(self.job.inputs)
        if urls:
            sink.emit(
                Notice(
                    "Warning",
                    f"{urls} URL(s) given more than once; each URL is fetched and processed once",
                )
            )

    def _pending(self, done: set[str], sink: Sink) -> Iterator[Any]:
        """The records to process: feeds, inputs, then in-memory records; those done are
        reported skipped (URLs among them are not fetched)."""
        from summarize.io import iter_records
        from summarize.web import iter_feed_records

        def skip(record_id: str) -> bool:
            if record_id not in done:
                return False
            sink.report([Outcome(record_id, skipped=True)])
            return True

        fetch = self.job.fetch
        for feed in self.job.feeds:
            try:
                yield from iter_feed_records(feed, skip=skip, settings=fetch)
            except FeedError as exc:
                sink.report([Outcome(feed, failed=True)])
                sink.emit(Notice("Error", str(exc)))
        unreadable = sink.tally.note_unreadable
        for record in iter_records(
            self.job.inputs, skip=skip, fetch=fetch, on_unreadable=unreadable
        ):
            if not skip(str(record.get("id"))):
                yield record
        for given in self.job.records:
            if not skip(str(given.get("id"))):
                yield dict(given)

    def write_error(self, exc: OSError, tally: Tally) -> OutputError:
        reason = exc.strerror or str(exc)
        hint = f"; continue with --resume -o {self.shown}" if self.path != "-" else ""
        return OutputError(
            f"cannot write {self.shown}: {reason} (errno {exc.errno}). The {tally.written} "
            f"records written before are valid{hint} once the problem is fixed."
        )

    def execute(self, done: set[str], sink: Sink) -> None:
        """Run the batches; each result gets its story ids and is written, then reported."""
        from summarize.io import JsonlWriter

        try:
            writer_cm = JsonlWriter(self.path, append=self.job.resume)
        except OSError as exc:
            raise self.write_error(exc, sink.tally) from None
        with writer_cm as writer:
            results = self.pipeline.run(
                self._pending(done, sink),
                batch_size=self.job.batch_size,
                on_event=lambda e: sink.emit(Progress(e)),
            )
            for result in results:
                result = self.stories.assign(result)
                try:
                    writer.write(result.to_dict())
                except OSError as exc:  # ENOSPC, EIO, EFBIG...: the line was taken back
                    raise self.write_error(exc, sink.tally) from None
                if self.checkpoint is not None:
                    self.checkpoint()
                sink.report([Outcome.of(result)])

    def finish(self, sink: Sink, *, interrupted: bool) -> None:
        """Retried records replace their old lines (``resume``); the stories' note."""
        from summarize.io import replace_superseded

        if self.job.resume and not interrupted:
            try:
                replace_superseded(self.path)
            except OSError as exc:
                raise self.write_error(exc, sink.tally) from None
        note = self.stories.merged_note(self.path, self.shown)
        if note is not None:
            sink.emit(note)

    def interrupted(self, tally: Tally, elapsed: float) -> str:
        hint = f" Continue with --resume -o {self.target}." if self.path != "-" else ""
        return (
            f"Interrupted: {tally.written} records written to {self.target} in {elapsed:.1f}s."
            f"{hint}"
        )
