"""The demo's Digest tab: uploaded articles and fetched links grouped into stories, one
English summary per story, as Markdown."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from summarize.demo.errors import DemoError
from summarize.demo.formatting import seconds
from summarize.demo.outputs import RequestFolders
from summarize.demo.pages import check_url, fetch_settings
from summarize.demo.pool import PipelinePool
from summarize.demo.progress import ProgressFn, no_progress
from summarize.demo.uploads import batch_records, uploaded_paths
from summarize.errors import SummarizeError


@dataclass
class DigestOutput:
    markdown: str
    path: str
    status: str


class DigestService:
    """The Digest tab's action over the shared pool."""

    def __init__(self, pool: PipelinePool, folders: RequestFolders) -> None:
        self.pool = pool
        self.config = pool.config
        self.folders = folders

    def _records(
        self, files: Sequence[str] | str | None, urls: str | None, progress: ProgressFn
    ) -> list[Any]:
        """The uploaded articles, then the fetched pages, within the demo's limit."""
        paths = uploaded_paths(files)
        links = [check_url(u) for u in (urls or "").splitlines() if u.strip()]
        limit = self.config.max_batch_records
        if not paths and not links:
            raise DemoError(
                "Upload several articles (.txt/.html, JSONL or CSV) or paste links to news "
                "pages, one per line.",
                title="No articles",
            )
        if len(links) > limit:
            raise DemoError(
                f"{len(links):,} links; this demo reads up to {limit:,}.", title="Too many links"
            )
        try:
            records, _ = batch_records(paths, limit) if paths else ([], 0)
        except SummarizeError as exc:
            raise DemoError(str(exc), title="Cannot read the upload") from exc
        if links:
            from summarize.web import iter_url_records

            progress(0.0, f"Fetching {len(links)} page(s)…")
            records += list(iter_url_records(links, settings=fetch_settings(self.config)))
        if len(records) > limit:
            raise DemoError(
                f"{len(records):,} articles; this demo makes digests of up to {limit:,}.",
                title="Too many articles",
            )
        return records

    def digest(
        self,
        files: Sequence[str] | str | None,
        urls: str | None,
        strategy: str,
        mt_model: str,
        sum_model: str,
        length: str = "medium",
        progress: ProgressFn = no_progress,
    ) -> DigestOutput:
        """Stories of uploaded articles and pasted links, one English summary each."""
        from summarize.digest import build_digest, to_markdown

        started = time.perf_counter()
        records = self._records(files, urls, progress)
        progress(0.1, "Loading models…")
        pipe = self.pool.pipeline(strategy, mt_model, sum_model, length)
        progress(0.2, f"Grouping and summarising {len(records)} articles…")
        with self.pool.using(pipe):
            try:
                digest = build_digest(records, pipe)
            except SummarizeError as exc:
                raise DemoError(str(exc), title="Model problem") from exc
        markdown = to_markdown(digest)
        path = self.folders.new("digest") / "digest.md"
        path.write_text(markdown, encoding="utf-8")
        progress(1.0, "Done")
        failed = len(digest.failed) + sum(1 for s in digest.stories if s.error)
        status = (
            f"**{len(digest.stories)} stories** from {digest.articles} articles"
            + (f", {failed} failed (listed in the digest)" if failed else "")
            + f" · {seconds(time.perf_counter() - started)}"
        )
        return DigestOutput(markdown=markdown, path=str(path), status=status)
