"""Progress of long work: the pipeline's events and the command line's bar.

The pipeline reports a :class:`ProgressEvent` after every step that takes time: each
article prepared or checked, and each model call (a translation batch, a repair batch,
a summariser batch). :class:`StageBar` shows them on stderr (tqdm), the stage in the
bar's postfix ("translating 12/40 sentences"), and redraws itself when nothing else has
for :data:`HEARTBEAT_S` seconds (one model call on CPU can take longer), so a command
with progress on is never silent for long. tqdm loads when a bar is made.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["HEARTBEAT_S", "ProgressCallback", "ProgressEvent", "StageBar"]

#: A bar redraws itself (elapsed time, last stage) when silent this long.
HEARTBEAT_S = 2.0


@dataclass(frozen=True)
class ProgressEvent:
    """``done`` of ``total`` ``unit`` of a pipeline ``stage`` (one batch of articles).

    Stages, in order: ``preparing`` (articles), ``translating`` (sentences),
    ``checking`` (articles), ``repairing`` (sentences), ``summarising`` (passages: an
    article, or a chunk of a long one; ``total`` grows when chunk summaries are
    summarised again), ``translating summaries`` (sentences). ``done == 0`` marks a
    stage's start."""

    stage: str
    done: int
    total: int
    unit: str

    def text(self) -> str:
        """``translating 12/40 sentences``"""
        return f"{self.stage} {min(self.done, self.total)}/{self.total} {self.unit}"


ProgressCallback = Callable[[ProgressEvent], None]


class StageBar:
    """A tqdm bar on stderr counting ``unit`` out of ``total``, with the current stage in
    its postfix (:meth:`stage`, :meth:`event`) and a heartbeat redraw.

    Use as a context manager; ``enabled=False`` makes every method a no-op.
    """

    def __init__(
        self,
        total: int | None,
        *,
        unit: str = "article",
        desc: str | None = None,
        enabled: bool = True,
        leave: bool = True,
        heartbeat: float = HEARTBEAT_S,
    ) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._heartbeat = heartbeat
        self._last = time.monotonic()
        if not enabled:
            return
        from tqdm import tqdm

        self._bar = tqdm(
            total=total,
            unit=unit,
            desc=desc,
            file=sys.stderr,
            dynamic_ncols=True,
            leave=leave,
        )
        if heartbeat > 0:
            self._thread = threading.Thread(target=self._beat, name="progress", daemon=True)
            self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self._heartbeat / 4):
            if time.monotonic() - self._last >= self._heartbeat and self._bar is not None:
                self._bar.refresh()
                self._last = time.monotonic()

    def stage(self, text: str) -> None:
        """Show ``text`` as the bar's postfix now."""
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=True)
            self._last = time.monotonic()

    def event(self, event: ProgressEvent) -> None:
        """A :data:`ProgressCallback`: the event's text as the postfix."""
        self.stage(event.text())

    def write(self, line: str) -> None:
        """Print ``line`` to stderr above the bar (without breaking it)."""
        if self._bar is not None:
            self._bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)
            self._last = time.monotonic()

    def set_total(self, total: int) -> None:
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> StageBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
