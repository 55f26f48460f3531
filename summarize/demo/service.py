"""What the demo's buttons do, without any Gradio: one :class:`DemoService` that holds
the shared pipeline pool and the request folders, and hands each tab's action to its
service:

* :mod:`~summarize.demo.pool`: pipelines shared across requests, per-model locks, the
  model boxes' defaults;
* :mod:`~summarize.demo.article`: one article, concurrent requests batched;
* :mod:`~summarize.demo.batch`: uploaded articles in batches, JSONL and CSV files;
* :mod:`~summarize.demo.digests`: stories of uploads and links, one summary each;
* :mod:`~summarize.demo.evaluation`: a suite or an uploaded pairs file scored.

Reading uploads is in :mod:`summarize.demo.uploads`, the Markdown it shows in
:mod:`summarize.demo.formatting`. Every user-facing problem is raised as
:class:`DemoError`; the UI layer shows it as a notice on the page (and API clients get
it as the error message).
"""

from __future__ import annotations

from pathlib import Path

from summarize.demo.article import ArticleOutput, ArticleService
from summarize.demo.batch import BatchOutput, BatchService
from summarize.demo.config import DemoConfig
from summarize.demo.digests import DigestOutput, DigestService
from summarize.demo.errors import DemoError
from summarize.demo.evaluation import EvalOutput, EvaluationService
from summarize.demo.outputs import RequestFolders
from summarize.demo.pool import MAX_PIPELINES, PipelinePool
from summarize.demo.progress import ProgressFn

__all__ = [
    "MAX_PIPELINES",
    "ArticleOutput",
    "BatchOutput",
    "DemoError",
    "DemoService",
    "DigestOutput",
    "EvalOutput",
    "ProgressFn",
]


class DemoService:
    """The demo's actions. One instance per app; safe to call from several threads.

    Each tab's action is its service's method (``summarize_article`` is
    :meth:`ArticleService.summarize_article`, ...); the pool's are the model boxes'."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self.pool = PipelinePool(config)
        self.folders = RequestFolders(config.workdir, config.keep_outputs_s)
        self.workdir: Path = self.folders.workdir
        self.articles = ArticleService(self.pool)
        self.batches = BatchService(self.pool, self.folders)
        self.digests = DigestService(self.pool, self.folders)
        self.evaluation = EvaluationService(config.pipeline, self.folders)
        # the pool
        self.default_sum_model = self.pool.default_sum_model
        self.default_mt_model = self.pool.default_mt_model
        self._check_models = self.pool.check_models
        self.pipeline = self.pool.pipeline
        self.preload = self.pool.preload
        self._request_dir = self.folders.new
        # the tabs
        self.summarize_article = self.articles.summarize_article
        self.process_batch = self.batches.process_batch
        self.digest = self.digests.digest
        self.suites = self.evaluation.suites
        self.evaluate = self.evaluation.evaluate
