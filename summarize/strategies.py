"""The strategy table: how each strategy turns an Indonesian article into an English summary.

Each strategy is one :class:`Strategy` entry: the models it needs, the task its
summariser must have, and the stages that run. :class:`summarize.pipeline.Pipeline`
asks the entry and never compares strategy names; front ends list :data:`STRATEGIES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarize.errors import ConfigError
from summarize.models import registry

#: What the summariser reads.
FROM_TRANSLATION = "translation"  # the English translation of the whole article
FROM_SOURCE = "source"  # the Indonesian source

#: Extractive sentence pickers of ``extract-translate`` (see :mod:`summarize.extractive`).
EXTRACTIVE_METHODS = ("lead", "textrank")


@dataclass(frozen=True)
class Strategy:
    """One way to make the English summary.

    ``summarizer_task`` is the task a summariser must have (``None``: no summariser is
    loaded and the summary is made of picked, translated source sentences).
    ``label`` is what the web page shows; ``summarize_from`` says what the summariser reads; ``translate_summary`` translates
    the summariser's output (it is Indonesian); ``full_translation`` is whether the
    whole article is translated unless the caller says otherwise.
    """

    name: str
    description: str
    label: str
    summarizer_task: str | None
    default_sum_model: str | None
    summarize_from: str | None
    translate_summary: bool = False
    full_translation: bool = True
    hint: str = ""

    @property
    def needs_summarizer(self) -> bool:
        return self.summarizer_task is not None

    @property
    def extractive(self) -> bool:
        """The summary is picked source sentences, translated (no summariser)."""
        return self.summarizer_task is None

    @property
    def needs_full_translation(self) -> bool:
        """The summariser reads the full translation, so it cannot be switched off."""
        return self.summarize_from == FROM_TRANSLATION


_TABLE = (
    Strategy(
        name="translate-summarize",
        label="Translate, then summarise in English",
        description="translate the article, summarise the English",
        summarizer_task="summarization",
        default_sum_model=registry.DEFAULT_SUM_MODEL,
        summarize_from=FROM_TRANSLATION,
    ),
    Strategy(
        name="summarize-translate",
        label="Summarise in Indonesian, then translate",
        description="summarise the Indonesian, translate the summary (and the article)",
        summarizer_task="summarization",
        default_sum_model=registry.DEFAULT_ID_SUM_MODEL,
        summarize_from=FROM_SOURCE,
        translate_summary=True,
    ),
    Strategy(
        name="direct",
        label="Cross-lingual summary in one step",
        description="one cross-lingual summariser, target English (article still translated)",
        summarizer_task="crosslingual-summarization",
        default_sum_model=registry.DEFAULT_CROSS_SUM_MODEL,
        summarize_from=FROM_SOURCE,
        hint=" (try csebuetnlp/mT5_m2m_crossSum)",
    ),
    Strategy(
        name="extract-translate",
        label="Pick key sentences, then translate (no summariser)",
        description="pick key Indonesian sentences (lead-k or TextRank), translate only those",
        summarizer_task=None,
        default_sum_model=None,
        summarize_from=None,
        full_translation=False,
    ),
)

#: name -> entry, in display order (the first is the default).
STRATEGY_TABLE: dict[str, Strategy] = {s.name: s for s in _TABLE}
STRATEGIES: tuple[str, ...] = tuple(STRATEGY_TABLE)
DEFAULT_STRATEGY = STRATEGIES[0]
#: The strategy that loads no summariser (sentence-level translation, evaluation of MT).
TRANSLATION_ONLY_STRATEGY = next(s.name for s in _TABLE if not s.needs_summarizer)


def get_strategy(name: str) -> Strategy:
    """The entry for ``name``; :class:`ConfigError` for an unknown name."""
    try:
        return STRATEGY_TABLE[name]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown strategy '{name}' (use one of {', '.join(STRATEGIES)})"
        ) from None


def default_sum_model(strategy: str) -> str | None:
    """The summariser a strategy uses when none is given (``None`` when it needs none)."""
    return get_strategy(strategy).default_sum_model
