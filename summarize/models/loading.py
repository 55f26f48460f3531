"""Model loading: hub ids or local directories, the standard HF cache, offline mode.

Engines are loaded lazily and at most once per process (per model, backend,
device, dtype and revision), then reused by every pipeline, the CLI and the demo.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from summarize.engines.base import Engine
from summarize.errors import (
    BackendNotInstalledError,
    ConfigError,
    ModelLoadError,
    ModelNotAvailableError,
)

BACKENDS = ("transformers", "ctranslate2")
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "float16", "bfloat16", "int8", "int8_float16", "int8_float32")

_LOCK = threading.Lock()
_ENGINES: dict[tuple[Any, ...], Engine] = {}


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) asks for offline mode."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on"):
            return True
    return False


def local_model_dir(model_id: str) -> Path | None:
    """The directory for a local model path, ``None`` for a hub id.

    A value that looks like a path (absolute, ``./``, ``../``, ``~``) but does not exist
    raises :class:`ModelNotAvailableError` instead of being sent to the hub.
    """
    path = Path(model_id).expanduser()
    if path.is_dir():
        return path.resolve()
    if model_id.startswith(("/", "./", "../", "~", ".\\")) or path.exists():
        raise ModelNotAvailableError(model_id, "no such model directory")
    return None


#: Files of which a model folder needs at least one to have a tokenizer.
_TOKENIZER_FILES = (
    "tokenizer.json", "vocab.json", "vocab.txt", "tokenizer.model", "spiece.model",
    "sentencepiece.bpe.model", "source.spm", "sentencepiece.model",
)  # fmt: skip


def _safetensors_problem(path: Path) -> str | None:
    """Why a ``.safetensors`` file is unusable (empty, truncated, bad header), read from
    its header alone; None when its size matches what the header describes."""
    size = path.stat().st_size
    if size < 8:
        return f"{path.name} is empty or truncated ({size} bytes)"
    with path.open("rb") as fh:
        header_len = int.from_bytes(fh.read(8), "little")
        if header_len > size - 8 or header_len > 100_000_000:
            return f"{path.name} is truncated (its header alone needs {header_len:,} bytes)"
        try:
            header = json.loads(fh.read(header_len))
        except ValueError:
            return f"{path.name} has an unreadable header"
    ends = [
        v["data_offsets"][1]
        for k, v in header.items()
        if k != "__metadata__" and isinstance(v, dict) and "data_offsets" in v
    ]
    expected = 8 + header_len + max(ends, default=0)
    if size != expected:
        return f"{path.name} has {size:,} bytes, its header describes {expected:,} (truncated?)"
    return None


def check_model_dir(path: Path) -> None:
    """Cheap checks of a local model folder, before any loading: ``config.json`` is a
    JSON object, a tokenizer file is there, and single-file safetensors weights have the
    size their header describes. Raises :class:`ModelLoadError` naming the problem."""
    config = path / "config.json"
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(f"{path} has no config.json (not a saved model folder)") from None
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot read {config}: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelLoadError(f"{config} is not a JSON object")
    if not any((path / name).is_file() for name in _TOKENIZER_FILES):
        raise ModelLoadError(
            f"{path} has no tokenizer files (one of {', '.join(_TOKENIZER_FILES)}); copy them "
            "from the original model"
        )
    weights = path / "model.safetensors"
    if weights.is_file():
        problem = _safetensors_problem(weights)
        if problem:
            raise ModelLoadError(f"the weights of {path} are broken: {problem}")


def _cuda_available(backend: str) -> bool:
    """Whether a CUDA GPU is usable, asked of the backend itself (CTranslate2 without torch)."""
    if backend == "ctranslate2":
        try:
            import ctranslate2

            return bool(ctranslate2.get_cuda_device_count() > 0)
        except ImportError:  # not installed: said clearly when the engine is built
            pass
    import torch

    return bool(torch.cuda.is_available())


def resolve_device(device: str, backend: str = "transformers") -> str:
    if device not in DEVICES and not device.startswith("cuda:"):
        raise ConfigError(f"unknown device '{device}' (use one of {', '.join(DEVICES)})")
    if device != "auto":
        if device.startswith("cuda") and not _cuda_available(backend):
            raise ConfigError("device 'cuda' requested but no CUDA GPU is available")
        return device
    return "cuda" if _cuda_available(backend) else "cpu"


def describe_hub_failure(model_id: str, exc: BaseException) -> ModelNotAvailableError:
    """Turn a hub/cache failure into the short message users see."""
    if hub_offline():
        reason = "HF_HUB_OFFLINE is set and it is not in the local Hugging Face cache"
    else:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = f"not in the local cache and the hub could not provide it: {first[:160]}"
    return ModelNotAvailableError(model_id, reason)


def _hub_cached(model_id: str, revision: str | None) -> bool:
    from huggingface_hub import try_to_load_from_cache

    try:
        return isinstance(try_to_load_from_cache(model_id, "config.json", revision=revision), str)
    except Exception:  # an invalid repo id, ...: let the real call report it
        return True


def check_hub_reachable(model_id: str) -> None:
    """One attempt to reach the hub endpoint (``HF_ENDPOINT``, proxies honoured); when it
    cannot be reached at all (DNS or connection failure, timeout), raise the usual
    :class:`ModelNotAvailableError` at once. huggingface_hub itself retries five times
    with backoff (about 26 s) before giving up on a file that is not cached."""
    from huggingface_hub import constants
    from huggingface_hub.utils import get_session

    timeout = max(1, min(int(constants.HF_HUB_ETAG_TIMEOUT), 10))
    try:
        get_session().head(constants.ENDPOINT, timeout=timeout)
    except Exception as exc:  # any HTTP answer means reachable; only no answer is an error
        raise describe_hub_failure(model_id, exc) from exc


def load_engine(
    model_id: str,
    *,
    backend: str = "transformers",
    device: str = "auto",
    dtype: str = "auto",
    revision: str | None = None,
    prompts_dir: str | None = None,
    **options: Any,
) -> Engine:
    """Load (once per process) and return the engine for ``model_id``.

    ``model_id`` is a hub id (``Helsinki-NLP/opus-mt-id-en``) or a local directory
    saved with ``save_pretrained``. ``options`` go to the backend (e.g. ``inter_threads``
    for CTranslate2).
    """
    if not model_id or not str(model_id).strip():
        raise ConfigError("empty model id")
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend '{backend}' (use one of {', '.join(BACKENDS)})")
    if dtype not in DTYPES:
        raise ConfigError(f"unknown dtype '{dtype}' (use one of {', '.join(DTYPES)})")
    local = local_model_dir(model_id)
    resolved_device = resolve_device(device, backend)
    key = (
        str(local) if local else model_id,
        backend,
        resolved_device,
        dtype,
        revision,
        prompts_dir,
        tuple(sorted(options.items())),
    )
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            if local is not None:
                check_model_dir(local)  # a clear message for a broken folder
            elif not hub_offline() and not _hub_cached(model_id, revision):
                check_hub_reachable(model_id)
            engine = _build(
                model_id, local, backend, resolved_device, dtype, revision, prompts_dir, options
            )
            _ENGINES[key] = engine
    return engine


def _build(
    model_id: str,
    local: Path | None,
    backend: str,
    device: str,
    dtype: str,
    revision: str | None,
    prompts_dir: str | None,
    options: dict[str, Any],
) -> Engine:
    if backend == "ctranslate2":
        try:
            import ctranslate2  # noqa: F401
        except ImportError as exc:
            raise BackendNotInstalledError(
                "the ctranslate2 backend needs the 'ctranslate2' package: "
                "pip install 'summarize[fast]'"
            ) from exc
        from summarize.engines.ct2 import CTranslate2Engine

        return CTranslate2Engine.load(
            model_id,
            local_dir=local,
            device=device,
            dtype=dtype,
            revision=revision,
            prompts_dir=prompts_dir,
            **options,
        )
    if options:
        raise ConfigError(f"unknown options for the transformers backend: {sorted(options)}")
    from summarize.engines.hf import TransformersEngine

    return TransformersEngine.load(
        model_id,
        local_dir=local,
        device=device,
        dtype=dtype,
        revision=revision,
        prompts_dir=prompts_dir,
    )


def load_hf(
    model_id: str,
    local: Path | None,
    revision: str | None,
    *,
    with_model: bool = True,
    torch_dtype: Any = None,
) -> tuple[Any, Any, Any]:
    """Load config, tokenizer and (optionally) the torch model through transformers.

    Hub/cache failures become :class:`ModelNotAvailableError`; broken local files
    become :class:`ModelLoadError`.
    """
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

    source = str(local) if local else model_id
    kwargs = _from_pretrained_kwargs(local, revision)
    try:
        config = AutoConfig.from_pretrained(source, **kwargs)
        tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
        model = None
        if with_model:
            model = AutoModelForSeq2SeqLM.from_pretrained(
                source, dtype=torch_dtype or "auto", **kwargs
            )
    except Exception as exc:  # SafetensorError, TypeError, ...: any broken file
        raise _loading_failure(model_id, local, "model", exc) from exc
    check_tokenizer(tokenizer, source)
    return config, tokenizer, model


#: Text every tokenizer of a usable model turns into ordinary (non-special) tokens.
_TOKENIZER_PROBE = "Halo dunia, ini berita dari Jakarta. Hello world."


def check_tokenizer(tokenizer: Any, source: str) -> None:
    """Raise :class:`ModelLoadError` when ``tokenizer`` cannot turn text into ordinary
    tokens: what transformers builds when a model folder lacks its tokenizer files
    (every word becomes the unknown token, and every summary is empty)."""
    try:
        ids = tokenizer(_TOKENIZER_PROBE)["input_ids"]
    except Exception as exc:
        raise ModelLoadError(
            f"the tokenizer of {source} cannot encode text: {_first_line(exc)}"
        ) from exc
    special = set(getattr(tokenizer, "all_special_ids", None) or ())
    if not any(i not in special for i in ids):
        raise ModelLoadError(
            f"the tokenizer of {source} turns text into unknown/special tokens only "
            f"({len(tokenizer)} tokens in its vocabulary): its tokenizer files (tokenizer.json, "
            "vocab.json/merges.txt or *.spm/*.model) are missing or broken"
        )


def _first_line(exc: BaseException, limit: int = 300) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line[:limit]


def _from_pretrained_kwargs(local: Path | None, revision: str | None) -> dict[str, Any]:
    """``from_pretrained`` keyword arguments: the revision and offline mode (hub ids only)."""
    kwargs: dict[str, Any] = {"revision": revision} if revision and not local else {}
    if hub_offline() and not local:
        kwargs["local_files_only"] = True
    return kwargs


def _loading_failure(
    model_id: str, local: Path | None, what: str, exc: BaseException
) -> ModelLoadError | ModelNotAvailableError:
    """A ``from_pretrained`` failure as a domain error: broken local files (or a missing
    dependency) are :class:`ModelLoadError`, hub/cache failures :class:`ModelNotAvailableError`."""
    if local is not None or not isinstance(exc, (OSError, ValueError)):
        # Broken files (truncated weights, missing tokenizer files, bad JSON), in a
        # local folder or in the hub cache, or a missing dependency.
        return ModelLoadError(f"could not load {what} from {local or model_id}: {_first_line(exc)}")
    return describe_hub_failure(model_id, exc)


#: Tokenizer classes by ``model_type`` for checkpoints whose ``tokenizer_config.json``
#: names none (older hub models such as OPUS-MT); anything else goes through AutoTokenizer.
_TOKENIZER_BY_MODEL_TYPE = {
    "marian": "MarianTokenizer",
    "bart": "BartTokenizer",
    "pegasus": "PegasusTokenizer",
    "t5": "T5Tokenizer",
    "mt5": "T5Tokenizer",
    "m2m_100": "M2M100Tokenizer",
}


def _model_file(
    model_id: str, local: Path | None, revision: str | None, filename: str, *, required: bool
) -> Path | None:
    """A file of a local model directory or (downloaded if allowed) of a hub model;
    ``None`` when the model has no such file. Offline, a ``required`` file that is not
    cached means the model is not cached; an optional one is taken as absent."""
    if local is not None:
        path = local / filename
        return path if path.is_file() else None
    from huggingface_hub import _CACHED_NO_EXIST, hf_hub_download, try_to_load_from_cache
    from huggingface_hub.errors import EntryNotFoundError, LocalEntryNotFoundError

    if hub_offline():
        found = try_to_load_from_cache(model_id, filename, revision=revision)
        if found is _CACHED_NO_EXIST:  # the hub said earlier that the model has no such file
            return None
        if isinstance(found, str):
            return Path(found)
        if not required:
            return None
        raise describe_hub_failure(model_id, FileNotFoundError(filename))
    try:
        return Path(hf_hub_download(model_id, filename, revision=revision))
    except LocalEntryNotFoundError as exc:  # no connection and not cached
        raise describe_hub_failure(model_id, exc) from exc
    except EntryNotFoundError:  # the repository has no such file
        return None
    except (OSError, ValueError) as exc:  # no such repository or revision, HTTP errors
        raise describe_hub_failure(model_id, exc) from exc


def load_config_and_tokenizer(
    model_id: str, local: Path | None, revision: str | None
) -> tuple[dict[str, Any], Any, str | None]:
    """``config.json`` as a dict, the model's tokenizer and the hub commit, without torch.

    For backends that do not run the model in torch (CTranslate2): transformers 5's
    ``AutoConfig``/``AutoTokenizer`` import torch (about 180 MB of memory) even for
    tokenisation, so the tokenizer class is read from ``tokenizer_config.json`` (or the
    model type) and loaded directly. It is the class ``AutoTokenizer`` picks; a model
    whose class cannot be told this way falls back to :func:`load_hf`.
    """
    config_path = _model_file(model_id, local, revision, "config.json", required=True)
    if config_path is None:
        raise ModelLoadError(f"{local or model_id} has no config.json")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        tok_path = _model_file(model_id, local, revision, "tokenizer_config.json", required=False)
        tok_config = json.loads(tok_path.read_text(encoding="utf-8")) if tok_path else {}
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f"could not read the configuration of {local or model_id}: {exc}"
        ) from exc
    if not isinstance(config, dict) or not isinstance(tok_config, dict):
        raise ModelLoadError(f"the configuration of {local or model_id} is not a JSON object")
    # A hub file lives in .../snapshots/<commit>/: that names the revision actually used.
    commit = None if local is not None else config_path.parent.name
    import transformers

    name = tok_config.get("tokenizer_class") or _TOKENIZER_BY_MODEL_TYPE.get(
        str(config.get("model_type", ""))
    )
    tokenizer_cls = getattr(transformers, str(name), None) if name else None
    if tokenizer_cls is None or not hasattr(tokenizer_cls, "from_pretrained"):
        full_config, tokenizer, _ = load_hf(model_id, local, revision, with_model=False)
        return config, tokenizer, getattr(full_config, "_commit_hash", None) or commit
    source = str(local) if local else model_id
    try:
        tokenizer = tokenizer_cls.from_pretrained(
            source, **_from_pretrained_kwargs(local, commit or revision)
        )
    except Exception as exc:  # TypeError for a missing *.spm, ...
        raise _loading_failure(model_id, local, "the tokenizer", exc) from exc
    check_tokenizer(tokenizer, source)
    return config, tokenizer, commit


def clear_cache() -> None:
    """Forget every loaded engine (tests and long-lived servers that swap models)."""
    with _LOCK:
        _ENGINES.clear()
