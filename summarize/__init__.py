"""summarize: read Indonesian news in English.

Translate Indonesian articles into English and write abstractive English summaries
with Hugging Face seq2seq models, score them with ROUGE/BLEU/chrF, and serve the
pipeline on a Gradio page.

Nothing heavy is imported here: torch and transformers load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summarize._lazy import lazy_attribute

__version__ = "0.1.0"

_LAZY = {
    "Pipeline": "summarize.pipeline",
    "translate": "summarize.pipeline",
    "summarize": "summarize.pipeline",
    "process_batch": "summarize.pipeline",
    "STRATEGIES": "summarize.strategies",
    "PipelineConfig": "summarize.config",
    "prepare_article": "summarize.text",
    "load_engine": "summarize.engines",
    "StoryIndex": "summarize.stories",
    "group_stories": "summarize.stories",
    "build_digest": "summarize.digest",
    "Job": "summarize.jobs",
    "run_job": "summarize.jobs",
}

from summarize.errors import (  # noqa: E402
    BackendNotInstalledError,
    BinaryInputError,
    ClusterUnavailableError,
    ConfigError,
    EmptyInputError,
    FetchError,
    InputError,
    InputTooLargeError,
    MalformedRecordError,
    ModelLoadError,
    ModelNotAvailableError,
    SummarizeError,
)
from summarize.types import (  # noqa: E402
    AlignedSentence,
    GenerationSettings,
    PreparedArticle,
    Result,
)

__all__ = [
    "__version__",
    "Pipeline",
    "translate",
    "summarize",
    "process_batch",
    "STRATEGIES",
    "PipelineConfig",
    "prepare_article",
    "load_engine",
    "StoryIndex",
    "group_stories",
    "build_digest",
    "Job",
    "run_job",
    "AlignedSentence",
    "GenerationSettings",
    "PreparedArticle",
    "Result",
    "SummarizeError",
    "InputError",
    "EmptyInputError",
    "FetchError",
    "BinaryInputError",
    "InputTooLargeError",
    "MalformedRecordError",
    "ConfigError",
    "ModelNotAvailableError",
    "ModelLoadError",
    "BackendNotInstalledError",
    "ClusterUnavailableError",
]

if TYPE_CHECKING:  # pragma: no cover
    from summarize.config import PipelineConfig
    from summarize.digest import build_digest
    from summarize.engines import load_engine
    from summarize.jobs import Job, run_job
    from summarize.pipeline import Pipeline, process_batch, summarize, translate
    from summarize.stories import StoryIndex, group_stories
    from summarize.strategies import STRATEGIES
    from summarize.text import prepare_article


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, globals(), name)
