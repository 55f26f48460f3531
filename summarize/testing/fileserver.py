"""A local file server for tests and offline mirrors: :mod:`http.server` in a thread on
127.0.0.1, serving a folder as it is.

The data tests serve evaluation data in the cache layout (``<folder>/<file>``) with it and
point ``summarize data pull`` at it (``SUMMARIZE_DATA_MIRROR``), so the real download,
checksum and cache code runs without the internet::

    with serve_directory(folder) as url:
        pull("nusax-mt", mirror=url)
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        pass


@contextlib.contextmanager
def serve_directory(folder: str | Path) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1; yields the base URL (no trailing /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
