"""The pipeline: raw article → cleaned source → English translation → English summary.

:class:`Pipeline` holds the configuration and the models and runs the stages of
:mod:`summarize.stages` in order: *prepare* (clean, split, detect the language; no
model) → *translate* → *check* → *repair* → *summarise* (batched across articles) →
*assemble* (paragraphs, alignment, frozen :class:`Result`).

``Pipeline.process_batch`` is the batch core: a function over a list of records,
so a distributed engine can run it (``Pipeline`` instances are also callable on a
columnar batch, the shape Ray Data ``map_batches`` passes).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from summarize.config import ACROSS_ARTICLES, DEFAULT_MAX_CHARS, REPAIR_DEFAULTS, PipelineConfig
from summarize.engines.base import Engine
from summarize.errors import (
    BackendNotInstalledError,
    ConfigError,
    InputError,
    ModelLoadError,
    ModelNotAvailableError,
)
from summarize.models import registry
from summarize.stages import (
    Hooks,
    Models,
    Record,
    Repairer,
    Signature,
    Work,
    assemble,
    check_stage,
    prepare_all,
    repair_stage,
    summarize_stage,
    to_record,
    translate_stage,
    translate_texts,
)
from summarize.strategies import EXTRACTIVE_METHODS, STRATEGIES, Strategy, default_sum_model
from summarize.types import GenerationSettings, Result

if TYPE_CHECKING:  # imported on load: ``summarize.translate`` (the module) must not
    # replace ``summarize.translate`` (the function) on the package before it is used
    from summarize.progress import ProgressCallback
    from summarize.summarizer import Summarizer
    from summarize.translate import Translator

__all__ = [
    "DEFAULT_MAX_CHARS",
    "EXTRACTIVE_METHODS",
    "STRATEGIES",
    "Pipeline",
    "PipelineConfig",
    "Record",
    "default_sum_model",
    "process_batch",
    "summarize",
    "to_record",
    "translate",
]


def _check_batch(records: Any) -> None:
    if isinstance(records, (str, bytes, bytearray)):
        raise ConfigError(
            f"a batch is a list of records, not a single {type(records).__name__}: pass "
            "[text] (or use summarize(text) for one article)"
        )


_FATAL = (ModelNotAvailableError, ModelLoadError, BackendNotInstalledError, ConfigError)


class Pipeline:
    """Indonesian article → English translation and English summary.

    >>> pipe = Pipeline()                                   # doctest: +SKIP
    >>> for result in pipe.run(["Jakarta - ..."], batch_size=8):
    ...     print(result.summary)

    ``strategy`` is one of :data:`STRATEGIES`. ``mt_model``/``sum_model`` are hub ids
    or local directories (``None``: the strategy's default). Models load on first use
    and are shared by every pipeline in the process.
    """

    def __init__(self, config: PipelineConfig | str | None = None, /, **settings: Any) -> None:
        if isinstance(config, str):  # Pipeline("extract-translate", ...): the strategy
            settings = {"strategy": config, **settings}
            config = None
        elif config is not None and not isinstance(config, PipelineConfig):
            raise ConfigError(
                f"Pipeline takes a PipelineConfig or a strategy name, not {type(config).__name__}"
            )
        base = config or PipelineConfig()
        # replace() raises ConfigError for unknown keys and bad values.
        self.config: PipelineConfig = base.replace(**settings) if settings else base
        self.entry: Strategy = self.config.strategy_entry
        self._translator: Translator | None = None
        self._fallback: Translator | None = None
        self._summarizer: Summarizer | None = None
        # Tokenizers and the sentence cache are not thread-safe: one batch at a time.
        self._lock = threading.RLock()

    # -- the configuration, by name ---------------------------------------------------
    @property
    def strategy(self) -> str:
        return self.config.strategy

    @property
    def mt_model(self) -> str:
        return self.config.resolved_mt_model

    @property
    def sum_model(self) -> str | None:
        return self.config.resolved_sum_model

    @property
    def full_translation(self) -> bool:
        return self.config.resolved_full_translation

    @property
    def repair_settings(self) -> GenerationSettings:
        """The repair step's stricter decoding (over :data:`REPAIR_DEFAULTS`)."""
        return self.config.repair_translation.merged_over(REPAIR_DEFAULTS)

    @property
    def across_articles(self) -> bool:
        """Whether model batches span articles (``batching = "throughput"``); by default
        they do not, so a record does not depend on the other articles of its batch."""
        return ACROSS_ARTICLES[self.config.batching]

    @property
    def max_chars(self) -> int | None:
        """The article size limit in characters (``None``: no limit)."""
        return self.config.max_chars or None

    # -- loading ------------------------------------------------------------
    def _engine(self, model_id: str, revision: str | None) -> Engine:
        from summarize.engines.backends import get_backend
        from summarize.engines.factory import load_engine

        return load_engine(
            model_id,
            backend=self.config.backend,
            device=self.config.device,
            dtype=self.config.dtype,
            revision=revision,
            prompts_dir=self.config.prompts_dir,
            **get_backend(self.config.backend).engine_options(self.config.backend_options),
        )

    def check(self) -> Pipeline:
        """Cheap checks before any model loads (a server checks at start-up): model
        directories exist and look whole (config, tokenizer files, weights size) and the
        backend is installed. Raises what :meth:`load` would."""
        from summarize.engines.factory import require_backend
        from summarize.models.hub import local_model_dir
        from summarize.models.loading import check_model_dir

        for model in (self.mt_model, self.sum_model, self.config.fallback_mt_model):
            if model:
                local = local_model_dir(model)
                if local is not None:
                    check_model_dir(local)
        require_backend(self.config.backend)
        return self

    @property
    def needs_summarizer(self) -> bool:
        return self.entry.needs_summarizer

    def load(self) -> Pipeline:
        """Load the models this strategy needs (once per process). Returns ``self``."""
        from summarize.summarizer import Summarizer

        cfg = self.config
        if self._translator is None:
            engine = self._engine(self.mt_model, cfg.mt_revision)
            if engine.profile.task != registry.TRANSLATION:
                raise ConfigError(
                    f"'{self.mt_model}' is a {engine.profile.family} {engine.profile.task} model, "
                    "not a translation model"
                )
            self._translator = self._new_translator(engine)
        if self.entry.needs_summarizer and self._summarizer is None:
            assert self.sum_model is not None
            engine = self._engine(self.sum_model, cfg.sum_revision)
            want = self.entry.summarizer_task
            if engine.profile.task != want:
                raise ConfigError(
                    f"strategy '{self.strategy}' needs a {want} model{self.entry.hint}; "
                    f"'{self.sum_model}' is a {engine.profile.family} {engine.profile.task} model"
                )
            self._summarizer = Summarizer(
                engine,
                cfg.summary,
                max_batch_tokens=cfg.summary_batch_tokens,
                across_groups=self.across_articles,
            )
        return self

    @property
    def translator(self) -> Translator:
        translator = self.load()._translator
        assert translator is not None
        return translator

    @property
    def summarizer(self) -> Summarizer:
        """The summariser (:class:`ConfigError` for a strategy that has none)."""
        summarizer = self.load()._summarizer
        if summarizer is None:
            raise ConfigError(f"strategy '{self.strategy}' uses no summarisation model")
        return summarizer

    def license_warnings(self) -> list[str]:
        """Warnings for models whose licence restricts use (e.g. non-commercial)."""
        out = []
        engines = [self.translator.engine] + (
            [self.summarizer.engine] if self.needs_summarizer else []
        )
        for engine in engines:
            if engine.profile.non_commercial:
                out.append(
                    f"model '{engine.model_id}' is licensed {engine.profile.license}: "
                    "non-commercial use only"
                )
        return out

    def describe(self) -> dict[str, Any]:
        """Models (ids, revisions, backend), strategy and settings: the run's signature."""
        self.load()
        models = {"translation": self.translator.engine.describe()}
        if self.needs_summarizer:
            models["summarization"] = self.summarizer.engine.describe()
        return {"strategy": self.strategy, "models": models, "settings": self.settings()}

    def settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "strategy": self.strategy,
            "full_translation": self.full_translation,
            "batching": self.config.batching,
            "translation": self.translator.settings.to_dict(),
        }
        if self.needs_summarizer:
            out["summary"] = self.summarizer.settings.to_dict()
        if self.entry.extractive:
            out["extractive"] = {"method": self.config.extractive, "k": self.config.extract_k}
        out["repair"] = {
            "on": self.config.repair,
            "translation": self.repair_settings.to_dict(),
            "fallback_mt_model": self.config.fallback_mt_model,
        }
        return out

    # -- the stages' inputs -------------------------------------------------------------
    def _models(self) -> Models:
        return Models(self.config, self.entry, self.translator, self._summarizer)

    def _repairers(self) -> Iterator[Repairer]:
        """Each repair setting once: stricter decoding, then the fallback model."""
        yield (
            "stricter decoding",
            self.translator.with_settings(self.repair_settings),
            None,
        )
        model = self.config.fallback_mt_model
        if model:
            if self._fallback is None:
                self._fallback = self._fallback_translator(model)
            yield "fallback model", self._fallback, model

    def _fallback_translator(self, model: str) -> Translator:
        engine = self._engine(model, None)
        if engine.profile.task != registry.TRANSLATION:
            raise ConfigError(f"fallback model '{model}' is not a translation model")
        return self._new_translator(engine)

    def _new_translator(self, engine: Engine) -> Translator:
        """A translator over ``engine`` with the configuration's settings and batching."""
        from summarize.translate import Translator

        cfg = self.config
        return Translator(
            engine,
            cfg.translation,
            max_batch_tokens=cfg.max_batch_tokens,
            cache_size=cfg.cache_size,
            across_groups=self.across_articles,
        )

    # -- public entry points ------------------------------------------------------
    def process_batch(
        self,
        records: Sequence[Any],
        *,
        start_position: int = 1,
        on_progress: Callable[[int], None] | None = None,
        on_summary: Callable[[int, int], None] | None = None,
        on_event: ProgressCallback | None = None,
    ) -> list[Result]:
        """Process a batch of records (str, bytes, dict or :class:`Record`), in order.

        A bad record yields a :class:`Result` with ``error`` set; the others go on.
        Model problems (not available, failing to load) raise, since no record can succeed.
        Thread-safe: concurrent calls on one pipeline run one after the other.

        Progress callbacks: ``on_progress(n)`` after each translation batch (``n`` texts
        translated); ``on_summary(done, total)`` after each summariser batch (summariser
        inputs done so far and known so far; ``total`` grows when chunk summaries of a
        long article are summarised again). ``on_event(event)``: a
        :class:`~summarize.progress.ProgressEvent` at the start of each stage, after each
        article prepared or checked and after each model call (translation, repair and
        summariser batches), with the stage, done, total and unit.
        """
        _check_batch(records)
        hooks = Hooks(on_progress, on_summary, on_event)
        with self._lock:
            return self._process_batch(records, start_position, hooks)

    def prepare_batch(
        self,
        records: Sequence[Any],
        *,
        start_position: int = 1,
        on_event: ProgressCallback | None = None,
    ) -> list[Work]:
        """The CPU stage on its own: normalise, clean and split ``records``; loads no model.

        The items are opaque and picklable: hand them to :meth:`finish_batch`, in this
        process or another (the Ray engine runs the two stages on different workers).
        """
        return prepare_all(records, start_position, self.max_chars, Hooks(on_event=on_event))

    def finish_batch(
        self,
        works: Sequence[Work],
        *,
        on_progress: Callable[[int], None] | None = None,
        on_summary: Callable[[int, int], None] | None = None,
        on_event: ProgressCallback | None = None,
    ) -> list[Result]:
        """The model stage: translate and summarise what :meth:`prepare_batch` made."""
        with self._lock:
            return self._finish(list(works), Hooks(on_progress, on_summary, on_event))

    def _process_batch(
        self, records: Sequence[Any], start_position: int, hooks: Hooks
    ) -> list[Result]:
        self.load()
        works = self.prepare_batch(records, start_position=start_position, on_event=hooks.on_event)
        return self._finish(works, hooks)

    def _finish(self, works: list[Work], hooks: Hooks) -> list[Result]:
        self.load()
        signature = Signature(
            self.strategy, self.describe()["models"], self.settings(), self.license_warnings()
        )
        good = [w for w in works if w.error is None]
        try:
            self._forward(good, hooks)
        except _FATAL:
            raise
        except Exception:  # find the culprit: redo record by record
            for w in good:
                self._isolate(w, hooks)
        return [assemble(w, signature) for w in works]

    def _forward(self, works: list[Work], hooks: Hooks) -> None:
        """The model stages in order, over the records of one batch."""
        for w in works:
            w.batch_size = len(works)
        if not works:
            return
        models = self._models()
        translate_stage(works, models, hooks)
        check_stage(works, models.translator, hooks)
        if self.config.repair:
            repair_stage(works, self._repairers(), hooks)
        summarize_stage(works, models, hooks)

    def _isolate(self, w: Work, hooks: Hooks) -> None:
        fresh = Work(
            w.record,
            article=w.article,
            english_input=w.english_input,
            warnings=list(w.warnings),
            timings={k: v for k, v in w.timings.items() if k == "prepare"},
        )
        try:
            self._forward([fresh], hooks)
        except _FATAL:
            raise
        except Exception as exc:  # one bad record must not stop the batch
            w.error = f"internal error: {type(exc).__name__}: {exc}"
            return
        for f in dataclasses.fields(Work):
            setattr(w, f.name, getattr(fresh, f.name))

    def run(
        self,
        records: Iterable[Any],
        *,
        batch_size: int | None = None,
        on_progress: Callable[[int], None] | None = None,
        on_summary: Callable[[int, int], None] | None = None,
        on_event: ProgressCallback | None = None,
    ) -> Iterator[Result]:
        """Stream results for ``records`` in input order, ``batch_size`` articles at a time
        (``None``: the config's ``batch_size``).

        ``records`` is consumed lazily, so generators and files far larger than memory work.
        The callbacks are those of :meth:`process_batch`, per batch. When ``records``
        raises, the results of every record read before are yielded first, then the
        error is raised.
        """
        _check_batch(records)
        if batch_size is None:
            batch_size = self.config.batch_size
        if batch_size < 1:
            raise ConfigError("batch_size must be at least 1")
        self.load()
        it = iter(records)
        position = 1
        while True:
            chunk: list[Any] = []
            failure: Exception | None = None
            try:
                for item in it:
                    chunk.append(item)
                    if len(chunk) >= batch_size:
                        break
            except Exception as exc:  # the input broke: finish what was read, then raise
                failure = exc
            if chunk:
                yield from self.process_batch(
                    chunk,
                    start_position=position,
                    on_progress=on_progress,
                    on_summary=on_summary,
                    on_event=on_event,
                )
                position += len(chunk)
            if failure is not None:
                raise failure
            if len(chunk) < batch_size:
                return

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
        """Columnar batch in, columnar batch out (the Ray Data ``map_batches`` shape)."""
        return process_batch(batch, pipeline=self)

    def translate_texts(
        self, texts: Sequence[str], *, on_event: ProgressCallback | None = None
    ) -> list[str]:
        """Translate plain texts (sentences or paragraphs) without article cleaning.

        Each text is split into paragraphs and sentences, translated, and reassembled.
        ``on_event``: a ``translating`` event after each model call.
        """
        with self._lock:
            return translate_texts(self.translator, texts, on_event)


def process_batch(
    batch: Mapping[str, Sequence[Any]] | Sequence[Any],
    *,
    pipeline: Pipeline | None = None,
    **pipeline_kwargs: Any,
) -> Any:
    """Stateless batch core for distributed engines.

    Given a columnar batch (``{"id": [...], "text": [...], "title": [...]}``), returns a
    columnar batch of result fields; given a list of records, returns a list of
    :class:`Result`. Models are loaded once per process and reused between calls.
    """
    _check_batch(batch)
    pipe = pipeline or Pipeline(**pipeline_kwargs)
    if isinstance(batch, Mapping):
        columns = {k: list(v) for k, v in batch.items()}
        n = len(columns.get("text", []))
        if any(len(v) != n for v in columns.values()):
            sizes = {k: len(v) for k, v in columns.items()}
            raise ConfigError(f"the columns of a batch must have the same length: {sizes}")
        rows = [{k: columns[k][i] for k in columns} for i in range(n)]
        results = pipe.process_batch(rows)
        dicts = [r.to_dict() for r in results]
        keys = list(dicts[0]) if dicts else [f.name for f in dataclasses.fields(Result)]
        return {k: [d[k] for d in dicts] for k in keys}
    return pipe.process_batch(list(batch))


def translate(texts: str | Sequence[str], **pipeline_kwargs: Any) -> Any:
    """Translate Indonesian text(s) to English. Returns a string for a string input."""
    single = isinstance(texts, str)
    pipe = Pipeline(**pipeline_kwargs)
    out = pipe.translate_texts([texts] if single else list(texts))  # type: ignore[list-item]
    return out[0] if single else out


def summarize(texts: str | Sequence[str], **pipeline_kwargs: Any) -> Any:
    """English summaries of Indonesian article(s). Raises :class:`InputError` for bad input."""
    single = isinstance(texts, str)
    items = [texts] if single else list(texts)
    results = Pipeline(**pipeline_kwargs).process_batch(items)
    for r in results:
        if r.error:
            raise InputError(f"article {r.id}: {r.error}")
    summaries = [r.summary for r in results]
    return summaries[0] if single else summaries
