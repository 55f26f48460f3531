"""How the demo's services report progress: ``progress(fraction, text)`` (Gradio's
``gr.Progress`` has this shape; ``None`` fraction: an unknown share)."""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[float | None, str], None]


def no_progress(fraction: float | None, desc: str) -> None:
    """The default: progress goes nowhere."""
    return None
