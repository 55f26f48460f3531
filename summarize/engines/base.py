"""The one small interface every inference backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from summarize.models.profiles import ModelProfile
from summarize.types import GenerationSettings

__all__ = ["Engine", "GenerationBatch", "ModelProfile", "TokenizerMethods"]


@dataclass(frozen=True)
class GenerationBatch:
    """Texts generated for a batch of inputs, with the number of tokens each one generated
    and whether its generation stopped at the token limit (``truncated``; empty when the
    engine cannot tell). ``scores``: each output's mean log-probability per generated
    token under the model (the engine's own confidence, uncalibrated); empty unless
    asked for with ``generate(..., scores=True)`` or given for free by the engine."""

    texts: list[str]
    tokens: list[int]
    truncated: list[bool] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)


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

    def generate(
        self, texts: Sequence[str], settings: GenerationSettings, *, scores: bool = False
    ) -> GenerationBatch:
        """Generate one output per input. ``settings`` are already merged with the profile
        defaults. ``scores=True`` asks for :attr:`GenerationBatch.scores`."""
        ...

    def generate_many(
        self, jobs: Sequence[tuple[Sequence[str], GenerationSettings]], *, scores: bool = False
    ) -> list[GenerationBatch]:
        """:meth:`generate` for each ``(texts, settings)`` job, each job its own batch (as
        if generated alone); an engine with several workers may run them at once."""
        ...

    def describe(self) -> dict[str, Any]:
        """Model id, revision, backend, device, dtype: for signatures and result records."""
        ...


class TokenizerMethods:
    """The :class:`Engine` methods that only need the model's own Hugging Face tokenizer,
    shared by both backends (they tokenise and decode alike; only generation differs)."""

    model_id: str
    revision: str | None
    profile: ModelProfile
    backend: str
    device: str
    dtype: str
    tokenizer: Any

    def _init_common(
        self,
        model_id: str,
        tokenizer: Any,
        config: dict[str, Any],
        profile: ModelProfile,
        *,
        device: str,
        dtype: str,
        revision: str | None,
        load_seconds: float,
    ) -> None:
        """The attributes every engine has (each backend's ``__init__`` calls this)."""
        self.model_id = model_id
        self.tokenizer = tokenizer
        self.config = config
        self.profile = profile
        self.device = device
        self.dtype = dtype
        self.revision = revision
        self.load_seconds = load_seconds

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        enc = self.tokenizer([self.profile.prefix + t for t in texts], truncation=False)
        return [len(ids) for ids in enc["input_ids"]]

    def tokenize(self, text: str) -> list[str]:
        return list(self.tokenizer.tokenize(text))

    def generate_many(
        self, jobs: Sequence[tuple[Sequence[str], GenerationSettings]], *, scores: bool = False
    ) -> list[GenerationBatch]:
        """One :meth:`Engine.generate` call per job, in turn (engines with several
        workers run them at once instead)."""
        generate = self.generate  # type: ignore[attr-defined]
        return [generate(texts, settings, scores=scores) for texts, settings in jobs]

    def detokenize(self, pieces: Sequence[str]) -> str:
        return str(self.tokenizer.convert_tokens_to_string(list(pieces))).strip()

    def describe(self) -> dict[str, Any]:
        return {
            "model": self.model_id,
            "revision": self.revision,
            "family": self.profile.family,
            "backend": self.backend,
            "device": self.device,
            "dtype": self.dtype,
            "license": self.profile.license,
        }
