"""Inference backends behind one small interface (:class:`Engine`)."""

from summarize.engines.base import Engine, GenerationBatch, ModelProfile

__all__ = ["Engine", "GenerationBatch", "ModelProfile"]
