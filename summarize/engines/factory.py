"""The engine factory: one engine per model, backend, device, dtype and revision.

Engines are loaded lazily and at most once per process, then reused by every
pipeline, the CLI and the demo. The backends themselves (and torch, transformers,
ctranslate2) are imported only when an engine is built.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from summarize.engines.backends import BACKENDS, DEFAULT_BACKEND, get_backend
from summarize.engines.base import Engine
from summarize.errors import ConfigError
from summarize.models.hub import local_model_dir

__all__ = ["BACKENDS", "DEVICES", "DTYPES", "clear_cache", "load_engine", "resolve_device"]

DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "float16", "bfloat16", "int8", "int8_float16", "int8_float32")

_LOCK = threading.Lock()
_ENGINES: dict[tuple[Any, ...], Engine] = {}


def resolve_device(device: str, backend: str = DEFAULT_BACKEND) -> str:
    if device not in DEVICES and not device.startswith("cuda:"):
        raise ConfigError(f"unknown device '{device}' (use one of {', '.join(DEVICES)})")
    entry = get_backend(backend)
    if device != "auto":
        if device.startswith("cuda") and not entry.cuda_available():
            raise ConfigError("device 'cuda' requested but no CUDA GPU is available")
        return device
    return "cuda" if entry.cuda_available() else "cpu"


def load_engine(
    model_id: str,
    *,
    backend: str = DEFAULT_BACKEND,
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
    get_backend(backend)  # a ConfigError for an unknown one
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
    get_backend(backend).require()


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
    engine: Engine = get_backend(backend).load(
        model_id,
        local_dir=local,
        device=device,
        dtype=dtype,
        revision=revision,
        prompts_dir=prompts_dir,
        **options,
    )
    return engine


def clear_cache() -> None:
    """Forget every loaded engine (tests and long-lived servers that swap models)."""
    with _LOCK:
        _ENGINES.clear()
