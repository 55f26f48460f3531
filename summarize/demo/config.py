"""Settings of the web demo (one :class:`DemoConfig` per app)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from summarize.config import PipelineConfig, field_names
from summarize.types import GenerationSettings

#: ``seeds/`` and ``eval/`` live at the repository root, beside the package.
REPO_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
#: Articles longer than this (characters) are refused; a news story is a few thousand.
DEFAULT_MAX_CHARS = 100_000
#: Records accepted by one batch request.
DEFAULT_MAX_BATCH_RECORDS = 1_000

#: Summary length presets shown in the page. ``medium`` is the model family's default
#: (or what the app was started with); the others set the token bounds explicitly.
LENGTH_PRESETS: dict[str, GenerationSettings] = {
    "short": GenerationSettings(min_new_tokens=10, max_new_tokens=60),
    "medium": GenerationSettings(),
    "long": GenerationSettings(min_new_tokens=90, max_new_tokens=250),
}
#: Sentences picked by the extract-translate strategy for each preset.
EXTRACT_SENTENCES = {"short": 2, "medium": 3, "long": 5}


#: Token budget of one summariser batch in the demo: room for all 8 passages (of up to
#: 1,024 tokens) of one merged request batch in one model call. The library's 2,048 fits
#: only two, so merging requests would save little; this costs more memory (about 3 GB
#: of attention cache for BART-large with 4 beams).
DEMO_SUMMARY_BATCH_TOKENS = 8192

#: The demo's pipeline defaults: the library's, with the page's smaller article limit and
#: larger summariser batches.
DEFAULT_PIPELINE = PipelineConfig(
    max_chars=DEFAULT_MAX_CHARS, summary_batch_tokens=DEMO_SUMMARY_BATCH_TOKENS
)


@dataclass(frozen=True)
class DemoConfig:
    """Everything the demo needs to know; built by ``summarize demo`` or by tests.

    ``pipeline`` is the :class:`~summarize.config.PipelineConfig` every page request starts
    from: its strategy is preselected, its models are the defaults of the model boxes
    (``None``: the strategy's default), its generation settings are the defaults (tests
    pass tiny ``max_new_tokens`` there; the page's length presets are applied over
    ``summary``) and its ``max_chars`` is the largest article the page accepts.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    pipeline: PipelineConfig = field(default_factory=lambda: DEFAULT_PIPELINE)
    concurrency: int = 1
    queue_size: int | None = 64
    batch_size: int = 4
    #: concurrent article requests (same models and length) run as one pipeline batch of
    #: at most this many; 1 runs them one at a time
    article_batch_size: int = 8
    #: seconds a free worker waits for more concurrent requests before it starts a batch
    #: that is not full (requests let in together arrive milliseconds apart)
    article_batch_wait_s: float = 0.1
    max_batch_records: int = DEFAULT_MAX_BATCH_RECORDS
    fixed_models: bool = False
    preload: bool = True
    seeds_dir: Path | None = REPO_ROOT / "seeds"
    workdir: Path | None = None
    #: seconds a request's result files are kept (None: forever); also Gradio's cache
    keep_outputs_s: int | None = 24 * 3600
    max_file_size: str | int | None = "100mb"

    def __getattr__(self, name: str) -> Any:
        """The pipeline's settings read through: ``config.mt_model`` is
        ``config.pipeline.mt_model`` (only reads; build a new ``pipeline`` to change one)."""
        if name in field_names():
            return getattr(self.pipeline, name)
        raise AttributeError(f"'DemoConfig' object has no attribute {name!r}")

    def with_(self, **changes: Any) -> DemoConfig:
        return replace(self, **changes)
