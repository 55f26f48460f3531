"""Abstractive summarisation with chunking for inputs longer than the model's limit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from summarize.chunking import length_sorted_batches, pack_by_budget, split_to_fit
from summarize.engines.base import Engine
from summarize.translate import GENERATE_WINDOW
from summarize.types import GenerationSettings

#: How many times chunk summaries may be summarised again before giving up on a single pass.
MAX_REDUCE_ROUNDS = 6


@dataclass
class _Progress:
    """Summariser inputs done and known so far, reported to ``on_batch(done, total)``
    after each model batch."""

    on_batch: Callable[[int, int], None] | None
    done: int = 0
    total: int = 0

    def advance(self, n: int, added: int = 0) -> None:
        self.done += n
        self.total += added
        if self.on_batch is not None and n:
            self.on_batch(self.done, self.total)


@dataclass
class SummaryStats:
    generated_tokens: int = 0
    calls: int = 0


class Summarizer:
    """Summarise documents given as lists of sentences.

    A document that fits the model is summarised in one pass. A longer one is cut
    at sentence boundaries into chunks that fit, the chunks are summarised, and the
    joined chunk summaries are summarised again (map-reduce) until one pass fits.
    Each split is reported in the returned warnings.

    ``across_groups``: batch the passages of several documents together (fewer, fuller
    model calls, but padding makes a summary depend on the other documents of the call);
    off (the default), each document is batched on its own, so its summary is a pure
    function of the document.
    """

    def __init__(
        self,
        engine: Engine,
        settings: GenerationSettings | None = None,
        *,
        max_batch_size: int = 8,
        max_batch_tokens: int = 2048,
        across_groups: bool = False,
    ) -> None:
        self.engine = engine
        self.settings = (settings or GenerationSettings()).merged_over(engine.profile.defaults)
        self.max_batch_size = max_batch_size
        self.max_batch_tokens = max_batch_tokens
        self.across_groups = across_groups
        self.budget = max(engine.profile.max_input_tokens - 2, 8)
        self.stats = SummaryStats()

    def _generate(
        self,
        texts: list[str],
        on_batch: Callable[[int], None] | None = None,
        groups: Sequence[Sequence[int]] | None = None,
    ) -> list[str]:
        """One output per text, in length-sorted batches formed within each group of
        indexes (``None``: one group of all), handed to the engine a window at a time
        (:meth:`Engine.generate_many`: a batch's outputs are its own)."""
        counts = self.engine.count_tokens(texts)
        batches: list[list[int]] = []
        for group in groups if groups is not None else [range(len(texts))]:
            members = list(group)
            batches.extend(
                [members[k] for k in batch]
                for batch in length_sorted_batches(
                    [counts[i] for i in members],
                    max_batch_size=self.max_batch_size,
                    max_batch_tokens=self.max_batch_tokens,
                )
            )
        out: list[str] = [""] * len(texts)
        for start in range(0, len(batches), GENERATE_WINDOW):
            window = batches[start : start + GENERATE_WINDOW]
            results = self.engine.generate_many(
                [([texts[i] for i in batch], self.settings) for batch in window]
            )
            for batch, result in zip(window, results, strict=True):
                self.stats.calls += 1
                self.stats.generated_tokens += sum(result.tokens)
                for i, text in zip(batch, result.texts, strict=True):
                    out[i] = text
                if on_batch is not None:
                    on_batch(len(batch))
        return out

    def _split(self, text: str) -> list[str]:
        """Split one over-long text into parts that fit the model (by token budget)."""
        return split_to_fit(
            text,
            self.budget,
            lambda t: self.engine.count_tokens([t])[0],
            self.engine.tokenize,
            self.engine.detokenize,
        )

    def _chunks(self, sentences: Sequence[str]) -> list[str]:
        """Join sentences into texts that each fit the model's input budget."""
        units: list[str] = []
        for s, c in zip(sentences, self.engine.count_tokens(list(sentences)), strict=True):
            units.extend(self._split(s) if c > self.budget else [s])
        # Each unit's own count includes special tokens; the joined text needs them once.
        counts = [max(c - 1, 1) for c in self.engine.count_tokens(units)]
        chunks = [
            " ".join(units[i] for i in group) for group in pack_by_budget(counts, self.budget - 2)
        ]
        # Packing estimates can be off by a token or two at joins: re-split any that overflow.
        fixed: list[str] = []
        for chunk, c in zip(chunks, self.engine.count_tokens(chunks), strict=True):
            fixed.extend(self._split(chunk) if c > self.budget else [chunk])
        return fixed

    def _fit(self, sentences: list[str]) -> tuple[list[str], int]:
        """``sentences`` as one text, or as chunks when they do not fit the model; and
        their token count."""
        joined = " ".join(sentences)
        total = self.engine.count_tokens([joined])[0]
        return (self._chunks(sentences) if total > self.budget else [joined]), total

    def _first_chunks(
        self, documents: Sequence[Sequence[str]], warnings: dict[int, list[str]]
    ) -> dict[int, list[str]]:
        """Each non-empty document's chunks (one when it fits), by index; a split is
        added to ``warnings``."""
        state: dict[int, list[str]] = {}
        for i, sentences in enumerate(documents):
            sentences = [s for s in sentences if s.strip()]
            if not sentences:
                continue
            chunks, total = self._fit(sentences)
            if len(chunks) > 1:
                warnings[i].append(
                    f"input of {total} tokens exceeded the summariser's limit of {self.budget}; "
                    f"summarised in {len(chunks)} chunks and combined"
                )
            state[i] = chunks
        return state

    def _round(self, state: dict[int, list[str]], progress: _Progress) -> dict[int, list[str]]:
        """One summary per chunk of ``state``, grouped by document."""
        flat = [(i, c) for i, chunks in state.items() for c in chunks]
        progress.advance(0, len(flat))
        groups: dict[int, list[int]] = {}
        for k, (i, _) in enumerate(flat):
            groups.setdefault(0 if self.across_groups else i, []).append(k)
        outputs = self._generate([c for _, c in flat], progress.advance, list(groups.values()))
        grouped: dict[int, list[str]] = {}
        for (i, _), out in zip(flat, outputs, strict=True):
            grouped.setdefault(i, []).append(out)
        return grouped

    def _reduce(self, summaries: list[str], rounds: int, warnings: list[str]) -> str | list[str]:
        """A document's summary (``str``) from its chunk summaries, or the chunks of the
        next reduce round (a list)."""
        if len(summaries) == 1:
            return summaries[0]
        if rounds >= MAX_REDUCE_ROUNDS:
            warnings.append(f"chunk summaries were concatenated after {rounds} reduce rounds")
            return " ".join(summaries)
        return self._fit([s for s in summaries if s.strip()] or summaries)[0]

    def summarize_many(
        self,
        documents: Sequence[Sequence[str]],
        *,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> list[tuple[str, list[str]]]:
        """Summarise several documents (each a list of sentences); model batches span
        documents only with ``across_groups``.

        ``on_batch(done, total)`` is called after every model batch: inputs summarised so
        far and inputs known so far (a reduce round adds its inputs to ``total``).
        """
        progress = _Progress(on_batch)
        results: list[tuple[str, list[str]]] = [("", []) for _ in documents]
        warnings: dict[int, list[str]] = {i: [] for i in range(len(documents))}
        state = self._first_chunks(documents, warnings)
        rounds = 0
        while state:
            grouped = self._round(state, progress)
            rounds += 1
            state = {}
            for i, summaries in grouped.items():
                reduced = self._reduce(summaries, rounds, warnings[i])
                if isinstance(reduced, str):
                    results[i] = (reduced, warnings[i])
                else:
                    state[i] = reduced
        return results

    def summarize(self, sentences: Sequence[str]) -> tuple[str, list[str]]:
        """Summarise one document given as sentences; returns the summary and warnings."""
        return self.summarize_many([sentences])[0]
