"""Reading article collections and writing JSONL results that can be resumed.

Readers are generators: JSONL and CSV files are read one line at a time, so
inputs far larger than memory stream through.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from summarize.errors import ConfigError

ARTICLE_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm"}
HTML_SUFFIXES = {".html", ".htm"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv"}


def _files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    yield child
        elif path.is_file():
            yield path
        else:
            raise ConfigError(f"no such file or directory: {path}")


def iter_records(
    paths: Iterable[str | os.PathLike[str]],
    *,
    skip: Collection[str] | Callable[[str], bool] = (),
) -> Iterator[dict[str, Any]]:
    """Records from ``.txt``/``.html`` files, directories (recursively), JSONL and CSV.

    http(s) URLs and text files of URLs are read by :mod:`summarize.web` (first; id =
    the URL; ids in ``skip`` are not fetched).

    A text file's id is its name without suffix. JSONL/CSV rows take their ``id``
    column, or ``<file stem>:<line>`` without one. Unreadable rows and files become
    records with an ``_error`` key so they are reported, not dropped.
    """
    from summarize.web.reader import split_web_sources

    local, web = split_web_sources(paths, skip=skip)
    files = list(_files(local))  # a missing path fails before any URL is fetched
    yield from web
    for path in files:
        suffix = path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            yield from _iter_jsonl(path)
        elif suffix == ".csv":
            yield from _iter_csv(path)
        else:
            try:
                data = path.read_bytes()
            except OSError as exc:
                yield {"id": path.stem, "_error": f"cannot read {path}: {exc.strerror}"}
                continue
            record: dict[str, Any] = {"id": path.stem, "text": data, "path": str(path)}
            if suffix in HTML_SUFFIXES:
                record["html"] = True
            yield record


def _iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            fallback = f"{path.stem}:{lineno}"
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield {"id": fallback, "_error": f"line {lineno} of {path.name} is not valid UTF-8"}
                continue
            except json.JSONDecodeError as exc:
                yield {
                    "id": fallback,
                    "_error": f"malformed JSON on line {lineno} of {path.name}: {exc.msg}",
                }
                continue
            if not isinstance(obj, dict):
                yield {
                    "id": fallback,
                    "_error": f"line {lineno} of {path.name} is not a JSON object",
                }
                continue
            if obj.get("id") in (None, ""):
                obj["id"] = fallback
            yield obj


def _iter_csv(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("r", encoding="utf-8", errors="strict", newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            for rowno, row in enumerate(reader, start=2):
                if row.get("id") in (None, ""):
                    row["id"] = f"{path.stem}:{rowno}"
                if "text" not in row:
                    row["_error"] = (
                        f"{path.name} has no 'text' column (columns: {reader.fieldnames})"
                    )
                yield row
        except (UnicodeDecodeError, csv.Error) as exc:
            yield {"id": f"{path.stem}:?", "_error": f"cannot read {path.name} as UTF-8 CSV: {exc}"}


def count_records(paths: Iterable[str | os.PathLike[str]]) -> int | None:
    """A quick count of the records ``iter_records`` will yield (for progress bars)."""
    from summarize.web.reader import count_web_sources

    local, total = count_web_sources(paths)
    try:
        for path in _files(local):
            suffix = path.suffix.lower()
            if suffix in (".jsonl", ".ndjson"):
                with path.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            elif suffix == ".csv":
                with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
                    total += max(sum(1 for _ in csv.reader(fh)) - 1, 0)
            else:
                total += 1
    except (OSError, ConfigError):
        return None
    return total


def completed_ids(path: str | os.PathLike[str], *, repair: bool = True) -> set[str]:
    """Ids already written to a JSONL output file.

    A job killed mid-write can leave a partial last line; with ``repair`` it is cut
    off so the file stays valid JSONL and that record is redone.
    """
    p = Path(path)
    if not p.exists():
        return set()
    ids: set[str] = set()
    good_end = 0
    with p.open("rb") as fh:
        offset = 0
        for raw in fh:
            offset += len(raw)
            if not raw.endswith(b"\n"):
                break
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                break
            if isinstance(obj, dict) and "id" in obj:
                ids.add(str(obj["id"]))
            good_end = offset
    if repair and good_end < p.stat().st_size:
        with p.open("r+b") as fh:
            fh.truncate(good_end)
    return ids


class JsonlWriter:
    """Append one JSON object per line and flush it, so a killed job keeps every line it wrote."""

    def __init__(self, target: str | os.PathLike[str] | IO[str] | None, *, append: bool = False):
        self._own = False
        if target is None or target == "-":
            self._fh: IO[str] = sys.stdout
        elif isinstance(target, (str, os.PathLike)):
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(target, "a" if append else "w", encoding="utf-8")  # noqa: SIM115
            self._own = True
        else:
            self._fh = target

    def write(self, obj: dict[str, Any]) -> None:
        self._fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._own:
            self._fh.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
