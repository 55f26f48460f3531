"""Where an executor sends what happens: outcomes are counted (the job's one
:class:`~summarize.jobs.tally.Tally`) and become :class:`~summarize.jobs.events.Done`
events; other events go straight to the job's ``on_event``."""

from __future__ import annotations

from collections.abc import Sequence

from summarize.jobs.events import Done, EventCallback, JobEvent
from summarize.jobs.tally import Outcome, Tally


def _ignore(event: JobEvent) -> None:
    return None


class Sink:
    def __init__(self, on_event: EventCallback | None = None) -> None:
        self.tally = Tally()
        self._on_event = on_event or _ignore

    def emit(self, event: JobEvent) -> None:
        self._on_event(event)

    def report(self, outcomes: Sequence[Outcome]) -> None:
        """Count ``outcomes`` (one batch, or one record) and say so."""
        for outcome in outcomes:
            self.tally.add(outcome)
        if outcomes:
            self.emit(Done(len(outcomes), self.tally.counts()))
