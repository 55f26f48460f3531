"""The Hugging Face hub and its local cache: offline mode, local model directories,
single files and snapshots, what is cached, and fetching models for offline use.

Both the loaders (:mod:`summarize.models.loading`) and the engines use these helpers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from summarize.errors import ModelNotAvailableError
from summarize.models.registry import lookup


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


def describe_hub_failure(model_id: str, exc: BaseException) -> ModelNotAvailableError:
    """Turn a hub/cache failure into the short message users see."""
    if hub_offline():
        reason = "HF_HUB_OFFLINE is set and it is not in the local Hugging Face cache"
    else:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = f"not in the local cache and the hub could not provide it: {first[:160]}"
    return ModelNotAvailableError(model_id, reason)


def check_hub_reachable(model_id: str) -> None:
    """One attempt to reach the hub endpoint (``HF_ENDPOINT``, proxies honoured); when it
    cannot be reached at all (DNS or connection failure, timeout), raise the usual
    :class:`ModelNotAvailableError` at once. huggingface_hub itself retries five times
    with backoff (about 26 s) before giving up on a file that is not cached."""
    from huggingface_hub import constants
    from huggingface_hub.utils import get_session

    timeout = max(1, min(int(constants.HF_HUB_ETAG_TIMEOUT), 10))
    try:
        get_session().head(constants.ENDPOINT, timeout=timeout)
    except Exception as exc:  # any HTTP answer means reachable; only no answer is an error
        raise describe_hub_failure(model_id, exc) from exc


def model_file(
    model_id: str, local: Path | None, revision: str | None, filename: str, *, required: bool
) -> Path | None:
    """A file of a local model directory or (downloaded if allowed) of a hub model;
    ``None`` when the model has no such file. Offline, a ``required`` file that is not
    cached means the model is not cached; an optional one is taken as absent."""
    if local is not None:
        path = local / filename
        return path if path.is_file() else None
    from huggingface_hub import _CACHED_NO_EXIST, hf_hub_download, try_to_load_from_cache
    from huggingface_hub.errors import EntryNotFoundError, LocalEntryNotFoundError

    if hub_offline():
        found = try_to_load_from_cache(model_id, filename, revision=revision)
        if found is _CACHED_NO_EXIST:  # the hub said earlier that the model has no such file
            return None
        if isinstance(found, str):
            return Path(found)
        if not required:
            return None
        raise describe_hub_failure(model_id, FileNotFoundError(filename))
    try:
        return Path(hf_hub_download(model_id, filename, revision=revision))
    except LocalEntryNotFoundError as exc:  # no connection and not cached
        raise describe_hub_failure(model_id, exc) from exc
    except EntryNotFoundError:  # the repository has no such file
        return None
    except (OSError, ValueError) as exc:  # no such repository or revision, HTTP errors
        raise describe_hub_failure(model_id, exc) from exc


#: Weight files a snapshot needs before it can be converted or loaded.
WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)


def cached_snapshot(model_id: str, revision: str | None) -> Path | None:
    """The local snapshot directory of a hub model whose ``config.json`` is cached, else ``None``."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(model_id, "config.json", revision=revision)
    return Path(found).parent if isinstance(found, str) else None


def snapshot_with_weights(model_id: str, revision: str | None, *, why: str) -> Path:
    """The local snapshot directory of a hub model with its weights (downloading them if
    allowed). ``why`` says, offline, what the weights are needed for."""
    snapshot = cached_snapshot(model_id, revision)
    if snapshot is not None and any((snapshot / name).is_file() for name in WEIGHT_FILES):
        return snapshot
    if hub_offline():
        raise ModelNotAvailableError(
            model_id,
            f"HF_HUB_OFFLINE is set and its weights are not in the local Hugging Face cache ({why})",
        )
    return Path(pull(model_id, revision=revision))


#: Files a seq2seq model needs; other weights formats (TF, Flax, ONNX) are skipped.
_COMMON = ["*.json", "*.model", "*.spm", "*.txt", "*.py", "tokenizer*", "vocab*", "merges*"]


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def cached_models(cache_dir: str | None = None) -> list[dict[str, Any]]:
    """One row per model repo in the HF cache: id, size on disk, family, licence, revisions."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir(cache_dir)
    except CacheNotFound:
        return []
    rows = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id.lower()):
        if repo.repo_type != "model":
            continue
        known = lookup(repo.repo_id)
        rows.append(
            {
                "model": repo.repo_id,
                "size": _size(repo.size_on_disk),
                "bytes": repo.size_on_disk,
                "family": known.family if known else None,
                "license": known.license if known else None,
                "revisions": ", ".join(sorted(r.commit_hash[:8] for r in repo.revisions)),
            }
        )
    return rows


def pull(model_id: str, revision: str | None = None) -> str:
    """Download a model's config, tokenizer and (safetensors if offered) weights to the cache."""
    from huggingface_hub import HfApi, snapshot_download

    from summarize.errors import ConfigError

    if hub_offline():
        raise ConfigError(
            f"cannot download '{model_id}' while HF_HUB_OFFLINE is set: run "
            f"`HF_HUB_OFFLINE=0 summarize models pull {model_id}` on a machine with internet access"
        )
    check_hub_reachable(model_id)
    try:
        files = HfApi().list_repo_files(model_id, revision=revision)
        weights = ["*.safetensors"] if any(f.endswith(".safetensors") for f in files) else ["*.bin"]
        return str(snapshot_download(model_id, revision=revision, allow_patterns=_COMMON + weights))
    except Exception as exc:  # network, auth, missing repo: all reported the same way
        raise describe_hub_failure(model_id, exc) from exc
