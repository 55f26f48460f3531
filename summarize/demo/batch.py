"""The demo's Batch tab: uploaded articles run as one job (:func:`summarize.jobs.run_job`,
the job ``summarize run`` runs), written to a JSONL file by the job's writer; the table
and the CSV file are derived from that file."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.config import PipelineConfig
from summarize.demo.errors import DemoError
from summarize.demo.outputs import RequestFolders
from summarize.demo.pool import PipelinePool
from summarize.demo.progress import ProgressFn, no_progress
from summarize.demo.uploads import batch_records, uploaded_paths
from summarize.errors import SummarizeError
from summarize.jobs import Done, Job, JobEvent, Progress, Stage, run_job
from summarize.types import RunSummary

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


def batch_job(records: Sequence[Mapping[str, Any]], config: PipelineConfig, output: Path) -> Job:
    """The job of one upload: its records, written to ``output`` (JSONL)."""
    return Job(records=tuple(records), output=str(output), config=config)


@dataclass
class BatchProgress:
    """A job's events as the page's progress: the share of articles done, and the
    pipeline stage of the batch in hand."""

    progress: ProgressFn
    total: int
    done: int = 0

    def __call__(self, event: JobEvent) -> None:
        total = max(self.total, 1)
        if isinstance(event, Done):
            self.done = event.counts.finished
            self.progress(self.done / total, f"{self.done} of {self.total} articles done")
        elif isinstance(event, Progress):
            stage = event.event.text()
            self.progress(self.done / total, f"{stage[:1].upper()}{stage[1:]} · {self._span()}")
        elif isinstance(event, Stage):
            self.progress(self.done / total, f"{event.text[:1].upper()}{event.text[1:]}…")

    def _span(self) -> str:
        return f"{self.done} of {self.total} articles done"


def read_results(path: Path) -> list[dict[str, Any]]:
    """The records of the job's JSONL file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_csv(results: Sequence[Mapping[str, Any]], path: Path) -> None:
    """The results (JSONL records) as a CSV file of :data:`CSV_COLUMNS`."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for r in results:
            writer.writerow(
                [
                    r["id"],
                    r.get("title") or "",
                    r.get("title_translation") or "",
                    r.get("summary") or "",
                    r.get("translation") or "",
                    r.get("strategy") or "",
                    (r.get("timings") or {}).get("total", ""),
                    " | ".join(r.get("warnings") or ()),
                    r.get("error") or "",
                ]
            )


def result_rows(results: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """The table's rows: id, status, summary, errors / warnings."""
    rows = []
    for r in results:
        if r.get("error"):
            rows.append([r["id"], "error", "", r["error"]])
        else:
            rows.append(
                [r["id"], "ok", r.get("summary") or "", " | ".join(r.get("warnings") or ())]
            )
    return rows


def status_line(summary: RunSummary) -> str:
    n = summary.ok + summary.failed
    return (
        f"**Done: {n} article{'s' if n != 1 else ''}** · "
        f"{summary.ok} ok ({summary.warned} with warnings) · {summary.failed} failed "
        f"· {summary.elapsed:.1f} s. Download the full results (translation, alignment, "
        "timings) below."
    )


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

    def _run(self, pipe: Any, job: Job, total: int, progress: ProgressFn) -> RunSummary:
        """The upload's job on ``pipe`` (the pool's pipeline, its models locked)."""
        try:
            with self.pool.using(pipe):
                return run_job(job, pipeline=pipe, on_event=BatchProgress(progress, total))
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Model problem") from exc

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
        progress(0.0, "Loading models…")
        pipe = self.pool.pipeline(strategy, mt_model, sum_model, length)
        out_dir = self.folders.new("batch")
        jsonl_path, csv_path = out_dir / "results.jsonl", out_dir / "results.csv"
        progress(0.0, f"0 of {total} articles")
        job = batch_job(records, pipe.config, jsonl_path)
        summary = self._run(pipe, job, total, progress)
        results = read_results(jsonl_path)
        write_csv(results, csv_path)
        notes = [f"{summary.failed} record(s) failed; see the table."] if summary.failed else []
        return BatchOutput(
            result_rows(results), str(jsonl_path), str(csv_path), status_line(summary), notes
        )
