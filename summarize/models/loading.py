"""Model loading: config, tokenizer and torch model from hub ids or local directories,
through the standard HF cache and offline mode (:mod:`summarize.models.hub`).

The engines (:mod:`summarize.engines`) call these loaders; the engine factory is
:func:`summarize.engines.load_engine`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from summarize.errors import ModelLoadError, ModelNotAvailableError
from summarize.models.hub import describe_hub_failure, hub_offline, model_file


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


def _read_configs(
    model_id: str, local: Path | None, revision: str | None
) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """``config.json`` (its path and content) and ``tokenizer_config.json`` (``{}`` when
    there is none), as JSON objects."""
    config_path = model_file(model_id, local, revision, "config.json", required=True)
    if config_path is None:
        raise ModelLoadError(f"{local or model_id} has no config.json")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        tok_path = model_file(model_id, local, revision, "tokenizer_config.json", required=False)
        tok_config = json.loads(tok_path.read_text(encoding="utf-8")) if tok_path else {}
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f"could not read the configuration of {local or model_id}: {exc}"
        ) from exc
    if not isinstance(config, dict) or not isinstance(tok_config, dict):
        raise ModelLoadError(f"the configuration of {local or model_id} is not a JSON object")
    return config_path, config, tok_config


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
    config_path, config, tok_config = _read_configs(model_id, local, revision)
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
