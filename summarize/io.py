"""Reading article collections and writing JSONL results that can be resumed.

Readers are generators: JSONL and CSV files are read one line at a time and Parquet
files one row group at a time, so inputs far larger than memory stream through.

The same per-file reader (:func:`iter_file_records`) and id rule (:func:`file_record_id`,
:func:`row_record_id`) serve the local engine and the Ray engine's datasource.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from summarize.errors import ConfigError

ARTICLE_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".parquet"}


def file_record_id(path: Path) -> str:
    """The id of a one-article file (``.txt``, ``.html``...): its name without suffix."""
    return path.stem


def row_record_id(path: Path, number: int | str) -> str:
    """The id of a JSONL/CSV/Parquet row without an ``id`` column: ``<file stem>:<number>``
    (the line number for JSONL/CSV, the 1-based row number for Parquet)."""
    return f"{path.stem}:{number}"


def input_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every file the readers take from ``paths`` (directories recursively, hidden parts
    skipped), in reading order. Listing only: no file is opened."""
    return list(_files(list(paths)))


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
    """Records from ``.txt``/``.html`` files, directories (recursively), JSONL, CSV and Parquet.

    http(s) URLs and text files of URLs are read by :mod:`summarize.web` (first; id =
    the URL; ids in ``skip`` are not fetched).

    A text file's id is its name without suffix. JSONL/CSV/Parquet rows take their ``id``
    column, or ``<file stem>:<line>`` without one. Unreadable rows and files become
    records with an ``_error`` key so they are reported, not dropped.
    """
    from summarize.web.reader import split_web_sources

    local, web = split_web_sources(paths, skip=skip)
    files = list(_files(local))  # a missing path fails before any URL is fetched
    yield from web
    for path in files:
        try:
            fh = path.open("rb")
        except OSError as exc:
            yield {"id": file_record_id(path), "_error": f"cannot read {path}: {exc.strerror}"}
            continue
        with fh:
            yield from iter_file_records(path, fh)


def iter_file_records(path: Path, fh: BinaryIO) -> Iterator[dict[str, Any]]:
    """The records of one input file, read from ``fh`` (opened in binary mode).

    ``path`` names the file (suffix, ids, the ``path`` field of text files); Parquet
    needs a seekable ``fh``.
    """
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _iter_jsonl(path, fh)
    elif suffix == ".csv":
        yield from _iter_csv(path, fh)
    elif suffix in PARQUET_SUFFIXES:
        yield from _iter_parquet(path, fh)
    else:
        try:
            data = fh.read()
        except OSError as exc:
            yield {"id": file_record_id(path), "_error": f"cannot read {path}: {exc.strerror}"}
            return
        record: dict[str, Any] = {"id": file_record_id(path), "text": data, "path": str(path)}
        if suffix in HTML_SUFFIXES:
            record["html"] = True
        yield record


def _iter_jsonl(path: Path, fh: BinaryIO) -> Iterator[dict[str, Any]]:
    for lineno, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        fallback = row_record_id(path, lineno)
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


def _iter_csv(path: Path, raw: BinaryIO) -> Iterator[dict[str, Any]]:
    fh = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")
    reader = csv.DictReader(fh)
    try:
        for rowno, row in enumerate(reader, start=2):
            if row.get("id") in (None, ""):
                row["id"] = row_record_id(path, rowno)
            if "text" not in row:
                row["_error"] = f"{path.name} has no 'text' column (columns: {reader.fieldnames})"
            yield row
    except (UnicodeDecodeError, csv.Error) as exc:
        yield {
            "id": row_record_id(path, "?"),
            "_error": f"cannot read {path.name} as UTF-8 CSV: {exc}",
        }
    finally:
        fh.detach()  # the caller closes ``raw``


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError(
            "reading Parquet needs pyarrow: pip install pyarrow (or 'summarize[ray]')"
        ) from exc
    return pq


def _iter_parquet(path: Path, fh: BinaryIO) -> Iterator[dict[str, Any]]:
    """Parquet rows, one row group at a time; like CSV, rows need a ``text`` column."""
    pq = _pyarrow_parquet()
    try:
        pf = pq.ParquetFile(fh)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for broken files
        yield {
            "id": row_record_id(path, "?"),
            "_error": f"cannot read {path.name} as Parquet: {exc}",
        }
        return
    columns = pf.schema_arrow.names
    rowno = 0
    for group in range(pf.num_row_groups):
        for row in pf.read_row_group(group).to_pylist():
            rowno += 1
            if row.get("id") in (None, ""):
                row["id"] = row_record_id(path, rowno)
            if "text" not in row:
                row["_error"] = f"{path.name} has no 'text' column (columns: {columns})"
            yield row


def count_records(paths: Iterable[str | os.PathLike[str]]) -> int | None:
    """A quick count of the records ``iter_records`` will yield (for progress bars)."""
    from summarize.web.reader import count_web_sources

    local, total = count_web_sources(paths)
    try:
        for path in _files(local):
            with path.open("rb") as fh:
                total += count_file_records(path, fh)
    except (OSError, ConfigError):
        return None
    return total


def count_file_records(path: Path, fh: BinaryIO) -> int:
    """How many records :func:`iter_file_records` yields for one file (a quick count:
    JSONL lines, CSV rows, Parquet's row count from its footer)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return sum(1 for line in fh if line.strip())
    if suffix == ".csv":
        text = io.TextIOWrapper(fh, encoding="utf-8", errors="replace", newline="")
        try:
            return max(sum(1 for _ in csv.reader(text)) - 1, 0)
        finally:
            text.detach()
    if suffix in PARQUET_SUFFIXES:
        try:
            return int(_pyarrow_parquet().ParquetFile(fh).metadata.num_rows)
        except ConfigError:
            raise
        except Exception:  # a broken file yields one error record
            return 1
    return 1


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
