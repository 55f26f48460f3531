"""Converting a transformers checkpoint to CTranslate2 (once per cache entry).

``ctranslate2.converters.TransformersConverter`` does the work, with one fix to its
loader registry: T5-family outputs are scaled exactly as the loaded model scales them.
mT5 CrossSum models are saved without a fixed decoder start token (the language token
is passed as the start of the target prefix instead).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from summarize.engines.ct2.cache import CacheKey, cached_entry
from summarize.errors import ModelLoadError


def convert(source_dir: Path, key: CacheKey, cache: Path) -> tuple[Path, bool]:
    """The converted model for ``key``, converting ``source_dir`` if it is not cached yet.

    Returns the entry's path and whether a conversion ran.
    """

    def build(out: Path) -> dict[str, Any]:
        run_converter(source_dir, out, key.quantization)
        if key.start_from_prefix:
            # The start token is given per call (target prefix) instead of fixed.
            cfg_path = out / "config.json"
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            cfg["decoder_start_token"] = None
            cfg_path.write_text(json.dumps(cfg, indent=2), encoding="utf-8")
        return {"converted_from": str(source_dir)}

    return cached_entry(key, cache, build)


def _decoder_output_scale(model: Any) -> float:
    """The factor transformers applies to the decoder output before ``lm_head`` (T5 family).

    Measured with one forward step rather than read from the config: transformers 5
    scales T5 by ``config.scale_decoder_outputs`` and never scales mT5, while the
    CTranslate2 converter scales whenever ``tie_word_embeddings`` is true (which
    transformers 5 forces for mT5), flattening every mT5 output distribution.
    """
    import torch

    seen: dict[str, Any] = {}
    hook = model.lm_head.register_forward_hook(lambda _m, args, _o: seen.setdefault("x", args[0]))
    try:
        start = model.config.decoder_start_token_id or 0
        with torch.no_grad():
            out = model(
                input_ids=torch.tensor([[1, 2, 3]]),
                decoder_input_ids=torch.tensor([[start]]),
                output_hidden_states=True,
            )
    finally:
        hook.remove()
    hidden = out.decoder_hidden_states[-1].float()
    return float(seen["x"].float().norm() / hidden.norm().clamp_min(1e-12))


def _patch_t5_loaders() -> None:
    """Make the converter scale T5-family outputs exactly as the loaded model does."""
    from ctranslate2.converters import transformers as conv
    from ctranslate2.specs import model_spec

    for name in ("T5Config", "MT5Config", "UMT5Config"):
        loader = conv._MODEL_LOADERS.get(name)
        if loader is None or getattr(loader, "_summarize_fixed", False):
            continue

        class Fixed(type(loader)):  # type: ignore[misc]
            _summarize_fixed = True

            def get_model_spec(self, model: Any) -> Any:
                spec = super().get_model_spec(model)
                scale = _decoder_output_scale(model)
                spec.decoder.scale_outputs = (
                    model_spec.OPTIONAL if abs(scale - 1.0) < 1e-3 else scale
                )
                return spec

        conv._MODEL_LOADERS[name] = Fixed()


def run_converter(source_dir: Path, out: Path, quantization: str) -> None:
    from ctranslate2.converters import TransformersConverter

    _patch_t5_loaders()  # transformers is already quiet: CTranslate2Engine.load set it
    try:
        TransformersConverter(str(source_dir), low_cpu_mem_usage=True).convert(
            str(out), quantization=quantization, force=True
        )
    except Exception as exc:  # SafetensorError for truncated weights, ValueError, ...
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        raise ModelLoadError(
            f"could not convert {source_dir} to CTranslate2 ({type(exc).__name__}: {first}); "
            "check the model files, or use --backend transformers for this model"
        ) from exc
