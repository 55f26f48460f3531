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
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.errors import ModelLoadError

logger = logging.getLogger(__name__)

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
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True))


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place (mode 0644),
    so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
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


def _read_marker(entry: Path) -> dict[str, Any] | None:
    try:
        marker = json.loads((entry / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def is_complete(entry: Path, key: CacheKey) -> bool:
    """Whether ``entry`` is a finished conversion for ``key`` (files not checked)."""
    marker = _read_marker(entry)
    return (
        marker is not None
        and marker.get("key") == key.as_dict()
        and (entry / "model.bin").is_file()
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _file_records(entry: Path) -> dict[str, dict[str, Any]]:
    """Size, modification time and sha256 of every file of a converted model."""
    out = {}
    for path in sorted(entry.iterdir()):
        if path.is_file() and path.name != MARKER_FILE:
            st = path.stat()
            out[path.name] = {
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "sha256": _sha256(path),
            }
    return out


def entry_problem(entry: Path) -> str | None:
    """What is wrong with a converted model's files, or None when they are as converted.

    Cheap: every recorded file must exist with its recorded size; a file whose
    modification time changed since the conversion is hashed (sha256) and compared,
    and a match is remembered. Entries from before file records are trusted.
    """
    marker = _read_marker(entry)
    if marker is None:
        return f"{MARKER_FILE} is missing or unreadable"
    files = marker.get("files")
    if not isinstance(files, dict):
        return None
    rehashed = False
    for name, rec in sorted(files.items()):
        path = entry / name
        try:
            st = path.stat()
        except OSError:
            return f"{name} is missing"
        if st.st_size != rec.get("size"):
            return f"{name} has {st.st_size:,} bytes, {rec.get('size'):,} when converted"
        if st.st_mtime_ns != rec.get("mtime_ns"):
            if _sha256(path) != rec.get("sha256"):
                return f"{name} changed since the conversion (sha256 differs)"
            rec["mtime_ns"] = st.st_mtime_ns
            rehashed = True
    if rehashed:  # a copied cache: hash each file once, not at every load
        with contextlib.suppress(OSError):
            _write_json_atomic(entry / MARKER_FILE, marker)
    return None


def discard_entry(entry: Path) -> None:
    """Remove a cache entry (it is built again on the next use)."""
    with _lock(entry.parent / ".locks" / f"{entry.name}.lock"):
        shutil.rmtree(entry, ignore_errors=True)


def cached_entry(
    key: CacheKey, cache: Path, build: Callable[[Path], dict[str, Any]]
) -> tuple[Path, bool]:
    """The complete cache entry for ``key``, built by ``build(directory)`` if it is missing.

    ``build`` writes the converted model into the directory it is given and returns what
    the entry's marker should say about its origin. It runs at most once per entry, also
    across processes (a file lock), and in a temporary directory renamed into place. The
    marker records each file's size and sha256; an entry whose files no longer match
    (:func:`entry_problem`) is discarded and built again, once; if that does not give a
    sound entry, :class:`ModelLoadError` names the cache path. Returns the entry's path
    and whether ``build`` ran.
    """
    cache.mkdir(parents=True, exist_ok=True)
    entry = cache / key.dirname()
    if is_complete(entry, key) and entry_problem(entry) is None:
        return entry, False
    with _lock(cache / ".locks" / f"{entry.name}.lock"):
        if is_complete(entry, key):  # another process converted it while we waited
            problem = entry_problem(entry)
            if problem is None:
                return entry, False
            logger.warning(
                "CTranslate2 cache entry %s is damaged (%s): converting again", entry, problem
            )
            shutil.rmtree(entry, ignore_errors=True)
        _build_locked(key, cache, entry, build)
        problem = entry_problem(entry)
        if problem is not None:
            raise ModelLoadError(
                f"the CTranslate2 cache entry {entry} is damaged ({problem}) even after "
                f"converting again; check the disk, or delete {cache} and retry"
            )
    return entry, True


def _build_locked(
    key: CacheKey, cache: Path, entry: Path, build: Callable[[Path], dict[str, Any]]
) -> None:
    """Build ``entry`` in a scratch directory and rename it into place (lock held)."""
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
            "files": _file_records(out),
        }
        (out / MARKER_FILE).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        if entry.exists():  # an incomplete or outdated entry: replace it
            shutil.rmtree(entry, ignore_errors=True)
        os.rename(out, entry)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
