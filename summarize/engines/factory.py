"""The engine factory: one engine per model, backend, device, dtype and revision.

Engines are loaded lazily and at most once per process, then reused by every
pipeline, the CLI and the demo. The backends themselves (and torch, transformers,
ctranslate2) are imported only when an engine is built.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from summarize.engines.base import Engine
from summarize.errors import BackendNotInstalledError, ConfigError
from summarize.models.hub import local_model_dir

BACKENDS = ("transformers", "ctranslate2")
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "float16", "bfloat16", "int8", "int8_float16", "int8_float32")

_LOCK = threading.Lock()
_ENGINES: dict[tuple[Any, ...], Engine] = {}


def _cuda_available(backend: str) -> bool:
    """Whether a CUDA GPU is usable, asked of the backend itself (CTranslate2 without torch)."""
    if backend == "ctranslate2":
        try:
            import ctranslate2

            return bool(ctranslate2.get_cuda_device_count() > 0)
        except ImportError:  # not installed: said clearly when the engine is built
            pass
    import torch

    return bool(torch.cuda.is_available())


def resolve_device(device: str, backend: str = "transformers") -> str:
    if device not in DEVICES and not device.startswith("cuda:"):
        raise ConfigError(f"unknown device '{device}' (use one of {', '.join(DEVICES)})")
    if device != "auto":
        if device.startswith("cuda") and not _cuda_available(backend):
            raise ConfigError("device 'cuda' requested but no CUDA GPU is available")
        return device
    return "cuda" if _cuda_available(backend) else "cpu"


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
    resolved_device = resolve_device(device, backend)
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
            _check_source(model_id, local, revision)
            engine = _build(
                model_id, local, backend, resolved_device, dtype, revision, prompts_dir, options
            )
            _ENGINES[key] = engine
    return engine


def _check_source(model_id: str, local: Path | None, revision: str | None) -> None:
    """Before loading: a local folder must look whole (a clear message for a broken
    one); a hub model that is not cached needs the hub, tried once."""
    from summarize.models.hub import cached_snapshot, check_hub_reachable, hub_offline
    from summarize.models.loading import check_model_dir

    if local is not None:
        check_model_dir(local)
        return
    if hub_offline():
        return
    try:
        cached = cached_snapshot(model_id, revision) is not None
    except Exception:  # an invalid repo id, ...: the real call reports it
        cached = True
    if not cached:
        check_hub_reachable(model_id)


def require_backend(backend: str) -> None:
    """:class:`BackendNotInstalledError` when ``backend``'s package is not installed
    (checked without importing it)."""
    import importlib.util

    if backend == "ctranslate2" and importlib.util.find_spec("ctranslate2") is None:
        raise BackendNotInstalledError(
            "the ctranslate2 backend needs the 'ctranslate2' package: pip install 'summarize[fast]'"
        )


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
        require_backend(backend)
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
    from summarize.engines.hf import OPTIONS, TransformersEngine

    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ConfigError(f"unknown options for the transformers backend: {unknown}")
    return TransformersEngine.load(
        model_id,
        local_dir=local,
        device=device,
        dtype=dtype,
        revision=revision,
        prompts_dir=prompts_dir,
        **options,
    )


def clear_cache() -> None:
    """Forget every loaded engine (tests and long-lived servers that swap models)."""
    with _LOCK:
        _ENGINES.clear()
