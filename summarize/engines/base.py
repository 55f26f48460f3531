"""The one small interface every inference backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from summarize.types import GenerationSettings


@dataclass(frozen=True)
class ModelProfile:
    """How to drive one model: its family conventions plus generation defaults.

    Built from a ``prompts/<family>.toml`` file and the model's own config.
    ``src_lang``/``tgt_lang`` are already in the family's code style
    (``ind_Latn`` for NLLB, ``id`` for M2M100, ``id_ID`` for mBART-50...).
    """

    family: str
    task: str  # "translation" | "summarization" | "crosslingual-summarization"
    prefix: str = ""
    src_lang: str | None = None
    tgt_lang: str | None = None
    target_language_name: str | None = (
        None  # mT5 CrossSum: key into config.task_specific_params["langid_map"]
    )
    defaults: GenerationSettings = field(default_factory=GenerationSettings)
    max_input_tokens: int = 512
    license: str | None = None
    non_commercial: bool = False


@dataclass(frozen=True)
class GenerationBatch:
    """Texts generated for a batch of inputs, with the number of tokens each one generated
    and whether its generation stopped at the token limit (``truncated``; empty when the
    engine cannot tell)."""

    texts: list[str]
    tokens: list[int]
    truncated: list[bool] = field(default_factory=list)


@runtime_checkable
class Engine(Protocol):
    """A loaded seq2seq model that turns input texts into output texts.

    Implementations: :class:`summarize.engines.hf.TransformersEngine` and
    :class:`summarize.engines.ct2.CTranslate2Engine`.
    """

    model_id: str
    revision: str | None
    profile: ModelProfile
    backend: str

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source-side token counts, including special tokens and the task prefix."""
        ...

    def tokenize(self, text: str) -> list[str]:
        """Source-side subword pieces (no special tokens), used to split over-long inputs."""
        ...

    def detokenize(self, pieces: Sequence[str]) -> str:
        """Inverse of :meth:`tokenize`."""
        ...

    def generate(self, texts: Sequence[str], settings: GenerationSettings) -> GenerationBatch:
        """Generate one output per input. ``settings`` are already merged with the profile defaults."""
        ...

    def describe(self) -> dict[str, Any]:
        """Model id, revision, backend, device, dtype: for signatures and result records."""
        ...
