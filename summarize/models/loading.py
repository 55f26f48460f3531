"""Model loading: hub ids or local directories, the standard HF cache, offline mode.

Engines are loaded lazily and at most once per process (per model, backend,
device, dtype and revision), then reused by every pipeline, the CLI and the demo.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from summarize.engines.base import Engine
from summarize.errors import (
    BackendNotInstalledError,
    ConfigError,
    ModelLoadError,
    ModelNotAvailableError,
)

BACKENDS = ("transformers", "ctranslate2")
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "float16", "bfloat16", "int8", "int8_float16", "int8_float32")

_LOCK = threading.Lock()
_ENGINES: dict[tuple[Any, ...], Engine] = {}


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) asks for offline mode."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on"):
            return True
    return False


def local_model_dir(model_id: str) -> Path | None:
    """The directory for a local model path, ``None`` for a hub id.

    A value that looks like a path (absolute, ``./``, ``../``, ``~``) but does not exist
    raises :class:`ModelNotAvailableError` instead of being sent to the hub.
    """
    path = Path(model_id).expanduser()
    if path.is_dir():
        return path.resolve()
    if model_id.startswith(("/", "./", "../", "~", ".\\")) or path.exists():
        raise ModelNotAvailableError(model_id, "no such model directory")
    return None


def resolve_device(device: str) -> str:
    if device not in DEVICES and not device.startswith("cuda:"):
        raise ConfigError(f"unknown device '{device}' (use one of {', '.join(DEVICES)})")
    if device != "auto":
        if device.startswith("cuda"):
            import torch

            if not torch.cuda.is_available():
                raise ConfigError("device 'cuda' requested but no CUDA GPU is available")
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def describe_hub_failure(model_id: str, exc: BaseException) -> ModelNotAvailableError:
    """Turn a hub/cache failure into the short message users see."""
    if hub_offline():
        reason = "HF_HUB_OFFLINE is set and it is not in the local Hugging Face cache"
    else:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = f"not in the local cache and the hub could not provide it: {first[:160]}"
    return ModelNotAvailableError(model_id, reason)


def load_engine(
    model_id: str,
    *,
    backend: str = "transformers",
    device: str = "auto",
    dtype: str = "auto",
    revision: str | None = None,
    prompts_dir: str | None = None,
    **options: Any,
) -> Engine:
    """Load (once per process) and return the engine for ``model_id``.

    ``model_id`` is a hub id (``Helsinki-NLP/opus-mt-id-en``) or a local directory
    saved with ``save_pretrained``. ``options`` go to the backend (e.g. ``inter_threads``
    for CTranslate2).
    """
    if not model_id or not str(model_id).strip():
        raise ConfigError("empty model id")
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend '{backend}' (use one of {', '.join(BACKENDS)})")
    if dtype not in DTYPES:
        raise ConfigError(f"unknown dtype '{dtype}' (use one of {', '.join(DTYPES)})")
    local = local_model_dir(model_id)
    resolved_device = resolve_device(device)
    key = (
        str(local) if local else model_id,
        backend,
        resolved_device,
        dtype,
        revision,
        prompts_dir,
        tuple(sorted(options.items())),
    )
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _build(
                model_id, local, backend, resolved_device, dtype, revision, prompts_dir, options
            )
            _ENGINES[key] = engine
    return engine


def _build(
    model_id: str,
    local: Path | None,
    backend: str,
    device: str,
    dtype: str,
    revision: str | None,
    prompts_dir: str | None,
    options: dict[str, Any],
) -> Engine:
    if backend == "ctranslate2":
        try:
            import ctranslate2  # noqa: F401
        except ImportError as exc:
            raise BackendNotInstalledError(
                "the ctranslate2 backend needs the 'ctranslate2' package: "
                "pip install 'summarize[fast]'"
            ) from exc
        from summarize.engines.ct2 import CTranslate2Engine

        return CTranslate2Engine.load(
            model_id,
            local_dir=local,
            device=device,
            dtype=dtype,
            revision=revision,
            prompts_dir=prompts_dir,
            **options,
        )
    if options:
        raise ConfigError(f"unknown options for the transformers backend: {sorted(options)}")
    from summarize.engines.hf import TransformersEngine

    return TransformersEngine.load(
        model_id,
        local_dir=local,
        device=device,
        dtype=dtype,
        revision=revision,
        prompts_dir=prompts_dir,
    )


def load_hf(
    model_id: str,
    local: Path | None,
    revision: str | None,
    *,
    with_model: bool = True,
    torch_dtype: Any = None,
) -> tuple[Any, Any, Any]:
    """Load config, tokenizer and (optionally) the torch model through transformers.

    Hub/cache failures become :class:`ModelNotAvailableError`; broken local files
    become :class:`ModelLoadError`.
    """
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

    source = str(local) if local else model_id
    kwargs: dict[str, Any] = {"revision": revision} if revision and not local else {}
    if hub_offline() and not local:
        kwargs["local_files_only"] = True
    try:
        config = AutoConfig.from_pretrained(source, **kwargs)
        tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
        model = None
        if with_model:
            model = AutoModelForSeq2SeqLM.from_pretrained(
                source, dtype=torch_dtype or "auto", **kwargs
            )
    except (OSError, ValueError, ImportError) as exc:
        if local is not None or isinstance(exc, ImportError):
            raise ModelLoadError(f"could not load model from {source}: {exc}") from exc
        raise describe_hub_failure(model_id, exc) from exc
    return config, tokenizer, model


def clear_cache() -> None:
    """Forget every loaded engine (tests and long-lived servers that swap models)."""
    with _LOCK:
        _ENGINES.clear()
