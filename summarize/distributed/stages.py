"""The Ray engine's stages: plain functions and one actor class over Arrow batches.

1. :func:`prepare_stage` (CPU tasks): clean and split records (``Pipeline.prepare_batch``);
   ids already done (``--resume``) pass through as ``skip`` rows.
2. :class:`ModelStage` (an actor pool): builds its :class:`~summarize.pipeline.Pipeline`
   from the configuration in ``__init__`` (models load once per actor, offline, from the
   cache the driver filled) and translates/summarises (``Pipeline.finish_batch``).
   A bad record becomes a row with ``error`` set, never a failed job.
3. :func:`write_stage` (I/O tasks): one part file per batch, written atomically
   (:func:`summarize.distributed.output.write_part`); returns one small row per record
   for the driver's progress and counts.

Between stages, a prepared article travels pickled in a binary column (it is a Python
object graph: the cleaned paragraphs, metadata, warnings).
"""

from __future__ import annotations

import dataclasses
import json
import pickle
from collections.abc import Mapping
from typing import Any

from summarize.distributed import output

WORK_COLUMNS = ("id", "skip", "work")
RESULT_COLUMNS = ("id", "skip", "result")
DONE_COLUMNS = ("id", "skip", "failed", "warned")


def make_pipeline(config: Any) -> Any:
    """A Pipeline from a configuration: a ``PipelineConfig`` or a dict of Pipeline keywords."""
    from summarize.pipeline import Pipeline

    if isinstance(config, Mapping):
        return Pipeline(**dict(config))
    return Pipeline(config)


def _table(columns: dict[str, list[Any]], types: dict[str, Any]) -> Any:
    import pyarrow as pa

    schema = pa.schema([pa.field(name, types[name]) for name in columns])
    return pa.Table.from_pydict(columns, schema=schema)


def prepare_stage(batch: Any, config: Any, skip: frozenset[str] | None = None) -> Any:
    """Records in (``id``, ``record``), prepared work out (``id``, ``skip``, ``work``)."""
    import pyarrow as pa

    ids = [str(i) for i in batch.column("id").to_pylist()]
    payloads = batch.column("record").to_pylist()
    skip = skip or frozenset()
    todo = [i for i, rid in enumerate(ids) if rid not in skip]
    pipe = make_pipeline(config)
    works = pipe.prepare_batch([pickle.loads(payloads[i]) for i in todo])
    out: list[bytes | None] = [None] * len(ids)
    for i, work in zip(todo, works, strict=True):
        # The raw text is not needed after cleaning: do not ship it to the model stage.
        work.record = dataclasses.replace(work.record, text=None)
        out[i] = pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL)
    return _table(
        {"id": ids, "skip": [rid in skip for rid in ids], "work": out},
        {"id": pa.string(), "skip": pa.bool_(), "work": pa.binary()},
    )


class ModelStage:
    """The model stage, one instance per actor of the pool.

    ``threads`` caps the CPU threads of this actor's models (a CTranslate2 worker, or
    torch's thread count), so N actors on one machine do not each take every core.
    """

    def __init__(self, config: Any, threads: int | None = None) -> None:
        self.pipeline = make_pipeline(config)
        if threads:
            if self.pipeline.backend == "ctranslate2":
                opts = self.pipeline.backend_options
                opts.setdefault("inter_threads", 1)
                opts.setdefault("intra_threads", threads)
            else:
                import torch

                torch.set_num_threads(threads)
        self.pipeline.load()

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        ids = [str(i) for i in batch.column("id").to_pylist()]
        skips = batch.column("skip").to_pylist()
        payloads = batch.column("work").to_pylist()
        todo = [i for i, s in enumerate(skips) if not s]
        works = [pickle.loads(payloads[i]) for i in todo]
        try:
            results = [r.to_dict() for r in self.pipeline.finish_batch(works)]
        except Exception as exc:
            from summarize.pipeline import _FATAL
            from summarize.types import Result

            if isinstance(exc, _FATAL):
                raise
            # finish_batch already isolates bad records; this is the last safety net.
            message = f"internal error: {type(exc).__name__}: {exc}"
            results = [
                Result(id=ids[i], strategy=self.pipeline.strategy, error=message).to_dict()
                for i in todo
            ]
        out: list[str | None] = [None] * len(ids)
        for i, result in zip(todo, results, strict=True):
            out[i] = json.dumps(result, ensure_ascii=False)
        return _table(
            {"id": ids, "skip": skips, "result": out},
            {"id": pa.string(), "skip": pa.bool_(), "result": pa.string()},
        )


def write_stage(batch: Any, outdir: str, fmt: str) -> Any:
    """Write one part file; one row per record back (``failed``/``warned`` for the counts)."""
    import pyarrow as pa

    ids = [str(i) for i in batch.column("id").to_pylist()]
    skips = batch.column("skip").to_pylist()
    lines = batch.column("result").to_pylist()
    written = [line for line, skip in zip(lines, skips, strict=True) if not skip]
    output.write_part(outdir, written, fmt)
    failed: list[bool] = []
    warned: list[bool] = []
    for line, skip in zip(lines, skips, strict=True):
        record = {} if skip else json.loads(line)
        failed.append(bool(record.get("error")))
        warned.append(bool(record.get("warnings")) and not record.get("error"))
    return _table(
        {"id": ids, "skip": skips, "failed": failed, "warned": warned},
        {"id": pa.string(), "skip": pa.bool_(), "failed": pa.bool_(), "warned": pa.bool_()},
    )
