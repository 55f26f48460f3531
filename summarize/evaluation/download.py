"""Fetch named evaluation data sets into the data cache (``summarize data pull``).

Each file of :data:`summarize.evaluation.data.DATASETS` is streamed with httpx (with a
progress bar), hashed while it arrives, checked against its sha256 and only then renamed
into place, so the cache never holds a partial or wrong file. A cached file that still
has its checksum is kept; one that does not (damaged, edited, truncated) is fetched
again.

``mirror`` (or ``$SUMMARIZE_DATA_MIRROR``) replaces the sources with a server that holds
the cache layout, ``<mirror>/<folder>/<file>``: the files as they lie in the cache
(a cut file such as IndoSum's first 150 lines is served already cut). Tests point it at a
local ``http.server``; it also suits an offline site mirror.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from summarize.errors import DataDownloadError, OutputError
from summarize.evaluation.data import DataFile, data_dir, file_state, get_dataset

MIRROR_ENV = "SUMMARIZE_DATA_MIRROR"
TIMEOUT_S = 60.0


@dataclass(frozen=True)
class PullResult:
    name: str
    folder: Path
    fetched: tuple[str, ...]  # downloaded now (missing or failing their checksum before)
    kept: tuple[str, ...]  # already cached with the right checksum
    refetched: tuple[str, ...]  # the subset of ``fetched`` that was there but corrupt


def mirror_url(mirror: str | None = None) -> str | None:
    url = mirror or os.environ.get(MIRROR_ENV) or None
    return url.rstrip("/") if url else None


@contextlib.contextmanager
def _temp_file(folder: Path, name: str) -> Iterator[tuple[IO[bytes], Path]]:
    """A temporary file beside ``folder/name`` (with the usual permissions, unlike
    ``mkstemp``'s 0600), removed unless it was renamed away."""
    path = folder / f".{name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.part"
    try:
        with open(path, "xb") as fh:
            yield fh, path
    finally:
        path.unlink(missing_ok=True)


def _stream(url: str, out: IO[bytes], label: str, progress: bool) -> str:
    """Download ``url`` into ``out``; the sha256 of what arrived."""
    import httpx
    from tqdm import tqdm

    h = hashlib.sha256()
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=TIMEOUT_S) as resp:
            if resp.status_code != 200:
                raise DataDownloadError(f"cannot download {url}: HTTP {resp.status_code}")
            total = int(resp.headers.get("content-length") or 0) or None
            with tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=label,
                disable=not progress,
                file=sys.stderr,
                leave=False,
            ) as bar:
                for chunk in resp.iter_bytes(1 << 16):
                    out.write(chunk)
                    h.update(chunk)
                    bar.update(len(chunk))
    except httpx.HTTPError as exc:
        raise DataDownloadError(f"cannot download {url}: {exc or type(exc).__name__}") from exc
    return h.hexdigest()


def _head_lines(src: Path, out: IO[bytes], n: int) -> str:
    h = hashlib.sha256()
    with open(src, "rb") as fh:
        for i, line in enumerate(fh):
            if i >= n:
                break
            out.write(line)
            h.update(line)
    return h.hexdigest()


def _checked(url: str, got: str, expected: str) -> None:
    if got != expected:
        raise DataDownloadError(
            f"{url} does not match its recorded sha256 (got {got[:12]}..., expected "
            f"{expected[:12]}...); nothing was cached"
        )


def fetch_file(
    f: DataFile, folder: Path, *, mirror: str | None, label: str, progress: bool
) -> None:
    """Download ``f`` into ``folder``, check it, and rename it into place."""
    folder.mkdir(parents=True, exist_ok=True)
    if mirror:
        url = f"{mirror}/{folder.name}/{f.name}"
        with _temp_file(folder, f.name) as (out, tmp):
            _checked(url, _stream(url, out, label, progress), f.sha256)
            out.close()
            os.replace(tmp, folder / f.name)
        return
    with _temp_file(folder, f.name) as (out, tmp):
        got = _stream(f.url, out, label, progress)
        out.close()
        if f.head_lines is None:
            _checked(f.url, got, f.sha256)
            os.replace(tmp, folder / f.name)
            return
        _checked(f.url, got, f.source_sha256 or "")
        with _temp_file(folder, f.name) as (cut, cut_tmp):
            _checked(
                f"the first {f.head_lines} lines of {f.url}",
                _head_lines(tmp, cut, f.head_lines),
                f.sha256,
            )
            cut.close()
            os.replace(cut_tmp, folder / f.name)


def pull(
    name: str,
    *,
    root: Path | None = None,
    mirror: str | None = None,
    progress: bool = True,
) -> PullResult:
    """Make data set ``name`` complete and valid in the cache (``root``, default
    :func:`~summarize.evaluation.data.data_dir`): fetch every file that is missing or fails
    its checksum, keep the others."""
    ds = get_dataset(name)
    folder = (root or data_dir()) / ds.folder
    base = mirror_url(mirror)
    fetched: list[str] = []
    kept: list[str] = []
    refetched: list[str] = []
    for f in ds.files:
        state = file_state(folder / f.name, f.sha256)
        if state == "ok":
            kept.append(f.name)
            continue
        try:
            fetch_file(f, folder, mirror=base, label=f"{name}/{f.name}", progress=progress)
        except OSError as exc:
            raise OutputError(f"cannot write {folder / f.name}: {exc.strerror or exc}") from exc
        fetched.append(f.name)
        if state == "corrupt":
            refetched.append(f.name)
    return PullResult(name, folder, tuple(fetched), tuple(kept), tuple(refetched))
