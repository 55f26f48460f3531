"""The demo's Batch tab: uploaded articles run through the pipeline in batches, with the
results as a table, a JSONL file and a CSV file."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.demo.errors import DemoError
from summarize.demo.outputs import RequestFolders
from summarize.demo.pool import PipelinePool
from summarize.demo.progress import ProgressFn, no_progress
from summarize.demo.uploads import batch_records, translation_units, uploaded_paths
from summarize.errors import SummarizeError
from summarize.types import Result

#: The CSV file's columns (the JSONL file has every field).
CSV_COLUMNS = (
    "id",
    "title",
    "title_translation",
    "summary",
    "translation",
    "strategy",
    "seconds",
    "warnings",
    "error",
)


@dataclass
class BatchOutput:
    rows: list[list[str]]
    jsonl_path: str | None
    csv_path: str | None
    status: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class _ChunkProgress:
    """Progress of one pipeline batch (``chunk`` articles from ``start``) as a share of
    the whole upload: translation is the first 70% of a chunk, summaries the rest."""

    progress: ProgressFn
    start: int
    size: int
    total: int
    units: int  # sentences to translate
    translated: int = 0

    @property
    def span(self) -> str:
        if self.size == 1:
            return f"article {self.start + 1}"
        return f"articles {self.start + 1}–{self.start + self.size}"

    def on_progress(self, n: int) -> None:
        self.translated += n
        frac = min(self.translated / self.units, 1.0) if self.units else 0.0
        verb = "Summarising" if frac >= 1.0 else "Translating"
        self.progress(
            (self.start + 0.7 * frac * self.size) / self.total,
            f"{verb} {self.span} of {self.total}",
        )

    def on_summary(self, done_inputs: int, total_inputs: int) -> None:
        frac = done_inputs / total_inputs if total_inputs else 1.0
        self.progress(
            (self.start + (0.7 + 0.3 * frac) * self.size) / self.total,
            f"Summarising {self.span} of {self.total}: {done_inputs} of {total_inputs} passages",
        )


def write_csv(results: Sequence[Result], path: Path) -> None:
    """The results as a CSV file of :data:`CSV_COLUMNS`."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
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


def result_rows(results: Sequence[Result]) -> tuple[list[list[str]], dict[str, int]]:
    """The table's rows and the ok/failed/warned counts."""
    rows = []
    counts = {"ok": 0, "failed": 0, "warned": 0}
    for r in results:
        if r.error:
            counts["failed"] += 1
            rows.append([r.id, "error", "", r.error])
        else:
            counts["ok"] += 1
            counts["warned"] += bool(r.warnings)
            rows.append([r.id, "ok", r.summary, " | ".join(r.warnings)])
    return rows, counts


class BatchService:
    """The Batch tab's action over the shared pool."""

    def __init__(self, pool: PipelinePool, folders: RequestFolders) -> None:
        self.pool = pool
        self.config = pool.config
        self.folders = folders

    def _records(self, files: Sequence[str] | str | None) -> tuple[list[Any], int]:
        paths = uploaded_paths(files)
        if not paths:
            raise DemoError(
                "Upload a JSONL or CSV file (columns id, title, text) or one or more "
                ".txt/.html articles first.",
                title="No files",
            )
        try:
            records, total = batch_records(paths, self.config.max_batch_records)
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Cannot read the upload") from exc
        if not records:
            raise DemoError("The uploaded files contain no articles.", title="No articles")
        return records, total

    def _run(
        self, pipe: Any, records: list[Any], total: int, jsonl_path: Path, progress: ProgressFn
    ) -> list[Result]:
        """The results of the first ``total`` records, ``batch_size`` at a time, each
        batch written to ``jsonl_path`` as it finishes."""
        size = self.config.pipeline.batch_size
        results: list[Result] = []
        with self.pool.using(pipe), open(jsonl_path, "w", encoding="utf-8") as jf:
            for start in range(0, total, size):
                chunk = records[start : start + size]
                units = sum(translation_units(r) for r in chunk)
                shown = _ChunkProgress(progress, start, len(chunk), total, units)
                try:
                    chunk_results = pipe.process_batch(
                        chunk,
                        start_position=start + 1,
                        on_progress=shown.on_progress,
                        on_summary=shown.on_summary,
                    )
                except SummarizeError as exc:
                    raise DemoError(str(exc), title="Model problem") from exc
                for result in chunk_results:
                    results.append(result)
                    jf.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
                jf.flush()
                progress(len(results) / total, f"{len(results)} of {total} articles done")
        return results

    def process_batch(
        self,
        files: Sequence[str] | str | None,
        strategy: str,
        mt_model: str,
        sum_model: str,
        length: str = "medium",
        progress: ProgressFn = no_progress,
    ) -> BatchOutput:
        records, total = self._records(files)
        started = time.perf_counter()
        progress(0.0, "Loading models…")
        pipe = self.pool.pipeline(strategy, mt_model, sum_model, length)
        out_dir = self.folders.new("batch")
        jsonl_path, csv_path = out_dir / "results.jsonl", out_dir / "results.csv"
        progress(0.0, f"0 of {total} articles")
        results = self._run(pipe, records, total, jsonl_path, progress)
        write_csv(results, csv_path)
        rows, counts = result_rows(results)
        elapsed = time.perf_counter() - started
        status = (
            f"**Done: {len(results)} article{'s' if len(results) != 1 else ''}** · "
            f"{counts['ok']} ok ({counts['warned']} with warnings) · {counts['failed']} failed "
            f"· {elapsed:.1f} s. Download the full results (translation, alignment, timings) "
            "below."
        )
        notes = [f"{counts['failed']} record(s) failed; see the table."] if counts["failed"] else []
        return BatchOutput(rows, str(jsonl_path), str(csv_path), status, notes)
