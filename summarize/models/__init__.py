"""Model registry, family profiles and loading."""

from summarize.models.loading import BACKENDS, DEVICES, DTYPES, clear_cache, load_engine
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
    "BACKENDS",
    "DEVICES",
    "DTYPES",
    "FAMILIES",
    "DEFAULT_CROSS_SUM_MODEL",
    "DEFAULT_ID_SUM_MODEL",
    "DEFAULT_MODELS",
    "DEFAULT_MT_MODEL",
    "DEFAULT_SUM_MODEL",
    "ModelInfo",
    "clear_cache",
    "infer_family",
    "load_engine",
    "load_profile",
    "lookup",
]
