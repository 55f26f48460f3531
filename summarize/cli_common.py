"""Options shared by ``summarize run`` and ``summarize demo`` (kept apart from both
so that either CLI module can be imported first)."""

from __future__ import annotations

from summarize.engines.factory import BACKENDS, DEVICES, DTYPES
from summarize.errors import ConfigError
from summarize.pipeline import STRATEGIES

__all__ = [
    "BACKENDS",
    "DEVICES",
    "DTYPES",
    "INTER_THREADS_HELP",
    "STRATEGY_CHOICES",
    "THREADS_HELP",
    "thread_options",
]

STRATEGY_CHOICES = list(STRATEGIES)
THREADS_HELP = "CPU threads: per CTranslate2 worker, or torch's thread count [default: all cores]."
INTER_THREADS_HELP = "CTranslate2 workers that share each batch [default: 2 on 2+ cores]."


def thread_options(backend: str, threads: int | None, inter_threads: int | None) -> dict[str, int]:
    """Backend options for ``--threads``/``--inter-threads``.

    CTranslate2 takes them per engine; for transformers ``--threads`` sets torch's
    process-wide thread count here, at the edge, and ``--inter-threads`` is refused.
    """
    if backend == "ctranslate2":
        options = {"intra_threads": threads, "inter_threads": inter_threads}
        return {k: v for k, v in options.items() if v is not None}
    if inter_threads is not None:
        raise ConfigError("--inter-threads needs --backend ctranslate2")
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    return {}
