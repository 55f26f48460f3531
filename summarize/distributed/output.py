"""The Ray engine's output directory: part files written atomically, read back for resume.

Every part file is written under a temporary name (``.part-<uuid>.<ext>.tmp``) and
renamed into place when complete, so a killed run leaves only whole part files;
``--resume`` takes the ids in them as done.

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
from pathlib import Path
from typing import Any

from summarize.errors import ConfigError, OutputError
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


def part_files(outdir: str | os.PathLike[str]) -> list[Path]:
    """The complete part files in ``outdir`` (either format), sorted by name."""
    out = Path(outdir)
    if not out.is_dir():
        return []
    return sorted(
        p
        for p in out.iterdir()
        if p.is_file() and p.name.startswith(_PREFIX) and p.suffix in _SUFFIX.values()
    )


def remove_unfinished(outdir: str | os.PathLike[str]) -> int:
    """Remove temporary part files a killed run left behind; returns how many."""
    n = 0
    out = Path(outdir)
    if out.is_dir():
        for p in out.glob(f".{_PREFIX}*.tmp"):
            with contextlib.suppress(OSError):
                p.unlink()
                n += 1
    return n


def write_part(outdir: str | os.PathLike[str], lines: Sequence[str], fmt: str) -> Path | None:
    """Write one part file holding ``lines`` (JSON records, as the local engine writes
    them): to a temporary name, then renamed into place. Returns its path (``None`` when
    there is nothing to write)."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown output format '{fmt}' (use one of {', '.join(FORMATS)})")
    if not lines:
        return None
    out = Path(outdir)
    try:
        return _write_part(out, lines, fmt)
    except OSError as exc:  # disk full, I/O error: one line, exit 4 (not a traceback)
        raise _unwritable(out, exc) from None


def rewrite_part(path: str | os.PathLike[str], lines: Sequence[str]) -> None:
    """Replace a complete part file's records by ``lines`` (same format, same name): a
    temporary file renamed over it, so a reader sees the old file or the new, whole."""
    part = Path(path)
    fmt = next(f for f, suffix in _SUFFIX.items() if part.suffix == suffix)
    try:
        _write_part(part.parent, lines, fmt, name=part.name)
    except OSError as exc:
        raise _unwritable(part.parent, exc) from None


def _write_part(out: Path, lines: Sequence[str], fmt: str, name: str | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    name = name or f"{_PREFIX}{uuid.uuid4().hex}{_SUFFIX[fmt]}"
    tmp = out / f".{name}.tmp"
    try:
        if fmt == "jsonl":
            with tmp.open("w", encoding="utf-8") as fh:
                fh.writelines(line + "\n" for line in lines)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            rows = [json.loads(line) for line in lines]
            columns: dict[str, list[Any]] = {
                name: [r.get(name) for r in rows] for name in STRING_FIELDS
            }
            for field in STRING_LIST_FIELDS:
                columns[field] = [list(r.get(field) or []) for r in rows]
            for field in JSON_FIELDS:
                columns[field] = [_json(r.get(field)) for r in rows]
            table = pa.Table.from_pydict(columns, schema=result_schema())
            with tmp.open("wb") as fh:
                pq.write_table(table, fh)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, out / name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return out / name


def completed_ids(outdir: str | os.PathLike[str]) -> set[str]:
    """Ids in the complete part files of ``outdir`` (only the id column is read)."""
    ids: set[str] = set()
    for path in part_files(outdir):
        if path.suffix == ".jsonl":
            with path.open("rb") as fh:
                ids.update(str(json.loads(line)["id"]) for line in fh if line.strip())
        else:
            import pyarrow.parquet as pq

            ids.update(str(i) for i in pq.read_table(path, columns=["id"]).column("id").to_pylist())
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


def read_results(outdir: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Every record in ``outdir``'s part files, as the local engine's JSONL dicts
    (Parquet's JSON-string columns decoded), one part file at a time."""
    for path in part_files(outdir):
        yield from read_part(path)


def read_part(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one part file, as :func:`read_results` gives them."""
    if path.suffix == ".jsonl":
        with path.open("rb") as fh:
            yield from (json.loads(line) for line in fh if line.strip())
    else:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        for group in range(pf.num_row_groups):
            yield from (_decode_row(r) for r in pf.read_row_group(group).to_pylist())


def _unwritable(out: Path, exc: OSError) -> OutputError:
    blocker = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
    reason = (
        f"{blocker} is a file, not a folder"
        if blocker is not None
        else f"{exc.strerror or exc} (errno {exc.errno})"
    )
    return OutputError(f"cannot write {out}: {reason}")


def check_writable(outdir: str | os.PathLike[str]) -> None:
    """Create ``outdir`` (with its parents) and a probe file in it, then remove the probe:
    an output that cannot be written (a read-only file system, no permission, a file in
    the way) is :class:`OutputError` before the pipeline starts, not a failure in every
    writer task at the end. The probe has the name of an unfinished part file, so a
    killed check leaves nothing that :func:`remove_unfinished` would not clear."""
    out = Path(outdir)
    probe = out / f".{_PREFIX}probe-{uuid.uuid4().hex}.tmp"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with probe.open("wb") as fh:
            fh.write(b"\n")
            fh.flush()
        probe.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.unlink()
        raise _unwritable(out, exc) from None


def check_outdir(outdir: str | os.PathLike[str], *, resume: bool) -> None:
    """A fresh run needs an output directory without part files of an earlier run."""
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is a file: --engine ray writes a directory of part files")
    if not resume and part_files(out):
        raise ConfigError(
            f"{out} holds results of an earlier run: continue it with --resume, "
            "or choose an empty directory"
        )


def lines_of(results: Iterable[dict[str, Any]]) -> list[str]:
    """JSON lines exactly as the local engine's writer makes them."""
    return [_json(r) for r in results]
