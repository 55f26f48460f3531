"""Story ids (``story``, ``duplicate_of``) for a job's records, one rule for every engine:
each ok record joins the :class:`~summarize.stories.StoryIndex` in input order.

The local engine assigns them as it writes (:class:`StreamedStories`); the Ray engine's
actors finish in any order, so its driver groups the part files once they are complete
(:func:`group_parts`, :mod:`summarize.distributed.grouping`). When a later article merged
two stories after earlier records were written, both write every article's final story
id beside the output (``OUTPUT.stories.json``) and return a note saying so.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarize.jobs.events import Notice
from summarize.stories import StoryIndex
from summarize.types import Result


def with_story(index: StoryIndex, result: Result) -> Result:
    """``result`` with ``story``/``duplicate_of`` from the story index (not for failures)."""
    if result.error or not result.source or result.id in index:
        return result
    found = index.add(result.id, result.source)
    return dataclasses.replace(result, story=found.story, duplicate_of=found.duplicate_of)


class StreamedStories:
    """The local engine's stories: assigned as each result is written."""

    def __init__(self) -> None:
        self.index = StoryIndex()
        self.written: dict[str, str] = {}  # article id -> the story id its line has

    def resume_from(self, output: str) -> None:
        """Put the sources of an output file's results into the index (``resume``)."""
        path = Path(output)
        if not path.exists():
            return
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                self._previous(line)

    def _previous(self, line: str) -> None:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            return
        if not (isinstance(obj, dict) and obj.get("source") and not obj.get("error")):
            return
        article = str(obj.get("id"))
        if article not in self.index:
            self.index.add(article, str(obj["source"]))
            if obj.get("story"):
                self.written[article] = str(obj["story"])

    def assign(self, result: Result) -> Result:
        """``result`` with its story ids; remembered as written."""
        result = with_story(self.index, result)
        if result.story:
            self.written[result.id] = result.story
        return result

    def merged_note(self, output: str, shown: str) -> Notice | None:
        """When a later article joined two stories: the final story ids written to
        ``OUTPUT.stories.json`` (for a file), and the note to show (``None``: nothing
        moved). A failed write of that file is a ``Warning:`` line instead."""
        moved = self.index.moved(self.written)
        if not moved:
            return None
        what = f"{len(moved)} article(s) written before their story merged with an earlier one"
        if output == "-":
            return Notice("Note", f"{what} carry an older story id.")
        path = f"{output}.stories.json"
        final = {a.id: a.story for a in self.index.assignments() if a.id in self.written}
        try:
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(final, fh, ensure_ascii=False, indent=0)
                fh.write("\n")
        except OSError as exc:
            return Notice("Warning", f"cannot write {path}: {exc.strerror or exc}")
        return Notice(
            "Note", f"{what} carry an older story id; final story ids: {shown}.stories.json"
        )


def group_parts(out: Any, paths: Sequence[str | os.PathLike[str]]) -> Notice | None:
    """The Ray engine's stories: one grouping pass over the complete part files in
    ``out``, in the inputs' order; the note to show when stories merged."""
    from summarize.distributed.grouping import assign_stories
    from summarize.io import iter_ids

    done = assign_stories(out, iter_ids(paths))
    if done.merged_path is None:
        return None
    return Notice(
        "Note",
        "some articles were written before their story merged with an earlier one and "
        f"carry an older story id; final story ids: {done.merged_path}",
    )
