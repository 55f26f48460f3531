"""Reading the inputs with Ray Data: the local reader's files, ids and records, read by
Ray's read tasks on the cluster (the driver only lists the files).

:class:`RecordsDatasource` is a Ray Data file datasource over the exact file list of
:func:`summarize.io.plan_files` (so hidden files are skipped the same way, and
``_name.txt`` is read, which Ray's own directory listing would skip), local or on one
object store (the :mod:`pyarrow.fs` filesystem of :mod:`summarize.storage`, which
travels to the read tasks). Each file goes
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
from summarize.errors import ConfigError
from summarize.storage import UriPath, describe_error

RECORD_SCHEMA = pa.schema([pa.field("id", pa.string()), pa.field("record", pa.binary())])
#: Records of one file, and whether it could not be opened (then it is one error record).
COUNT_SCHEMA = pa.schema([pa.field("n", pa.int64()), pa.field("unreadable", pa.int64())])


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
        plan: list[tuple[Any, str | None]] = list(sio.plan_files(paths))
        if not plan:
            raise ConfigError(f"no input files in {', '.join(str(p) for p in paths)}")
        remote = [f for f, _ in plan if isinstance(f, UriPath)]
        filesystem = None
        if remote:
            kinds = {type(f.location.fs).__name__ for f in remote}
            if len(remote) != len(plan) or len(kinds) > 1:
                raise ConfigError(
                    "--engine ray reads the inputs of one run from one filesystem: give "
                    "local paths or URIs of one store, not both"
                )
            filesystem = remote[0].location.fs
        # file as Ray names it -> (the file as the local reader names it, article id)
        self._files: dict[str, tuple[Any, str | None]] = {}
        keys = []
        for f, file_id in plan:
            key = f.location.path if isinstance(f, UriPath) else os.path.realpath(f)
            self._files[key] = (f, file_id)
            keys.append(key)
        super().__init__(keys, filesystem=filesystem)
        self._count_only = count_only
        # Blocks are what Ray hands from stage to stage: about one model batch each, so
        # that every actor of the pool gets work even from a single input file.
        self._rows_per_block = max(rows_per_block, 1)

    def _shown(self, path: str) -> tuple[Any, str | None]:
        """The file as the local reader names it (relative inputs stay relative, remote
        ones are their URI) and its article id."""
        found = self._files.get(path) or self._files.get(os.path.realpath(path))
        return found if found is not None else (Path(path), None)

    def _open_input_source(self, filesystem: Any, path: str, **open_args: Any) -> Any:
        try:
            if Path(path).suffix.lower() in sio.PARQUET_SUFFIXES:
                return filesystem.open_input_file(path)  # Parquet needs random access
            return super()._open_input_source(filesystem, path, **open_args)
        except OSError as exc:
            return _Unreadable(exc)

    def _read_stream(self, f: Any, path: str) -> Iterator[Any]:
        import io

        shown, file_id = self._shown(path)
        if isinstance(f, _Unreadable):
            if self._count_only:
                yield pa.Table.from_pydict({"n": [1], "unreadable": [1]}, schema=COUNT_SCHEMA)
                return
            records: Iterator[dict[str, Any]] = iter(
                [
                    {
                        "id": file_id or sio.row_record_id(shown, "?"),
                        "_error": f"cannot read {shown}: {describe_error(f.exc)}",
                    }
                ]
            )
        else:
            fh: Any = f if shown.suffix.lower() in sio.PARQUET_SUFFIXES else io.BufferedReader(f)
            if self._count_only:
                n = sio.count_file_records(shown, fh)
                yield pa.Table.from_pydict({"n": [n], "unreadable": [0]}, schema=COUNT_SCHEMA)
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
