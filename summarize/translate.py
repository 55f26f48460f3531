"""Sentence-level translation with length-sorted batches and a shared sentence cache."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from summarize.chunking import length_sorted_batches, split_to_fit
from summarize.engines.base import Engine
from summarize.types import GenerationSettings

#: Output length cap relative to the longest source sentence in a batch (plus a constant):
#: translations are rarely more than twice as long as their source in tokens.
MAX_LENGTH_RATIO = 2.0
MAX_LENGTH_EXTRA = 10


@dataclass
class TranslationStats:
    """Counters for benchmarks and progress reporting."""

    sentences: int = 0
    cache_hits: int = 0
    generated_tokens: int = 0
    batches: int = 0
    split_sentences: int = 0


class Translator:
    """Translate sentences with one engine.

    Sentences that repeat (within an article or across articles: boilerplate, quotes)
    are translated once and served from an LRU cache afterwards.
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
    ) -> None:
        self.engine = engine
        self.settings = (settings or GenerationSettings()).merged_over(engine.profile.defaults)
        self.max_batch_size = max_batch_size
        self.max_batch_tokens = max_batch_tokens
        self.cache_size = cache_size
        self.length_ratio = length_ratio
        self.budget = max(engine.profile.max_input_tokens - 2, 8)
        self._cache: OrderedDict[str, str] = OrderedDict()
        #: sentences whose generation stopped at the token limit (kept while cached)
        self._truncated: set[str] = set()
        #: the engine's mean token log-probability of each cached translation
        self._confidence: dict[str, float] = {}
        self.stats = TranslationStats()

    def truncated(self, sentence: str) -> bool:
        """Whether the translation of ``sentence`` (or of one of its parts) stopped at the
        token limit, as the engine reported it."""
        return sentence in self._truncated

    def confidence(self, sentence: str) -> float | None:
        """The engine's mean log-probability per generated token for the translation of
        ``sentence`` (token-weighted over the parts of a split sentence); ``None`` when the
        engine gave none. Uncalibrated: no threshold is implied."""
        return self._confidence.get(sentence)

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
        )

    def _cache_get(self, text: str) -> str | None:
        value = self._cache.get(text)
        if value is not None:
            self._cache.move_to_end(text)
        return value

    def _cache_put(self, text: str, value: str) -> None:
        if self.cache_size <= 0:
            return
        self._cache[text] = value
        self._cache.move_to_end(text)
        while len(self._cache) > self.cache_size:
            old, _ = self._cache.popitem(last=False)
            self._truncated.discard(old)
            self._confidence.pop(old, None)

    def translate(
        self,
        sentences: Sequence[str],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> tuple[list[str], list[str]]:
        """Translate ``sentences``; returns translations in order and warnings.

        Sentences over the model's input limit are split by token budget and their
        parts' translations joined (with a warning), never truncated.
        ``on_batch(n)``: first the sentences that need no model call (cached, repeated,
        blank), then the texts of each model batch (parts of split sentences count).
        """
        warnings: list[str] = []
        if self.cache_size <= 0:
            self._truncated.clear()  # nothing cached: only this call's sentences matter
            self._confidence.clear()
        self.stats.sentences += len(sentences)
        todo: list[str] = []
        seen: set[str] = set()
        out: dict[str, str] = {}
        for s in sentences:
            if s in seen or s in out or not s.strip():
                continue
            hit = self._cache_get(s)
            if hit is not None:
                self.stats.cache_hits += 1
                out[s] = hit
                continue
            seen.add(s)
            todo.append(s)
        if on_batch is not None and len(sentences) > len(todo):
            on_batch(len(sentences) - len(todo))  # cached, repeated or blank: already done
        # Split over-long sentences into parts that fit the model.
        parts_of: dict[str, list[str]] = {}
        units: list[str] = []
        counts_all = self.engine.count_tokens(todo)
        for s, c in zip(todo, counts_all, strict=True):
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
                warnings.append(
                    f"a sentence of {c} tokens exceeded the translation model's limit of "
                    f"{self.budget}; it was translated in {len(parts)} parts"
                )
            else:
                units.append(s)
        unit_counts = self.engine.count_tokens(units)
        generated: dict[str, str] = {}
        scored: dict[str, tuple[float, int]] = {}  # unit -> (mean log-prob, tokens)
        cut: set[str] = set()
        for batch in length_sorted_batches(
            unit_counts, max_batch_size=self.max_batch_size, max_batch_tokens=self.max_batch_tokens
        ):
            texts = [units[i] for i in batch]
            settings = self.settings
            if self.length_ratio and settings.max_new_tokens:
                cap = int(max(unit_counts[i] for i in batch) * self.length_ratio) + MAX_LENGTH_EXTRA
                if cap < settings.max_new_tokens:
                    settings = GenerationSettings(**{**settings.__dict__, "max_new_tokens": cap})
            result = self.engine.generate(texts, settings, scores=True)
            self.stats.batches += 1
            self.stats.generated_tokens += sum(result.tokens)
            for text, translation in zip(texts, result.texts, strict=True):
                generated[text] = translation
            for text, score, n in zip(texts, result.scores, result.tokens, strict=False):
                scored[text] = (score, n)
            cut.update(t for t, hit in zip(texts, result.truncated, strict=False) if hit)
            if on_batch is not None:
                on_batch(len(batch))
        for s in todo:
            value = " ".join(generated[p] for p in parts_of[s]) if s in parts_of else generated[s]
            units_of = parts_of.get(s, [s])
            if any(p in cut for p in units_of):
                self._truncated.add(s)
            else:
                self._truncated.discard(s)
            confidence = _weighted_mean([scored[p] for p in units_of if p in scored])
            if confidence is None or len(units_of) > sum(p in scored for p in units_of):
                self._confidence.pop(s, None)
            else:
                self._confidence[s] = confidence
            self._cache_put(s, value)
            out[s] = value
        return [out.get(s, "") for s in sentences], warnings


def _weighted_mean(pairs: Sequence[tuple[float, int]]) -> float | None:
    """The token-weighted mean of ``(mean, tokens)`` pairs; ``None`` for none."""
    total = sum(max(n, 1) for _, n in pairs)
    if not pairs:
        return None
    return sum(score * max(n, 1) for score, n in pairs) / total
