"""Lazy package attributes (PEP 562): a package's ``__getattr__`` imports the module that
defines a public name only when the name is first used, so importing the package stays
light (no torch, transformers or gradio)."""

from __future__ import annotations

from importlib import import_module
from typing import Any


def lazy_attribute(
    package: str, table: dict[str, str], namespace: dict[str, Any], name: str
) -> Any:
    """``name`` from the module ``table`` gives for it, kept in ``namespace`` (the package's
    globals) for the next look-up; ``AttributeError`` for a name not in ``table``."""
    module = table.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    namespace[name] = value
    return value
