"""The Ray engine's output directory: part files written atomically, read back for resume.

OUTDIR is a local path or a filesystem URI (``s3://``, ``gs://``, ``abfs://``,
``hdfs://``, ``file://``; :mod:`summarize.storage`). Every part file is written under a
temporary name and moved into place when complete (a rename on a local disk, copy and
delete on an object store), so a killed run leaves only whole part files; ``--resume``
lists them through the same filesystem and takes the ids in them as done.

Formats:

* ``parquet`` (default): one row per record with the fields of the local engine's JSONL
  records. ``id``, ``source``, ``translation``, ``summary``, ``title``,
  ``title_translation``, ``strategy``, ``error``, ``story`` and ``duplicate_of`` are
  strings (``story``/``duplicate_of`` are set after the run by
  :mod:`summarize.distributed.grouping`, as the local engine sets them), ``warnings`` a list of
  strings; the nested fields ``alignment``, ``models``, ``settings``, ``timings`` and
  ``metadata``, ``flags`` and ``flag_counts`` are JSON strings (their content varies per record, which a Parquet
  schema cannot hold as structs). :func:`read_results` decodes them back.
* ``jsonl``: the local engine's lines, byte for byte.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import typing
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from summarize import storage
from summarize.errors import ConfigError, OutputError
from summarize.storage import Location
from summarize.types import Result

FORMATS = ("parquet", "jsonl")


def _field_kinds() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """:class:`~summarize.types.Result`'s fields by their Parquet column kind, read off
    the dataclass, so a new field cannot be forgotten here: (nullable) strings, lists of
    strings, and the rest as JSON strings."""
    hints = typing.get_type_hints(Result)
    strings, string_lists, json_fields = [], [], []
    for f in dataclasses.fields(Result):
        kind = hints[f.name]
        if kind is str or kind == (str | None):
            strings.append(f.name)
        elif kind == tuple[str, ...]:
            string_lists.append(f.name)
        else:
            json_fields.append(f.name)
    return tuple(strings), tuple(string_lists), tuple(json_fields)


#: Result fields stored as (nullable) strings, lists of strings and JSON strings in
#: Parquet, each in Result's order (the columns come in this order).
STRING_FIELDS, STRING_LIST_FIELDS, JSON_FIELDS = _field_kinds()
_PREFIX = "part-"
_SUFFIX = {"parquet": ".parquet", "jsonl": ".jsonl"}


def result_schema() -> Any:
    import pyarrow as pa

    fields = [pa.field(name, pa.string()) for name in STRING_FIELDS]
    fields.extend(pa.field(name, pa.list_(pa.string())) for name in STRING_LIST_FIELDS)
    fields.extend(pa.field(name, pa.string()) for name in JSON_FIELDS)
    return pa.schema(fields)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _where(outdir: str | os.PathLike[str] | Location) -> Location:
    """The :class:`~summarize.storage.Location` of an output folder (a path or a URI)."""
    return outdir if isinstance(outdir, Location) else storage.resolve(outdir)


def _is_part(name: str) -> bool:
    return name.startswith(_PREFIX) and any(name.endswith(s) for s in _SUFFIX.values())


def part_files(outdir: str | os.PathLike[str] | Location) -> list[Location]:
    """The complete part files in ``outdir`` (either format), sorted by name."""
    where = _where(outdir)
    return sorted(
        (loc for loc, is_file in where.children() if is_file and _is_part(loc.name)),
        key=lambda loc: loc.name,
    )


def remove_unfinished(outdir: str | os.PathLike[str] | Location) -> int:
    """Remove temporary part files a killed run left behind; returns how many."""
    n = 0
    for loc, is_file in _where(outdir).children():
        if is_file and loc.name.startswith(f".{_PREFIX}") and loc.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                loc.delete()
                n += 1
    return n


def write_part(
    outdir: str | os.PathLike[str] | Location, lines: Sequence[str], fmt: str
) -> Location | None:
    """Write one part file holding ``lines`` (JSON records, as the local engine writes
    them): to a temporary name, then moved into place. Returns where it is (``None``
    when there is nothing to write)."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown output format '{fmt}' (use one of {', '.join(FORMATS)})")
    if not lines:
        return None
    where = _where(outdir)
    part = where.child(f"{_PREFIX}{uuid.uuid4().hex}{_SUFFIX[fmt]}")
    try:
        part.write_atomic(_encode(lines, fmt))
    except OSError as exc:  # disk full, I/O error, access denied: one line, exit 4
        raise _unwritable(where, exc) from None
    return part


def rewrite_part(path: str | os.PathLike[str] | Location, lines: Sequence[str]) -> None:
    """Replace a complete part file's records by ``lines`` (same format, same name),
    with commit semantics: a reader sees the old file or the new, whole."""
    part = _where(path)
    fmt = next(f for f, suffix in _SUFFIX.items() if part.name.endswith(suffix))
    try:
        part.write_atomic(_encode(lines, fmt))
    except OSError as exc:
        raise _unwritable(part, exc) from None


def _encode(lines: Sequence[str], fmt: str) -> bytes:
    """A part file's bytes: JSON lines, or a Parquet table of :func:`result_schema`."""
    if fmt == "jsonl":
        return "".join(line + "\n" for line in lines).encode("utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(line) for line in lines]
    columns: dict[str, list[Any]] = {name: [r.get(name) for r in rows] for name in STRING_FIELDS}
    for field in STRING_LIST_FIELDS:
        columns[field] = [list(r.get(field) or []) for r in rows]
    for field in JSON_FIELDS:
        columns[field] = [_json(r.get(field)) for r in rows]
    table = pa.Table.from_pydict(columns, schema=result_schema())
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())


def part_rows(path: str | os.PathLike[str] | Location) -> int:
    """How many records one part file holds (Parquet: from its footer)."""
    part = _where(path)
    with part.open_input() as fh:
        if part.name.endswith(_SUFFIX["jsonl"]):
            return sum(1 for line in fh if line.strip())
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(fh).metadata.num_rows)


def completed_ids(outdir: str | os.PathLike[str] | Location) -> set[str]:
    """Ids in the complete part files of ``outdir`` (only the id column is read)."""
    ids: set[str] = set()
    for part in part_files(outdir):
        with part.open_input() as fh:
            if part.name.endswith(_SUFFIX["jsonl"]):
                ids.update(str(json.loads(line)["id"]) for line in fh if line.strip())
            else:
                import pyarrow.parquet as pq

                table = pq.read_table(fh, columns=["id"])
                ids.update(str(i) for i in table.column("id").to_pylist())
    return ids


def _decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row as the local engine's record (same keys, same order)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Result):
        value = row.get(f.name)
        if f.name in JSON_FIELDS and value is not None:
            value = json.loads(value)
        elif f.name in STRING_LIST_FIELDS:
            value = list(value or [])
        out[f.name] = value
    return out


def read_results(outdir: str | os.PathLike[str] | Location) -> Iterator[dict[str, Any]]:
    """Every record in ``outdir``'s part files, as the local engine's JSONL dicts
    (Parquet's JSON-string columns decoded), one part file at a time."""
    for part in part_files(outdir):
        yield from read_part(part)


def read_part(path: str | os.PathLike[str] | Location) -> Iterator[dict[str, Any]]:
    """The records of one part file, as :func:`read_results` gives them."""
    part = _where(path)
    with part.open_input() as fh:
        if part.name.endswith(_SUFFIX["jsonl"]):
            yield from (json.loads(line) for line in fh if line.strip())
        else:
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(fh)
            for group in range(pf.num_row_groups):
                yield from (_decode_row(r) for r in pf.read_row_group(group).to_pylist())


def _unwritable(where: Location, exc: OSError) -> OutputError:
    local = storage.local_path(where.path) if where.is_local else None
    blocker = None
    if local is not None:
        blocker = next((p for p in (local, *local.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        reason = f"{blocker} is a file, not a folder"
    elif exc.errno is not None:
        reason = f"{exc.strerror or exc} (errno {exc.errno})"
    else:
        reason = storage.describe_error(exc)
    return OutputError(f"cannot write {where.uri}: {reason}")


def check_writable(outdir: str | os.PathLike[str] | Location) -> None:
    """Create ``outdir`` (with its parents) and a probe file in it, then remove the probe:
    an output that cannot be written (a read-only file system, no permission, a file in
    the way, a bucket that does not exist or refuses writes) is :class:`OutputError`
    before the pipeline starts, not a failure in every writer task at the end. The probe
    has the name of an unfinished part file, so a killed check leaves nothing that
    :func:`remove_unfinished` would not clear."""
    where = _where(outdir)
    probe = where.child(f".{_PREFIX}probe-{uuid.uuid4().hex}.tmp")
    try:
        where.make_dirs()
        with where.fs.open_output_stream(probe.path) as fh:
            fh.write(b"\n")
        probe.delete()
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.delete()
        raise _unwritable(where, exc) from None


def check_outdir(outdir: str | os.PathLike[str] | Location, *, resume: bool) -> None:
    """A fresh run needs an output directory without part files of an earlier run."""
    where = _where(outdir)
    if where.is_file():
        raise ConfigError(f"{where.uri} is a file: --engine ray writes a directory of part files")
    if not resume and part_files(where):
        raise ConfigError(
            f"{where.uri} holds results of an earlier run: continue it with --resume, "
            "or choose an empty directory"
        )


def lines_of(results: Iterable[dict[str, Any]]) -> list[str]:
    """JSON lines exactly as the local engine's writer makes them."""
    return [_json(r) for r in results]
