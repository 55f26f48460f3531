"""``summarize demo`` (and ``python app.py``): launch the web demo.

Every option can also be set with an environment variable (``SUMMARIZE_HOST``,
``SUMMARIZE_PORT``, ``SUMMARIZE_MT_MODEL``, ...), handy for containers and Spaces.
"""

from __future__ import annotations

import math
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
from summarize.errors import BackendNotInstalledError, ConfigError

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
        "batch_size": "Articles per pipeline batch in the Batch tab and digests.",
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
    "--allow-model",
    "allowed_models",
    env="ALLOW_MODELS",
    multiple=True,
    metavar="ID",
    help="A model visitors may choose besides the configured ones (repeatable; the "
    "variable takes a space-separated list). Listening beyond loopback, visitors may "
    "choose only these and the configured models.",
)
@_opt(
    "--fetch-timeout",
    env="FETCH_TIMEOUT",
    type=click.FloatRange(0.1, 600),
    default=DemoConfig.fetch_timeout_s,
    show_default=True,
    help="Seconds one page fetch (link field, digest links) may take in all.",
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
    article_batch_size: int,
    article_batch_wait: float,
    fixed_models: bool,
    preload: bool,
    allowed_models: tuple[str, ...],
    fetch_timeout: float,
    **options: Any,
) -> None:
    """Launch the web demo: translate and summarise an article, process a batch,
    score an evaluation suite. Binds 127.0.0.1 unless --host says otherwise."""
    if not math.isfinite(fetch_timeout):  # click's FloatRange lets NaN through
        raise ConfigError(
            f"--fetch-timeout (SUMMARIZE_FETCH_TIMEOUT) must be a number, got {fetch_timeout}"
        )
    config = DemoConfig(
        host=host,
        port=port,
        pipeline=pipeline_config(pop_pipeline_options(options), base=DEFAULT_PIPELINE),
        concurrency=concurrency,
        article_batch_size=article_batch_size,
        article_batch_wait_s=article_batch_wait,
        fixed_models=fixed_models,
        preload=preload,
        allowed_models=tuple(allowed_models),
        fetch_timeout_s=fetch_timeout,
    )
    _check_resolves(config.host)
    try:
        import gradio  # noqa: F401
    except ImportError as exc:  # pragma: no cover
        raise BackendNotInstalledError(
            f"the demo needs gradio: pip install gradio ({exc})"
        ) from exc
    from summarize.demo.ui import launch_demo

    launch_demo(config)


def _check_resolves(host: str) -> None:
    """A host name that does not resolve is one line at start, not a traceback from the
    web server (IP addresses resolve without any lookup)."""
    import socket

    try:
        socket.getaddrinfo(host, None)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(
            f"--host (SUMMARIZE_HOST) {host!r} cannot be resolved: {reason}"
        ) from None
