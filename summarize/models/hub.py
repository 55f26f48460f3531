"""The Hugging Face cache: what is there, and fetching models for offline use."""

from __future__ import annotations

from typing import Any

from summarize.models.loading import check_hub_reachable, describe_hub_failure, hub_offline
from summarize.models.registry import lookup

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
