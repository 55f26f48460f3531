"""The pipeline: raw article → cleaned source → English translation → English summary.

Shape follows the transformers pipelines: *preprocess* (clean, split, detect the
language) → *forward* (translate and summarise, batched across articles) →
*postprocess* (reassemble paragraphs, alignment, frozen :class:`Result`).

``Pipeline.process_batch`` is the batch core: a function over a list of records,
so a distributed engine can run it (``Pipeline`` instances are also callable on a
columnar batch, the shape Ray Data ``map_batches`` passes).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from summarize.config import ACROSS_ARTICLES, DEFAULT_MAX_CHARS, REPAIR_DEFAULTS, PipelineConfig
from summarize.engines.base import Engine
from summarize.errors import (
    PERMANENT,
    BackendNotInstalledError,
    ConfigError,
    InputError,
    InputTooLargeError,
    MalformedRecordError,
    ModelLoadError,
    ModelNotAvailableError,
)
from summarize.models import registry
from summarize.strategies import (
    EXTRACTIVE_METHODS,
    FROM_TRANSLATION,
    STRATEGIES,
    Strategy,
    default_sum_model,
)
from summarize.types import (
    AlignedSentence,
    GenerationSettings,
    PreparedArticle,
    RepairAttempt,
    Result,
)

if TYPE_CHECKING:  # imported on load: ``summarize.translate`` (the module) must not
    # replace ``summarize.translate`` (the function) on the package before it is used
    from summarize.progress import ProgressCallback
    from summarize.quality import Flag
    from summarize.summarizer import Summarizer
    from summarize.translate import Translated, Translator

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

_FATAL = (ModelNotAvailableError, ModelLoadError, BackendNotInstalledError, ConfigError)


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


def _check_batch(records: Any) -> None:
    if isinstance(records, (str, bytes, bytearray)):
        raise ConfigError(
            f"a batch is a list of records, not a single {type(records).__name__}: pass "
            "[text] (or use summarize(text) for one article)"
        )


def to_record(item: Any, position: int) -> Record:
    """Normalise one input item. Strings/bytes get their 1-based position as id.

    Strings are made strict Unicode (lone surrogates become U+FFFD, with a warning), so
    every result encodes as UTF-8 JSON; a reader's ``_warnings`` become the record's.
    """
    from summarize.text.strict import strict_record, strict_text

    if isinstance(item, Record):
        return item
    if isinstance(item, (bytes, bytearray)):
        return Record(id=str(position), text=bytes(item))
    if isinstance(item, str):
        text = strict_text(item)
        fixed = () if text is item else ("replaced lone surrogate(s) in the text with U+FFFD",)
        return Record(id=str(position), text=text, warnings=fixed)
    if isinstance(item, Mapping):
        raw_text = item.get("text")
        rest, fixes = strict_record({k: v for k, v in item.items() if k != "text"})
        warnings = tuple(str(w) for w in rest.pop("_warnings", None) or ()) + tuple(fixes)
        if isinstance(raw_text, str) and strict_text(raw_text) is not raw_text:
            raw_text = strict_text(raw_text)
            warnings += ("replaced lone surrogate(s) in the text with U+FFFD",)
        item = {**rest, "text": raw_text} if "text" in item else rest
        rid = item.get("id")
        rid = str(rid) if rid not in (None, "") else str(position)
        if item.get("_error"):  # keep what the reader knew (a feed item's title, its url)
            title = item.get("title")
            kind = item.get("_error_kind")
            return Record(
                id=rid,
                text=None,
                title=str(title) if title else None,
                error=str(item["_error"]),
                metadata={
                    k: v
                    for k, v in item.items()
                    if k not in ("id", "text", "title", "html", "_error", "_error_kind")
                },
                warnings=warnings,
                error_kind=str(kind) if kind else None,
            )
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
        meta = {k: v for k, v in item.items() if k not in ("id", "text", "title", "html")}
        return Record(
            id=rid,
            text=text,
            title=str(title) if title else None,
            html=item.get("html"),
            metadata=meta,
            warnings=warnings,
        )
    return Record(
        id=str(position),
        text=None,
        error=f"unsupported record type {type(item).__name__} (use str, bytes or dict)",
    )


def _timings(w: _Work) -> dict[str, Any]:
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


def _paragraph_text(paragraphs: Sequence[Sequence[str]]) -> str:
    return "\n\n".join(" ".join(s for s in para if s) for para in paragraphs if any(para))


@dataclass
class _Work:
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


@dataclass(frozen=True)
class _Hooks:
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
        self._models_cache: dict[str, Any] = {}
        self._settings_cache: dict[str, Any] = {}
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
        from summarize.translate import Translator

        cfg = self.config
        if self._translator is None:
            engine = self._engine(self.mt_model, cfg.mt_revision)
            if engine.profile.task != registry.TRANSLATION:
                raise ConfigError(
                    f"'{self.mt_model}' is a {engine.profile.family} {engine.profile.task} model, "
                    "not a translation model"
                )
            self._translator = Translator(
                engine,
                cfg.translation,
                max_batch_tokens=cfg.max_batch_tokens,
                cache_size=cfg.cache_size,
                across_groups=self.across_articles,
            )
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

    # -- stages -----------------------------------------------------------------
    def _preprocess(self, record: Record) -> _Work:
        from summarize.text import prepare_article

        work = _Work(record, warnings=list(record.warnings))
        if record.error:
            work.error = record.error
            return work
        start = time.perf_counter()
        try:
            assert record.text is not None
            if self.max_chars is not None and len(record.text) > self.max_chars:
                raise InputTooLargeError(
                    f"article has {len(record.text):,} characters, over the limit of "
                    f"{self.max_chars:,}"
                )
            url = record.metadata.get("url")
            article = prepare_article(
                record.text,
                html=record.html,
                title=record.title,
                url=url if isinstance(url, str) else None,
            )
        except InputError as exc:
            work.error = str(exc)
            return work
        work.article = article
        work.warnings.extend(article.warnings)
        if article.language == "en":
            work.english_input = True
            work.warnings.append("input is English: translation skipped")
        work.timings["prepare"] = time.perf_counter() - start
        return work

    def _select(self, sentences: Sequence[str]) -> list[int]:
        from summarize.extractive import select_sentences

        return select_sentences(list(sentences), self.config.extractive, self.config.extract_k)

    def _translate_stage(self, works: list[_Work], hooks: _Hooks) -> None:
        """Translate what each record needs, batched across records."""
        jobs: list[tuple[_Work, list[str]]] = []
        for w in works:
            assert w.article is not None
            sents = w.article.sentences
            if self.entry.extractive:
                chosen = self._select(sents)
                w.aligned_indices = list(range(len(sents))) if self.full_translation else chosen
                w.summary_indices = chosen
            elif self.full_translation:
                w.aligned_indices = list(range(len(sents)))
            else:
                w.aligned_indices = []
            need = [sents[i] for i in w.aligned_indices]
            if w.article.title:
                need.append(w.article.title)
            if w.english_input:
                w.translation_sentences = [sents[i] for i in w.aligned_indices]
                w.title_translation = w.article.title
                continue
            jobs.append((w, need))
        if not jobs:
            return
        start = time.perf_counter()
        flat = [s for _, need in jobs for s in need]
        count = hooks.counter("translating", len(flat), "sentences")

        def on_batch(n: int) -> None:
            count(n)
            if hooks.on_progress is not None:
                hooks.on_progress(n)

        groups = self.translator.translate_groups([need for _, need in jobs], on_batch=on_batch)
        elapsed = time.perf_counter() - start
        for (w, need), group in zip(jobs, groups, strict=True):
            out = list(group.sentences)
            assert w.article is not None
            if w.article.title:
                w.title_translation = out.pop().text
            w.translation_sentences = [t.text for t in out]
            w.truncated = [t.truncated for t in out]
            w.confidence = [t.confidence for t in out]
            w.timings["translate"] = elapsed * (len(need) / max(len(flat), 1))
            w.shared["translate"] = elapsed
            w.warnings.extend(group.warnings)  # split sentences of this record

    def _flags(
        self, source: str, translation: str, truncated: bool, translator: Translator
    ) -> tuple[Flag, ...]:
        from summarize.quality import check_translation, truncated_flag

        flags = check_translation(source, translation)
        if truncated:
            flags.append(truncated_flag(translator.settings.max_new_tokens))
        return tuple(flags)

    def _quality_stage(self, works: list[_Work], hooks: _Hooks) -> None:
        """Flag every translated sentence (:mod:`summarize.quality`); with ``repair`` on,
        retranslate the sentences whose flags a retranslation can fix."""
        hooks.event("checking", 0, len(works), "articles")
        for done, w in enumerate(works, 1):
            assert w.article is not None
            start = time.perf_counter()
            if w.english_input or w.translation_sentences is None:
                w.flags = [() for _ in w.aligned_indices]
                w.repairs = [() for _ in w.aligned_indices]
                hooks.event("checking", done, len(works), "articles")
                continue
            sources = [w.article.sentences[i] for i in w.aligned_indices]
            w.flags = [
                self._flags(src, tr, cut, self.translator)
                for src, tr, cut in zip(sources, w.translation_sentences, w.truncated, strict=True)
            ]
            w.repairs = [() for _ in sources]
            w.timings["check"] = time.perf_counter() - start
            hooks.event("checking", done, len(works), "articles")
        if self.config.repair:
            self._repair_stage(works, hooks)

    def _repair_translators(self) -> Iterator[tuple[str, Translator, str | None]]:
        """Each repair setting once: stricter decoding, then the fallback model."""
        yield (
            "stricter decoding",
            self.translator.with_settings(self.repair_settings),
            None,
        )
        model = self.config.fallback_mt_model
        if model:
            if self._fallback is None:
                from summarize.translate import Translator

                engine = self._engine(model, None)
                if engine.profile.task != registry.TRANSLATION:
                    raise ConfigError(f"fallback model '{model}' is not a translation model")
                self._fallback = Translator(
                    engine,
                    self.config.translation,
                    max_batch_tokens=self.config.max_batch_tokens,
                    cache_size=self.config.cache_size,
                    across_groups=self.across_articles,
                )
            yield "fallback model", self._fallback, model

    def _repair_stage(self, works: list[_Work], hooks: _Hooks) -> None:
        from summarize.quality import REPAIRABLE

        def wants_repair(flags: tuple[Flag, ...]) -> bool:
            return any(f.code in REPAIRABLE for f in flags)

        todo = [(w, j) for w in works for j, flags in enumerate(w.flags) if wants_repair(flags)]
        if not todo:
            return
        start = time.perf_counter()
        tried_in: dict[int, int] = {}
        for tried, translator, model in self._repair_translators():
            if not todo:
                break
            sources = [w.article.sentences[w.aligned_indices[j]] for w, j in todo]  # type: ignore[union-attr]
            count = hooks.counter(f"repairing ({tried})", len(sources), "sentences")
            outputs = self._translate_per_record(translator, todo, sources, count)
            still: list[tuple[_Work, int]] = []
            for (w, j), src, got in zip(todo, sources, outputs, strict=True):
                assert w.translation_sentences is not None
                old = w.flags[j]
                new = got.text
                flags = self._flags(src, new, got.truncated, translator)
                kept = [f for f in flags if f.code not in REPAIRABLE]
                cleared = not wants_repair(flags) and len(kept) <= len(old) - sum(
                    f.code in REPAIRABLE for f in old
                )
                attempt = RepairAttempt(
                    tried=tried,
                    translation=new,
                    flags=tuple(f.code for f in flags),
                    cleared=cleared,
                    settings={} if model else translator.settings.to_dict(),
                    model=model,
                )
                w.repairs[j] = (*w.repairs[j], attempt)
                tried_in[id(w)] = tried_in.get(id(w), 0) + 1
                if cleared:
                    w.translation_sentences[j] = new
                    w.flags[j] = flags
                    w.confidence[j] = got.confidence
                else:
                    still.append((w, j))
            todo = still
        elapsed = time.perf_counter() - start
        total = sum(tried_in.values()) or 1
        for w in works:
            if id(w) in tried_in:
                w.timings["repair"] = elapsed * tried_in[id(w)] / total
                w.shared["repair"] = elapsed

    @staticmethod
    def _translate_per_record(
        translator: Translator,
        todo: Sequence[tuple[_Work, int]],
        sources: Sequence[str],
        on_batch: Callable[[int], None],
    ) -> list[Translated]:
        """``sources`` (one per ``todo`` item) translated as one group per record, so a
        record's retranslations do not depend on the other records of the batch."""
        groups: dict[int, list[int]] = {}
        for k, (w, _) in enumerate(todo):
            groups.setdefault(id(w), []).append(k)
        order = list(groups.values())
        done = translator.translate_groups(
            [[sources[k] for k in ks] for ks in order], on_batch=on_batch
        )
        out: list[Translated | None] = [None] * len(sources)
        for ks, group in zip(order, done, strict=True):
            for k, t in zip(ks, group.sentences, strict=True):
                out[k] = t
        return [t for t in out if t is not None]

    def _summarize_stage(self, works: list[_Work], hooks: _Hooks) -> None:
        if self.entry.extractive:
            for w in works:
                assert w.article is not None and w.translation_sentences is not None
                chosen = w.summary_indices
                by_index = dict(zip(w.aligned_indices, w.translation_sentences, strict=True))
                w.summary = " ".join(by_index[i] for i in chosen if by_index.get(i))
            return
        start = time.perf_counter()
        docs: list[list[str]] = []
        for w in works:
            assert w.article is not None
            if self.entry.summarize_from == FROM_TRANSLATION:
                if w.translation_sentences is None or len(w.aligned_indices) != len(
                    w.article.sentences
                ):
                    raise ConfigError(f"{self.strategy} needs the full translation")
                docs.append([s for s in w.translation_sentences if s])
            else:  # the summariser reads the Indonesian source
                docs.append(w.article.sentences)
        hooks.event("summarising", 0, sum(1 for d in docs if d), "passages")

        def on_summary(done: int, total: int) -> None:
            hooks.event("summarising", done, total, "passages")
            if hooks.on_summary is not None:
                hooks.on_summary(done, total)

        outputs = self.summarizer.summarize_many(docs, on_batch=on_summary)
        elapsed = time.perf_counter() - start
        total = sum(len(d) for d in docs) or 1
        for w, doc, (summary, warnings) in zip(works, docs, outputs, strict=True):
            w.summary = summary
            w.warnings.extend(warnings)
            w.timings["summarize"] = elapsed * len(doc) / total
            w.shared["summarize"] = elapsed
        if self.entry.translate_summary:
            from summarize.text import split_sentences

            todo = [w for w in works if not w.english_input and w.summary]
            pieces = [split_sentences(w.summary) or [w.summary] for w in todo]
            start = time.perf_counter()
            flat = [s for p in pieces for s in p]
            count = hooks.counter("translating summaries", len(flat), "sentences")
            translated = self.translator.translate_groups(pieces, on_batch=count)
            elapsed = time.perf_counter() - start
            for w, p, group in zip(todo, pieces, translated, strict=True):
                w.summary = " ".join(t for t in group.texts if t)
                w.timings["translate_summary"] = elapsed * len(p) / max(len(flat), 1)
                w.shared["translate_summary"] = elapsed

    def _postprocess(self, w: _Work, common_warnings: list[str]) -> Result:
        rec = w.record
        if w.error is None and w.article is not None and not w.summary.strip():
            # Non-empty input always has a summary: an empty one means a broken model
            # (e.g. a tokenizer that decodes everything to nothing), never success.
            w.error = (
                "the model returned an empty summary for a non-empty article (is the model "
                "broken, e.g. missing or mismatched tokenizer files?)"
            )
        if w.error is not None or w.article is None:
            return Result(
                id=rec.id,
                title=rec.title,
                strategy=self.strategy,
                error=w.error,
                warnings=tuple(dict.fromkeys(w.warnings)),
                metadata=rec.metadata,
                error_kind=rec.error_kind or PERMANENT,
            )
        article = w.article
        positions = [(p, i) for p, para in enumerate(article.paragraphs) for i in range(len(para))]
        translations = w.translation_sentences or []
        flags = w.flags or [() for _ in translations]
        repairs = w.repairs or [() for _ in translations]
        confidence = w.confidence or [None for _ in translations]
        alignment = tuple(
            AlignedSentence(positions[k][0], positions[k][1], article.sentences[k], t, f, r, c)
            for k, t, f, r, c in zip(
                w.aligned_indices, translations, flags, repairs, confidence, strict=True
            )
        )
        paras: list[list[str]] = [[] for _ in article.paragraphs]
        for a in alignment:
            paras[a.paragraph].append(a.translation)
        translation = _paragraph_text(paras)
        summary_flags: tuple[Flag, ...] = ()
        if w.summary:
            from summarize.quality import check_summary

            start = time.perf_counter()
            try:
                summary_flags = tuple(
                    check_summary(article.text, w.summary, None if w.english_input else translation)
                )
            except Exception as exc:  # flags inform; they must never cost the result
                w.warnings.append(f"summary check failed: {type(exc).__name__}: {exc}")
            w.timings["check"] = w.timings.get("check", 0.0) + time.perf_counter() - start
        from summarize.quality import count_codes

        counts = count_codes([f for a in alignment for f in a.flags] + list(summary_flags))
        return Result(
            id=rec.id,
            source=article.text,
            translation=translation,
            summary=w.summary,
            title=article.title,
            title_translation=w.title_translation,
            alignment=alignment,
            strategy=self.strategy,
            models=self._models_cache,
            settings=self._settings_cache,
            timings=_timings(w),
            warnings=tuple(dict.fromkeys(w.warnings + common_warnings)),
            metadata={**article.metadata, **rec.metadata},
            flags=summary_flags,
            flag_counts=counts,
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
        hooks = _Hooks(on_progress, on_summary, on_event)
        with self._lock:
            return self._process_batch(records, start_position, hooks)

    def prepare_batch(
        self,
        records: Sequence[Any],
        *,
        start_position: int = 1,
        on_event: ProgressCallback | None = None,
    ) -> list[_Work]:
        """The CPU stage on its own: normalise, clean and split ``records``; loads no model.

        The items are opaque and picklable: hand them to :meth:`finish_batch`, in this
        process or another (the Ray engine runs the two stages on different workers).
        """
        hooks = _Hooks(on_event=on_event)
        recs = [to_record(r, start_position + i) for i, r in enumerate(records)]
        works = []
        hooks.event("preparing", 0, len(recs), "articles")
        for rec in recs:
            works.append(self._preprocess(rec))
            hooks.event("preparing", len(works), len(recs), "articles")
        return works

    def finish_batch(
        self,
        works: Sequence[_Work],
        *,
        on_progress: Callable[[int], None] | None = None,
        on_summary: Callable[[int, int], None] | None = None,
        on_event: ProgressCallback | None = None,
    ) -> list[Result]:
        """The model stage: translate and summarise what :meth:`prepare_batch` made."""
        with self._lock:
            return self._finish(list(works), _Hooks(on_progress, on_summary, on_event))

    def _process_batch(
        self, records: Sequence[Any], start_position: int, hooks: _Hooks
    ) -> list[Result]:
        self.load()
        works = self.prepare_batch(records, start_position=start_position, on_event=hooks.on_event)
        return self._finish(works, hooks)

    def _finish(self, works: list[_Work], hooks: _Hooks) -> list[Result]:
        self.load()
        self._models_cache = self.describe()["models"]
        self._settings_cache = self.settings()
        common = self.license_warnings()
        good = [w for w in works if w.error is None]
        try:
            self._forward(good, hooks)
        except _FATAL:
            raise
        except Exception:  # find the culprit: redo record by record
            for w in good:
                self._isolate(w, hooks)
        return [self._postprocess(w, common) for w in works]

    def _forward(self, works: list[_Work], hooks: _Hooks) -> None:
        for w in works:
            w.batch_size = len(works)
        if works:
            self._translate_stage(works, hooks)
            self._quality_stage(works, hooks)
            self._summarize_stage(works, hooks)

    def _isolate(self, w: _Work, hooks: _Hooks) -> None:
        fresh = _Work(
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
        for f in dataclasses.fields(_Work):
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
        from summarize.text import split_paragraphs, split_sentences

        with self._lock:
            return self._translate_texts(texts, split_paragraphs, split_sentences, on_event)

    def _translate_texts(
        self,
        texts: Sequence[str],
        split_paragraphs: Any,
        split_sentences: Any,
        on_event: ProgressCallback | None = None,
    ) -> list[str]:
        layout: list[list[list[str]]] = [
            [split_sentences(p) for p in split_paragraphs(t)] for t in texts
        ]
        flat = [s for doc in layout for para in doc for s in para]
        count = _Hooks(on_event=on_event).counter("translating", len(flat), "sentences")
        groups = self.translator.translate_groups(
            [[s for para in doc for s in para] for doc in layout], on_batch=count
        )
        out = []
        for doc, group in zip(layout, groups, strict=True):
            translated, pos, paras = group.texts, 0, []
            for para in doc:
                paras.append(translated[pos : pos + len(para)])
                pos += len(para)
            out.append(_paragraph_text(paras))
        return out


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
