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
import pickle
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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


def needs_preparation(config: Mapping[str, Any]) -> bool:
    """Whether the driver has work to do: a hub model to fetch or a model to convert."""
    from summarize.models import registry
    from summarize.models.loading import local_model_dir
    from summarize.pipeline import default_sum_model

    if config.get("backend", "transformers") == "ctranslate2":
        return True
    strategy = config.get("strategy", "translate-summarize")
    models = [config.get("mt_model") or registry.DEFAULT_MT_MODEL]
    if strategy != "extract-translate":
        models.append(config.get("sum_model") or default_sum_model(strategy))
    return any(m and local_model_dir(m) is None for m in models)


def prepare_models(config: Mapping[str, Any], *, device: str | None = None) -> dict[str, Any]:
    """Fetch and convert the models of ``config`` in a child process.

    ``device`` overrides the configured device for the conversion (the driver may have no
    GPU while actors do). Returns the configuration to ship to actors (hub models pinned
    to their commit) and the models' descriptions. Domain errors raised in the child are
    raised here.
    """
    job = dict(config)
    if device is not None:
        job["device"] = device
    with tempfile.TemporaryDirectory(prefix="summarize-prepare-") as tmp:
        src, dst = Path(tmp) / "config.pickle", Path(tmp) / "result.json"
        src.write_bytes(pickle.dumps(job))
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
    pinned = dict(config)
    for key, role in (("mt_revision", "translation"), ("sum_revision", "summarization")):
        described = answer["models"].get(role)
        if described and pinned.get(key) is None and _COMMIT.match(str(described["revision"])):
            pinned[key] = described["revision"]
    return {"config": pinned, "models": answer["models"]}


def _child(src: str, dst: str) -> int:
    from summarize.distributed.stages import make_pipeline

    config = pickle.loads(Path(src).read_bytes())
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
