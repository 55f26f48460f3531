"""The Gradio web demo: ``summarize demo`` or ``python app.py``.

Importing this package has no side effects and does not import Gradio; the page is
built by :func:`build_demo` and started by :func:`launch_demo`.

>>> from summarize.demo import DemoConfig, build_demo, launch_kwargs   # doctest: +SKIP
>>> demo = build_demo(DemoConfig(mt_model="/tmp/tiny/marian", sum_model="/tmp/tiny/bart"))
>>> demo.launch(**launch_kwargs(config), prevent_thread_lock=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summarize._lazy import lazy_attribute
from summarize.demo.cli import demo_command
from summarize.demo.config import DemoConfig

__all__ = [
    "DemoConfig",
    "DemoService",
    "DemoError",
    "build_demo",
    "demo_command",
    "launch_demo",
    "launch_kwargs",
]

_LAZY = {
    "DemoService": "summarize.demo.service",
    "DemoError": "summarize.demo.errors",
    "build_demo": "summarize.demo.ui",
    "launch_demo": "summarize.demo.ui",
    "launch_kwargs": "summarize.demo.ui",
}

if TYPE_CHECKING:  # pragma: no cover
    from summarize.demo.errors import DemoError
    from summarize.demo.service import DemoService
    from summarize.demo.ui import build_demo, launch_demo, launch_kwargs


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, globals(), name)
