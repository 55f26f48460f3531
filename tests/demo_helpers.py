"""Helpers for the demo's tests: a free port, a demo running in this process, and the
sentence table's cells read as plain text (they are Markdown with the flagged spans in
``<mark>``, issue 19)."""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Iterator
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_demo(config: Any) -> Iterator[Any]:
    """The demo for ``config`` (a ``DemoConfig``), launched without blocking; closed after."""
    from summarize.demo import build_demo, launch_kwargs

    demo = build_demo(config)
    demo.launch(**launch_kwargs(config), prevent_thread_lock=True, quiet=True)
    try:
        yield demo
    finally:
        demo.close()


def unmarked(cell: str) -> str:
    """A sentence-table cell without its highlight marks and Markdown escapes."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"</?mark[^>]*>", "", cell))
