"""Sentence-level translation with length-sorted batches and a cache.

A translation is a pure function of the sentence batch it was generated in (batch
padding, and CTranslate2's split of a batch, change float and int8 results), so how
batches are formed decides whether a record depends on its neighbours:

* ``across_groups=False`` (the default, ``batching = "article"``): each group of
  sentences (one article) is batched on its own, so its batches never depend on which
  other articles share the call; the cache is keyed on the exact batch, so a hit gives
  what generating again would.
* ``across_groups=True`` (``batching = "throughput"``): the groups of one call are
  batched together (fewer, fuller batches) and repeats are served from a sentence cache;
  a translation can then depend on the other articles of the call and on the cache's
  history.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from summarize.chunking import length_sorted_batches, split_to_fit
from summarize.engines.base import Engine, GenerationBatch
from summarize.types import GenerationSettings

#: Output length cap relative to the longest source sentence in a batch (plus a constant):
#: translations are rarely more than twice as long as their source in tokens.
MAX_LENGTH_RATIO = 2.0
MAX_LENGTH_EXTRA = 10
#: Model batches handed to the engine at once (its workers run them side by side); a
#: progress event follows each window.
GENERATE_WINDOW = 8


@dataclass
class TranslationStats:
    """Counters for benchmarks and progress reporting."""

    sentences: int = 0
    cache_hits: int = 0
    generated_tokens: int = 0
    batches: int = 0
    split_sentences: int = 0


@dataclass(frozen=True)
class _Unit:
    """What the model gave for one unit (a sentence or a part of a split sentence)."""

    text: str
    tokens: int
    truncated: bool
    score: float | None


@dataclass(frozen=True)
class Translated:
    """One sentence's translation: the text, whether generation stopped at the token
    limit, and the engine's mean token log-probability (``None``: none given)."""

    text: str
    truncated: bool = False
    confidence: float | None = None


@dataclass(frozen=True)
class TranslatedGroup:
    """A group's translations, in the order of its sentences, and its warnings."""

    sentences: tuple[Translated, ...]
    warnings: tuple[str, ...] = ()

    @property
    def texts(self) -> list[str]:
        return [t.text for t in self.sentences]


_BLANK = Translated("")

#: A model batch's key: its texts and new-token limit.
_BatchKey = tuple[tuple[str, ...], "int | None"]
#: One model batch: its group's index, its texts and its settings.
_Job = tuple[int, tuple[str, ...], GenerationSettings]


@dataclass
class _Plan:
    """One group's work: the sentences to generate, split into units that fit."""

    todo: list[str]
    parts_of: dict[str, list[str]]
    units: list[str]
    #: sentence -> the warning that it was split
    warnings: dict[str, str]

    def warnings_for(self, group: Sequence[str]) -> tuple[str, ...]:
        return tuple(self.warnings[s] for s in dict.fromkeys(group) if s in self.warnings)


class Translator:
    """Translate sentences with one engine (see the module docstring for ``across_groups``).

    Sentences that repeat within a group are translated once. ``cache_size``: sentences
    kept for repeats across calls (0: no cache).
    """

    def __init__(
        self,
        engine: Engine,
        settings: GenerationSettings | None = None,
        *,
        max_batch_size: int = 16,
        max_batch_tokens: int = 4096,
        cache_size: int = 20_000,
        length_ratio: float | None = MAX_LENGTH_RATIO,
        across_groups: bool = False,
    ) -> None:
        self.engine = engine
        self.settings = (settings or GenerationSettings()).merged_over(engine.profile.defaults)
        self.max_batch_size = max_batch_size
        self.max_batch_tokens = max_batch_tokens
        self.cache_size = cache_size
        self.length_ratio = length_ratio
        self.across_groups = across_groups
        self.budget = max(engine.profile.max_input_tokens - 2, 8)
        #: across groups: sentence -> its translation; else: (batch, cap) -> its units
        self._cache: OrderedDict[object, object] = OrderedDict()
        self._cached_units = 0  # sentences held by the batch-keyed cache
        self.stats = TranslationStats()
        #: How units become model batches: ``(token counts, max_batch_size=,
        #: max_batch_tokens=) -> batches of indexes`` (a public hook: the benchmark's
        #: ablation swaps in one without the length sorting).
        self.batcher: Callable[..., list[list[int]]] = length_sorted_batches

    def clear_cache(self) -> None:
        """Forget every cached translation (a benchmark's repeated rounds start cold)."""
        self._cache.clear()
        self._cached_units = 0

    def with_settings(
        self, settings: GenerationSettings, engine: Engine | None = None
    ) -> Translator:
        """A translator over ``engine`` (default: this one's) with ``settings`` merged over
        this translator's, without a cache: the repair step's retranslations."""
        engine = engine or self.engine
        base = self.settings if engine is self.engine else GenerationSettings()
        merged = settings.merged_over(base)
        return Translator(
            engine,
            merged,
            max_batch_size=self.max_batch_size,
            max_batch_tokens=self.max_batch_tokens,
            cache_size=0,
            length_ratio=self.length_ratio,
            across_groups=self.across_groups,
        )

    # -- public entry points ----------------------------------------------------------
    def translate(
        self,
        sentences: Sequence[str],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> tuple[list[str], list[str]]:
        """Translate ``sentences`` as one group; returns translations in order and warnings."""
        group = self.translate_groups([sentences], on_batch=on_batch)[0]
        return group.texts, list(group.warnings)

    def translate_groups(
        self,
        groups: Sequence[Sequence[str]],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> list[TranslatedGroup]:
        """Translate each group of sentences (an article's); one result per group.

        Sentences over the model's input limit are split by token budget and their
        parts' translations joined (with a warning), never truncated.
        ``on_batch(n)``: first the sentences that need no model call (cached, repeated,
        blank), then the texts of each model batch (parts of split sentences count).
        """
        self.stats.sentences += sum(len(g) for g in groups)
        if self.across_groups:
            return self._translate_across(groups, on_batch)
        plans = [self._plan(list(dict.fromkeys(s for s in g if s.strip()))) for g in groups]
        none_needed = sum(len(g) for g in groups) - sum(len(p.todo) for p in plans)
        if on_batch is not None and none_needed:
            on_batch(none_needed)  # repeated or blank: already done
        out = []
        generated = self._generate_units([p.units for p in plans], on_batch, batch_cache=True)
        for group, plan, units in zip(groups, plans, generated, strict=True):
            done = self._assemble(plan, units)
            out.append(
                TranslatedGroup(tuple(done.get(s, _BLANK) for s in group), plan.warnings_for(group))
            )
        return out

    # -- the two batchings ------------------------------------------------------------
    def _translate_across(
        self, groups: Sequence[Sequence[str]], on_batch: Callable[[int], None] | None
    ) -> list[TranslatedGroup]:
        """All groups batched together, repeats served from the sentence cache."""
        flat = [s for g in groups for s in g]
        known: dict[str, Translated] = {}
        todo: list[str] = []
        for s in dict.fromkeys(s for s in flat if s.strip()):
            hit = self._sentence_get(s)
            if hit is None:
                todo.append(s)
            else:
                self.stats.cache_hits += 1
                known[s] = hit
        if on_batch is not None and len(flat) > len(todo):
            on_batch(len(flat) - len(todo))  # cached, repeated or blank: already done
        plan = self._plan(todo)
        (units,) = self._generate_units([plan.units], on_batch, batch_cache=False)
        done = self._assemble(plan, units)
        for s, value in done.items():
            self._sentence_put(s, value)
        known.update(done)
        return [
            TranslatedGroup(tuple(known.get(s, _BLANK) for s in group), plan.warnings_for(group))
            for group in groups
        ]

    # -- steps --------------------------------------------------------------------------
    def _plan(self, todo: list[str]) -> _Plan:
        """Split over-long sentences of ``todo`` into parts that fit the model."""
        parts_of: dict[str, list[str]] = {}
        units: list[str] = []
        warnings: dict[str, str] = {}
        for s, c in zip(todo, self.engine.count_tokens(todo), strict=True):
            if c > self.budget:
                parts = split_to_fit(
                    s,
                    self.budget,
                    lambda t: self.engine.count_tokens([t])[0],
                    self.engine.tokenize,
                    self.engine.detokenize,
                )
                parts_of[s] = parts
                units.extend(parts)
                self.stats.split_sentences += 1
                warnings[s] = (
                    f"a sentence of {c} tokens exceeded the translation model's limit of "
                    f"{self.budget}; it was translated in {len(parts)} parts"
                )
            else:
                units.append(s)
        return _Plan(todo, parts_of, list(dict.fromkeys(units)), warnings)

    def _batch_settings(self, counts: Sequence[int], batch: Sequence[int]) -> GenerationSettings:
        """The settings for one batch: the new-token limit capped by its longest source
        (``length_ratio``), when that is below the configured one."""
        settings = self.settings
        if self.length_ratio and settings.max_new_tokens:
            longest = max(counts[i] for i in batch)
            cap = int(longest * self.length_ratio) + MAX_LENGTH_EXTRA
            if cap < settings.max_new_tokens:
                settings = GenerationSettings(**{**settings.__dict__, "max_new_tokens": cap})
        return settings

    def _jobs(self, groups: Sequence[list[str]]) -> list[_Job]:
        """Each group's units in length-sorted batches (formed within the group), with
        their settings."""
        jobs: list[_Job] = []
        for g, units in enumerate(groups):
            counts = self.engine.count_tokens(units)
            for batch in self.batcher(
                counts, max_batch_size=self.max_batch_size, max_batch_tokens=self.max_batch_tokens
            ):
                jobs.append(
                    (g, tuple(units[i] for i in batch), self._batch_settings(counts, batch))
                )
        return jobs

    def _run_window(
        self, window: Sequence[_Job], batch_cache: bool
    ) -> dict[_BatchKey, tuple[_Unit, ...]]:
        """The units of each batch of ``window``: from the batch-keyed cache (when
        ``batch_cache``), else generated (the window's batches handed over at once)."""
        done: dict[_BatchKey, tuple[_Unit, ...]] = {}
        todo: dict[_BatchKey, GenerationSettings] = {}
        for _, texts, settings in window:
            key = (texts, settings.max_new_tokens)
            cached = self._batch_get(key) if batch_cache else None
            if cached is not None:
                self.stats.cache_hits += len(texts)
                done[key] = cached
            elif key not in done:
                todo[key] = settings
        results = self.engine.generate_many(
            [(list(key[0]), settings) for key, settings in todo.items()], scores=True
        )
        for key, result in zip(todo, results, strict=True):
            self.stats.batches += 1
            self.stats.generated_tokens += sum(result.tokens)
            done[key] = _units(result, len(key[0]))
            if batch_cache:
                self._batch_put(key, done[key])
        return done

    def _generate_units(
        self,
        groups: Sequence[list[str]],
        on_batch: Callable[[int], None] | None,
        *,
        batch_cache: bool,
    ) -> list[dict[str, _Unit]]:
        """Each group's units translated, in length-sorted batches formed within the group
        (or served whole from the batch-keyed cache when ``batch_cache``). The batches of
        all groups go to the engine together, a window at a time
        (:meth:`Engine.generate_many`: several workers may run them at once; each batch's
        outputs are its own)."""
        jobs = self._jobs(groups)
        out: list[dict[str, _Unit]] = [{} for _ in groups]
        for start in range(0, len(jobs), GENERATE_WINDOW):
            window = jobs[start : start + GENERATE_WINDOW]
            done = self._run_window(window, batch_cache)
            for g, texts, settings in window:
                out[g].update(zip(texts, done[(texts, settings.max_new_tokens)], strict=True))
                if on_batch is not None:
                    on_batch(len(texts))
        return out

    def _assemble(self, plan: _Plan, units: dict[str, _Unit]) -> dict[str, Translated]:
        """Each sentence of ``plan.todo`` from its units (a split sentence's parts joined)."""
        done: dict[str, Translated] = {}
        for s in plan.todo:
            parts = [units[p] for p in plan.parts_of.get(s, [s])]
            scored = [(u.score, u.tokens) for u in parts if u.score is not None]
            done[s] = Translated(
                " ".join(u.text for u in parts),
                any(u.truncated for u in parts),
                _weighted_mean(scored) if len(scored) == len(parts) else None,
            )
        return done

    # -- the caches ---------------------------------------------------------------------
    def _sentence_get(self, text: str) -> Translated | None:
        value = self._cache.get(text)
        if value is not None:
            self._cache.move_to_end(text)
        return value if isinstance(value, Translated) else None

    def _sentence_put(self, text: str, value: Translated) -> None:
        if self.cache_size <= 0:
            return
        self._cache[text] = value
        self._cache.move_to_end(text)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _batch_get(self, key: tuple[tuple[str, ...], int | None]) -> tuple[_Unit, ...] | None:
        value = self._cache.get(key)
        if value is not None:
            self._cache.move_to_end(key)
        return value if isinstance(value, tuple) else None

    def _batch_put(self, key: tuple[tuple[str, ...], int | None], value: tuple[_Unit, ...]) -> None:
        if self.cache_size <= 0 or len(value) > self.cache_size:
            return
        if key not in self._cache:
            self._cached_units += len(value)
        self._cache[key] = value
        self._cache.move_to_end(key)
        while self._cached_units > self.cache_size:
            _, old = self._cache.popitem(last=False)
            self._cached_units -= len(old)  # type: ignore[arg-type]


def _units(result: GenerationBatch, n: int) -> tuple[_Unit, ...]:
    """A model batch's ``n`` outputs as units (scores and truncation padded when the
    engine gave none)."""
    scores = list(result.scores) + [None] * (n - len(result.scores))
    cut = list(result.truncated) + [False] * (n - len(result.truncated))
    return tuple(
        _Unit(t, k, bool(c), sc)
        for t, k, c, sc in zip(result.texts, result.tokens, cut, scores, strict=True)
    )


def _weighted_mean(pairs: Sequence[tuple[float, int]]) -> float | None:
    """The token-weighted mean of ``(mean, tokens)`` pairs; ``None`` for none."""
    total = sum(max(n, 1) for _, n in pairs)
    if not pairs:
        return None
    return sum(score * max(n, 1) for score, n in pairs) / total
