"""The demo's shared pipeline pool: one loaded pipeline per (strategy, models, length),
per-model locks, the model boxes' defaults and the models a visitor may name.

Every service of the demo (article, batch, digest, evaluation) draws its pipelines from
one :class:`PipelinePool`, so a model is loaded once per app whatever tab asks for it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from summarize.demo.config import EXTRACT_SENTENCES, LENGTH_PRESETS, DemoConfig
from summarize.demo.errors import DemoError
from summarize.errors import ModelLoadError, SummarizeError
from summarize.strategies import STRATEGIES, default_sum_model, get_strategy

#: How many pipelines (strategy x models x length) are kept; engines are cached anyway.
MAX_PIPELINES = 16


class PipelinePool:
    """Pipelines shared across requests and tabs. Safe to call from several threads."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self._pipelines: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        self._model_locks: dict[str, threading.Lock] = {}

    # -- the model boxes --------------------------------------------------------------
    def default_sum_model(self, strategy: str) -> str:
        """What the summary-model box shows for ``strategy``."""
        pipeline = self.config.pipeline
        if not get_strategy(strategy).needs_summarizer:
            return ""
        if strategy == pipeline.strategy and pipeline.sum_model:
            return pipeline.sum_model
        return default_sum_model(strategy) or ""

    def default_mt_model(self) -> str:
        from summarize.models.registry import DEFAULT_MT_MODEL

        return self.config.pipeline.mt_model or DEFAULT_MT_MODEL

    def check_models(self, strategy: str, mt_model: str, sum_model: str) -> tuple[str, str | None]:
        """The models to use for these boxes (empty: the defaults); a :class:`DemoError`
        for one this demo does not serve."""
        mt = (mt_model or "").strip() or self.default_mt_model()
        sm = (sum_model or "").strip() or self.default_sum_model(strategy) or None
        if not get_strategy(strategy).needs_summarizer:
            sm = None
        if self.config.restricts_models:
            self._check_allowed(strategy, mt, sm)
        return mt, sm

    def _check_allowed(self, strategy: str, mt: str, sm: str | None) -> None:
        allowed_sum = self.default_sum_model(strategy) or None
        extra = set(self.config.allowed_models)
        if (mt != self.default_mt_model() and mt not in extra) or (
            sm != allowed_sum and sm not in extra
        ):
            raise DemoError(
                "This demo only serves its configured models "
                f"(translation: {self.default_mt_model()}"
                + (f", summary: {allowed_sum}" if allowed_sum else "")
                + (f"; also: {', '.join(sorted(extra))}" if extra else "")
                + ").",
                title="Model not allowed",
            )

    # -- pipelines --------------------------------------------------------------------
    def pipeline(self, strategy: str, mt_model: str, sum_model: str, length: str = "medium") -> Any:
        """The loaded pipeline for these choices (built once, then shared)."""
        if strategy not in STRATEGIES:
            raise DemoError(
                f"Unknown strategy '{strategy}'. Choose one of: {', '.join(STRATEGIES)}.",
                title="Invalid option",
            )
        if length not in LENGTH_PRESETS:
            raise DemoError(
                f"Unknown summary length '{length}'. Choose one of: {', '.join(LENGTH_PRESETS)}.",
                title="Invalid option",
            )
        mt, sm = self.check_models(strategy, mt_model, sum_model)
        key = (strategy, mt, sm, length)
        with self._lock:
            pipe = self._pipelines.get(key)
        if pipe is not None:
            return pipe
        pipe = self._load(strategy, mt, sm, length)
        with self._lock:
            pipe = self._pipelines.setdefault(key, pipe)
            while len(self._pipelines) > MAX_PIPELINES:
                self._pipelines.pop(next(iter(self._pipelines)))
        return pipe

    def _load(self, strategy: str, mt: str, sm: str | None, length: str) -> Any:
        from summarize.pipeline import Pipeline

        cfg = self.config.pipeline
        try:
            pipe = Pipeline(
                cfg.replace(
                    strategy=strategy,
                    mt_model=mt,
                    sum_model=sm,
                    summary=LENGTH_PRESETS[length].merged_over(cfg.summary),
                    extract_k=EXTRACT_SENTENCES[length],
                )
            )
            pipe.load()
        except ModelLoadError as exc:  # found, but broken files
            raise DemoError(str(exc), title="Model cannot be loaded") from exc
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Model not available") from exc
        return pipe

    @contextlib.contextmanager
    def using(self, pipe: Any) -> Iterator[None]:
        """Serialise inference per model: tokenizers and the sentence cache are not
        thread-safe. Requests for different models still run in parallel."""
        names = sorted({pipe.mt_model, *([pipe.sum_model] if pipe.needs_summarizer else [])})
        with self._lock:
            locks = [self._model_locks.setdefault(n, threading.Lock()) for n in names]
        with contextlib.ExitStack() as stack:
            for lock in locks:
                stack.enter_context(lock)
            yield

    def preload(self) -> None:
        """Load the configured models now (the first request is then fast)."""
        self.pipeline(self.config.pipeline.strategy, "", "", "medium")
