"""Models ready before any actor starts: resolved, pulled and converted once, by the driver.

The driver runs :func:`prepare_models` in a fresh child process (``python -m
summarize.distributed.prepare``), which builds the pipeline once: hub models are
downloaded into the Hugging Face cache (from one process, so N actors never hit the hub
at once) and converted to CTranslate2 when that backend is chosen (so actors never
convert at the same time). The child exits afterwards: the driver never loads torch or
CTranslate2 itself, and nothing forks a process that has CTranslate2 loaded.

The result pins every hub model to the commit that was fetched, so all actors load the
same revision, offline.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from summarize.config import PipelineConfig
from summarize.errors import (
    BackendNotInstalledError,
    ConfigError,
    ModelLoadError,
    ModelNotAvailableError,
    SummarizeError,
)

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_ERRORS: dict[str, type[SummarizeError]] = {
    "ConfigError": ConfigError,
    "ModelLoadError": ModelLoadError,
    "BackendNotInstalledError": BackendNotInstalledError,
}


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
    with tempfile.TemporaryDirectory(prefix="summarize-prepare-") as tmp:
        src, dst = Path(tmp) / "config.json", Path(tmp) / "result.json"
        src.write_text(job.to_json(), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "summarize.distributed.prepare", str(src), str(dst)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            check=False,
        )
        if not dst.is_file():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ModelLoadError(
                f"preparing the models failed (exit code {proc.returncode}): {tail[0]}"
            )
        answer = json.loads(dst.read_text(encoding="utf-8"))
    if "error" in answer:
        err = answer["error"]
        if err["type"] == "ModelNotAvailableError":
            raise ModelNotAvailableError(err["model_id"], err["reason"])
        raise _ERRORS.get(err["type"], ModelLoadError)(err["message"])
    pins: dict[str, str] = {}
    for key, role in (("mt_revision", "translation"), ("sum_revision", "summarization")):
        described = answer["models"].get(role)
        if described and getattr(config, key) is None and _COMMIT.match(str(described["revision"])):
            pins[key] = described["revision"]
    return config.replace(**pins) if pins else config


def _child(src: str, dst: str) -> int:
    from summarize.config import PipelineConfig
    from summarize.distributed.stages import make_pipeline

    config = PipelineConfig.from_dict(json.loads(Path(src).read_text(encoding="utf-8")))
    try:
        pipe = make_pipeline(config).load()
        answer: dict[str, Any] = {"models": pipe.describe()["models"]}
    except ModelNotAvailableError as exc:
        answer = {
            "error": {
                "type": "ModelNotAvailableError",
                "model_id": exc.model_id,
                "reason": exc.reason,
                "message": str(exc),
            }
        }
    except SummarizeError as exc:
        kind = next((name for name, cls in _ERRORS.items() if isinstance(exc, cls)), "")
        answer = {"error": {"type": kind or "ModelLoadError", "message": str(exc)}}
    Path(dst).write_text(json.dumps(answer), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2]))
