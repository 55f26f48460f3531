"""``summarize demo`` (and ``python app.py``): launch the web demo.

Every option can also be set with an environment variable (``SUMMARIZE_HOST``,
``SUMMARIZE_PORT``, ``SUMMARIZE_MT_MODEL``, ...), handy for containers and Spaces.
"""

from __future__ import annotations

from typing import Any

import click

from summarize.cli_common import (
    BACKENDS,
    DEVICES,
    DTYPES,
    INTER_THREADS_HELP,
    STRATEGY_CHOICES,
    THREADS_HELP,
    thread_options,
)
from summarize.demo.config import (
    DEFAULT_HOST,
    DEFAULT_MAX_CHARS,
    DEFAULT_PORT,
    DemoConfig,
)

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
@_opt(
    "--strategy",
    "-s",
    env="STRATEGY",
    type=click.Choice(STRATEGY_CHOICES),
    default="translate-summarize",
    show_default=True,
    help="Strategy preselected on the page.",
)
@_opt(
    "--mt-model",
    env="MT_MODEL",
    metavar="ID|DIR",
    help="Translation model: hub id or local directory [default: Helsinki-NLP/opus-mt-id-en].",
)
@_opt(
    "--sum-model",
    env="SUM_MODEL",
    metavar="ID|DIR",
    help="Summarisation model for --strategy [default: per strategy].",
)
@_opt(
    "--backend",
    env="BACKEND",
    type=click.Choice(BACKENDS),
    default="transformers",
    show_default=True,
    help="Inference backend.",
)
@_opt(
    "--device",
    env="DEVICE",
    type=click.Choice(DEVICES),
    default="auto",
    show_default=True,
)
@_opt(
    "--dtype",
    env="DTYPE",
    type=click.Choice(DTYPES),
    default="auto",
    show_default=True,
    help="Weights/compute type (int8* only with ctranslate2).",
)
@_opt(
    "--threads",
    env="THREADS",
    type=click.IntRange(1),
    help=THREADS_HELP,
)
@_opt(
    "--inter-threads",
    env="INTER_THREADS",
    type=click.IntRange(1),
    help=INTER_THREADS_HELP,
)
@_opt(
    "--max-chars",
    env="MAX_CHARS",
    type=click.IntRange(1),
    default=DEFAULT_MAX_CHARS,
    show_default=True,
    help="Refuse articles longer than this many characters.",
)
@_opt(
    "--concurrency",
    env="CONCURRENCY",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Requests processed at the same time (the rest wait in the queue).",
)
@_opt(
    "--num-beams",
    env="NUM_BEAMS",
    type=click.IntRange(1),
    help="Beam size for both models (default: per model family).",
)
@_opt(
    "--max-length",
    env="MAX_LENGTH",
    type=click.IntRange(1),
    help="Maximum summary length in tokens for the 'medium' preset.",
)
@_opt(
    "--max-translation-length",
    env="MAX_TRANSLATION_LENGTH",
    type=click.IntRange(1),
    help="Maximum tokens generated per translated sentence.",
)
@_opt(
    "--batch-size",
    env="BATCH_SIZE",
    type=click.IntRange(1),
    default=4,
    show_default=True,
    help="Articles per batch in the Batch tab.",
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
    strategy: str,
    mt_model: str | None,
    sum_model: str | None,
    backend: str,
    device: str,
    dtype: str,
    threads: int | None,
    inter_threads: int | None,
    max_chars: int,
    concurrency: int,
    num_beams: int | None,
    max_length: int | None,
    max_translation_length: int | None,
    batch_size: int,
    fixed_models: bool,
    preload: bool,
) -> None:
    """Launch the web demo: translate and summarise an article, process a batch,
    score an evaluation suite. Binds 127.0.0.1 unless --host says otherwise."""
    from summarize.errors import ConfigError
    from summarize.types import GenerationSettings

    try:
        backend_options = thread_options(backend, threads, inter_threads)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    config = DemoConfig(
        host=host,
        port=port,
        strategy=strategy,
        mt_model=mt_model or None,
        sum_model=sum_model or None,
        backend=backend,
        device=device,
        dtype=dtype,
        backend_options=backend_options,
        max_chars=max_chars,
        concurrency=concurrency,
        translation=GenerationSettings(num_beams=num_beams, max_new_tokens=max_translation_length),
        summary=GenerationSettings(num_beams=num_beams, max_new_tokens=max_length),
        batch_size=batch_size,
        fixed_models=fixed_models,
        preload=preload,
    )
    try:
        import gradio  # noqa: F401
    except ImportError as exc:  # pragma: no cover
        raise click.ClickException(f"the demo needs gradio: pip install gradio ({exc})") from exc
    from summarize.demo.ui import launch_demo

    launch_demo(config)
