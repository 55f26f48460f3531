"""Inference backends behind one small interface (:class:`Engine`), and the factory
that loads them (:func:`load_engine`, once per process)."""

from summarize.engines.base import Engine, GenerationBatch, ModelProfile
from summarize.engines.factory import BACKENDS, DEVICES, DTYPES, clear_cache, load_engine

__all__ = [
    "BACKENDS",
    "DEVICES",
    "DTYPES",
    "Engine",
    "GenerationBatch",
    "ModelProfile",
    "clear_cache",
    "load_engine",
]
