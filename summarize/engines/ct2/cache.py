"""The on-disk cache of converted CTranslate2 models and its lock.

Converted models live under ``$SUMMARIZE_CACHE/ct2`` (default ``~/.cache/summarize/ct2``),
one entry per model source, revision (hub commit, or a content hash of a local
directory's files) and quantisation. Entries are written into a temporary directory
and renamed into place under an exclusive file lock, so a killed or concurrent
conversion never leaves a half-written entry behind and concurrent processes convert
a model once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Bump when the layout or the meaning of a cache entry changes.
CACHE_FORMAT = 1
#: Written last into every complete cache entry.
MARKER_FILE = "summarize_ct2.json"
#: Leftovers of killed conversions older than this are removed.
STALE_TMP_SECONDS = 6 * 3600
#: Files of a local model directory that go into its content hash (everything the
#: converter reads: config, weights and tokenizer files).
_HASHED_SUFFIXES = (".json", ".safetensors", ".bin", ".model", ".spm", ".txt", ".vocab")


def cache_root() -> Path:
    """The project's cache directory: ``$SUMMARIZE_CACHE`` or ``~/.cache/summarize``."""
    env = os.environ.get("SUMMARIZE_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "summarize"


def ct2_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where converted models live (``<cache root>/ct2`` unless ``cache_dir`` is given)."""
    return Path(cache_dir).expanduser() if cache_dir else cache_root() / "ct2"


def _file_digest(path: Path, memo: dict[str, Any]) -> str:
    """sha256 of a file, memoised by (path, size, mtime) so large weights hash once."""
    st = path.stat()
    key = str(path)
    entry = memo.get(key)
    if entry and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
        return str(entry["sha256"])
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    digest = h.hexdigest()
    memo[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
    return digest


def directory_fingerprint(directory: Path, cache: Path) -> str:
    """Content hash of a local model directory's config, tokenizer and weight files."""
    memo_path = cache / "hashes.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    h = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        if (
            not path.is_file()
            or path.name.startswith(".")
            or not path.name.endswith(_HASHED_SUFFIXES)
        ):
            continue
        h.update(path.name.encode("utf-8") + b"\0" + _file_digest(path, memo).encode() + b"\0")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        _write_json_atomic(memo_path, memo)
    except OSError:  # a read-only cache still works, it just hashes again next time
        pass
    return h.hexdigest()


def _write_json_atomic(path: Path, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (so concurrent processes convert a model once)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: rename-into-place still protects us
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _clean_stale(cache: Path) -> None:
    """Remove temporary conversion directories left by killed processes."""
    now = time.time()
    for tmp in cache.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > STALE_TMP_SECONDS:
                shutil.rmtree(tmp, ignore_errors=True)


@dataclass(frozen=True)
class CacheKey:
    """What identifies one converted model."""

    source: str  # hub id, or "local:<absolute path>"
    revision: str  # hub commit (or requested revision), or "sha256:<content hash>"
    quantization: str
    start_from_prefix: bool  # CrossSum: no fixed decoder start token

    def as_dict(self) -> dict[str, Any]:
        import ctranslate2

        return {
            "format": CACHE_FORMAT,
            "source": self.source,
            "revision": self.revision,
            "quantization": self.quantization,
            "start_from_prefix": self.start_from_prefix,
            "ctranslate2": ctranslate2.__version__,
        }

    def dirname(self) -> str:
        digest = hashlib.sha256(
            json.dumps(self.as_dict(), sort_keys=True).encode("utf-8")
        ).hexdigest()[:16]
        source = self.source
        if source.startswith("local:"):  # the directory and its parent name it well enough
            source = "/".join(Path(source.removeprefix("local:")).parts[-2:])
        name = re.sub(r"[^A-Za-z0-9._-]+", "--", source).strip("-.")
        return f"{name[-80:]}--{self.quantization}--{digest}"


def is_complete(entry: Path, key: CacheKey) -> bool:
    """Whether ``entry`` is a finished conversion for ``key``."""
    try:
        marker = json.loads((entry / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("key") == key.as_dict() and (entry / "model.bin").is_file()


def cached_entry(
    key: CacheKey, cache: Path, build: Callable[[Path], dict[str, Any]]
) -> tuple[Path, bool]:
    """The complete cache entry for ``key``, built by ``build(directory)`` if it is missing.

    ``build`` writes the converted model into the directory it is given and returns what
    the entry's marker should say about its origin. It runs at most once per entry, also
    across processes (a file lock), and in a temporary directory renamed into place.
    Returns the entry's path and whether ``build`` ran.
    """
    cache.mkdir(parents=True, exist_ok=True)
    entry = cache / key.dirname()
    if is_complete(entry, key):
        return entry, False
    with _lock(cache / ".locks" / f"{entry.name}.lock"):
        if is_complete(entry, key):  # another process converted it while we waited
            return entry, False
        _clean_stale(cache)
        scratch = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache))
        try:
            out = scratch / "model"
            start = time.perf_counter()
            origin = build(out)
            marker = {
                "key": key.as_dict(),
                **origin,
                "convert_seconds": round(time.perf_counter() - start, 3),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            (out / MARKER_FILE).write_text(json.dumps(marker, indent=2), encoding="utf-8")
            if entry.exists():  # an incomplete or outdated entry: replace it
                shutil.rmtree(entry, ignore_errors=True)
            os.rename(out, entry)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return entry, True
