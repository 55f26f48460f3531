"""Strict Unicode for JSON output: lone surrogates (``"\\udc80"``, which no UTF-8 encoder
accepts) become U+FFFD, NaN/Infinity become null, with a warning per kind of repair."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["has_surrogate", "strict_record", "strict_text", "strict_value"]

_REPLACEMENT = "\ufffd"


def has_surrogate(text: str) -> bool:
    """True when ``text`` cannot be encoded as UTF-8 (it holds a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def strict_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD."""
    if not has_surrogate(text):
        return text
    return "".join(_REPLACEMENT if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def strict_value(value: Any, fixes: list[str]) -> Any:
    """A copy of a JSON-like value that encodes as strict UTF-8 JSON: lone surrogates
    become U+FFFD, NaN/Infinity null, bytes are decoded, other types become their
    ``str``. ``fixes`` gets a word for each kind of repair made."""
    if isinstance(value, str):
        if has_surrogate(value):
            fixes.append("surrogate")
            return strict_text(value)
        return value
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        fixes.append("nonfinite")
        return None
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                key = strict_value(key, fixes)
            elif not (key is None or isinstance(key, (bool, int, float))):
                key = strict_value(str(key), fixes)
            out[key] = strict_value(item, fixes)
        return out
    if isinstance(value, (list, tuple)):
        return [strict_value(item, fixes) for item in value]
    if isinstance(value, (bytes, bytearray)):
        fixes.append("bytes")
        return bytes(value).decode("utf-8", errors="replace")
    fixes.append("type")
    return strict_value(str(value), fixes)


_FIX_WARNINGS = {
    "surrogate": "replaced lone surrogate(s) (invalid Unicode, not encodable as UTF-8) with U+FFFD",
    "nonfinite": "replaced NaN/Infinity (not valid JSON) with null",
    "bytes": "decoded byte string(s) as UTF-8 for JSON output",
    "type": "wrote value(s) of non-JSON types as strings",
}


def strict_record(obj: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``obj`` made safe for strict UTF-8 JSON, and a warning per kind of repair."""
    fixes: list[str] = []
    clean = strict_value(obj, fixes)
    return clean, [_FIX_WARNINGS[f] for f in dict.fromkeys(fixes)]
