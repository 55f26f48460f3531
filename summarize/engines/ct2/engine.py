"""The CTranslate2 engine: the same models, converted once and run by CTranslate2.

``CTranslate2Engine`` implements the :class:`~summarize.engines.base.Engine` interface
like :class:`~summarize.engines.hf.TransformersEngine` and drives models the same way:

* tokenisation goes through the model's own Hugging Face tokenizer (task prefix,
  ``src_lang`` for NLLB/M2M100/mBART-50), and output tokens are decoded by it;
* the target language of NLLB/M2M100/mBART-50 (and BART's ``forced_bos_token_id``) is
  the target prefix, exactly like transformers' forced BOS token;
* mT5 CrossSum starts the decoder with the target-language token
  (``config.task_specific_params["langid_map"]``): the converted model is saved without
  a fixed decoder start token and the language token is passed as the start token;
* ``forced_eos_token_id`` (Marian, BART, mBART) is honoured the way transformers does it:
  a hypothesis that reaches the length limit ends with EOS;
* settings left unset fall back to the model's ``generation_config.json``, as
  ``model.generate`` does.

Models are converted on first use (:mod:`~summarize.engines.ct2.conversion`) and cached
on disk (:mod:`~summarize.engines.ct2.cache`).

Greedy search in float32 gives the same tokens as the transformers backend, and so
does beam search except with ``no_repeat_ngram_size`` on T5-family models. Sampling is
top-k multinomial sampling with beam size 1 (CTranslate2 4.x cannot sample inside a beam
search); the seed goes to ``ctranslate2.set_random_seed``, but CTranslate2 keeps one
generator per worker thread, seeded when it first samples, so only a fresh engine with
``inter_threads=1`` repeats a sampled output exactly (transformers reseeds every call).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.engines.base import GenerationBatch, ModelProfile, TokenizerMethods
from summarize.engines.ct2.cache import ct2_cache_dir, is_complete
from summarize.engines.ct2.loading import (
    Converted,
    Placement,
    cache_key,
    open_converted,
    resolve_quantization,
    source_dir,
)
from summarize.engines.ct2.vmap import model_dir_with_vmap, read_vocabulary_map
from summarize.errors import ConfigError
from summarize.models.profiles import crosssum_target_token, language_token_id, resolve_profile
from summarize.types import GenerationSettings

#: A batch is split into this many sub-batches (CTranslate2 sorts it by length and cuts
#: it), which the translation workers (``inter_threads``) run in parallel. Fixed, not the
#: worker count, so that a batch's outputs do not depend on the machine or the actor
#: layout (padding changes float and int8 results).
SUB_BATCHES = 2
#: Options accepted through ``load_engine(..., backend="ctranslate2", **options)``.
OPTIONS = ("intra_threads", "inter_threads", "cache_dir", "vmap")


@dataclass(frozen=True)
class _Defaults:
    """What ``model.generate`` would take from the model's generation config."""

    num_beams: int = 1
    max_length: int = 20
    max_new_tokens: int | None = None
    min_length: int = 0
    min_new_tokens: int | None = None
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    forced_bos_token_id: int | None = None
    forced_eos_token_id: int | None = None
    bad_words_ids: tuple[tuple[int, ...], ...] = ()
    top_k: int = 50
    top_p: float = 1.0
    temperature: float = 1.0

    @classmethod
    def read(cls, source_dir: Path | None, config: Any) -> _Defaults:
        from transformers import GenerationConfig

        gen = None
        if source_dir is not None and (source_dir / "generation_config.json").is_file():
            try:
                gen = GenerationConfig.from_pretrained(str(source_dir))
            except (OSError, ValueError):
                gen = None
        if gen is None:
            gen = GenerationConfig.from_model_config(config)
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = getattr(gen, name, None)
            if value is None:
                continue
            if name == "bad_words_ids":
                value = tuple(tuple(int(i) for i in seq) for seq in value)
            elif name == "forced_eos_token_id" and isinstance(value, (list, tuple)):
                value = value[0] if value else None
            values[name] = value
        return cls(**values)


class CTranslate2Engine(TokenizerMethods):
    """A seq2seq model converted to and run by CTranslate2."""

    backend = "ctranslate2"

    def __init__(
        self,
        model_id: str,
        tokenizer: Any,
        translator: Any,
        config: dict[str, Any],
        profile: ModelProfile,
        *,
        device: str,
        dtype: str,
        revision: str | None,
        model_dir: Path,
        defaults: _Defaults | None = None,
        intra_threads: int = 0,
        inter_threads: int = 1,
        load_seconds: float = 0.0,
        converted: bool = False,
        vmap: Path | None = None,
    ) -> None:
        self._init_common(
            model_id, tokenizer, config, profile,
            device=device, dtype=dtype, revision=revision, load_seconds=load_seconds,
        )  # fmt: skip
        self.translator = translator
        self.model_dir = model_dir
        self.defaults = defaults or _Defaults()
        self.intra_threads = intra_threads
        self.inter_threads = inter_threads
        self.converted = converted
        #: the vocabulary map (shortlist) decoding is restricted to, if any
        self.vmap = vmap
        # A converted model's vocabulary is in the model's id order: the position of an
        # output token is its id, also for the padding rows a tokenizer does not know.
        self._token_ids: dict[str, int] = {}
        for i, token in enumerate(_read_vocabulary(model_dir)):
            self._token_ids.setdefault(token, i)
        self._target_vocab = frozenset(self._token_ids)
        self._eos = tokenizer.eos_token
        self._pad_id = tokenizer.pad_token_id
        if profile.src_lang and hasattr(tokenizer, "src_lang"):
            tokenizer.src_lang = profile.src_lang
        # The decoder's first tokens: a forced target language, BART's forced <s>, or
        # (CrossSum) the language token the decoder starts from.
        self._prefix, self.start_from_prefix = self._decoder_prefix(tokenizer, config, profile)
        self._suppress = self._suppressed(tokenizer)

    def _decoder_prefix(
        self, tokenizer: Any, config: dict[str, Any], profile: ModelProfile
    ) -> tuple[list[str] | None, bool]:
        """The target prefix, and whether the decoder starts from it (CrossSum)."""
        if profile.target_language_name:
            token = crosssum_target_token(config, profile.target_language_name)
            if tokenizer.convert_tokens_to_ids(token) == getattr(tokenizer, "unk_token_id", None):
                raise ConfigError(f"the tokenizer has no token '{token}' for CrossSum")
            return [token], True
        if profile.tgt_lang:
            if hasattr(tokenizer, "tgt_lang"):
                tokenizer.tgt_lang = profile.tgt_lang
            tid = language_token_id(tokenizer, profile.tgt_lang)
            return [tokenizer.convert_ids_to_tokens(tid)], False
        if self.defaults.forced_bos_token_id is not None:
            return [tokenizer.convert_ids_to_tokens(self.defaults.forced_bos_token_id)], False
        return None, False

    def _suppressed(self, tokenizer: Any) -> list[list[str]]:
        """The model's ``bad_words_ids`` as token sequences CTranslate2 can suppress (those
        whose tokens are all in the target vocabulary)."""
        if not self._target_vocab:
            return []
        sequences = (
            tokenizer.convert_ids_to_tokens(list(seq)) for seq in self.defaults.bad_words_ids
        )
        return [toks for toks in sequences if toks and all(t in self._target_vocab for t in toks)]

    @classmethod
    def load(
        cls,
        model_id: str,
        *,
        local_dir: Path | None,
        device: str,
        dtype: str,
        revision: str | None,
        prompts_dir: str | None = None,
        intra_threads: int | None = None,
        inter_threads: int | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        vmap: str | os.PathLike[str] | None = None,
        **options: Any,
    ) -> CTranslate2Engine:
        """Load (converting on first use) ``model_id`` for CTranslate2.

        ``inter_threads``: workers that translate parts of a batch in parallel (default
        2 on a CPU with 2 or more cores, else 1); ``intra_threads``: threads per worker
        (default: the CPU cores this process may use divided by ``inter_threads``);
        ``cache_dir``: where converted models live (default ``$SUMMARIZE_CACHE/ct2``);
        ``vmap``: a vocabulary map file (``summarize models vmap``) that restricts the
        output vocabulary per batch (opt-in: it can change outputs, see
        :mod:`~summarize.engines.ct2.vmap`).
        """
        from summarize.models.loading import load_config_and_tokenizer

        if options:
            raise ConfigError(
                f"unknown options for the ctranslate2 backend: {sorted(options)} "
                f"(known: {', '.join(OPTIONS)})"
            )
        quantization = resolve_quantization(dtype, device)
        if vmap is not None:
            read_vocabulary_map(vmap)  # a missing or empty map is a usage error, up front
        placement = Placement.resolve(device, quantization, inter_threads, intra_threads)
        start = time.perf_counter()
        _quiet_transformers()
        # No torch here: only a conversion (first use) needs it.
        cfg, tokenizer, commit = load_config_and_tokenizer(model_id, local_dir, revision)
        profile = resolve_profile(model_id, cfg, type(tokenizer).__name__, prompts_dir)
        converted = _convert(
            model_id, local_dir, commit or revision, quantization, profile, cache_dir
        )
        defaults = _Defaults.read(converted.source, cfg)
        # With a vocabulary map: a directory of links to the entry's files plus the map
        # (by path, so it stays valid when a damaged entry is converted again).
        model_path = model_dir_with_vmap(converted.entry, vmap) if vmap else converted.entry
        translator, converted = open_converted(placement, converted, model_path)
        return cls(
            model_id,
            tokenizer,
            translator,
            cfg,
            profile,
            device=device,
            dtype=quantization,
            revision=("local" if local_dir else (commit or revision)),
            model_dir=converted.entry,
            defaults=defaults,
            intra_threads=placement.intra_threads,
            inter_threads=placement.inter_threads,
            load_seconds=time.perf_counter() - start,
            converted=converted.converted,
            vmap=Path(vmap).expanduser() if vmap else None,
        )

    # -- Engine interface (count_tokens, tokenize, detokenize, describe: TokenizerMethods)
    def source_tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """The source pieces CTranslate2 gets: the tokenizer's ids, special tokens included."""
        enc = self.tokenizer([self.profile.prefix + t for t in texts], truncation=False)
        return [self.tokenizer.convert_ids_to_tokens(ids) for ids in enc["input_ids"]]

    def translate_options(
        self, settings: GenerationSettings, n: int
    ) -> tuple[dict[str, Any], bool, int]:
        """``translate_batch`` keyword arguments for ``settings`` (unset: model defaults),
        whether to emulate transformers' forced EOS, and the new-token limit."""
        settings = self.profile.capped(settings)  # the decoder's own length limit
        d = self.defaults

        def pick(value: Any, default: Any) -> Any:
            return default if value is None else value

        max_new = settings.max_new_tokens
        if max_new is None:
            max_new = d.max_new_tokens if d.max_new_tokens is not None else max(d.max_length - 1, 1)
        min_new = max(
            pick(settings.min_new_tokens, d.min_new_tokens or 0), max(d.min_length - 1, 0)
        )
        # transformers' forced EOS replaces the last possible token by EOS: decode one
        # token less and append EOS to hypotheses that did not finish on their own.
        forced_eos = d.forced_eos_token_id is not None and not self.start_from_prefix
        length = max(max_new - 1, 1) if forced_eos and max_new > 1 else max_new
        opts: dict[str, Any] = {
            "beam_size": int(pick(settings.num_beams, d.num_beams)),
            "max_decoding_length": int(length),
            "min_decoding_length": int(min(min_new, length)),
            "length_penalty": float(pick(settings.length_penalty, d.length_penalty)),
            "no_repeat_ngram_size": int(
                pick(settings.no_repeat_ngram_size, d.no_repeat_ngram_size)
            ),
            "repetition_penalty": float(pick(settings.repetition_penalty, d.repetition_penalty)),
            "return_end_token": True,
            "max_input_length": 0,
        }
        if self._suppress:
            opts["suppress_sequences"] = self._suppress
        if settings.do_sample:
            opts["beam_size"] = 1
            opts["sampling_topk"] = int(d.top_k) if d.top_k else 0
            opts["sampling_topp"] = float(d.top_p)
            opts["sampling_temperature"] = float(d.temperature)
        if n > 1:
            # Workers share the batch; the split depends on the batch alone (SUB_BATCHES).
            opts["max_batch_size"] = math.ceil(n / SUB_BATCHES)
        if self.vmap is not None:
            opts["use_vmap"] = True
        return opts, forced_eos and length < max_new, max_new

    def generate_tokens(
        self, texts: Sequence[str], settings: GenerationSettings
    ) -> list[list[str]]:
        """Output pieces per input: a target prefix (forced BOS/language) included, the
        decoder start token excluded, EOS included when generated (as transformers counts)."""
        return self._generate_scored(texts, settings)[0]

    def _generate_scored(
        self, texts: Sequence[str], settings: GenerationSettings
    ) -> tuple[list[list[str]], list[float]]:
        """:meth:`generate_tokens` and each output's mean log-probability per token.
        CTranslate2 returns the hypothesis score at no cost: the log-probabilities of the
        tokens it chose (not of a forced target prefix) summed, over ``length **
        length_penalty`` with the prefix in the length. It is turned back into a mean over
        the chosen tokens."""
        if not texts:
            return [], []
        return self._collect(self._submit(texts, settings, asynchronous=False))

    def _submit(
        self, texts: Sequence[str], settings: GenerationSettings, asynchronous: bool
    ) -> Any:
        """Start ``translate_batch`` for one batch (``asynchronous``: return at once, the
        workers run it; its sub-batches are the same either way)."""
        opts, forced_eos, max_new = self.translate_options(settings, len(texts))
        if settings.do_sample:
            import ctranslate2

            ctranslate2.set_random_seed(settings.seed if settings.seed is not None else 0)
        prefix = [list(self._prefix) for _ in texts] if self._prefix else None
        results = self.translator.translate_batch(
            self.source_tokens(texts),
            target_prefix=prefix,
            return_scores=True,
            asynchronous=asynchronous,
            **opts,
        )
        return results, opts, forced_eos, max_new

    def _collect(self, submitted: Any) -> tuple[list[list[str]], list[float]]:
        """The output pieces and mean log-probabilities of a :meth:`_submit` (waiting for
        an asynchronous one)."""
        results, opts, forced_eos, max_new = submitted
        out: list[list[str]] = []
        scores: list[float] = []
        penalty = opts["length_penalty"]
        forced = len(self._prefix or ())  # a forced target prefix: in the length, not the sum
        for result in results:
            if hasattr(result, "result"):  # an AsyncTranslationResult
                result = result.result()
            tokens = list(result.hypotheses[0])
            length = max(len(tokens), 1)
            chosen = max(len(tokens) - forced, 1)
            scores.append(float(result.scores[0]) * length**penalty / chosen)
            if forced_eos and (not tokens or tokens[-1] != self._eos) and len(tokens) < max_new:
                tokens.append(self._eos)
            out.append(tokens)
        return out, scores

    def token_ids(self, tokens: Sequence[str]) -> list[int]:
        """Vocabulary ids of output pieces (the converted model's order, as the model's)."""
        known = self._token_ids
        if not known:
            return list(self.tokenizer.convert_tokens_to_ids(list(tokens)))
        return [
            known[t] if t in known else int(self.tokenizer.convert_tokens_to_ids(t)) for t in tokens
        ]

    def generate(
        self, texts: Sequence[str], settings: GenerationSettings, *, scores: bool = False
    ) -> GenerationBatch:
        if not texts:
            return GenerationBatch([], [])
        return self._batch(self._generate_scored(texts, settings), settings, len(texts))

    def generate_many(
        self, jobs: Sequence[tuple[Sequence[str], GenerationSettings]], *, scores: bool = False
    ) -> list[GenerationBatch]:
        """Each job as its own batch, all handed to the translation workers at once (a job
        waits for a free worker; a job's outputs are those of :meth:`generate` alone).
        Sampling runs the jobs in turn (each worker keeps its own random generator)."""
        if any(settings.do_sample for _, settings in jobs):
            return [self.generate(texts, settings, scores=scores) for texts, settings in jobs]
        submitted = [
            self._submit(texts, settings, asynchronous=True) if texts else None
            for texts, settings in jobs
        ]
        return [
            self._batch(self._collect(sub), settings, len(texts))
            if sub is not None
            else GenerationBatch([], [])
            for sub, (texts, settings) in zip(submitted, jobs, strict=True)
        ]

    def _batch(
        self,
        generated: tuple[list[list[str]], list[float]],
        settings: GenerationSettings,
        n: int,
    ) -> GenerationBatch:
        outputs, mean_logprobs = generated
        ids = [self.token_ids(tokens) for tokens in outputs]
        decoded = self.tokenizer.batch_decode(ids, skip_special_tokens=True)
        pad = self._pad_id
        counts = [sum(1 for i in row if i != pad) for row in ids]
        max_new = self.translate_options(settings, n)[2]
        truncated = [c >= max_new for c in counts]
        return GenerationBatch([str(d).strip() for d in decoded], counts, truncated, mean_logprobs)


def _quiet_transformers() -> None:
    """As the transformers backend does: the tokenizer's "longer than the maximum sequence
    length" warning is noise here, long texts are split before generation."""
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _convert(
    model_id: str,
    local_dir: Path | None,
    revision: str | None,
    quantization: str,
    profile: ModelProfile,
    cache_dir: str | os.PathLike[str] | None,
) -> Converted:
    """The model's cache entry, converted on first use (``revision``: the commit when
    known)."""
    cache = ct2_cache_dir(cache_dir)
    crosssum = bool(profile.target_language_name)
    key = cache_key(model_id, local_dir, revision or "main", quantization, crosssum, cache)
    complete = local_dir is None and is_complete(cache / key.dirname(), key)
    source = source_dir(model_id, local_dir, revision, complete)
    return Converted.ensure(source, key, cache)


def _read_vocabulary(model_dir: Path) -> list[str]:
    """The converted model's target vocabulary in id order (empty if it cannot be read)."""
    for name in ("target_vocabulary.json", "shared_vocabulary.json"):
        path = model_dir / name
        if path.is_file():
            try:
                return [str(t) for t in json.loads(path.read_text(encoding="utf-8"))]
            except (OSError, ValueError):
                return []
    return []
