"""The progress of a job as a stream of events (``run_job(..., on_event=...)``).

In order: :class:`Started` (how many records the inputs hold, when known), then
:class:`Stage` (``loading models``), :class:`Progress` (the pipeline's stage events,
:class:`~summarize.progress.ProgressEvent`), :class:`Done` (articles finished: ok,
failed or skipped, with the counts so far), :class:`Notice` (a warning or note to show),
and at the end :class:`Finished` with the closing summary. :class:`Total` says how many
records there are when that is known only once the job runs (the Ray engine counts them
first). The command line renders them with its tqdm bar, the demo with Gradio's progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from summarize.progress import ProgressEvent
from summarize.types import RunSummary

__all__ = [
    "Counts",
    "Done",
    "EventCallback",
    "Finished",
    "JobEvent",
    "Notice",
    "Progress",
    "Stage",
    "Started",
    "Total",
]


@dataclass(frozen=True)
class Counts:
    """Articles so far: ok (``warned`` of them with warnings), failed, skipped."""

    ok: int = 0
    failed: int = 0
    skipped: int = 0
    warned: int = 0

    @property
    def finished(self) -> int:
        return self.ok + self.failed + self.skipped


@dataclass(frozen=True)
class Started:
    """The job started; ``total``: records in its inputs (``None``: not known yet)."""

    total: int | None


@dataclass(frozen=True)
class Total:
    """The inputs hold ``total`` records (known once the job counted them)."""

    total: int


@dataclass(frozen=True)
class Stage:
    """A step of the job's own (``loading models``)."""

    text: str


@dataclass(frozen=True)
class Progress:
    """A pipeline stage's progress within the current batch."""

    event: ProgressEvent


@dataclass(frozen=True)
class Done:
    """``n`` more articles finished; ``counts``: all so far."""

    n: int
    counts: Counts


@dataclass(frozen=True)
class Notice:
    """Something to tell the user: ``kind`` is ``Warning``, ``Error`` or ``Note``."""

    kind: str
    text: str

    def line(self) -> str:
        return f"{self.kind}: {self.text}"


@dataclass(frozen=True)
class Finished:
    """The closing summary; ``flags``: the flag line (``None`` where the engine does not
    count flags)."""

    summary: RunSummary
    flags: str | None = None


JobEvent = Started | Total | Stage | Progress | Done | Notice | Finished
EventCallback = Callable[[JobEvent], None]
