"""The task table: what an evaluation suite's ``task`` decides.

Each task is one :class:`Task` entry: its default metrics, the language of its
references, the baselines scored when a file brings no system outputs, and how a
``pipeline`` system runs on its items (the strategy it uses unless it names one, and
whether it translates texts or summarises articles). Suites, the runner, the command
line and the demo ask the entry; none compares task names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarize.errors import ConfigError
from summarize.evaluation.metrics.rouge import ROUGE_TYPES
from summarize.strategies import TRANSLATION_ONLY_STRATEGY


@dataclass(frozen=True)
class Task:
    """One evaluation task.

    ``metrics``: scored unless a suite names its own; ``reference_language``: of the
    references unless a suite says otherwise; ``baselines``: scored for a data file
    without system columns; ``strategy``: a pipeline system's strategy unless it names
    one (``None``: the library default); ``translates``: a pipeline system translates
    each source text (sentence-level MT) instead of summarising it as an article.
    """

    name: str
    description: str
    metrics: tuple[str, ...]
    reference_language: str
    baselines: tuple[str, ...]
    strategy: str | None = None
    translates: bool = False


SUMMARIZATION = "summarization"
TRANSLATION = "translation"

_TABLE = (
    Task(
        name=SUMMARIZATION,
        description="summaries scored against reference summaries",
        metrics=ROUGE_TYPES,
        reference_language="id",
        baselines=("lead-3", "textrank-3"),
    ),
    Task(
        name=TRANSLATION,
        description="translations scored against reference translations",
        metrics=("bleu", "chrf", "chrf++"),
        reference_language="en",
        baselines=("copy-source",),
        # sentence-level MT needs no summariser: don't load one
        strategy=TRANSLATION_ONLY_STRATEGY,
        translates=True,
    ),
)

#: Every task by name.
TASK_TABLE: dict[str, Task] = {t.name: t for t in _TABLE}
TASKS: tuple[str, ...] = tuple(TASK_TABLE)


def get_task(name: str, where: str = "") -> Task:
    """The entry of ``name`` (:class:`ConfigError` for an unknown task, after ``where``)."""
    try:
        return TASK_TABLE[name]
    except (KeyError, TypeError):
        prefix = f"{where}: " if where else ""
        raise ConfigError(f"{prefix}task must be one of {', '.join(TASKS)}, got {name!r}") from None


def guess_task(sources: Sequence[str], references: Sequence[str]) -> Task:
    """Summarisation when references are much shorter than sources (half or less, in
    words), else translation."""
    src = sum(len(s.split()) for s in sources)
    ref = sum(len(r.split()) for r in references)
    return TASK_TABLE[SUMMARIZATION if ref and src / ref >= 2.0 else TRANSLATION]
