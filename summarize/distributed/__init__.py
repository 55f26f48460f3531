"""The batch pipeline on Ray Data, from one machine to a cluster (``summarize run --engine ray``).

>>> from summarize import Job, PipelineConfig, run_job          # doctest: +SKIP
>>> from summarize.distributed import RayOptions
>>> job = Job(("articles/",), "out/", PipelineConfig(backend="ctranslate2"),
...           engine="ray", ray=RayOptions(actors=4))
>>> print(run_job(job).line())

Stages: Ray Data read tasks parse the inputs (:mod:`.sources`, the local reader's ids and
records); a CPU stage cleans and splits; an actor pool runs the models; writer tasks
write Parquet or JSONL part files atomically (:mod:`.output`), on a local disk or an
object store (``s3://``, ``gs://``, ``abfs://``, ``hdfs://``: :mod:`summarize.storage`). Ray is an optional extra
(``pip install 'summarize[ray]'``) and is imported only when a run starts.
"""

from __future__ import annotations

from summarize.distributed.engine import (
    RAY_INSTALL_HINT,
    RayOptions,
    ray_available,
)
from summarize.distributed.output import FORMATS, completed_ids, read_results
from summarize.types import RunSummary

__all__ = [
    "FORMATS",
    "RAY_INSTALL_HINT",
    "RayOptions",
    "RunSummary",
    "completed_ids",
    "ray_available",
    "read_results",
]
