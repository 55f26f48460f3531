"""The plain items the pipeline's stages work on: an input :class:`Record`, the mutable
:class:`Work` of one record while its batch moves through the stages, the progress
:class:`Hooks` of one call, and :class:`Models` (what the model stages use)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from summarize.errors import MalformedRecordError
from summarize.types import PreparedArticle, RepairAttempt

if TYPE_CHECKING:
    from summarize.config import PipelineConfig
    from summarize.progress import ProgressCallback
    from summarize.quality import Flag
    from summarize.strategies import Strategy
    from summarize.summarizer import Summarizer
    from summarize.translate import Translator

__all__ = ["Hooks", "Models", "Record", "Work", "paragraph_text", "timings", "to_record"]

_SURROGATES = "replaced lone surrogate(s) in the text with U+FFFD"
#: a record dict's fields that are not metadata
_RECORD_KEYS = ("id", "text", "title", "html")
#: the same for a reader's failed record (its error and the error's kind)
_FAILED_KEYS = (*_RECORD_KEYS, "_error", "_error_kind")


@dataclass(frozen=True)
class Record:
    """One input article, normalised from a string, bytes or a dict."""

    id: str
    text: str | bytes | None
    title: str | None = None
    html: bool | None = None
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    #: ``"transient"`` or ``"permanent"`` for a reader's error (``_error_kind``)
    error_kind: str | None = None


def to_record(item: Any, position: int) -> Record:
    """Normalise one input item. Strings/bytes get their 1-based position as id.

    Strings are made strict Unicode (lone surrogates become U+FFFD, with a warning), so
    every result encodes as UTF-8 JSON; a reader's ``_warnings`` become the record's.
    """
    if isinstance(item, Record):
        return item
    if isinstance(item, (bytes, bytearray)):
        return Record(id=str(position), text=bytes(item))
    if isinstance(item, str):
        return _text_record(item, position)
    if isinstance(item, Mapping):
        return _mapping_record(item, position)
    return Record(
        id=str(position),
        text=None,
        error=f"unsupported record type {type(item).__name__} (use str, bytes or dict)",
    )


def _text_record(item: str, position: int) -> Record:
    from summarize.text.strict import strict_text

    text = strict_text(item)
    fixed = () if text is item else (_SURROGATES,)
    return Record(id=str(position), text=text, warnings=fixed)


def _strict_mapping(item: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``item`` with strict Unicode everywhere, and the warnings: the reader's
    ``_warnings`` (taken out of the dict) and what was replaced."""
    from summarize.text.strict import strict_record, strict_text

    raw_text = item.get("text")
    rest, fixes = strict_record({k: v for k, v in item.items() if k != "text"})
    warnings = tuple(str(w) for w in rest.pop("_warnings", None) or ()) + tuple(fixes)
    if isinstance(raw_text, str) and strict_text(raw_text) is not raw_text:
        raw_text = strict_text(raw_text)
        warnings += (_SURROGATES,)
    return ({**rest, "text": raw_text} if "text" in item else rest), warnings


def _mapping_record(raw: Mapping[str, Any], position: int) -> Record:
    item, warnings = _strict_mapping(raw)
    rid = item.get("id")
    rid = str(rid) if rid not in (None, "") else str(position)
    if item.get("_error"):  # keep what the reader knew (a feed item's title, its url)
        return _failed_record(item, rid, warnings)
    text = item.get("text")
    if text is None:
        return Record(
            id=rid,
            text=None,
            error=str(MalformedRecordError("record has no 'text' field")),
        )
    if not isinstance(text, (str, bytes)):
        return Record(
            id=rid, text=None, error=f"'text' must be a string, not {type(text).__name__}"
        )
    title = item.get("title")
    return Record(
        id=rid,
        text=text,
        title=str(title) if title else None,
        html=item.get("html"),
        metadata={k: v for k, v in item.items() if k not in _RECORD_KEYS},
        warnings=warnings,
    )


def _failed_record(item: dict[str, Any], rid: str, warnings: tuple[str, ...]) -> Record:
    """A reader's failed record: its error, title, metadata and error kind."""
    title = item.get("title")
    kind = item.get("_error_kind")
    return Record(
        id=rid,
        text=None,
        title=str(title) if title else None,
        error=str(item["_error"]),
        metadata={k: v for k, v in item.items() if k not in _FAILED_KEYS},
        warnings=warnings,
        error_kind=str(kind) if kind else None,
    )


@dataclass
class Work:
    """Mutable per-record state while a batch moves through the stages."""

    record: Record
    article: PreparedArticle | None = None
    english_input: bool = False
    translation_sentences: list[str] | None = None  # aligned with article.sentences (or selected)
    aligned_indices: list[int] = field(default_factory=list)
    summary_indices: list[int] = field(default_factory=list)  # extract-translate's picks
    summary: str = ""
    title_translation: str | None = None
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: stages timed for the whole model batch (their ``timings`` are this record's share):
    #: stage -> the batch's seconds; ``batch_size``: the records in that batch
    shared: dict[str, float] = field(default_factory=dict)
    batch_size: int = 1
    error: str | None = None
    flags: list[tuple[Flag, ...]] = field(default_factory=list)  # per aligned sentence
    repairs: list[tuple[RepairAttempt, ...]] = field(default_factory=list)
    confidence: list[float | None] = field(default_factory=list)  # per aligned sentence
    truncated: list[bool] = field(default_factory=list)  # per aligned sentence

    @property
    def sources(self) -> list[str]:
        """The source sentences of the aligned indices (those translated)."""
        assert self.article is not None
        return [self.article.sentences[i] for i in self.aligned_indices]

    def source(self, j: int) -> str:
        """The source sentence of the ``j``-th aligned index."""
        assert self.article is not None
        return self.article.sentences[self.aligned_indices[j]]

    def share(self, stage: str, elapsed: float, part: float) -> None:
        """Record ``part`` of a model batch's ``elapsed`` seconds as this record's."""
        self.timings[stage] = part
        self.shared[stage] = elapsed


@dataclass(frozen=True)
class Hooks:
    """Progress callbacks of one call (see :meth:`Pipeline.process_batch`)."""

    on_progress: Callable[[int], None] | None = None
    on_summary: Callable[[int, int], None] | None = None
    on_event: ProgressCallback | None = None

    def event(self, stage: str, done: int, total: int, unit: str) -> None:
        if self.on_event is not None:
            from summarize.progress import ProgressEvent

            self.on_event(ProgressEvent(stage, done, total, unit))

    def counter(self, stage: str, total: int, unit: str) -> Callable[[int], None]:
        """A translator's ``on_batch(n)`` that reports ``stage`` (and starts it at 0)."""
        done = 0
        self.event(stage, 0, total, unit)

        def advance(n: int) -> None:
            nonlocal done
            done += n
            self.event(stage, done, total, unit)

        return advance

    def translation_counter(self, total: int) -> Callable[[int], None]:
        """The article translation's ``on_batch(n)``: ``translating`` events and
        ``on_progress(n)``."""
        count = self.counter("translating", total, "sentences")

        def on_batch(n: int) -> None:
            count(n)
            if self.on_progress is not None:
                self.on_progress(n)

        return on_batch

    def summary_batch(self, done: int, total: int) -> None:
        """A summariser's ``on_batch(done, total)``: ``summarising`` events and
        ``on_summary``."""
        self.event("summarising", done, total, "passages")
        if self.on_summary is not None:
            self.on_summary(done, total)


@dataclass(frozen=True)
class Models:
    """What the model stages use: the configuration, its strategy and the loaded models
    (``summarizer``: ``None`` for a strategy without one)."""

    config: PipelineConfig
    entry: Strategy
    translator: Translator
    summarizer: Summarizer | None = None


def paragraph_text(paragraphs: Sequence[Sequence[str]]) -> str:
    """Sentences joined by spaces, paragraphs by blank lines (empty ones left out)."""
    return "\n\n".join(" ".join(s for s in para if s) for para in paragraphs if any(para))


def timings(w: Work) -> dict[str, Any]:
    """A result's ``timings``: seconds per stage and ``total``; the model stages timed for a
    whole batch are this record's share (by its sentences), and ``batch`` says which
    (``shared``), how many records the batch had (``size``) and its ``seconds``."""
    out: dict[str, Any] = {k: round(v, 4) for k, v in w.timings.items()}
    out["total"] = round(sum(w.timings.values()), 4)
    if w.shared:
        out["batch"] = {
            "size": w.batch_size,
            "shared": list(w.shared),
            "seconds": {k: round(v, 4) for k, v in w.shared.items()},
        }
    return out
