"""Model registry, family profiles, the Hugging Face hub and loading.

The engine factory (``load_engine``, ``BACKENDS``, ``DEVICES``, ``DTYPES``,
``clear_cache``) is in :mod:`summarize.engines`, the layer above.
"""

from summarize.models.profiles import FAMILIES, infer_family, load_profile
from summarize.models.registry import (
    DEFAULT_CROSS_SUM_MODEL,
    DEFAULT_ID_SUM_MODEL,
    DEFAULT_MODELS,
    DEFAULT_MT_MODEL,
    DEFAULT_SUM_MODEL,
    ModelInfo,
    lookup,
)

__all__ = [
    "FAMILIES",
    "DEFAULT_CROSS_SUM_MODEL",
    "DEFAULT_ID_SUM_MODEL",
    "DEFAULT_MODELS",
    "DEFAULT_MT_MODEL",
    "DEFAULT_SUM_MODEL",
    "ModelInfo",
    "infer_family",
    "load_profile",
    "lookup",
]
