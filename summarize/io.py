"""Reading article collections and writing JSONL results that can be resumed.

Readers are generators: JSONL and CSV files are read one line at a time and Parquet
files one row group at a time, so inputs far larger than memory stream through. The
same per-file reader (:func:`iter_file_records`) and id rules serve the local engine
and the Ray engine's read tasks. A bad line or row never stops a
reader: it becomes a record with an ``_error`` key, and reading goes on.

Ids (see :func:`text_file_ids` for files in directories):

* a ``.txt``/``.html``/``.md`` file's id is its name without the suffix (``x``),
  unless another file read in the same call has the same name; then every such
  file's id is its path relative to the directory it was found in (for a file
  named directly: the path as given), POSIX separators, without the suffix
  (``a/x``, ``b/x``), and with the suffix where that still collides
  (``b/x.txt``, ``b/x.html``);
* a JSONL/CSV row's id is its ``id`` field, or ``<file stem>:<n>`` without one
  (``n`` is the line number in JSONL, the record number plus one in CSV);
* a Parquet row's id is its ``id`` field (a whole-number float without its ``.0``:
  ``2.0`` -> ``"2"``, see :func:`parquet_id`), or ``<file stem>:<row number>``. A row
  group that cannot be read gives one error record per row and reading goes on.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import io
import json
import math
import os
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from summarize.errors import (
    TRANSIENT,
    ConfigError,
    DuplicateIdsError,
    OutputError,
    OutputLockedError,
)
from summarize.text.strict import has_surrogate as _has_surrogate
from summarize.text.strict import strict_record, strict_text

if TYPE_CHECKING:
    from summarize.web.fetch import FetchSettings

ARTICLE_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".parquet"}

#: JSON values nested deeper than this are refused (deep nesting breaks the JSON
#: encoder and ``copy.deepcopy`` far below Python's recursion limit in threads).
MAX_JSON_DEPTH = 64
#: Largest CSV field accepted (characters); the csv module's default is 131,072.
#: Twice the CLI's default --max-chars, so an over-long article is reported by the
#: length check with its real size rather than by the CSV parser.
CSV_FIELD_LIMIT = 10_000_000

_BOM = codecs.BOM_UTF8


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


# --------------------------------------------------------------------------- files and ids


def _files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, Path | None]]:
    """``(file, root)`` for every file to read: ``root`` is the directory it was found in
    (None for a file named directly). Hidden files and folders are skipped."""
    from summarize import storage

    for raw in paths:
        if storage.is_remote(raw):  # s3://, gs://...: listed through pyarrow.fs
            yield from storage.input_files(str(raw))  # type: ignore[misc]
            continue
        path = storage.local_path(raw) or Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    yield child, path
        elif path.is_file():
            yield path, None
        else:
            raise ConfigError(f"no such file or directory: {path}")


def input_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every file the readers take from ``paths`` (directories recursively, hidden parts
    skipped), in reading order. Listing only: no file is opened."""
    return [path for path, _ in _files(list(paths))]


def row_record_id(path: Path, number: int | str) -> str:
    """The id of a JSONL/CSV/Parquet row without an ``id``: ``<file stem>:<number>`` (the
    line number in JSONL, the record number plus one in CSV, the row number in Parquet)."""
    return f"{path.stem}:{number}"


def _relative(path: Path, root: Path | None) -> str:
    return (path.relative_to(root) if root is not None else path).as_posix()


def text_file_ids(files: Sequence[tuple[Path, Path | None]]) -> list[str]:
    """The ids of article files (``.txt``, ``.html``, ...), in the order given.

    ``files`` holds ``(path, root)`` pairs: ``root`` is the directory the file was found
    in, or None for a file named directly. The rule, applied to all files of one read:

    1. the name without its suffix (``x``) when no other file has that name;
    2. otherwise the path relative to ``root`` (or the path as given) without the
       suffix (``a/x``, ``b/x``);
    3. where that still collides (``b/x.txt`` and ``b/x.html``), the relative path with
       its suffix.

    The same files always get the same ids, whatever order they are listed in. Two
    entries for one file (a file named twice) keep one id: a duplicate for ``--resume``.
    """
    stems = [path.stem for path, _ in files]
    rels = [_relative(path, root) for path, root in files]
    no_suffix = [
        rel[: len(rel) - len(path.suffix)] for rel, (path, _) in zip(rels, files, strict=True)
    ]
    stem_count: dict[str, int] = {}
    for s in stems:
        stem_count[s] = stem_count.get(s, 0) + 1
    ns_count: dict[str, int] = {}
    for i, s in enumerate(stems):
        if stem_count[s] > 1:
            ns_count[no_suffix[i]] = ns_count.get(no_suffix[i], 0) + 1
    ids = []
    for i, s in enumerate(stems):
        if stem_count[s] == 1:
            ids.append(s)
        elif ns_count[no_suffix[i]] == 1:
            ids.append(no_suffix[i])
        else:
            ids.append(rels[i])
    return [strict_text(i) for i in ids]


def _plan(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, str | None]]:
    """Every file to read with its id (None for JSONL/CSV tables)."""
    files = list(_files(list(paths)))
    is_table = [p.suffix.lower() in TABLE_SUFFIXES for p, _ in files]
    text_ids = iter(text_file_ids([f for f, t in zip(files, is_table, strict=True) if not t]))
    return [
        (path, None if table else next(text_ids))
        for (path, _), table in zip(files, is_table, strict=True)
    ]


def text_file_id_map(paths: Iterable[str | os.PathLike[str]]) -> dict[str, str]:
    """Resolved path -> id of every article file in ``paths`` (the rule of
    :func:`text_file_ids`), for readers that read files one at a time elsewhere (the Ray
    engine's read tasks). Listing only: no file is opened."""
    return {file_key(p): i for p, i in _plan(paths) if i is not None}


def file_key(path: Path) -> str:
    """A file's key in :func:`text_file_id_map`: its resolved path, or its URI."""
    from summarize.storage import UriPath

    return str(path) if isinstance(path, UriPath) else os.path.realpath(path)


def plan_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, str | None]]:
    """Every input file (a ``Path``, or a :class:`~summarize.storage.UriPath` for a
    remote one) with its article id (None for JSONL/CSV/Parquet tables), in order."""
    return _plan(paths)


def iter_records(
    paths: Iterable[str | os.PathLike[str]],
    *,
    skip: Collection[str] | Callable[[str], bool] = (),
    fetch: FetchSettings | None = None,
    on_unreadable: Callable[[str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Records from ``.txt``/``.html`` files, directories (recursively), JSONL and CSV.

    http(s) URLs and text files of URLs are read by :mod:`summarize.web` (first; id =
    the URL; ids in ``skip`` are not fetched; ``fetch``: how, by default public
    addresses only).

    Ids follow the rule in :func:`text_file_ids` (text files: the name without suffix,
    the relative path where names collide); JSONL/CSV rows take their ``id`` column, or
    ``<file stem>:<line>`` without one. Unreadable files, lines and rows become records
    with an ``_error`` key so they are reported, not dropped; reading goes on (a file
    that cannot be opened is one such record, and ``on_unreadable`` is called with its
    name, so a run can say how many there were). Strings
    with lone surrogates (JSON ``"\\udc80"``) are repaired, with a note in
    ``_warnings``. Raises :class:`ConfigError` for a path that does not exist.
    """
    from summarize.web.reader import split_web_sources

    local, web = split_web_sources(paths, skip=skip, settings=fetch)
    plan = _plan(local)  # a missing path fails before any URL is fetched
    yield from web
    yield from _iter(plan, read_text=True, on_unreadable=on_unreadable)


def _iter(
    plan: list[tuple[Path, str | None]],
    *,
    read_text: bool,
    on_unreadable: Callable[[str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    for path, file_id in plan:
        if file_id is not None and not read_text:
            yield {"id": file_id}
            continue
        try:
            fh = path.open("rb")
        except OSError as exc:
            rid = file_id if file_id is not None else row_record_id(path, "?")
            if on_unreadable is not None:
                on_unreadable(str(path))
            yield {"id": rid, "_error": f"cannot read {path}: {exc.strerror or exc}"}
            continue
        with fh:
            yield from iter_file_records(path, fh, file_id=file_id)


def iter_file_records(
    path: Path, fh: IO[bytes], *, file_id: str | None = None
) -> Iterator[dict[str, Any]]:
    """The records of one input file, read from ``fh`` (binary; Parquet needs it seekable).

    ``path`` names the file (its suffix, fallback row ids, the ``path`` field of article
    files); ``file_id`` is an article file's id (:func:`text_file_ids`; default: its name
    without suffix). The same reader serves the local engine and the Ray engine.
    """
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        for lineno, raw in _jsonl_lines(fh):
            yield _parse_jsonl_line(raw, lineno, path)
    elif suffix == ".csv":
        yield from _csv_records(path, fh)
    elif suffix in PARQUET_SUFFIXES:
        yield from _iter_parquet(path, fh)
    else:
        rid = file_id if file_id is not None else strict_text(path.stem)
        try:
            data = fh.read()
        except OSError as exc:
            yield {"id": rid, "_error": f"cannot read {path}: {exc.strerror}"}
            return
        record: dict[str, Any] = {"id": rid, "text": data, "path": str(path)}
        if suffix in HTML_SUFFIXES:
            record["html"] = True
        yield record


# --------------------------------------------------------------------------- JSONL


def _jsonl_lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """``(line number, bytes)`` of the non-blank lines, a UTF-8 BOM removed (at the start
    of the file, or of any line: concatenated files)."""
    for lineno, raw in enumerate(fh, start=1):
        if raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        if raw.strip():
            yield lineno, raw


def _parse_jsonl_line(raw: bytes, lineno: int, path: Path) -> dict[str, Any]:
    """One record from one line: the object, or an ``_error`` record."""
    fallback = row_record_id(path, lineno)
    where = f"line {lineno} of {path.name}"
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {"id": fallback, "_error": f"{where} is not valid UTF-8"}
    except json.JSONDecodeError as exc:
        return {"id": fallback, "_error": f"malformed JSON on {where}: {exc.msg}"}
    except RecursionError:
        return {"id": fallback, "_error": f"{where} is nested too deeply"}
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return {"id": fallback, "_error": f"cannot read {where}: {exc}"}
    if not isinstance(obj, dict):
        return {"id": fallback, "_error": f"{where} is not a JSON object"}
    if _depth_exceeds(obj, MAX_JSON_DEPTH):
        return {
            "id": fallback,
            "_error": f"{where} is nested more than {MAX_JSON_DEPTH} levels deep",
        }
    obj, warnings = strict_record(obj)
    rid = obj.get("id")
    if rid is None or rid == "" or isinstance(rid, (dict, list)):
        if rid not in (None, ""):
            warnings.append(f"'id' must be a string or number; used '{fallback}'")
        obj["id"] = fallback
    else:
        obj["id"] = str(rid)
    if warnings:
        obj["_warnings"] = warnings
    return obj


# --------------------------------------------------------------------------- CSV


def _raise_csv_field_limit() -> None:
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def _csv_rows(fh: IO[bytes]) -> Iterator[list[str] | str]:
    """The rows of a CSV file (header first): each a list of fields, or an error message
    for a row that cannot be parsed (reading goes on at the next line). Blank lines are
    skipped, as :class:`csv.DictReader` does. Bytes that are not UTF-8 come through as
    lone surrogates (``surrogateescape``); the caller reports them."""
    _raise_csv_field_limit()
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield f"{exc} (line {reader.line_num})"
                continue
            if row:
                yield row
    finally:
        text.detach()  # the caller closes ``fh``


def _csv_records(path: Path, fh: IO[bytes]) -> Iterator[dict[str, Any]]:
    header: list[str] | None = None
    rowno = 1
    for row in _csv_rows(fh):
        if header is None:
            if isinstance(row, str) or any(_has_surrogate(c) for c in row):
                reason = row if isinstance(row, str) else "it is not valid UTF-8"
                # Without a header no row can be read: one error for the file.
                yield {
                    "id": row_record_id(path, 1),
                    "_error": f"cannot read the header of {path.name}: {reason}",
                }
                header = []
                continue
            header = [c.strip() for c in row]
            continue
        rowno += 1
        yield _csv_record(row, header, rowno, path)


def _csv_record(row: list[str] | str, header: list[str], rowno: int, path: Path) -> dict[str, Any]:
    fallback = row_record_id(path, rowno)
    where = f"row {rowno} of {path.name}"
    if not header:
        return {"id": fallback, "_error": f"{path.name} has no readable header"}
    if isinstance(row, str):
        return {"id": fallback, "_error": f"cannot read {where} as CSV: {row}"}
    if any(_has_surrogate(c) for c in row):
        rid = row[header.index("id")] if "id" in header and header.index("id") < len(row) else ""
        return {
            "id": strict_text(rid) or fallback,
            "_error": f"{where} is not valid UTF-8",
        }
    if len(row) > len(header):
        return {
            "id": fallback,
            "_error": f"{where} has {len(row)} fields but the header has {len(header)}"
            " (an unquoted comma or quote?)",
        }
    record: dict[str, Any] = dict(
        zip(header, row, strict=False)
    )  # a short row lacks the last columns
    if record.get("id") in (None, ""):
        record["id"] = fallback
    if "text" not in header:
        record["_error"] = f"{path.name} has no 'text' column (columns: {header})"
    elif "text" not in record:
        record["_error"] = f"{where} has no 'text' field ({len(row)} of {len(header)} fields)"
    return record


# --------------------------------------------------------------------------- Parquet


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError(
            "reading Parquet needs pyarrow: pip install pyarrow (or 'summarize[ray]')"
        ) from exc
    return pq


def parquet_id(value: Any) -> str | None:
    """The id of a Parquet row from its ``id`` value: None when missing (null, ``""``,
    NaN). A float that is a whole number is written without its ``.0`` (``2.0`` ->
    ``"2"``): a float id column is nearly always an integer column that had a null in
    it (pandas turns those into floats), and ``"2"`` is what the same id gives in JSONL
    or CSV. Other values are ``str(value)``."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
    return str(value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _iter_parquet(path: Path, fh: IO[bytes]) -> Iterator[dict[str, Any]]:
    """Parquet rows, one row group at a time; like CSV, rows need a ``text`` column.

    A row group that cannot be read (corrupted bytes) becomes one error record per row
    (its count is in the footer), and reading goes on with the next group. Those
    records take their ids from the group's ``id`` column where that column alone can
    still be read, else ``<file stem>:<row number>``."""
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
        try:
            rows = pf.read_row_group(group).to_pylist()
        except Exception as exc:  # corrupted pages: ArrowInvalid, OSError (thrift)...
            yield from _broken_row_group(pf, group, rowno, path, exc)
            rowno += pf.metadata.row_group(group).num_rows
            continue
        for row in rows:
            rowno += 1
            rid = parquet_id(row.get("id"))
            row["id"] = rid if rid is not None else row_record_id(path, rowno)
            if "text" not in row:
                row["_error"] = f"{path.name} has no 'text' column (columns: {columns})"
            yield row


def _broken_row_group(
    pf: Any, group: int, before: int, path: Path, exc: Exception
) -> Iterator[dict[str, Any]]:
    """One error record for each row of an unreadable row group."""
    count = int(pf.metadata.row_group(group).num_rows)
    ids: list[Any] = [None] * count
    if "id" in pf.schema_arrow.names:
        with contextlib.suppress(Exception):  # the id column may be the broken part
            read = pf.read_row_group(group, columns=["id"]).column("id").to_pylist()
            if len(read) == count:
                ids = read
    message = (
        f"cannot read row group {group + 1} of {pf.num_row_groups} in {path.name} (rows "
        f"{before + 1}-{before + count}): {_first_line(exc)}"
    )
    for offset, value in enumerate(ids):
        rid = parquet_id(value)
        yield {
            "id": rid if rid is not None else row_record_id(path, before + offset + 1),
            "_error": message,
        }


# --------------------------------------------------------------------------- counting


def count_records(paths: Iterable[str | os.PathLike[str]]) -> int | None:
    """The number of records :func:`iter_records` yields for ``paths`` (for progress
    bars), without reading article files or decoding JSON. None when ``iter_records``
    would raise (a path that does not exist)."""
    from summarize.web.reader import count_web_sources

    local, total = count_web_sources(paths)
    try:
        plan = _plan(local)
    except ConfigError:
        return None
    for path, _ in plan:
        try:
            fh = path.open("rb")
        except OSError:
            total += 1  # one error record
            continue
        with fh:
            total += count_file_records(path, fh)
    return total


def count_file_records(path: Path, fh: IO[bytes]) -> int:
    """How many records :func:`iter_file_records` yields for one file, without reading
    article files or decoding JSON (Parquet: the row count in its footer)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return sum(1 for _ in _jsonl_lines(fh))
    if suffix == ".csv":  # the reader itself: a bad header is one record too
        return sum(1 for _ in _csv_records(path, fh))
    if suffix in PARQUET_SUFFIXES:
        try:
            return int(_pyarrow_parquet().ParquetFile(fh).metadata.num_rows)
        except ConfigError:
            raise
        except Exception:  # a broken file yields one error record
            return 1
    return 1


def iter_ids(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """The id of every record :func:`iter_records` yields from local files, in order,
    without reading article files (URLs are not fetched for this)."""
    from summarize.web.reader import split_web_sources

    local, _ = split_web_sources(paths)
    for record in _iter(_plan(local), read_text=False):
        yield str(record["id"])


def duplicate_ids(paths: Iterable[str | os.PathLike[str]], *, limit: int = 5) -> list[str]:
    """Up to ``limit`` ids that occur more than once in the input (in first-seen order)."""
    seen: set[str] = set()
    dupes: dict[str, None] = {}
    for rid in iter_ids(paths):
        if rid in seen:
            dupes[rid] = None
            if len(dupes) >= limit:
                break
        seen.add(rid)
    return list(dupes)


def check_unique_ids(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`DuplicateIdsError` when ids collide (``--resume`` skips by id, so it
    would skip or repeat the wrong records)."""
    dupes = duplicate_ids(paths)
    if dupes:
        shown = ", ".join(repr(d) for d in dupes)
        raise DuplicateIdsError(
            f"--resume needs unique ids, but the input repeats {shown}. Give the records "
            "distinct 'id' values (or run without --resume into a new output file)."
        )


# --------------------------------------------------------------------------- output


def _is_transient_error(obj: dict[str, Any]) -> bool:
    return bool(obj.get("error")) and obj.get("error_kind") == TRANSIENT


def completed_ids(
    path: str | os.PathLike[str], *, repair: bool = True, retry_transient: bool = False
) -> set[str]:
    """Ids already written to a JSONL output file.

    A job killed mid-write can leave a partial last line; with ``repair`` it is cut
    off so the file stays valid JSONL and that record is redone. Where an id has
    several lines (a retried record whose replacement is not folded in yet, see
    :func:`replace_superseded`), its last line counts. With ``retry_transient``, ids
    whose line is an error of kind ``"transient"`` (a timeout, HTTP 503...) are not
    done: ``--resume`` tries them again.
    """
    p = Path(path)
    if not p.exists():
        return set()
    done: dict[str, bool] = {}
    good_end = 0
    with p.open("rb") as fh:
        offset = 0
        for raw in fh:
            offset += len(raw)
            if not raw.endswith(b"\n"):
                break
            try:
                obj = json.loads(raw)
            except (ValueError, RecursionError):
                break
            if isinstance(obj, dict) and "id" in obj:
                done[str(obj["id"])] = not (retry_transient and _is_transient_error(obj))
            good_end = offset
    if repair and good_end < p.stat().st_size:
        with p.open("r+b") as fh:
            fh.truncate(good_end)
    return {rid for rid, ok in done.items() if ok}


def _line_id(raw: bytes) -> str | None:
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return str(obj["id"]) if isinstance(obj, dict) and "id" in obj else None


def replace_superseded(path: str | os.PathLike[str]) -> int:
    """Fold retried records into place: where an id has several lines, keep its last
    line, at the place of its first one. Returns how many lines were dropped.

    ``--resume`` appends the new line of a record it tried again (a transient error) and
    calls this once the run ends. The file is rewritten beside itself and renamed over
    the old one (``os.replace``, after ``fsync``): a job killed at any moment leaves
    either the old file (every line, the new ones after; the last line of an id counts,
    see :func:`completed_ids`) or the new one, never less. Nothing is written when no
    id repeats. Call it while holding the :class:`OutputLock`.
    """
    p = Path(path)
    if not p.is_file():
        return 0
    last: dict[str, tuple[int, int]] = {}  # id -> (offset, length) of its last line
    count: dict[str, int] = {}
    with p.open("rb") as fh:
        offset = 0
        for raw in fh:
            rid = _line_id(raw) if raw.endswith(b"\n") else None
            if rid is not None:
                last[rid] = (offset, len(raw))
                count[rid] = count.get(rid, 0) + 1
            offset += len(raw)
    if all(n == 1 for n in count.values()):
        return 0
    dropped = 0
    placed: set[str] = set()
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    try:
        with p.open("rb") as src, p.open("rb") as lookup, tmp.open("wb") as out:
            for raw in src:
                rid = _line_id(raw) if raw.endswith(b"\n") else None
                if rid is None or count[rid] == 1:
                    out.write(raw)
                    continue
                if rid in placed:
                    dropped += 1
                    continue
                placed.add(rid)
                where, length = last[rid]
                lookup.seek(where)
                out.write(lookup.read(length))
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, p.stat().st_mode & 0o7777)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(p.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return dropped


def _holder_pid(lock_path: Path) -> str:
    try:
        return lock_path.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


class OutputLock:
    """An exclusive lock on an output file, held while it is written (a context manager).

    The lock is ``fcntl.flock`` on a sidecar file ``<output>.lock`` that holds the
    writer's pid; it is released when the process ends, however it ends, and the
    sidecar is removed on a normal exit. A second writer gets :class:`OutputLockedError`
    naming the first one's pid. A no-op for stdout (``None`` or ``"-"``) and where
    ``fcntl`` does not exist (Windows).
    """

    def __init__(self, output: str | os.PathLike[str] | None) -> None:
        self.output = None if output is None or str(output) == "-" else Path(output)
        if self.output is not None and self.output.exists() and not self.output.is_file():
            self.output = None  # a device or pipe (/dev/stdout): not a file to share
        self.lock_path = (
            None if self.output is None else self.output.with_name(self.output.name + ".lock")
        )
        self._fd: int | None = None

    def acquire(self) -> None:
        if self.lock_path is None:
            return
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        while True:
            fd = self._open_sidecar()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                raise OutputLockedError(
                    f"{self.output} is being written by another process (pid "
                    f"{_holder_pid(self.lock_path)}); wait for it to finish or choose "
                    "another output file"
                ) from None
            # The previous holder may have removed the sidecar between our open and our
            # lock: then we hold a lock on a deleted file; start again.
            try:
                same = os.stat(self.lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def _open_sidecar(self) -> int:
        """The lock file, created (with its folder) where needed. A location that cannot
        be written (a read-only file system, no permission, a file where a folder should
        be) is :class:`OutputError`, before any work is done."""
        assert self.lock_path is not None
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            blocker = next(
                (p for p in self.lock_path.parents if p.exists() and not p.is_dir()), None
            )
            reason = (
                f"{blocker} is a file, not a folder"
                if blocker is not None
                else f"{exc.strerror or exc} (errno {exc.errno}; creating "
                f"{exc.filename or self.lock_path} failed)"
            )
            raise OutputError(f"cannot write {self.output}: {reason}") from None

    def release(self) -> None:
        if self._fd is None or self.lock_path is None:
            return
        with contextlib.suppress(OSError):
            self.lock_path.unlink()  # still locked: nobody can hold the deleted file
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class JsonlWriter:
    """Append one JSON object per line and flush it, so a killed job keeps every line it wrote.

    Every line is strict UTF-8 JSON: lone surrogates become U+FFFD and NaN/Infinity
    null, with a note in the record's ``warnings``. A line is written with one
    ``write`` call, so a failed write (a full disk) leaves at most a partial last line,
    which :func:`completed_ids` cuts off.
    """

    def __init__(self, target: str | os.PathLike[str] | IO[str] | None, *, append: bool = False):
        self._own = False
        self._binary: IO[bytes] | None = None
        if target is None or target == "-":
            self._fh: IO[str] = sys.stdout
        elif isinstance(target, (str, os.PathLike)):
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            self._binary = open(target, "ab" if append else "wb", buffering=0)  # noqa: SIM115
            self._own = True
        else:
            self._fh = target

    @staticmethod
    def encode(obj: dict[str, Any]) -> str:
        """One JSON line (with its newline) that is valid strict UTF-8 JSON."""
        try:
            line = json.dumps(obj, ensure_ascii=False, allow_nan=False)
            line.encode("utf-8")
        except (UnicodeEncodeError, ValueError, TypeError):
            obj, fixes = strict_record(obj)
            if fixes:
                warnings = obj.get("warnings")
                if not isinstance(warnings, list):
                    warnings = [] if warnings is None else [str(warnings)]
                obj["warnings"] = warnings + [f for f in fixes if f not in warnings]
            line = json.dumps(obj, ensure_ascii=False, allow_nan=False)
        return line + "\n"

    def write(self, obj: dict[str, Any]) -> None:
        """Write one line. On an OSError (disk full, I/O error) the part of the line that
        was written is cut off again where possible, so the file stays valid JSONL."""
        line = self.encode(obj)
        if self._binary is not None:
            view = memoryview(line.encode("utf-8"))
            start = self._tell()
            try:
                while view:
                    written = self._binary.write(view)
                    view = view[written or 0 :]
            except OSError:
                if start is not None:
                    with contextlib.suppress(OSError):
                        self._binary.truncate(start)
                raise
        else:
            self._fh.write(line)
            self._fh.flush()

    def _tell(self) -> int | None:
        assert self._binary is not None
        try:
            return self._binary.tell() if self._binary.seekable() else None
        except OSError:
            return None

    def close(self) -> None:
        if self._own and self._binary is not None:
            self._binary.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
