"""The transformers backend: ``AutoModelForSeq2SeqLM`` + ``generate``."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarize.engines.base import GenerationBatch, ModelProfile, TokenizerMethods
from summarize.models.profiles import crosssum_target_token, language_token_id, resolve_profile
from summarize.types import GenerationSettings

_TORCH_DTYPES = {"float32": "float32", "float16": "float16", "bfloat16": "bfloat16"}
#: The settings passed on to ``generate`` when set.
_GENERATE_SETTINGS = (
    "num_beams",
    "max_new_tokens",
    "min_new_tokens",
    "length_penalty",
    "no_repeat_ngram_size",
    "repetition_penalty",
)
#: Backend options this engine takes (``backend_options``; ``--threads`` on the CLI).
OPTIONS = ("threads",)


class TransformersEngine(TokenizerMethods):
    """A seq2seq model driven through transformers ``generate``."""

    backend = "transformers"

    def __init__(
        self,
        model_id: str,
        tokenizer: Any,
        model: Any,
        config: dict[str, Any],
        profile: ModelProfile,
        *,
        device: str,
        dtype: str,
        revision: str | None,
        load_seconds: float = 0.0,
    ) -> None:
        self._init_common(
            model_id, tokenizer, config, profile,
            device=device, dtype=dtype, revision=revision, load_seconds=load_seconds,
        )  # fmt: skip
        self.model = model
        self._gen_kwargs: dict[str, Any] = {}
        if profile.src_lang and hasattr(tokenizer, "src_lang"):
            tokenizer.src_lang = profile.src_lang
        if profile.tgt_lang:
            if hasattr(tokenizer, "tgt_lang"):
                tokenizer.tgt_lang = profile.tgt_lang
            self._gen_kwargs["forced_bos_token_id"] = language_token_id(tokenizer, profile.tgt_lang)
        if profile.target_language_name:
            token = crosssum_target_token(config, profile.target_language_name)
            self._gen_kwargs["decoder_start_token_id"] = tokenizer.convert_tokens_to_ids(token)

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
        threads: int | None = None,
    ) -> TransformersEngine:
        """``threads``: torch's intra-op thread count. It is process-wide, so it applies
        to every transformers engine of the process from now on."""
        import torch
        import transformers

        from summarize.errors import ConfigError
        from summarize.models.loading import load_hf

        if threads is not None:
            if int(threads) < 1:
                raise ConfigError("threads must be at least 1")
            torch.set_num_threads(int(threads))

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        if dtype in ("auto",):
            torch_dtype = torch.float16 if device.startswith("cuda") else torch.float32
            dtype = str(torch_dtype).replace("torch.", "")
        elif dtype in _TORCH_DTYPES:
            torch_dtype = getattr(torch, _TORCH_DTYPES[dtype])
        else:
            raise ConfigError(f"dtype '{dtype}' is only available with the ctranslate2 backend")
        start = time.perf_counter()
        config, tokenizer, model = load_hf(model_id, local_dir, revision, torch_dtype=torch_dtype)
        model = model.to(device).eval()
        cfg = config.to_dict()
        commit = getattr(config, "_commit_hash", None)
        profile = resolve_profile(
            model_id, cfg, type(tokenizer).__name__, prompts_dir, local_dir=local_dir
        )
        return cls(
            model_id,
            tokenizer,
            model,
            cfg,
            profile,
            device=device,
            dtype=dtype,
            revision=("local" if local_dir else (commit or revision)),
            load_seconds=time.perf_counter() - start,
        )

    # -- Engine interface (count_tokens, tokenize, detokenize, describe: TokenizerMethods)
    def generate(
        self, texts: Sequence[str], settings: GenerationSettings, *, scores: bool = False
    ) -> GenerationBatch:
        import torch

        if not texts:
            return GenerationBatch([], [])
        settings = self.profile.capped(settings)  # the decoder's own length limit
        enc = self.tokenizer(
            [self.profile.prefix + t for t in texts],
            return_tensors="pt",
            padding=True,
            truncation=False,
        ).to(self.device)
        kwargs = self._generate_kwargs(settings)
        if settings.do_sample:
            torch.manual_seed(settings.seed if settings.seed is not None else 0)
        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs)
        # Column 0 is the decoder start token (pad, </s> or, for CrossSum, a language piece
        # that is not a special token): never part of the text.
        decoded = self.tokenizer.batch_decode(out[:, 1:], skip_special_tokens=True)
        counts = self._token_counts(out, len(texts))
        # hit the limit: as many new tokens as allowed (a forced EOS counts as one)
        most = self._new_token_limit(kwargs)
        truncated = [most > 0 and c >= most for c in counts]
        forced = getattr(self.model.generation_config, "forced_eos_token_id", None) is not None
        mean_logprobs = (
            self._mean_logprobs(
                enc, out, truncated if forced else [], "forced_bos_token_id" in kwargs
            )
            if scores
            else []
        )
        return GenerationBatch([d.strip() for d in decoded], counts, truncated, mean_logprobs)

    def _generate_kwargs(self, settings: GenerationSettings) -> dict[str, Any]:
        """``generate`` keyword arguments: the model's forced tokens and the settings
        that are set."""
        kwargs = dict(self._gen_kwargs)
        for name in _GENERATE_SETTINGS:
            value = getattr(settings, name)
            if value is not None:
                kwargs[name] = value
        kwargs["do_sample"] = bool(settings.do_sample)
        return kwargs

    def _token_counts(self, out: Any, n: int) -> list[int]:
        """Each output's tokens (padding and the decoder start token left out)."""
        pad = self.tokenizer.pad_token_id
        if pad is None:
            return [int(out.shape[1] - 1)] * n
        return [int(t) for t in (out[:, 1:] != pad).sum(dim=1).tolist()]

    def _new_token_limit(self, kwargs: dict[str, Any]) -> int:
        """The new tokens ``generate`` allowed (0: no limit known)."""
        config = self.model.generation_config
        limit = kwargs.get("max_new_tokens") or getattr(config, "max_new_tokens", None)
        if not limit and getattr(config, "max_length", None):
            limit = int(config.max_length) - 1
        return int(limit) if limit else 0

    def _mean_logprobs(
        self, enc: Any, out: Any, forced_last: Sequence[bool], forced_first: bool
    ) -> list[float]:
        """Each output's mean log-probability per token the model chose (EOS included),
        by one forced-decoding pass: ``generate`` keeps no scores unless it stores a
        vocabulary-sized tensor per step, which costs far more memory than this pass.
        Forced tokens are not scored, as CTranslate2 does not score them: a forced first
        (language) token, and the EOS that the limit forced in rows of ``forced_last``."""
        import torch

        labels = out[:, 1:]
        pad = self.tokenizer.pad_token_id
        keep = labels != pad if pad is not None else torch.ones_like(labels, dtype=torch.bool)
        if forced_first:
            keep[:, 0] = False
        for row, forced in enumerate(forced_last):
            last = int(keep[row].sum()) - 1
            if forced and last > 0:
                keep[row, last] = False
        with torch.inference_mode():
            logits = self.model(**enc, decoder_input_ids=out[:, :-1]).logits
            logprobs = torch.log_softmax(logits.float(), dim=-1)
            picked = logprobs.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
            total = (picked * keep).sum(dim=1)
            count = keep.sum(dim=1).clamp(min=1)
        return [float(x) for x in (total / count).tolist()]
