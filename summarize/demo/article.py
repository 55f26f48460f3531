"""The demo's Article tab: one article (pasted, uploaded or fetched) translated and
summarised, with concurrent requests for the same models run as one pipeline batch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from summarize.demo.errors import DemoError
from summarize.demo.formatting import (
    FLAG_MARK,
    article_metrics,
    flag_text,
    info_markdown,
    marked_sentence,
    title_markdown,
)
from summarize.demo.pages import fetch_page
from summarize.demo.pool import PipelinePool
from summarize.demo.progress import ProgressFn, no_progress
from summarize.demo.uploads import (
    check_article,
    friendly_record_error,
    pasted_article,
    read_article_upload,
)
from summarize.errors import SummarizeError
from summarize.types import Result


@dataclass
class ArticleOutput:
    summary: str
    title: str
    alignment: list[list[str]]
    info: str
    details: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass(eq=False)
class _Job:
    pipe: Any
    record: dict[str, Any]
    progress: ProgressFn
    units: int = 0  # sentences to translate, for the progress bar
    result: Result | None = None
    error: BaseException | None = None
    done: bool = False


class _ArticleBatcher:
    """Runs concurrent single-article requests for the same pipeline as one
    ``process_batch`` call of at most ``max_batch`` articles, one batch at a time.

    A free worker waits up to ``wait_s`` for more requests before it starts a batch
    that is not full: requests let in together by the queue arrive a few milliseconds
    apart, and without the wait the first would run alone while the others wait for it.

    Hand-written rather than Gradio's ``batch=True``: that fails every request of a
    batch when one article is bad, and gives no progress bar; here each request keeps
    its own result, error and progress.
    """

    def __init__(self, max_batch: int, using: Callable[[Any], Any], wait_s: float = 0.0) -> None:
        self.max_batch = max(1, int(max_batch))
        self.wait_s = max(0.0, float(wait_s)) if self.max_batch > 1 else 0.0
        self._using = using
        self._cond = threading.Condition()
        self._queue: list[_Job] = []
        self._busy = False

    def _same(self) -> list[_Job]:
        """The queued jobs for the first job's pipeline, oldest first."""
        first = self._queue[0]
        return [j for j in self._queue if j.pipe is first.pipe]

    def run(
        self, pipe: Any, record: dict[str, Any], progress: ProgressFn, units: int = 0
    ) -> Result:
        job = _Job(pipe, record, progress, units)
        with self._cond:
            self._queue.append(job)
            self._cond.notify_all()  # a worker filling its batch counts this one
            while not job.done:
                if self._busy:
                    self._cond.wait()
                    continue
                self._busy = True  # this thread runs the next batch
                deadline = time.monotonic() + self.wait_s
                while len(self._same()) < self.max_batch:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                batch = self._same()[: self.max_batch]
                for j in batch:
                    self._queue.remove(j)
                self._cond.release()
                try:
                    self._execute(batch)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._cond.notify_all()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _execute(self, batch: list[_Job]) -> None:
        pipe = batch[0].pipe
        total = sum(j.units for j in batch)
        done = 0

        def on_progress(n: int) -> None:
            nonlocal done
            done += n
            if total:
                frac = min(done / total, 1.0)
                desc = (
                    "Summarising…" if done >= total else f"Translating: {done} of {total} sentences"
                )
                for j in batch:
                    j.progress(0.05 + 0.75 * frac, desc)

        def on_summary(done_inputs: int, total_inputs: int) -> None:
            frac = done_inputs / total_inputs if total_inputs else 1.0
            for j in batch:
                j.progress(
                    0.8 + 0.2 * frac, f"Summarising: {done_inputs} of {total_inputs} passages"
                )

        def on_event(event: Any) -> None:  # the checks and repairs between the two
            if event.stage == "checking" or event.stage.startswith("repairing"):
                for j in batch:
                    j.progress(0.8, event.text().capitalize())

        for j in batch:
            j.progress(0.05, "Working…" if pipe.entry.translate_summary else "Translating…")
        try:
            with self._using(pipe):
                results = pipe.process_batch(
                    [j.record for j in batch],
                    on_progress=on_progress,
                    on_summary=on_summary,
                    on_event=on_event,
                )
            for j, result in zip(batch, results, strict=True):
                j.result = result
        except BaseException as exc:  # a model problem: every request of the batch sees it
            for j in batch:
                j.error = exc
        finally:
            for j in batch:
                j.done = True


class ArticleService:
    """The Article tab's action over the shared pool."""

    def __init__(self, pool: PipelinePool) -> None:
        self.pool = pool
        self.config = pool.config
        self._batcher = _ArticleBatcher(
            self.config.article_batch_size, pool.using, self.config.article_batch_wait_s
        )

    def summarize_article(
        self,
        text: str | None,
        file: str | None,
        strategy: str,
        mt_model: str,
        sum_model: str,
        length: str = "medium",
        progress: ProgressFn = no_progress,
        url: str | None = None,
    ) -> ArticleOutput:
        if url and url.strip():
            progress(0.0, "Fetching the page…")
            record = fetch_page(url, self.config)
        elif file:
            record = read_article_upload(file, self.config.pipeline.max_chars)
        else:
            record = pasted_article(text, self.config.pipeline.max_chars)

        units = check_article(record)
        progress(0.0, "Loading models…")
        pipe = self.pool.pipeline(strategy, mt_model, sum_model, length)
        progress(0.02, "Waiting for the model…")
        try:  # concurrent requests for the same models run as one batch
            result = self._batcher.run(pipe, record, progress, units)
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Model problem") from exc
        progress(1.0, "Done")
        if result.error:
            raise DemoError(friendly_record_error(result.error), title="Cannot read the article")
        return self._article_output(result)

    def _article_output(self, result: Result) -> ArticleOutput:
        english = any("translation skipped" in w for w in result.warnings)
        metrics = article_metrics(result, english=english)
        alignment = [
            [
                f"{a.paragraph + 1}.{a.index + 1}" + (f" {FLAG_MARK}" if a.flags else ""),
                marked_sentence(a, "source"),
                marked_sentence(a, "translation"),
                flag_text(a),
            ]
            for a in result.alignment
        ]
        details = {**result.to_dict(), "metrics": metrics}
        return ArticleOutput(
            summary=result.summary,
            title=title_markdown(result),
            alignment=alignment,
            info=info_markdown(result, metrics),
            details=details,
            warnings=list(result.warnings),
        )
