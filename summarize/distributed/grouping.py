"""Stories for the Ray engine's output: one grouping pass in the driver once the part
files are complete, so ``story`` and ``duplicate_of`` are what the local engine writes.

The local engine adds each article to a :class:`~summarize.stories.StoryIndex` in input
order as it writes it. Actors finish in any order, so here the pass reads the part
files' sources, adds them in the input's order (:func:`summarize.io.iter_ids`), gives
each record the assignment it had when added, rewrites each part file whose records
changed (atomically), and, when a later article merged two stories, writes every
article's final story id to ``OUTDIR.stories.json``, as the local engine does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from summarize import storage
from summarize.distributed import output
from summarize.storage import Location
from summarize.stories import Signature, StoryIndex, signatures

__all__ = ["StoryPass", "assign_stories", "stories_path"]

#: Sources whose signatures are computed together (bounds the memory of one call).
_CHUNK = 256


@dataclass(frozen=True)
class StoryPass:
    """What the pass did: articles grouped, stories, part files rewritten, and the
    ``.stories.json`` written (``None`` when no story merged after its articles)."""

    articles: int
    stories: int
    rewritten: int
    merged_path: Path | str | None


def stories_path(outdir: str | os.PathLike[str] | Location) -> Path | str:
    """``OUTDIR.stories.json``, beside the directory (the local engine's rule): a
    ``Path`` for a local OUTDIR, the URI for one on object storage."""
    where = _stories_location(outdir)
    return where.uri if storage.is_remote(where.uri) else Path(where.uri)


def _stories_location(outdir: str | os.PathLike[str] | Location) -> Location:
    if isinstance(outdir, Location):
        return outdir.sibling(".stories.json")
    if storage.is_remote(outdir):
        return storage.resolve(f"{str(outdir).rstrip('/')}.stories.json")
    return storage.resolve(f"{Path(outdir)}.stories.json")


def _signatures(outdir: str | os.PathLike[str] | Location) -> dict[str, Signature]:
    """The signature of every successful record's source in ``outdir``."""
    found: dict[str, Signature] = {}
    ids: list[str] = []
    texts: list[str] = []

    def flush() -> None:
        found.update(zip(ids, signatures(texts), strict=True))
        ids.clear()
        texts.clear()

    for record in output.read_results(outdir):
        if record.get("error") or not record.get("source"):
            continue
        ids.append(str(record["id"]))
        texts.append(str(record["source"]))
        if len(ids) >= _CHUNK:
            flush()
    flush()
    return found


def assign_stories(outdir: str | os.PathLike[str] | Location, order: Iterable[str]) -> StoryPass:
    """Group ``outdir``'s records into stories in ``order`` (ids; records not in it come
    after, in part-file order) and write the assignments into the part files."""
    sigs = _signatures(outdir)
    index = StoryIndex()
    written: dict[str, tuple[str, str | None]] = {}
    for rid in [*order, *sigs]:
        if rid in sigs and rid not in index:
            a = index.add_signatures([(rid, sigs[rid])])[0]
            written[rid] = (a.story, a.duplicate_of)
    rewritten = 0
    for path in output.part_files(outdir):
        records = list(output.read_part(path))
        if _apply(records, written):
            output.rewrite_part(path, output.lines_of(records))
            rewritten += 1
    moved = index.moved({rid: story for rid, (story, _) in written.items()})
    merged_path = None
    if moved:
        merged_path = stories_path(outdir)
        final = {a.id: a.story for a in index.assignments()}
        text = json.dumps(final, ensure_ascii=False, indent=0) + "\n"
        _stories_location(outdir).write_atomic(text.encode("utf-8"))
    return StoryPass(len(written), len(index.stories()), rewritten, merged_path)


def _apply(
    records: Sequence[dict[str, object]], written: dict[str, tuple[str, str | None]]
) -> bool:
    """Set each record's ``story``/``duplicate_of``; whether any changed."""
    changed = False
    for record in records:
        story, duplicate = written.get(str(record.get("id")), (None, None))
        if record.get("story") != story or record.get("duplicate_of") != duplicate:
            record["story"], record["duplicate_of"] = story, duplicate
            changed = True
    return changed
