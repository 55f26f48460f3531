"""Counting a job's records, once for every engine: ok / failed / skipped / warned, flag
counts and repairs, and the closing summary built from them."""

from __future__ import annotations

from dataclasses import dataclass, field

from summarize.jobs.events import Counts
from summarize.types import Result, RunSummary


@dataclass
class Tally:
    """The counts of one job (mutable while it runs)."""

    ok: int = 0
    failed: int = 0
    skipped: int = 0
    warned: int = 0
    #: input files that could not be opened (each is also one failed record)
    unreadable: int = 0
    flag_counts: dict[str, int] = field(default_factory=dict)
    #: retranslated sentences whose flags the repair cleared, and those still flagged
    repair_cleared: int = 0
    repair_flagged: int = 0
    #: whether the engine gives whole results (their flags counted), not only a status
    counts_flags: bool = True
    #: the reconciliation's input: every id met, and part file -> records it holds
    seen: set[str] = field(default_factory=set)
    parts: dict[str, int] = field(default_factory=dict)
    #: ids processed again because the input repeats them
    repeated: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        """One record's outcome counted."""
        if outcome.skipped:
            self.skipped += 1
        else:
            if outcome.id in self.seen:
                self.repeated.append(outcome.id)
            if outcome.failed:
                self.failed += 1
            else:
                self.ok += 1
                self.warned += bool(outcome.warned)
        self.seen.add(outcome.id)
        if outcome.part:
            self.parts[outcome.part] = self.parts.get(outcome.part, 0) + 1
        if outcome.result is not None:
            self._add_flags(outcome.result)

    def note_unreadable(self, name: str) -> None:
        """An input file that could not be opened (its record is counted as failed)."""
        self.unreadable += 1

    def _add_flags(self, result: Result) -> None:
        for code, n in result.flag_counts.items():
            self.flag_counts[code] = self.flag_counts.get(code, 0) + n
        for sentence in result.alignment:
            if sentence.repairs:
                if any(r.cleared for r in sentence.repairs):
                    self.repair_cleared += 1
                else:
                    self.repair_flagged += 1

    @property
    def written(self) -> int:
        return self.ok + self.failed

    def counts(self) -> Counts:
        return Counts(self.ok, self.failed, self.skipped, self.warned)

    def as_mapping(self) -> dict[str, int]:
        """``ok``/``failed``/``skipped``/``warned`` (what reconciliation adds up)."""
        return {
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "warned": self.warned,
        }

    def summary(
        self, *, elapsed: float, load_time: float, target: str, total: int | None = None
    ) -> RunSummary:
        """The closing summary (:meth:`RunSummary.line`)."""
        return RunSummary(
            ok=self.ok,
            failed=self.failed,
            skipped=self.skipped,
            warned=self.warned,
            elapsed=elapsed,
            load_time=load_time,
            target=target,
            total=total,
            unreadable=self.unreadable,
        )

    def flag_line(self) -> str | None:
        """``flags: number 3, name 1; repair cleared 2 of 3 retranslated sentences``
        (:mod:`summarize.quality`), or ``None`` when flags were not counted."""
        if not self.counts_flags:
            return None
        text = ", ".join(f"{code} {n}" for code, n in sorted(self.flag_counts.items())) or "none"
        tried = self.repair_cleared + self.repair_flagged
        if tried:
            text += f"; repair cleared {self.repair_cleared} of {tried} retranslated sentences"
        return f"flags: {text}"


@dataclass(frozen=True)
class Outcome:
    """What became of one input record: ``skipped`` (done before), or written, ``failed``
    or ok (``warned``: with warnings). ``result``: the whole result where the engine has
    it (its flags and repairs are then counted); ``part``: the part file that holds it
    (the Ray engine, for reconciliation)."""

    id: str
    skipped: bool = False
    failed: bool = False
    warned: bool = False
    result: Result | None = None
    part: str = ""

    @classmethod
    def of(cls, result: Result) -> Outcome:
        return cls(
            result.id, failed=bool(result.error), warned=bool(result.warnings), result=result
        )
