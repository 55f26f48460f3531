"""The demo's Evaluation tab: a suite from ``eval/`` or an uploaded pairs file scored,
with the report's table, plot and files."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from summarize.config import PipelineConfig
from summarize.demo.errors import DemoError
from summarize.demo.formatting import eval_markdown
from summarize.demo.outputs import RequestFolders
from summarize.demo.progress import ProgressFn, no_progress
from summarize.demo.uploads import check_eval_upload
from summarize.errors import SummarizeError

log = logging.getLogger("summarize.demo")


@dataclass
class EvalOutput:
    table: str
    plot_path: str | None
    files: list[str]


def _positive(value: float | int | str | None) -> int | None:
    """A box's whole number, or ``None`` for an empty box or one below 1."""
    return int(value) if value not in (None, "") and int(value) > 0 else None


def demo_overrides(suite: Any, pipeline: PipelineConfig) -> dict[str, Any]:
    """The demo's own pipeline settings where they differ from the library's, for the
    suite's pipeline systems (none when it has none). The strategy stays the suite's (a
    translation suite needs no summariser)."""
    from summarize.evaluation.systems import is_configurable

    if not any(is_configurable(s) for s in suite.systems):
        return {}
    mine, library = pipeline.to_dict(), PipelineConfig().to_dict()
    return {k: v for k, v in mine.items() if k != "strategy" and library.get(k) != v}


class EvaluationService:
    """The Evaluation tab's actions."""

    def __init__(self, pipeline: PipelineConfig, folders: RequestFolders) -> None:
        self.pipeline = pipeline
        self.folders = folders

    @staticmethod
    def suites() -> list[str]:
        try:
            from summarize.evaluation.suite import list_suites

            return list(list_suites())
        except Exception as exc:  # pragma: no cover - evaluation package broken
            log.warning("cannot list evaluation suites: %r", exc)
            return []

    @staticmethod
    def _suite(suite_name: str | None, file: str | None, task: str) -> Any:
        from summarize.evaluation.suite import load_suite, suite_for_file

        if file:
            check_eval_upload(file)
            return suite_for_file(file, task=None if task in (None, "", "auto") else task)
        if suite_name:
            return load_suite(suite_name)
        raise DemoError(
            "Pick a suite from eval/, or upload a JSONL/CSV file with source, "
            "reference and prediction columns.",
            title="Nothing to evaluate",
        )

    def _report(
        self,
        suite_name: str | None,
        file: str | None,
        task: str,
        limits: tuple[int | None, int | None],
        progress: ProgressFn,
    ) -> Any:
        """The report of the chosen suite (``limits``: items and resamples); problems as
        :class:`DemoError`."""
        from summarize.evaluation.runner import run_suite

        try:
            suite = self._suite(suite_name, file, task)
            progress(0.1, f"Scoring {suite.name}…")
            return run_suite(
                suite,
                limit=limits[0],
                resamples=limits[1],
                output_dir=self.folders.new("eval"),
                overrides=demo_overrides(suite, self.pipeline),
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

    def evaluate(
        self,
        suite_name: str | None,
        file: str | None,
        task: str = "auto",
        limit: float | int | None = None,
        resamples: float | int | None = None,
        progress: ProgressFn = no_progress,
    ) -> EvalOutput:
        limits = (_positive(limit), _positive(resamples))
        progress(0.0, "Loading data…")
        report = self._report(suite_name, file, task, limits, progress)
        progress(1.0, "Done")
        plot = report.files.get("plot")
        files = [
            str(report.files[k]) for k in ("results", "report", "predictions") if k in report.files
        ]
        return EvalOutput(eval_markdown(report), str(plot) if plot else None, files)
