"""What the demo's buttons do, without any Gradio: pipelines shared across requests,
input checks with friendly messages, and result formatting.

Every user-facing problem is raised as :class:`DemoError`; the UI layer shows it as a
notice on the page (and API clients get it as the error message).
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import re
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
from summarize.errors import InputError, SummarizeError
from summarize.strategies import STRATEGIES, default_sum_model, get_strategy
from summarize.types import Result

log = logging.getLogger("summarize.demo")

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
BATCH_SUFFIXES = (".jsonl", ".ndjson", ".csv", *ARTICLE_SUFFIXES)
EVAL_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv")
ProgressFn = Callable[[float | None, str], None]

#: How many pipelines (strategy x models x length) are kept; engines are cached anyway.
MAX_PIPELINES = 16


class DemoError(Exception):
    """A problem the visitor can fix (bad input, unavailable model): shown verbatim."""

    def __init__(self, message: str, title: str = "Cannot do that") -> None:
        super().__init__(message)
        self.message = message
        self.title = title


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
class EvalOutput:
    table: str
    plot_path: str | None
    files: list[str]


ALIGNMENT_HEADERS = ["#", "Indonesian (cleaned source)", "English translation"]
BATCH_HEADERS = ["id", "status", "summary", "errors / warnings"]


# ----------------------------------------------------------------------------- helpers


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


def preservation(source: str, output: str, *, src_lang: str = "id") -> dict[str, Any]:
    """Numbers and names of ``source`` found in ``output``.

    Uses :mod:`summarize.evaluation.metrics.preservation` (value-aware: ``1.000`` =
    ``1,000``, Indonesian dates = English dates); falls back to a digit-string check.
    """
    try:
        from summarize.evaluation.metrics.preservation import (
            entity_preservation,
            number_preservation,
        )
    except ImportError:  # pragma: no cover - evaluation package missing
        src = set(re.findall(r"\d+", source))
        found = {n for n in src if re.search(rf"(?<!\d){n}(?!\d)", output)}
        return {
            "numbers": {"kept": len(found), "total": len(src), "missing": sorted(src - found)},
        }
    out: dict[str, Any] = {}
    try:
        nums = number_preservation(source, output, src_lang=src_lang, out_lang="en")
        out["numbers"] = {
            "kept": nums.matched,
            "total": nums.total,
            "missing": list(nums.missing),
            "unsupported": list(nums.unsupported),
        }
        ents = entity_preservation(source, output)
        out["entities"] = {
            "kept": ents.matched,
            "total": ents.total,
            "missing": list(ents.missing),
            "unsupported": list(ents.unsupported),
        }
    except Exception as exc:  # informative only: never fail a request on it
        log.warning("preservation check failed: %r", exc)
    return out


def _kept(entry: dict[str, Any] | None, noun: str) -> str:
    if not entry:
        return "n/a"
    if not entry["total"]:
        return f"no {noun} in the source"
    text = f"{entry['kept']} of {entry['total']}"
    missing = entry.get("missing") or []
    if missing:
        shown = ", ".join(missing[:6]) + (" …" if len(missing) > 6 else "")
        text += f" (missing: {_md(shown)})"
    return text


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return re.sub(r"([\\`*_{}\[\]<>|#])", r"\\\1", str(text)).replace("\n", " ")


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


STAGE_NAMES = {
    "prepare": "cleaning",
    "translate": "translation",
    "summarize": "summary",
    "translate_summary": "summary translation",
    "total": "total",
}


def info_markdown(result: Result, metrics: dict[str, Any]) -> str:
    """The info panel: compression, numbers/names kept, time per stage, models, warnings."""
    rows: list[tuple[str, str]] = []
    comp = metrics.get("compression")
    if comp:
        rows.append(
            (
                "Compression",
                f"{comp['ratio']:.1f}× ({comp['source_words']:,} source words → "
                f"{comp['summary_words']:,} summary words)",
            )
        )
    summ = metrics.get("summary_preservation", {})
    trans = metrics.get("translation_preservation") or {}
    for key, label, noun in (
        ("numbers", "Numbers and dates kept", "numbers or dates"),
        ("entities", "Names kept", "names"),
    ):
        entry = summ.get(key)
        if entry is None:
            continue
        if not entry["total"]:
            rows.append((label, f"none in the source ({noun})"))
            continue
        value = f"summary {_kept(entry, noun)}"
        if trans.get(key):
            value += f"; translation {_kept(trans[key], noun)}"
        rows.append((label, value))
    timing = " · ".join(f"{STAGE_NAMES.get(k, k)} {_seconds(v)}" for k, v in result.timings.items())
    if timing:
        rows.append(("Time", timing))
    models = []
    for role, desc in (result.models or {}).items():
        if isinstance(desc, dict):
            models.append(
                f"{role} `{desc.get('model')}` ({desc.get('family')}, {desc.get('device')})"
            )
    if models:
        rows.append(("Models", "; ".join(models)))
    rows.append(("Strategy", f"`{result.strategy}`"))
    lines = ["#### About this result", ""]
    lines.extend(f"- **{k}:** {v}" for k, v in rows)
    if result.warnings:
        lines.append("")
        lines.append("#### Warnings")
        lines.append("")
        lines.extend(f"- ⚠ {_md(w)}" for w in result.warnings)
    return "\n".join(lines)


# ----------------------------------------------------------------------------- service


class DemoService:
    """The demo's actions. One instance per app; safe to call from several threads."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self._pipelines: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        self._model_locks: dict[str, threading.Lock] = {}
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
        if self.config.fixed_models:
            allowed_sum = self.default_sum_model(strategy) or None
            if mt != self.default_mt_model() or sm != allowed_sum:
                raise DemoError(
                    "This demo only serves its configured models "
                    f"(translation: {self.default_mt_model()}"
                    + (f", summary: {allowed_sum}" if allowed_sum else "")
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
    def _read_upload(self, path: str) -> dict[str, Any]:
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix not in ARTICLE_SUFFIXES:
            raise DemoError(
                f"'{p.name}' is not a text or HTML file. Upload a .txt or .html file "
                "(for JSONL/CSV collections use the Batch tab).",
                title="Unsupported file",
            )
        size = p.stat().st_size
        if size > self.config.pipeline.max_chars * 4:  # cheap early check; exact one below
            raise DemoError(self._too_large(size, unit="bytes"), title="Article too large")
        data = p.read_bytes()
        record: dict[str, Any] = {"id": p.stem, "text": data, "file": p.name}
        if suffix in (".html", ".htm"):
            record["html"] = True
        return record

    def _too_large(self, n: int, unit: str = "characters") -> str:
        return (
            f"The article has {n:,} {unit}; this demo accepts up to {self.config.pipeline.max_chars:,} "
            "characters. Shorten it, or use the command line (`summarize run`) for long documents."
        )

    def summarize_article(
        self,
        text: str | None,
        file: str | None,
        strategy: str,
        mt_model: str,
        sum_model: str,
        length: str = "medium",
        progress: ProgressFn = _no_progress,
    ) -> ArticleOutput:
        if file:
            record = self._read_upload(file)
        else:
            text = text or ""
            if not text.strip():
                raise DemoError(
                    "The article is empty. Paste an Indonesian news article, upload a "
                    ".txt/.html file, or pick one of the examples.",
                    title="No article",
                )
            if len(text) > self.config.pipeline.max_chars:
                raise DemoError(self._too_large(len(text)), title="Article too large")
            record = {"id": "article", "text": text}

        total = self._count_units(record)
        progress(0.0, "Loading models…")
        pipe = self.pipeline(strategy, mt_model, sum_model, length)
        done = 0

        def on_progress(n: int) -> None:
            nonlocal done
            done += n
            if total:
                frac = min(done / total, 1.0)
                desc = (
                    "Summarising…" if done >= total else f"Translating: {done} of {total} sentences"
                )
                progress(0.05 + 0.75 * frac, desc)

        def on_summary(done_inputs: int, total_inputs: int) -> None:
            frac = done_inputs / total_inputs if total_inputs else 1.0
            progress(0.8 + 0.2 * frac, f"Summarising: {done_inputs} of {total_inputs} passages")

        progress(0.05, "Working…" if pipe.entry.translate_summary else "Translating…")
        with self._using(pipe):
            try:
                result = pipe.process_batch(
                    [record], on_progress=on_progress, on_summary=on_summary
                )[0]
            except SummarizeError as exc:
                raise DemoError(str(exc), title="Model problem") from exc
        progress(1.0, "Done")
        if result.error:
            raise DemoError(
                self._friendly_record_error(result.error), title="Cannot read the article"
            )
        return self._article_output(result)

    @staticmethod
    def _units(record: dict[str, Any]) -> int:
        """Sentences (plus title) a record will translate; 0 when it cannot be read."""
        from summarize.text import prepare_article

        text = record.get("text")
        if record.get("_error") or not isinstance(text, (str, bytes)):
            return 0
        try:
            article = prepare_article(text, html=record.get("html"), title=record.get("title"))
        except Exception:
            return 0
        return len(article.sentences) + (1 if article.title else 0)

    def _count_units(self, record: dict[str, Any]) -> int:
        """Check the article up front (typed errors, friendly messages) and count the
        sentences to translate, for the progress bar."""
        from summarize.errors import BinaryInputError, EmptyInputError
        from summarize.text import prepare_article

        try:
            article = prepare_article(record["text"], html=record.get("html"))
        except BinaryInputError as exc:
            raise DemoError(
                f"This does not look like a text article: {exc}. Upload a UTF-8 encoded "
                ".txt or .html file, or paste the text.",
                title="Cannot read the file",
            ) from exc
        except EmptyInputError as exc:
            raise DemoError(
                f"The article is empty ({exc}). Paste the article body or pick an example.",
                title="No article",
            ) from exc
        except InputError as exc:
            raise DemoError(
                self._friendly_record_error(str(exc)), title="Cannot read the article"
            ) from exc
        return len(article.sentences) + (1 if article.title else 0)

    @staticmethod
    def _friendly_record_error(error: str) -> str:
        low = error.lower()
        if any(k in low for k in ("utf", "binary", "decode", "not text", "encoded")):
            return (
                f"This does not look like a text article: {error}. Upload a UTF-8 encoded "
                ".txt or .html file, or paste the text."
            )
        if "empty" in low:
            return f"The article is empty after cleaning ({error}). Paste the article body."
        return f"The article could not be processed: {error}"

    def _article_output(self, result: Result) -> ArticleOutput:
        english = any("translation skipped" in w for w in result.warnings)
        metrics: dict[str, Any] = {}
        src_words, sum_words = _words(result.source), _words(result.summary)
        if src_words and sum_words:
            metrics["compression"] = {
                "ratio": round(src_words / sum_words, 2),
                "source_words": src_words,
                "summary_words": sum_words,
            }
        src_lang = "en" if english else "id"
        metrics["summary_preservation"] = preservation(
            result.source, result.summary, src_lang=src_lang
        )
        if result.translation and not english:
            metrics["translation_preservation"] = preservation(result.source, result.translation)
        alignment = [
            [f"{a.paragraph + 1}.{a.index + 1}", a.source, a.translation] for a in result.alignment
        ]
        title = ""
        if result.title:
            title = f"**Title:** {_md(result.title)}"
            if result.title_translation and result.title_translation != result.title:
                title += f"  \n**English:** {_md(result.title_translation)}"
        details = {**result.to_dict(), "metrics": metrics}
        return ArticleOutput(
            summary=result.summary,
            title=title,
            alignment=alignment,
            info=info_markdown(result, metrics),
            details=details,
            warnings=list(result.warnings),
        )

    # -- batch ------------------------------------------------------------------------
    def _batch_records(self, paths: Sequence[str]) -> tuple[list[dict[str, Any]], int]:
        from summarize.io import count_records, iter_records

        for p in paths:
            if Path(p).suffix.lower() not in BATCH_SUFFIXES:
                raise DemoError(
                    f"'{Path(p).name}' is not a supported file. Upload JSONL or CSV files "
                    "(one article per line/row with a 'text' column) or .txt/.html articles.",
                    title="Unsupported file",
                )
        total = count_records(paths) or 0
        if total > self.config.max_batch_records:
            raise DemoError(
                f"The upload holds {total:,} articles; this demo processes up to "
                f"{self.config.max_batch_records:,} per batch. Use `summarize run` for more.",
                title="Too many articles",
            )
        records = []
        for rec in iter_records(paths):
            if "path" in rec:  # don't echo the server's upload paths back
                rec["file"] = Path(rec.pop("path")).name
            records.append(rec)
        if len(records) > self.config.max_batch_records:
            raise DemoError(
                f"The upload holds more than {self.config.max_batch_records:,} articles.",
                title="Too many articles",
            )
        return records, len(records)

    def process_batch(
        self,
        files: Sequence[str] | str | None,
        strategy: str,
        mt_model: str,
        sum_model: str,
        length: str = "medium",
        progress: ProgressFn = _no_progress,
    ) -> BatchOutput:
        if isinstance(files, str):
            files = [files]
        files = [f for f in (files or []) if f]
        if not files:
            raise DemoError(
                "Upload a JSONL or CSV file (columns id, title, text) or one or more "
                ".txt/.html articles first.",
                title="No files",
            )
        started = time.perf_counter()
        try:
            records, total = self._batch_records(files)
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
                units = sum(self._units(r) for r in chunk)
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
            if not d.name.startswith(("batch-", "eval-")):
                continue
            try:
                if d.is_dir() and d.stat().st_mtime < cutoff:
                    shutil.rmtree(d, ignore_errors=True)
            except OSError:  # another request removed it first
                continue

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
                if Path(file).suffix.lower() not in EVAL_SUFFIXES:
                    raise DemoError(
                        f"'{Path(file).name}' is not a JSONL/CSV file. Upload one with "
                        "source, reference and prediction (or other system) columns.",
                        title="Unsupported file",
                    )
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


def eval_markdown(report: Any) -> str:
    """Score table (system x metric, ``score [95% CI]``), paired tests and notes."""
    try:
        from summarize.evaluation.metrics import metric_label
    except ImportError:  # pragma: no cover

        def metric_label(name: str) -> str:
            return name

    suite = report.suite
    lines = [
        f"### {_md(suite.name)}",
        f"{suite.task}, {len(report.items):,} items · {report.seconds:.1f} s",
        "",
        "| system | " + " | ".join(_md(metric_label(m)) for m in report.metrics) + " |",
        "|---|" + "---:|" * len(report.metrics),
    ]
    for run in report.systems:
        cells = [report.score(run.name, m).format() for m in report.metrics]
        lines.append(f"| **{_md(run.name)}** | " + " | ".join(cells) + " |")
    sig = report.signature.get("bootstrap", {})
    lines.append("")
    lines.append(
        f"Scores are `score [low, high]` with 95% percentile bootstrap confidence intervals "
        f"({sig.get('resamples', '?')} resamples, seed {sig.get('seed', '?')})."
    )
    if report.comparisons:
        lines.append("")
        lines.append("**Paired bootstrap tests** (against the first system)")
        lines.append("")
        for c in report.comparisons:
            lines.append(
                f"- {_md(c.system)} vs {_md(c.baseline)}, {_md(metric_label(c.metric))}: "
                f"Δ {c.delta:+.2f}, p = {c.p_value:.4f}"
            )
    if report.notes:
        lines.append("")
        lines.append("**Notes**")
        lines.append("")
        lines.extend(f"- {_md(n)}" for n in report.notes)
    return "\n".join(lines)
