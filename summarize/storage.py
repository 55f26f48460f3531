"""Local paths and filesystem URIs (``s3://``, ``gs://``, ``abfs://``, ``hdfs://``,
``file://``) for inputs and outputs, through one layer: :mod:`pyarrow.fs`.

pyarrow.fs is what Ray Data itself reads and writes with, so a filesystem resolved here
can be shipped to Ray's tasks as it is (it pickles). Credentials come from each store's
standard environment: for S3 the AWS chain (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, instance roles...) and ``AWS_ENDPOINT_URL``
for an S3-compatible server; for GCS the Google application default credentials; for
Azure ``AZURE_STORAGE_ACCOUNT_NAME`` / ``AZURE_STORAGE_ACCOUNT_KEY`` or the default
Azure credential; HDFS needs Hadoop's ``libhdfs`` and a Java runtime.

Plain local paths never need pyarrow: the local engine opens them as before, and only a
URI goes through here. Objects are written with commit semantics: to a temporary key,
then moved to their name (a rename on a local filesystem, copy and delete on object
stores, where a finished copy appears whole), so a reader never sees half an object.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import unquote, urlparse

from summarize.errors import BackendNotInstalledError, ConfigError

#: The URI schemes read and written here -> what they are (for messages and docs).
SCHEMES: dict[str, str] = {
    "s3": "Amazon S3 or an S3-compatible store",
    "gs": "Google Cloud Storage",
    "gcs": "Google Cloud Storage",
    "abfs": "Azure Blob Storage / Data Lake",
    "abfss": "Azure Blob Storage / Data Lake (TLS)",
    "hdfs": "HDFS",
    "file": "a local path",
}
#: What installs the filesystem layer (pyarrow wheels carry S3, GCS, Azure and HDFS).
STORAGE_HINT = "pip install 'summarize[cloud]'"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
#: Web pages are read by summarize.web, not here.
_WEB = ("http", "https")


def scheme(path: str | os.PathLike[str]) -> str | None:
    """The URI scheme of ``path`` in lower case (``None`` for a plain path)."""
    found = _SCHEME.match(str(path))
    return found.group(1).lower() if found else None


def is_uri(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a filesystem URI this module reads (``file://`` included)."""
    return scheme(path) in SCHEMES


def is_remote(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a URI of a store other than the local filesystem."""
    found = scheme(path)
    return found in SCHEMES and found != "file"


def check_scheme(path: str | os.PathLike[str]) -> None:
    """Refuse a URI whose scheme is neither a filesystem here nor a web page."""
    found = scheme(path)
    if found is not None and found not in SCHEMES and found not in _WEB:
        schemes = ", ".join(f"{s}://" for s in SCHEMES)
        raise ConfigError(f"unsupported URI scheme '{found}://' in {path} (use {schemes})")


def local_path(path: str | os.PathLike[str]) -> Path | None:
    """The local path of a plain path or a ``file://`` URI (``None`` for a remote URI)."""
    found = scheme(path)
    if found is None:
        return Path(path)
    if found != "file":
        return None
    parsed = urlparse(str(path))
    if parsed.netloc not in ("", "localhost"):
        raise ConfigError(f"{path}: a file:// URI names a path on this machine (file:///...)")
    return Path(unquote(parsed.path))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def describe_error(exc: BaseException) -> str:
    """One line for an error raised by a filesystem (pyarrow's carry long messages)."""
    if isinstance(exc, OSError) and exc.strerror:
        return str(exc.strerror)
    return _first_line(exc)


def _pyarrow_fs(uri: str) -> Any:
    try:
        import pyarrow.fs as pafs
    except ImportError as exc:
        raise BackendNotInstalledError(
            f"{scheme(uri)}:// paths need pyarrow's filesystems: {STORAGE_HINT}"
        ) from exc
    return pafs


@dataclass(frozen=True)
class Location:
    """A file or folder on a filesystem: ``fs`` (a :class:`pyarrow.fs.FileSystem`),
    ``path`` within it (``bucket/key`` or an absolute local path), and ``uri``, the name
    shown to the user (the URI as written, or the local path). Picklable: it can travel
    to Ray's tasks."""

    fs: Any
    path: str
    uri: str

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def is_local(self) -> bool:
        import pyarrow.fs as pafs

        return isinstance(self.fs, pafs.LocalFileSystem)

    def __fspath__(self) -> str:
        """A local location is a path (``open``, ``pathlib`` and pyarrow take it)."""
        if not self.is_local:
            raise TypeError(f"{self.uri} is not a local path")
        return self.path

    def child(self, name: str) -> Location:
        return Location(
            self.fs, f"{self.path.rstrip('/')}/{name}", f"{self.uri.rstrip('/')}/{name}"
        )

    def sibling(self, suffix: str) -> Location:
        """The location named like this one with ``suffix`` added (``out`` -> ``out.x``)."""
        return Location(self.fs, self.path.rstrip("/") + suffix, self.uri.rstrip("/") + suffix)

    def _info(self) -> Any:
        try:
            return self.fs.get_file_info(self.path)
        except OSError as exc:
            raise ConfigError(f"cannot reach {self.uri}: {describe_error(exc)}") from None

    def exists(self) -> bool:
        import pyarrow.fs as pafs

        return bool(self._info().type != pafs.FileType.NotFound)

    def is_dir(self) -> bool:
        import pyarrow.fs as pafs

        return bool(self._info().type == pafs.FileType.Directory)

    def is_file(self) -> bool:
        import pyarrow.fs as pafs

        return bool(self._info().type == pafs.FileType.File)

    def children(self, *, recursive: bool = False) -> list[tuple[Location, bool]]:
        """``(location, is a file)`` of what is in this folder, sorted by path."""
        import pyarrow.fs as pafs

        selector = pafs.FileSelector(self.path, allow_not_found=True, recursive=recursive)
        try:
            infos = self.fs.get_file_info(selector)
        except OSError as exc:
            raise ConfigError(f"cannot list {self.uri}: {describe_error(exc)}") from None
        base = self.path.rstrip("/")
        found = []
        for info in sorted(infos, key=lambda i: i.path):
            rel = info.path[len(base) :].lstrip("/") if info.path.startswith(base) else info.name
            found.append((self.child(rel), info.type == pafs.FileType.File))
        return found

    def open_input(self) -> IO[bytes]:
        """A buffered, seekable binary reader (raises ``OSError`` as ``open`` does)."""
        return io.BufferedReader(self.fs.open_input_file(self.path))  # type: ignore[arg-type]

    def read_bytes(self) -> bytes:
        with self.open_input() as fh:
            return fh.read()

    def delete(self) -> None:
        self.fs.delete_file(self.path)

    def write_atomic(self, data: bytes) -> None:
        """Write ``data`` to this file with commit semantics: under a temporary name
        beside it, then moved to its name. Raises ``OSError`` on failure (nothing is
        left under the final name)."""
        local = local_path(self.path) if self.is_local else None
        if local is not None:
            _write_local_atomic(local, data)
            return
        folder, _, name = self.path.rpartition("/")
        tmp = Location(self.fs, f"{folder}/.{name}.{uuid.uuid4().hex}.tmp", self.uri)
        try:
            with self.fs.open_output_stream(tmp.path) as fh:
                fh.write(data)
            self.fs.move(tmp.path, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.delete()
            raise

    def make_dirs(self) -> None:
        """Create this folder (a no-op on object stores, which have no folders)."""
        self.fs.create_dir(self.path, recursive=True)


def _write_local_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def resolve(path: str | os.PathLike[str]) -> Location:
    """The :class:`Location` of a local path (made absolute) or a filesystem URI.

    Errors are one line: an unsupported scheme or a malformed URI is
    :class:`ConfigError`; a missing filesystem layer (pyarrow, or HDFS's libhdfs and
    Java) is :class:`BackendNotInstalledError`, naming what to install."""
    text = str(path)
    check_scheme(text)
    local = local_path(text)
    if local is not None:
        pafs = _pyarrow_fs(text) if scheme(text) else _require_local_fs()
        return Location(pafs.LocalFileSystem(), str(local.absolute()), text)
    pafs = _pyarrow_fs(text)
    try:
        fs, inner = pafs.FileSystem.from_uri(text)
    except ImportError as exc:
        raise BackendNotInstalledError(
            f"{scheme(text)}:// needs a pyarrow built with it: {STORAGE_HINT}"
        ) from exc
    except OSError as exc:  # HDFS without libhdfs / a JVM, an unreachable name node...
        if scheme(text) == "hdfs":
            raise BackendNotInstalledError(
                "hdfs:// needs Hadoop's libhdfs and a Java runtime (set JAVA_HOME, "
                f"HADOOP_HOME and CLASSPATH): {_first_line(exc)}"
            ) from None
        raise ConfigError(f"cannot open {text}: {_first_line(exc)}") from None
    except Exception as exc:  # pyarrow's ArrowInvalid / ArrowNotImplementedError
        if "not built" in str(exc) or "NotImplemented" in type(exc).__name__:
            raise BackendNotInstalledError(
                f"{scheme(text)}:// is not supported by this pyarrow: {STORAGE_HINT}"
            ) from None
        raise ConfigError(f"{text} is not a usable URI: {_first_line(exc)}") from None
    return Location(fs, str(inner), text)


def _require_local_fs() -> Any:
    try:
        import pyarrow.fs as pafs
    except ImportError as exc:
        raise BackendNotInstalledError(f"this needs pyarrow: {STORAGE_HINT}") from exc
    return pafs


class UriPath:
    """A remote input file as the readers of :mod:`summarize.io` use a ``Path``: its
    ``name``, ``stem`` and ``suffix``, ``relative_to`` its folder, ``open("rb")``, and
    ``str()`` the URI (which becomes an article's ``path`` field)."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self._pure = PurePosixPath(location.path)

    name = property(lambda self: self._pure.name)
    stem = property(lambda self: self._pure.stem)
    suffix = property(lambda self: self._pure.suffix)

    def relative_to(self, root: UriPath) -> PurePosixPath:
        return self._pure.relative_to(root.location.path)

    def as_posix(self) -> str:
        return self.location.uri

    def open(self, mode: str = "rb") -> IO[bytes]:
        if mode != "rb":
            raise ValueError("remote input files open for binary reading only")
        return self.location.open_input()

    def __str__(self) -> str:
        return self.location.uri

    def __repr__(self) -> str:
        return f"UriPath({self.location.uri!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UriPath) and other.location.uri == self.location.uri

    def __hash__(self) -> int:
        return hash(self.location.uri)


def input_files(uri: str) -> Iterator[tuple[UriPath, UriPath | None]]:
    """``(file, folder it was found in)`` for a remote input: the file itself, or every
    file under the folder (recursively, sorted, hidden names skipped, as for local
    folders). Raises :class:`ConfigError` when nothing is there."""
    where = resolve(uri.rstrip("/") if uri.endswith("/") and uri.count("/") > 3 else uri)
    if where.is_file():
        yield UriPath(where), None
        return
    root = UriPath(where)
    found = False
    for child, is_file in where.children(recursive=True):
        rel = child.path[len(where.path.rstrip("/")) :].lstrip("/")
        if is_file and not any(part.startswith(".") for part in rel.split("/")):
            found = True
            yield UriPath(child), root
    if not found:
        raise ConfigError(f"no such file or directory: {uri}")


class SpooledOutput:
    """The local engine's output file on an object store: written to a local spool file
    (appended and repaired as a local output file is), and committed to ``uri`` (a
    temporary key, then moved to its name) every ``every`` seconds, when the run ends
    and when it is interrupted. ``--resume`` starts from the object's current content.
    Object stores cannot append, so this is how one JSONL object is written; a run
    killed outright loses what was written since the last commit (``--resume`` redoes
    it). Files written beside the spool file (``.stories.json``) are committed beside
    the object."""

    def __init__(self, uri: str, *, resume: bool, every: float = 60.0) -> None:
        import tempfile

        self.where = resolve(uri)
        if self.where.is_dir():
            raise ConfigError(f"-o {uri} is a directory (only --engine ray writes one)")
        self._tmp = tempfile.TemporaryDirectory(prefix="summarize-spool-")
        self.path = Path(self._tmp.name) / (self.where.name or "output.jsonl")
        self.every = every
        self._last = 0.0
        try:
            self._probe()
            if resume and self.where.is_file():
                self.path.write_bytes(self.where.read_bytes())
        except OSError as exc:
            self._tmp.cleanup()
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> Exception:
        from summarize.errors import OutputError

        return OutputError(f"cannot write {self.where.uri}: {describe_error(exc)}")

    def _probe(self) -> None:
        """Fail before any model loads where the object cannot be written."""
        folder, _, name = self.where.path.rpartition("/")
        probe = Location(self.where.fs, f"{folder}/.{name}.probe-{uuid.uuid4().hex}.tmp", "")
        with self.where.fs.open_output_stream(probe.path) as fh:
            fh.write(b"\n")
        probe.delete()

    def commit(self) -> None:
        """Copy the spool file (and what was written beside it) to the object store."""
        import time

        try:
            if self.path.exists():
                self.where.write_atomic(self.path.read_bytes())
            for extra in sorted(self.path.parent.glob(f"{self.path.name}.*")):
                if extra.suffix == ".json":
                    self.where.sibling(extra.name[len(self.path.name) :]).write_atomic(
                        extra.read_bytes()
                    )
        except OSError as exc:
            raise self._error(exc) from None
        self._last = time.monotonic()

    def checkpoint(self) -> None:
        """Commit when the last commit is more than ``every`` seconds old."""
        import time

        if time.monotonic() - self._last >= self.every:
            self.commit()

    def __enter__(self) -> SpooledOutput:
        import time

        self._last = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.commit()
        finally:
            self._tmp.cleanup()
