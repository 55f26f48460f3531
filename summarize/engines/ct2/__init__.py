"""The CTranslate2 backend: the same models, converted once and run by CTranslate2.

* :mod:`~summarize.engines.ct2.engine`: :class:`CTranslate2Engine` (the ``Engine``);
* :mod:`~summarize.engines.ct2.loading`: the steps of loading (device, compute type,
  threads, the cache entry, opening it);
* :mod:`~summarize.engines.ct2.conversion`: running the converter (with its T5 fix);
* :mod:`~summarize.engines.ct2.cache`: the on-disk cache of converted models and its lock.

Nothing here imports ctranslate2, transformers or torch: they load when an engine is built.
"""

from summarize.engines.ct2.cache import (
    CACHE_FORMAT,
    MARKER_FILE,
    CacheKey,
    cache_root,
    cached_entry,
    ct2_cache_dir,
    directory_fingerprint,
    discard_entry,
    entry_problem,
    is_complete,
)
from summarize.engines.ct2.conversion import convert
from summarize.engines.ct2.engine import OPTIONS, CTranslate2Engine
from summarize.engines.ct2.loading import QUANTIZATIONS, default_threads, resolve_quantization

__all__ = [
    "CACHE_FORMAT",
    "MARKER_FILE",
    "OPTIONS",
    "QUANTIZATIONS",
    "CTranslate2Engine",
    "CacheKey",
    "cache_root",
    "cached_entry",
    "convert",
    "ct2_cache_dir",
    "default_threads",
    "directory_fingerprint",
    "discard_entry",
    "entry_problem",
    "is_complete",
    "resolve_quantization",
]
