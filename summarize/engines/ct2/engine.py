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
import logging
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.engines.base import GenerationBatch, ModelProfile, TokenizerMethods
from summarize.engines.ct2.cache import (
    CacheKey,
    ct2_cache_dir,
    directory_fingerprint,
    discard_entry,
    is_complete,
)
from summarize.engines.ct2.conversion import convert
from summarize.engines.ct2.vmap import model_dir_with_vmap, read_vocabulary_map
from summarize.errors import ConfigError, ModelLoadError
from summarize.models.profiles import crosssum_target_token, language_token_id, resolve_profile
from summarize.types import GenerationSettings

#: Quantisations accepted as ``dtype`` (``auto`` is resolved per device).
QUANTIZATIONS = ("float32", "float16", "bfloat16", "int8", "int8_float32", "int8_float16")
#: A batch is split into this many sub-batches (CTranslate2 sorts it by length and cuts
#: it), which the translation workers (``inter_threads``) run in parallel. Fixed, not the
#: worker count, so that a batch's outputs do not depend on the machine or the actor
#: layout (padding changes float and int8 results).
SUB_BATCHES = 2
#: Options accepted through ``load_engine(..., backend="ctranslate2", **options)``.
OPTIONS = ("intra_threads", "inter_threads", "cache_dir", "vmap")

logger = logging.getLogger(__name__)


def resolve_quantization(dtype: str, device: str) -> str:
    """``dtype`` as a CTranslate2 quantisation: ``auto`` is int8 on CPU, float16 on CUDA."""
    if dtype == "auto":
        return "float16" if device.startswith("cuda") else "int8"
    if dtype not in QUANTIZATIONS:
        raise ConfigError(
            f"unknown dtype '{dtype}' for the ctranslate2 backend "
            f"(use auto or one of {', '.join(QUANTIZATIONS)})"
        )
    return dtype


def default_threads() -> int:
    """The CPU cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return max(os.cpu_count() or 1, 1)


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
        vocabulary = _read_vocabulary(model_dir)
        # A converted model's vocabulary is in the model's id order: the position of an
        # output token is its id, also for the padding rows a tokenizer does not know.
        self._token_ids: dict[str, int] = {}
        for i, token in enumerate(vocabulary):
            self._token_ids.setdefault(token, i)
        self._target_vocab = frozenset(self._token_ids)
        self._eos = tokenizer.eos_token
        self._pad_id = tokenizer.pad_token_id
        # The decoder's first tokens: a forced target language, BART's forced <s>, or
        # (CrossSum) the language token the decoder starts from.
        self._prefix: list[str] | None = None
        self.start_from_prefix = False
        if profile.src_lang and hasattr(tokenizer, "src_lang"):
            tokenizer.src_lang = profile.src_lang
        if profile.target_language_name:
            token = crosssum_target_token(config, profile.target_language_name)
            if tokenizer.convert_tokens_to_ids(token) == getattr(tokenizer, "unk_token_id", None):
                raise ConfigError(f"the tokenizer has no token '{token}' for CrossSum")
            self._prefix = [token]
            self.start_from_prefix = True
        elif profile.tgt_lang:
            if hasattr(tokenizer, "tgt_lang"):
                tokenizer.tgt_lang = profile.tgt_lang
            tid = language_token_id(tokenizer, profile.tgt_lang)
            self._prefix = [tokenizer.convert_ids_to_tokens(tid)]
        elif self.defaults.forced_bos_token_id is not None:
            self._prefix = [tokenizer.convert_ids_to_tokens(self.defaults.forced_bos_token_id)]
        self._suppress = (
            [
                toks
                for toks in (
                    tokenizer.convert_ids_to_tokens(list(seq))
                    for seq in self.defaults.bad_words_ids
                )
                if toks and all(t in self._target_vocab for t in toks)
            ]
            if self._target_vocab
            else []
        )

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
        import ctranslate2

        from summarize.models.hub import cached_snapshot, snapshot_with_weights
        from summarize.models.loading import load_config_and_tokenizer

        if options:
            raise ConfigError(
                f"unknown options for the ctranslate2 backend: {sorted(options)} "
                f"(known: {', '.join(OPTIONS)})"
            )
        quantization = resolve_quantization(dtype, device)
        if vmap is not None:
            read_vocabulary_map(vmap)  # a missing or empty map is a usage error, up front
        ct2_device, _, index = device.partition(":")
        supported = ctranslate2.get_supported_compute_types(ct2_device)
        if quantization not in supported:
            raise ConfigError(
                f"dtype '{quantization}' is not supported by CTranslate2 on {ct2_device} "
                f"(supported here: {', '.join(sorted(supported))})"
            )
        cores = default_threads()
        if inter_threads is None:
            # Two workers that each take half of a batch beat one worker with twice the
            # threads on small CPUs (see docs/performance.md).
            inter = 2 if ct2_device == "cpu" and cores >= 2 else 1
        else:
            inter = int(inter_threads)
        if inter < 1:
            raise ConfigError("inter_threads must be at least 1")
        if intra_threads is None:
            intra = max(cores // inter, 1) if ct2_device == "cpu" else 0
        else:
            intra = int(intra_threads)
            if intra < 0:
                raise ConfigError("intra_threads must be 0 (library default) or more")

        start = time.perf_counter()
        import transformers

        # As the transformers backend does: the tokenizer's "longer than the maximum
        # sequence length" warning is noise here, long texts are split before generation.
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        # No torch here: only a conversion (first use) needs it.
        cfg, tokenizer, commit = load_config_and_tokenizer(model_id, local_dir, revision)
        profile = resolve_profile(model_id, cfg, type(tokenizer).__name__, prompts_dir)
        cache = ct2_cache_dir(cache_dir)
        if local_dir is not None:
            source_dir: Path | None = local_dir
            key = CacheKey(
                f"local:{local_dir}",
                "sha256:" + directory_fingerprint(local_dir, cache),
                quantization,
                bool(profile.target_language_name),
            )
        else:
            source_dir = None
            key = CacheKey(
                model_id,
                commit or revision or "main",
                quantization,
                bool(profile.target_language_name),
            )
        entry = cache / key.dirname()
        if source_dir is None:
            # Hub model: the snapshot is needed to convert, and for generation_config.json.
            if is_complete(entry, key):
                source_dir = cached_snapshot(model_id, commit or revision)
            else:
                source_dir = snapshot_with_weights(
                    model_id,
                    commit or revision,
                    why="needed once to convert it for the ctranslate2 backend",
                )
        assert source_dir is not None or is_complete(entry, key)
        if source_dir is not None:
            entry, converted = convert(source_dir, key, cache)
        else:  # pragma: no cover - cached conversion of a hub model without a snapshot
            converted = False
        defaults = _Defaults.read(source_dir, cfg)

        # With a vocabulary map: a directory of links to the entry's files plus the map
        # (by path, so it stays valid when a damaged entry is converted again below).
        model_path = model_dir_with_vmap(entry, vmap) if vmap else entry

        def open_translator() -> Any:
            return ctranslate2.Translator(
                str(model_path),
                device=ct2_device,
                device_index=int(index or 0),
                compute_type=quantization,
                inter_threads=inter,
                intra_threads=intra,
            )

        try:
            translator = open_translator()
        except (RuntimeError, ValueError) as exc:
            if source_dir is None or converted:
                first = (str(exc).strip().splitlines() or [""])[0][:300]
                raise ModelLoadError(f"CTranslate2 could not load {entry}: {first}") from exc
            # A damaged entry that passed the cheap check: discard it and convert once.
            logger.warning("CTranslate2 could not load %s (%s): converting again", entry, exc)
            discard_entry(entry)
            entry, converted = convert(source_dir, key, cache)
            try:
                translator = open_translator()
            except (RuntimeError, ValueError) as exc2:
                first = (str(exc2).strip().splitlines() or [""])[0][:300]
                raise ModelLoadError(
                    f"CTranslate2 could not load {entry} even after converting again: {first}"
                ) from exc2
        return cls(
            model_id,
            tokenizer,
            translator,
            cfg,
            profile,
            device=device,
            dtype=quantization,
            revision=("local" if local_dir else (commit or revision)),
            model_dir=entry,
            defaults=defaults,
            intra_threads=intra,
            inter_threads=inter,
            load_seconds=time.perf_counter() - start,
            converted=converted,
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
