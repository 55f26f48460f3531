"""What the demo's buttons do, without any Gradio: pipelines shared across requests,
per-model locks, batch and evaluation runs and their output files. Reading uploads is in
:mod:`summarize.demo.uploads`, the Markdown it shows in :mod:`summarize.demo.formatting`.

Every user-facing problem is raised as :class:`DemoError`; the UI layer shows it as a
notice on the page (and API clients get it as the error message).
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.config import PipelineConfig
from summarize.demo.config import EXTRACT_SENTENCES, LENGTH_PRESETS, DemoConfig
from summarize.demo.errors import DemoError
from summarize.demo.formatting import (
    FLAG_MARK,
    article_metrics,
    eval_markdown,
    flag_text,
    info_markdown,
    marked_sentence,
    seconds,
    title_markdown,
)
from summarize.demo.uploads import (
    batch_records,
    check_article,
    check_eval_upload,
    friendly_record_error,
    pasted_article,
    read_article_upload,
    translation_units,
    uploaded_paths,
)
from summarize.errors import ModelLoadError, SummarizeError
from summarize.strategies import STRATEGIES, default_sum_model, get_strategy
from summarize.types import Result

log = logging.getLogger("summarize.demo")

ProgressFn = Callable[[float | None, str], None]

#: How many pipelines (strategy x models x length) are kept; engines are cached anyway.
MAX_PIPELINES = 16


def _no_progress(fraction: float | None, desc: str) -> None:
    return None


# --------------------------------------------------------------------------- results


@dataclass
class ArticleOutput:
    summary: str
    title: str
    alignment: list[list[str]]
    info: str
    details: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchOutput:
    rows: list[list[str]]
    jsonl_path: str | None
    csv_path: str | None
    status: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class DigestOutput:
    markdown: str
    path: str
    status: str


@dataclass
class EvalOutput:
    table: str
    plot_path: str | None
    files: list[str]


# ----------------------------------------------------------------------------- service


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


class DemoService:
    """The demo's actions. One instance per app; safe to call from several threads."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self._pipelines: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        self._model_locks: dict[str, threading.Lock] = {}
        self._batcher = _ArticleBatcher(
            config.article_batch_size, self._using, config.article_batch_wait_s
        )
        if config.workdir is not None:
            self.workdir = Path(config.workdir)
            self.workdir.mkdir(parents=True, exist_ok=True)
        else:
            self.workdir = Path(tempfile.mkdtemp(prefix="summarize-demo-"))

    # -- models ---------------------------------------------------------------------
    def default_sum_model(self, strategy: str) -> str:
        """What the summary-model box shows for ``strategy``."""
        pipeline = self.config.pipeline
        if not get_strategy(strategy).needs_summarizer:
            return ""
        if strategy == pipeline.strategy and pipeline.sum_model:
            return pipeline.sum_model
        return default_sum_model(strategy) or ""

    def default_mt_model(self) -> str:
        from summarize.models.registry import DEFAULT_MT_MODEL

        return self.config.pipeline.mt_model or DEFAULT_MT_MODEL

    def _check_models(self, strategy: str, mt_model: str, sum_model: str) -> tuple[str, str | None]:
        mt = (mt_model or "").strip() or self.default_mt_model()
        sm = (sum_model or "").strip() or self.default_sum_model(strategy) or None
        if not get_strategy(strategy).needs_summarizer:
            sm = None
        if self.config.restricts_models:
            allowed_sum = self.default_sum_model(strategy) or None
            extra = set(self.config.allowed_models)
            if (mt != self.default_mt_model() and mt not in extra) or (
                sm != allowed_sum and sm not in extra
            ):
                raise DemoError(
                    "This demo only serves its configured models "
                    f"(translation: {self.default_mt_model()}"
                    + (f", summary: {allowed_sum}" if allowed_sum else "")
                    + (f"; also: {', '.join(sorted(extra))}" if extra else "")
                    + ").",
                    title="Model not allowed",
                )
        return mt, sm

    def pipeline(self, strategy: str, mt_model: str, sum_model: str, length: str = "medium") -> Any:
        """The loaded pipeline for these choices (built once, then shared)."""
        from summarize.pipeline import Pipeline

        if strategy not in STRATEGIES:
            raise DemoError(
                f"Unknown strategy '{strategy}'. Choose one of: {', '.join(STRATEGIES)}.",
                title="Invalid option",
            )
        if length not in LENGTH_PRESETS:
            raise DemoError(
                f"Unknown summary length '{length}'. Choose one of: {', '.join(LENGTH_PRESETS)}.",
                title="Invalid option",
            )
        mt, sm = self._check_models(strategy, mt_model, sum_model)
        key = (strategy, mt, sm, length)
        with self._lock:
            pipe = self._pipelines.get(key)
        if pipe is not None:
            return pipe
        cfg = self.config.pipeline
        try:
            pipe = Pipeline(
                cfg.replace(
                    strategy=strategy,
                    mt_model=mt,
                    sum_model=sm,
                    summary=LENGTH_PRESETS[length].merged_over(cfg.summary),
                    extract_k=EXTRACT_SENTENCES[length],
                )
            )
            pipe.load()
        except ModelLoadError as exc:  # found, but broken files
            raise DemoError(str(exc), title="Model cannot be loaded") from exc
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Model not available") from exc
        with self._lock:
            pipe = self._pipelines.setdefault(key, pipe)
            while len(self._pipelines) > MAX_PIPELINES:
                self._pipelines.pop(next(iter(self._pipelines)))
        return pipe

    @contextlib.contextmanager
    def _using(self, pipe: Any) -> Iterator[None]:
        """Serialise inference per model: tokenizers and the sentence cache are not
        thread-safe. Requests for different models still run in parallel."""
        names = sorted({pipe.mt_model, *([pipe.sum_model] if pipe.needs_summarizer else [])})
        with self._lock:
            locks = [self._model_locks.setdefault(n, threading.Lock()) for n in names]
        with contextlib.ExitStack() as stack:
            for lock in locks:
                stack.enter_context(lock)
            yield

    def preload(self) -> None:
        """Load the configured models now (the first request is then fast)."""
        self.pipeline(self.config.pipeline.strategy, "", "", "medium")

    # -- article ----------------------------------------------------------------------
    def _fetch_settings(self) -> Any:
        from summarize.web import FetchSettings

        return FetchSettings(
            timeout=self.config.fetch_timeout_s,
            max_bytes=min(5_000_000, self.config.pipeline.max_chars * 4),
            allow_private=self.config.fetch_allow_private,  # False unless a test sets it
        )

    def _check_url(self, url: str) -> str:
        from summarize.web import is_url

        url = url.strip()
        if not is_url(url):
            raise DemoError(
                f"'{url[:200]}' is not a web link. Give an http:// or https:// address.",
                title="Invalid link",
            )
        return url

    def _fetch_page(self, url: str) -> dict[str, Any]:
        """A news page as a record (trafilatura extracts its text in the pipeline)."""
        from summarize.errors import BlockedAddressError, FetchError
        from summarize.web import Fetcher

        url = self._check_url(url)
        try:
            with Fetcher(self._fetch_settings()) as fetcher:
                page = fetcher.fetch(url)
        except BlockedAddressError as exc:
            raise DemoError(str(exc), title="Address not allowed") from exc
        except FetchError as exc:
            raise DemoError(str(exc), title="Cannot fetch the page") from exc
        return {"id": "article", "text": page.text, "html": True, "url": url}

    def summarize_article(
        self,
        text: str | None,
        file: str | None,
        strategy: str,
        mt_model: str,
        sum_model: str,
        length: str = "medium",
        progress: ProgressFn = _no_progress,
        url: str | None = None,
    ) -> ArticleOutput:
        if url and url.strip():
            progress(0.0, "Fetching the page…")
            record = self._fetch_page(url)
        elif file:
            record = read_article_upload(file, self.config.pipeline.max_chars)
        else:
            record = pasted_article(text, self.config.pipeline.max_chars)

        units = check_article(record)
        progress(0.0, "Loading models…")
        pipe = self.pipeline(strategy, mt_model, sum_model, length)
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

    # -- batch ------------------------------------------------------------------------
    def process_batch(
        self,
        files: Sequence[str] | str | None,
        strategy: str,
        mt_model: str,
        sum_model: str,
        length: str = "medium",
        progress: ProgressFn = _no_progress,
    ) -> BatchOutput:
        files = uploaded_paths(files)
        if not files:
            raise DemoError(
                "Upload a JSONL or CSV file (columns id, title, text) or one or more "
                ".txt/.html articles first.",
                title="No files",
            )
        started = time.perf_counter()
        try:
            records, total = batch_records(files, self.config.max_batch_records)
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Cannot read the upload") from exc
        if not records:
            raise DemoError("The uploaded files contain no articles.", title="No articles")
        progress(0.0, "Loading models…")
        pipe = self.pipeline(strategy, mt_model, sum_model, length)
        out_dir = self._request_dir("batch")
        jsonl_path = out_dir / "results.jsonl"
        csv_path = out_dir / "results.csv"
        results: list[Result] = []
        progress(0.0, f"0 of {total} articles")
        size = self.config.batch_size
        with self._using(pipe), open(jsonl_path, "w", encoding="utf-8") as jf:
            for start in range(0, total, size):
                chunk = records[start : start + size]
                span = (
                    f"article {start + 1}"
                    if len(chunk) == 1
                    else f"articles {start + 1}–{start + len(chunk)}"
                )
                units = sum(translation_units(r) for r in chunk)
                translated = 0

                def on_progress(
                    n: int,
                    chunk: list[Any] = chunk,
                    units: int = units,
                    start: int = start,
                    span: str = span,
                ) -> None:
                    nonlocal translated
                    translated += n
                    frac = min(translated / units, 1.0) if units else 0.0
                    desc = (
                        f"Summarising {span} of {total}"
                        if frac >= 1.0
                        else f"Translating {span} of {total}"
                    )
                    progress((start + 0.7 * frac * len(chunk)) / total, desc)

                def on_summary(
                    done_inputs: int,
                    total_inputs: int,
                    chunk: list[Any] = chunk,
                    start: int = start,
                    span: str = span,
                ) -> None:
                    frac = done_inputs / total_inputs if total_inputs else 1.0
                    desc = (
                        f"Summarising {span} of {total}: {done_inputs} of {total_inputs} passages"
                    )
                    progress((start + (0.7 + 0.3 * frac) * len(chunk)) / total, desc)

                try:
                    chunk_results = pipe.process_batch(
                        chunk,
                        start_position=start + 1,
                        on_progress=on_progress,
                        on_summary=on_summary,
                    )
                except SummarizeError as exc:
                    raise DemoError(str(exc), title="Model problem") from exc
                for result in chunk_results:
                    results.append(result)
                    jf.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
                jf.flush()
                progress(len(results) / total, f"{len(results)} of {total} articles done")
        self._write_csv(results, csv_path)
        rows = []
        ok = failed = warned = 0
        for r in results:
            if r.error:
                failed += 1
                rows.append([r.id, "error", "", r.error])
            else:
                ok += 1
                warned += bool(r.warnings)
                rows.append([r.id, "ok", r.summary, " | ".join(r.warnings)])
        elapsed = time.perf_counter() - started
        status = (
            f"**Done: {len(results)} article{'s' if len(results) != 1 else ''}** · "
            f"{ok} ok ({warned} with warnings) · {failed} failed · {elapsed:.1f} s. "
            "Download the full results (translation, alignment, timings) below."
        )
        notes = [f"{failed} record(s) failed; see the table."] if failed else []
        return BatchOutput(rows, str(jsonl_path), str(csv_path), status, notes)

    @staticmethod
    def _write_csv(results: Sequence[Result], path: Path) -> None:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                [
                    "id",
                    "title",
                    "title_translation",
                    "summary",
                    "translation",
                    "strategy",
                    "seconds",
                    "warnings",
                    "error",
                ]
            )
            for r in results:
                writer.writerow(
                    [
                        r.id,
                        r.title or "",
                        r.title_translation or "",
                        r.summary,
                        r.translation,
                        r.strategy,
                        r.timings.get("total", ""),
                        " | ".join(r.warnings),
                        r.error or "",
                    ]
                )

    def _request_dir(self, kind: str) -> Path:
        """A fresh folder for one request's files; older ones past ``keep_outputs_s`` go."""
        self._prune_outputs()
        d = self.workdir / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _prune_outputs(self) -> None:
        keep = self.config.keep_outputs_s
        if keep is None:
            return
        cutoff = time.time() - keep
        for d in self.workdir.iterdir():
            if not d.name.startswith(("batch-", "eval-", "digest-")):
                continue
            try:
                if d.is_dir() and d.stat().st_mtime < cutoff:
                    shutil.rmtree(d, ignore_errors=True)
            except OSError:  # another request removed it first
                continue

    # -- digest -----------------------------------------------------------------------
    def digest(
        self,
        files: Sequence[str] | str | None,
        urls: str | None,
        strategy: str,
        mt_model: str,
        sum_model: str,
        length: str = "medium",
        progress: ProgressFn = _no_progress,
    ) -> DigestOutput:
        """Stories of uploaded articles and pasted links, one English summary each."""
        from summarize.digest import build_digest, to_markdown
        from summarize.web import iter_url_records

        files = uploaded_paths(files)
        links = [self._check_url(u) for u in (urls or "").splitlines() if u.strip()]
        if not files and not links:
            raise DemoError(
                "Upload several articles (.txt/.html, JSONL or CSV) or paste links to news "
                "pages, one per line.",
                title="No articles",
            )
        if len(links) > self.config.max_batch_records:
            raise DemoError(
                f"{len(links):,} links; this demo reads up to {self.config.max_batch_records:,}.",
                title="Too many links",
            )
        started = time.perf_counter()
        try:
            records, _ = batch_records(files, self.config.max_batch_records) if files else ([], 0)
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Cannot read the upload") from exc
        if links:
            progress(0.0, f"Fetching {len(links)} page(s)…")
            records += list(iter_url_records(links, settings=self._fetch_settings()))
        if len(records) > self.config.max_batch_records:
            raise DemoError(
                f"{len(records):,} articles; this demo makes digests of up to "
                f"{self.config.max_batch_records:,}.",
                title="Too many articles",
            )
        progress(0.1, "Loading models…")
        pipe = self.pipeline(strategy, mt_model, sum_model, length)
        progress(0.2, f"Grouping and summarising {len(records)} articles…")
        with self._using(pipe):
            try:
                digest = build_digest(records, pipe, batch_size=self.config.batch_size)
            except SummarizeError as exc:
                raise DemoError(str(exc), title="Model problem") from exc
        markdown = to_markdown(digest)
        path = self._request_dir("digest") / "digest.md"
        path.write_text(markdown, encoding="utf-8")
        progress(1.0, "Done")
        failed = len(digest.failed) + sum(1 for s in digest.stories if s.error)
        status = (
            f"**{len(digest.stories)} stories** from {digest.articles} articles"
            + (f", {failed} failed (listed in the digest)" if failed else "")
            + f" · {seconds(time.perf_counter() - started)}"
        )
        return DigestOutput(markdown=markdown, path=str(path), status=status)

    # -- evaluation -------------------------------------------------------------------
    @staticmethod
    def suites() -> list[str]:
        try:
            from summarize.evaluation.suite import list_suites

            return list(list_suites())
        except Exception as exc:  # pragma: no cover - evaluation package broken
            log.warning("cannot list evaluation suites: %r", exc)
            return []

    def evaluate(
        self,
        suite_name: str | None,
        file: str | None,
        task: str = "auto",
        limit: float | int | None = None,
        resamples: float | int | None = None,
        progress: ProgressFn = _no_progress,
    ) -> EvalOutput:
        try:
            from summarize.evaluation.runner import run_suite
            from summarize.evaluation.suite import load_suite, suite_for_file
        except ImportError as exc:  # pragma: no cover
            raise DemoError(f"The evaluation suite is not available: {exc}") from exc
        lim = int(limit) if limit not in (None, "") and int(limit) > 0 else None
        res = int(resamples) if resamples not in (None, "") and int(resamples) > 0 else None
        progress(0.0, "Loading data…")
        try:
            if file:
                check_eval_upload(file)
                suite = suite_for_file(file, task=None if task in (None, "", "auto") else task)
            elif suite_name:
                suite = load_suite(suite_name)
            else:
                raise DemoError(
                    "Pick a suite from eval/, or upload a JSONL/CSV file with source, "
                    "reference and prediction columns.",
                    title="Nothing to evaluate",
                )
            overrides: dict[str, Any] = {}
            if any(s.type == "pipeline" for s in suite.systems):
                # the demo's own settings where they differ from the library's; the
                # strategy is the suite's (a translation suite needs no summariser)
                mine, library = self.config.pipeline.to_dict(), PipelineConfig().to_dict()
                overrides = {
                    k: v for k, v in mine.items() if k != "strategy" and library.get(k) != v
                }
            progress(0.1, f"Scoring {suite.name}…")
            report = run_suite(
                suite,
                limit=lim,
                resamples=res,
                output_dir=self._request_dir("eval"),
                overrides=overrides,
                progress=False,
            )
        except DemoError:
            raise
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Evaluation failed") from exc
        except UnicodeDecodeError as exc:
            raise DemoError(
                f"The uploaded file is not UTF-8 text ({exc.reason}).", title="Cannot read the file"
            ) from exc
        except (ValueError, KeyError, OSError) as exc:
            raise DemoError(
                f"The data could not be read: {exc}", title="Evaluation failed"
            ) from exc
        progress(1.0, "Done")
        plot = report.files.get("plot")
        files = [
            str(report.files[k]) for k in ("results", "report", "predictions") if k in report.files
        ]
        return EvalOutput(eval_markdown(report), str(plot) if plot else None, files)
