"""Shared checks for optional model-based metrics (BERTScore, COMET): they run only
when their package is importable *and* their model is available locally (offline)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def local_model_path(model: str, probe_file: str = "config.json") -> str | None:
    """A local directory for ``model`` (a path, or a hub id already in the local HF
    cache), or ``None``. Never downloads."""
    p = Path(model).expanduser()
    if p.exists():
        return str(p)
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    try:
        found = try_to_load_from_cache(model, probe_file)
    except Exception:
        return None
    if isinstance(found, str):
        return str(Path(found).parent)
    return None
