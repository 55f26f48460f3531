"""What a batch job is: inputs, output, the pipeline's settings and how to run it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from summarize.config import PipelineConfig

if TYPE_CHECKING:
    from summarize.distributed.engine import RayOptions
    from summarize.web import FetchSettings

#: The engines a job runs on (:data:`summarize.jobs.runner.EXECUTORS` holds their executors).
LOCAL = "local"
RAY = "ray"
ENGINES = (LOCAL, RAY)


@dataclass(frozen=True)
class Job:
    """One batch run.

    ``inputs``: files, directories, URLs or filesystem URIs (what ``summarize run``
    reads); ``feeds``: RSS/Atom feed URLs (local engine); ``records``: records already
    in memory (dicts with ``id``/``title``/``text``, e.g. the demo's uploads), read
    after ``inputs``. ``output``: the JSONL file (``"-"``: stdout) of the local engine,
    or the directory of part files of the Ray engine, a path or a URI. ``resume``: skip
    the ids already in ``output`` and add the rest. ``engine``: one of :data:`ENGINES`;
    ``ray``: the Ray engine's options (``None``: the defaults); ``fetch``: how web pages
    and feeds are fetched (``None``: public addresses only). ``batch_size`` is the
    config's.
    """

    inputs: tuple[str, ...] = ()
    output: str = "-"
    config: PipelineConfig = field(default_factory=PipelineConfig)
    feeds: tuple[str, ...] = ()
    records: tuple[Mapping[str, Any], ...] = ()
    resume: bool = False
    engine: str = LOCAL
    ray: RayOptions | None = None
    fetch: FetchSettings | None = None

    def __post_init__(self) -> None:
        # lists and ``os.PathLike`` paths are welcome: stored as tuples of strings
        object.__setattr__(self, "inputs", tuple(str(p) for p in self.inputs))
        object.__setattr__(self, "feeds", tuple(str(f) for f in self.feeds))
        object.__setattr__(self, "records", tuple(self.records))
        object.__setattr__(self, "output", str(self.output))

    @property
    def batch_size(self) -> int:
        return self.config.batch_size
