"""One batch job runner for every engine and front end.

A :class:`Job` says what to run (inputs, output, the pipeline's settings, resume, the
engine); :func:`run_job` runs it and returns the closing
:class:`~summarize.types.RunSummary`, reporting progress as events
(:mod:`summarize.jobs.events`). ``summarize run`` (both engines) and the demo's Batch
tab are thin layers over it.

>>> from summarize import Job, PipelineConfig, run_job          # doctest: +SKIP
>>> summary = run_job(Job(("articles/",), "out.jsonl", PipelineConfig(), resume=True))
>>> print(summary.line())
"""

from __future__ import annotations

from summarize.jobs.events import (
    Counts,
    Done,
    Finished,
    JobEvent,
    Notice,
    Progress,
    Stage,
    Started,
    Total,
)
from summarize.jobs.job import ENGINES, LOCAL, RAY, Job
from summarize.jobs.runner import JobInterrupted, run_job, run_on_ray

__all__ = [
    "ENGINES",
    "LOCAL",
    "RAY",
    "Counts",
    "Done",
    "Finished",
    "Job",
    "JobEvent",
    "JobInterrupted",
    "Notice",
    "Progress",
    "Stage",
    "Started",
    "Total",
    "run_job",
    "run_on_ray",
]
