"""The pipeline's stages, as functions over plain work items (:class:`Work`, one per
record): :func:`prepare` (clean and split; no model) → :func:`translate_stage` →
:func:`check_stage` → :func:`repair_stage` (with ``repair`` on) → :func:`summarize_stage` →
:func:`assemble` (the frozen :class:`~summarize.types.Result`).

:class:`~summarize.pipeline.Pipeline` holds the configuration and the models and runs
them in this order; the model stages take a :class:`Models` and the call's
:class:`Hooks` (progress callbacks).
"""

from __future__ import annotations

from summarize.stages.assemble import Signature, assemble
from summarize.stages.check import check_stage
from summarize.stages.prepare import prepare, prepare_all
from summarize.stages.repair import Repairer, repair_stage
from summarize.stages.summary import summarize_stage
from summarize.stages.translation import translate_stage, translate_texts
from summarize.stages.work import Hooks, Models, Record, Work, to_record

__all__ = [
    "Hooks",
    "Models",
    "Record",
    "Repairer",
    "Signature",
    "Work",
    "assemble",
    "check_stage",
    "prepare",
    "prepare_all",
    "repair_stage",
    "summarize_stage",
    "to_record",
    "translate_stage",
    "translate_texts",
]
