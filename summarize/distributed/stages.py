"""The Ray engine's stages: plain functions and one actor class over Arrow batches.

1. :func:`prepare_stage` (CPU tasks): clean and split records (``Pipeline.prepare_batch``);
   ids already done (``--resume``) pass through as ``skip`` rows.
2. :class:`ModelStage` (an actor pool): builds its :class:`~summarize.pipeline.Pipeline`
   from the configuration in ``__init__`` (models load once per actor, offline, from the
   cache the driver filled) and translates/summarises (``Pipeline.finish_batch``).
   A bad record becomes a row with ``error`` set, never a failed job.
3. :func:`write_stage` (I/O tasks): one part file per batch, written atomically
   (:func:`summarize.distributed.output.write_part`), on a local disk or an object
   store; returns one small row per record for the driver's progress, counts and
   reconciliation (which part file holds it).

Between stages, a prepared article travels pickled in a binary column (it is a Python
object graph: the cleaned paragraphs, metadata, warnings).
"""

from __future__ import annotations

import dataclasses
import json
import pickle
from typing import Any

from summarize.config import PipelineConfig
from summarize.distributed import output

WORK_COLUMNS = ("id", "skip", "work")
RESULT_COLUMNS = ("id", "skip", "result")
DONE_COLUMNS = ("id", "skip", "failed", "warned", "part")


def make_pipeline(config: PipelineConfig) -> Any:
    """The Pipeline of a (shipped, unpickled) configuration; loads nothing yet."""
    from summarize.pipeline import Pipeline

    return Pipeline(config)


def actor_config(config: PipelineConfig, threads: int | None) -> PipelineConfig:
    """``config`` with its models capped at ``threads`` CPU threads (unless it sets its
    own), as the backend table decides (:meth:`Backend.for_cores`); the engines apply
    them when they load."""
    from summarize.engines.backends import get_backend

    options = get_backend(config.backend).for_cores(config.backend_options, threads)
    return config if options == config.backend_options else config.replace(backend_options=options)


def _table(columns: dict[str, list[Any]], types: dict[str, Any]) -> Any:
    import pyarrow as pa

    schema = pa.schema([pa.field(name, types[name]) for name in columns])
    return pa.Table.from_pydict(columns, schema=schema)


def prepare_stage(batch: Any, config: PipelineConfig, skip: frozenset[str] | None = None) -> Any:
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

    def __init__(self, config: PipelineConfig, threads: int | None = None) -> None:
        self.pipeline = make_pipeline(actor_config(config, threads)).load()

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


def write_stage(batch: Any, outdir: Any, fmt: str) -> Any:
    """Write one part file into ``outdir`` (a :class:`~summarize.storage.Location` or a
    path); one row per record back: ``failed``/``warned`` for the counts, and ``part``,
    the part file that holds it (empty for a skipped record), which the driver checks is
    visible at OUTDIR once the run ends."""
    import pyarrow as pa

    ids = [str(i) for i in batch.column("id").to_pylist()]
    skips = batch.column("skip").to_pylist()
    lines = batch.column("result").to_pylist()
    written = [line for line, skip in zip(lines, skips, strict=True) if not skip]
    part = output.write_part(outdir, written, fmt)
    name = part.name if part is not None else ""
    failed: list[bool] = []
    warned: list[bool] = []
    for line, skip in zip(lines, skips, strict=True):
        record = {} if skip else json.loads(line)
        failed.append(bool(record.get("error")))
        warned.append(bool(record.get("warnings")) and not record.get("error"))
    return _table(
        {
            "id": ids,
            "skip": skips,
            "failed": failed,
            "warned": warned,
            "part": ["" if skip else name for skip in skips],
        },
        {
            "id": pa.string(),
            "skip": pa.bool_(),
            "failed": pa.bool_(),
            "warned": pa.bool_(),
            "part": pa.string(),
        },
    )
