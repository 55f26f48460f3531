"""``summarize demo`` (and ``python app.py``): launch the web demo.

Every option can also be set with an environment variable (``SUMMARIZE_HOST``,
``SUMMARIZE_PORT``, ``SUMMARIZE_MT_MODEL``, ...), handy for containers and Spaces.
"""

from __future__ import annotations

from typing import Any

import click

from summarize.cli_common import pipeline_config, pipeline_options, pop_pipeline_options
from summarize.cli_errors import ErrorHandlingCommand
from summarize.demo.config import (
    DEFAULT_HOST,
    DEFAULT_PIPELINE,
    DEFAULT_PORT,
    DemoConfig,
)
from summarize.errors import BackendNotInstalledError

EPILOG = """\b
Examples:
  summarize demo                                  # http://127.0.0.1:7860
  summarize demo --host 0.0.0.0 --port 8080       # reachable from other machines
  summarize demo --mt-model ./models/opus-mt-id-en --sum-model ./models/distilbart
  SUMMARIZE_PORT=8080 SUMMARIZE_CONCURRENCY=2 python app.py
"""


def _opt(*names: str, env: str, **kwargs: Any) -> Any:
    return click.option(*names, envvar=f"SUMMARIZE_{env}", show_envvar=True, **kwargs)


@click.command(
    "demo",
    cls=ErrorHandlingCommand,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@_opt(
    "--host",
    env="HOST",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to bind (0.0.0.0 makes the demo reachable from other machines).",
)
@_opt(
    "--port",
    env="PORT",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on.",
)
@pipeline_options(
    envvar_prefix="SUMMARIZE_",
    defaults=DEFAULT_PIPELINE,
    help_for={
        "strategy": "Strategy preselected on the page.",
        "max_chars": "Refuse articles longer than this many characters.",
        "max_length": "Maximum summary length in tokens for the 'medium' preset.",
    },
)
@_opt(
    "--concurrency",
    env="CONCURRENCY",
    type=click.IntRange(1),
    default=DemoConfig.concurrency,
    show_default=True,
    help="Requests processed at the same time (the rest wait in the queue).",
)
@_opt(
    "--batch-size",
    env="BATCH_SIZE",
    type=click.IntRange(1),
    default=DemoConfig.batch_size,
    show_default=True,
    help="Articles per batch in the Batch tab.",
)
@_opt(
    "--article-batch-size",
    env="ARTICLE_BATCH_SIZE",
    type=click.IntRange(1),
    default=DemoConfig.article_batch_size,
    show_default=True,
    help="Concurrent article requests run as one pipeline batch of up to this many (1: "
    "one at a time).",
)
@_opt(
    "--article-batch-wait",
    env="ARTICLE_BATCH_WAIT",
    type=click.FloatRange(0),
    default=DemoConfig.article_batch_wait_s,
    show_default=True,
    help="Seconds a free worker waits for more requests before it starts a batch that is not full.",
)
@_opt(
    "--fixed-models",
    env="FIXED_MODELS",
    is_flag=True,
    help="Serve only the configured models (visitors cannot type other model ids or paths).",
)
@_opt(
    "--preload/--no-preload",
    env="PRELOAD",
    default=True,
    show_default=True,
    help="Load the configured models at start-up, in the background.",
)
def demo_command(
    host: str,
    port: int,
    concurrency: int,
    batch_size: int,
    article_batch_size: int,
    article_batch_wait: float,
    fixed_models: bool,
    preload: bool,
    **options: Any,
) -> None:
    """Launch the web demo: translate and summarise an article, process a batch,
    score an evaluation suite. Binds 127.0.0.1 unless --host says otherwise."""
    config = DemoConfig(
        host=host,
        port=port,
        pipeline=pipeline_config(pop_pipeline_options(options), base=DEFAULT_PIPELINE),
        concurrency=concurrency,
        batch_size=batch_size,
        article_batch_size=article_batch_size,
        article_batch_wait_s=article_batch_wait,
        fixed_models=fixed_models,
        preload=preload,
    )
    try:
        import gradio  # noqa: F401
    except ImportError as exc:  # pragma: no cover
        raise BackendNotInstalledError(
            f"the demo needs gradio: pip install gradio ({exc})"
        ) from exc
    from summarize.demo.ui import launch_demo

    launch_demo(config)
