"""Reading the inputs with Ray Data: the local reader's files, ids and records, read by
Ray's read tasks on the cluster (the driver only lists the files).

:class:`RecordsDatasource` is a Ray Data file datasource over the exact file list of
:func:`summarize.io.input_files` (so hidden files are skipped the same way, and
``_name.txt`` is read, which Ray's own directory listing would skip). Each file goes
through :func:`summarize.io.iter_file_records`, the local engine's reader, so ids,
``path`` fields and per-record errors are the same. Rows are ``{"id": str, "record":
bytes}``: the record dict pickled, because it may hold bytes (a text file's content) and
arbitrary JSON metadata that an Arrow column cannot keep exactly.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from ray.data.datasource import FileBasedDatasource

from summarize import io as sio

RECORD_SCHEMA = pa.schema([pa.field("id", pa.string()), pa.field("record", pa.binary())])
COUNT_SCHEMA = pa.schema([pa.field("n", pa.int64())])


def _display_roots(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[str, str, bool]]:
    """(absolute root, the root as the user wrote it, is a directory) for each input."""
    return [(os.path.abspath(p), str(Path(p)), Path(p).is_dir()) for p in paths]


class _Unreadable:
    """Stands in for a file that cannot be opened, so it becomes an error record."""

    def __init__(self, exc: OSError) -> None:
        self.exc = exc

    def __enter__(self) -> _Unreadable:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class RecordsDatasource(FileBasedDatasource):  # type: ignore[misc]
    """Records (or, with ``count_only``, record counts) of the given input paths,
    ``rows_per_block`` records per block."""

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        rows_per_block: int = 64,
        count_only: bool = False,
    ):
        files = [str(p.resolve()) for p in sio.input_files(paths)]
        if not files:
            from summarize.errors import ConfigError

            raise ConfigError(f"no input files in {', '.join(str(p) for p in paths)}")
        super().__init__(files)
        self._roots = _display_roots(paths)
        # article files' ids depend on the whole input (same names in two folders)
        self._text_ids = sio.text_file_id_map(paths)
        self._count_only = count_only
        # Blocks are what Ray hands from stage to stage: about one model batch each, so
        # that every actor of the pool gets work even from a single input file.
        self._rows_per_block = max(rows_per_block, 1)

    def _display(self, path: str) -> Path:
        """The path as the local reader names it (relative inputs stay relative)."""
        resolved = os.path.realpath(path)
        for root, shown, is_dir in self._roots:
            real_root = os.path.realpath(root)
            if not is_dir and resolved == real_root:
                return Path(shown)
            if is_dir and resolved.startswith(real_root.rstrip(os.sep) + os.sep):
                return Path(shown) / os.path.relpath(resolved, real_root)
        return Path(path)

    def _open_input_source(self, filesystem: Any, path: str, **open_args: Any) -> Any:
        try:
            if Path(path).suffix.lower() in sio.PARQUET_SUFFIXES:
                return filesystem.open_input_file(path)  # Parquet needs random access
            return super()._open_input_source(filesystem, path, **open_args)
        except OSError as exc:
            return _Unreadable(exc)

    def _read_stream(self, f: Any, path: str) -> Iterator[Any]:
        import io

        shown = self._display(path)
        file_id = self._text_ids.get(os.path.realpath(path))
        if isinstance(f, _Unreadable):
            records: Iterator[dict[str, Any]] = iter(
                [
                    {
                        "id": file_id or sio.row_record_id(shown, "?"),
                        "_error": f"cannot read {shown}: {f.exc.strerror or f.exc}",
                    }
                ]
            )
            if self._count_only:
                yield pa.Table.from_pydict({"n": [1]}, schema=COUNT_SCHEMA)
                return
        else:
            fh: Any = f if shown.suffix.lower() in sio.PARQUET_SUFFIXES else io.BufferedReader(f)
            if self._count_only:
                n = sio.count_file_records(shown, fh)
                yield pa.Table.from_pydict({"n": [n]}, schema=COUNT_SCHEMA)
                return
            records = sio.iter_file_records(shown, fh, file_id=file_id)
        ids: list[str] = []
        payloads: list[bytes] = []
        for record in records:
            ids.append(str(record.get("id")))
            payloads.append(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
            if len(ids) >= self._rows_per_block:
                yield pa.Table.from_pydict({"id": ids, "record": payloads}, schema=RECORD_SCHEMA)
                ids, payloads = [], []
        if ids:
            yield pa.Table.from_pydict({"id": ids, "record": payloads}, schema=RECORD_SCHEMA)
