"""Models ready before any actor starts: resolved, pulled and converted once, by the driver.

The driver calls :func:`prepare_models`, which loads the pipeline once in a fresh
(spawned) child process: hub models are downloaded into the Hugging Face cache (from one
process, so N actors never hit the hub at once) and converted to CTranslate2 when that
backend is chosen (so actors never convert at the same time). The child exits afterwards:
the driver never loads torch or CTranslate2 itself, and nothing forks a process that has
CTranslate2 loaded. The child is a plain function call through
:class:`concurrent.futures.ProcessPoolExecutor`: the configuration goes in as a
``PipelineConfig``, and a domain error raised there is raised here with its own type.

The result pins every hub model to the commit that was fetched, so all actors load the
same revision, offline.
"""

from __future__ import annotations

import os
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from summarize.config import PipelineConfig
from summarize.errors import ModelLoadError, SummarizeError

_COMMIT = re.compile(r"^[0-9a-f]{40}$")


def needs_preparation(config: PipelineConfig) -> bool:
    """Whether the driver has work to do: a hub model to fetch or a model to convert."""
    from summarize.engines.backends import get_backend
    from summarize.models.hub import local_model_dir

    if get_backend(config.backend).converts:
        return True
    models = [config.resolved_mt_model, config.resolved_sum_model]
    return any(m and local_model_dir(m) is None for m in models)


def prepare_models(config: PipelineConfig, *, device: str | None = None) -> PipelineConfig:
    """Fetch and convert the models of ``config`` in a child process.

    ``device`` overrides the configured device for the conversion (the driver may have no
    GPU while actors do). Returns the configuration to ship to actors: hub models pinned
    to the commit that was fetched. Domain errors raised in the child are raised here.
    """
    job = config.replace(device=device) if device is not None else config
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    try:
        models = pool.submit(describe_models, job).result()
    except SummarizeError:
        raise
    except BrokenProcessPool as exc:
        raise ModelLoadError(
            f"preparing the models failed: the child process died ({exc})"
        ) from None
    except Exception as exc:  # a converter's ValueError, a full disk...: still one line, exit 3
        raise ModelLoadError(f"preparing the models failed: {type(exc).__name__}: {exc}") from exc
    except BaseException:  # Ctrl-C, SIGTERM: stop the child now, not after its download
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    pins: dict[str, str] = {}
    for key, role in (("mt_revision", "translation"), ("sum_revision", "summarization")):
        described = models.get(role)
        if described and getattr(config, key) is None and _COMMIT.match(str(described["revision"])):
            pins[key] = described["revision"]
    return config.replace(**pins) if pins else config


def describe_models(config: PipelineConfig) -> dict[str, Any]:
    """In the child: load the pipeline (fetching and converting its models) and describe
    its models. Its output is silenced (model loading prints to both streams); a domain
    error that could not cross back to the driver with its type becomes a
    :class:`ModelLoadError` with the same message."""
    from summarize.distributed.stages import make_pipeline

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        return dict(make_pipeline(config).load().describe()["models"])
    except SummarizeError as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # an error whose constructor takes other arguments
            raise ModelLoadError(str(exc)) from None
        raise
