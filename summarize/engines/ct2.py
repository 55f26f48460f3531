"""The CTranslate2 backend: the same models, converted once and run by CTranslate2.

``CTranslate2Engine`` implements the :class:`~summarize.engines.base.Engine` interface
like :class:`~summarize.engines.hf.TransformersEngine` and drives models the same way:

* tokenisation goes through the model's own Hugging Face tokenizer (task prefix,
  ``src_lang`` for NLLB/M2M100/mBART-50), and output tokens are decoded by it;
* the target language of NLLB/M2M100/mBART-50 (and BART's ``forced_bos_token_id``) is
  the target prefix, exactly like transformers' forced BOS token;
* mT5 CrossSum starts the decoder with the target-language token
  (``config.task_specific_params["langid_map"]``): the converted model is saved without
  a fixed decoder start token and the language token is passed as the start token;
* ``forced_eos_token_id`` (Marian, BART, mBART) is honoured the way transformers does it:
  a hypothesis that reaches the length limit ends with EOS;
* settings left unset fall back to the model's ``generation_config.json``, as
  ``model.generate`` does.

Models are converted with ``ctranslate2.converters.TransformersConverter`` the first
time they are used and cached on disk under ``$SUMMARIZE_CACHE/ct2`` (default
``~/.cache/summarize/ct2``), one entry per model source, revision (hub commit, or a
content hash of a local directory's files) and quantisation. Conversions are written
into a temporary directory and renamed into place, so a killed or concurrent
conversion never leaves a half-written entry behind.

Greedy search in float32 gives the same tokens as the transformers backend, and so
does beam search except with ``no_repeat_ngram_size`` on T5-family models. Sampling is
top-k multinomial sampling with beam size 1 (CTranslate2 4.x cannot sample inside a beam
search); the seed goes to ``ctranslate2.set_random_seed``, but CTranslate2 keeps one
generator per worker thread, seeded when it first samples, so only a fresh engine with
``inter_threads=1`` repeats a sampled output exactly (transformers reseeds every call).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.engines.base import GenerationBatch, ModelProfile
from summarize.errors import ConfigError, ModelLoadError, ModelNotAvailableError
from summarize.models.profiles import crosssum_target_token, language_token_id, resolve_profile
from summarize.types import GenerationSettings

logger = logging.getLogger(__name__)

#: Quantisations accepted as ``dtype`` (``auto`` is resolved per device).
QUANTIZATIONS = ("float32", "float16", "bfloat16", "int8", "int8_float32", "int8_float16")
#: Options accepted through ``load_engine(..., backend="ctranslate2", **options)``.
OPTIONS = ("intra_threads", "inter_threads", "cache_dir")
#: Bump when the layout or the meaning of a cache entry changes.
CACHE_FORMAT = 1
#: Written last into every complete cache entry.
MARKER_FILE = "summarize_ct2.json"
#: Leftovers of killed conversions older than this are removed.
STALE_TMP_SECONDS = 6 * 3600
#: Files of a local model directory that go into its content hash (everything the
#: converter reads: config, weights and tokenizer files).
_HASHED_SUFFIXES = (".json", ".safetensors", ".bin", ".model", ".spm", ".txt", ".vocab")
_WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)


# --------------------------------------------------------------------------- cache


def cache_root() -> Path:
    """The project's cache directory: ``$SUMMARIZE_CACHE`` or ``~/.cache/summarize``."""
    env = os.environ.get("SUMMARIZE_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "summarize"


def ct2_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where converted models live (``<cache root>/ct2`` unless ``cache_dir`` is given)."""
    return Path(cache_dir).expanduser() if cache_dir else cache_root() / "ct2"


def resolve_quantization(dtype: str, device: str) -> str:
    """``dtype`` as a CTranslate2 quantisation: ``auto`` is int8 on CPU, float16 on CUDA."""
    if dtype == "auto":
        return "float16" if device.startswith("cuda") else "int8"
    if dtype not in QUANTIZATIONS:
        raise ConfigError(
            f"unknown dtype '{dtype}' for the ctranslate2 backend "
            f"(use auto or one of {', '.join(QUANTIZATIONS)})"
        )
    return dtype


def default_threads() -> int:
    """The CPU cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return max(os.cpu_count() or 1, 1)


def _file_digest(path: Path, memo: dict[str, Any]) -> str:
    """sha256 of a file, memoised by (path, size, mtime) so large weights hash once."""
    st = path.stat()
    key = str(path)
    entry = memo.get(key)
    if entry and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
        return str(entry["sha256"])
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    digest = h.hexdigest()
    memo[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
    return digest


def directory_fingerprint(directory: Path, cache: Path) -> str:
    """Content hash of a local model directory's config, tokenizer and weight files."""
    memo_path = cache / "hashes.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    h = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        if (
            not path.is_file()
            or path.name.startswith(".")
            or not path.name.endswith(_HASHED_SUFFIXES)
        ):
            continue
        h.update(path.name.encode("utf-8") + b"\0" + _file_digest(path, memo).encode() + b"\0")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        _write_json_atomic(memo_path, memo)
    except OSError:  # a read-only cache still works, it just hashes again next time
        pass
    return h.hexdigest()


def _write_json_atomic(path: Path, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (so concurrent processes convert a model once)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: rename-into-place still protects us
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _clean_stale(cache: Path) -> None:
    """Remove temporary conversion directories left by killed processes."""
    now = time.time()
    for tmp in cache.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > STALE_TMP_SECONDS:
                shutil.rmtree(tmp, ignore_errors=True)


@dataclass(frozen=True)
class CacheKey:
    """What identifies one converted model."""

    source: str  # hub id, or "local:<absolute path>"
    revision: str  # hub commit (or requested revision), or "sha256:<content hash>"
    quantization: str
    start_from_prefix: bool  # CrossSum: no fixed decoder start token

    def as_dict(self) -> dict[str, Any]:
        import ctranslate2

        return {
            "format": CACHE_FORMAT,
            "source": self.source,
            "revision": self.revision,
            "quantization": self.quantization,
            "start_from_prefix": self.start_from_prefix,
            "ctranslate2": ctranslate2.__version__,
        }

    def dirname(self) -> str:
        digest = hashlib.sha256(
            json.dumps(self.as_dict(), sort_keys=True).encode("utf-8")
        ).hexdigest()[:16]
        source = self.source
        if source.startswith("local:"):  # the directory and its parent name it well enough
            source = "/".join(Path(source.removeprefix("local:")).parts[-2:])
        name = re.sub(r"[^A-Za-z0-9._-]+", "--", source).strip("-.")
        return f"{name[-80:]}--{self.quantization}--{digest}"


def _read_marker(entry: Path) -> dict[str, Any] | None:
    try:
        marker = json.loads((entry / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def is_complete(entry: Path, key: CacheKey) -> bool:
    """Whether ``entry`` is a finished conversion for ``key`` (files not checked)."""
    marker = _read_marker(entry)
    return (
        marker is not None
        and marker.get("key") == key.as_dict()
        and (entry / "model.bin").is_file()
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _file_records(entry: Path) -> dict[str, dict[str, Any]]:
    """Size, modification time and sha256 of every file of a converted model."""
    out = {}
    for path in sorted(entry.iterdir()):
        if path.is_file() and path.name != MARKER_FILE:
            st = path.stat()
            out[path.name] = {
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "sha256": _sha256(path),
            }
    return out


def entry_problem(entry: Path) -> str | None:
    """What is wrong with a converted model's files, or None when they are as converted.

    Cheap: every recorded file must exist with its recorded size; a file whose
    modification time changed since the conversion is hashed (sha256) and compared,
    and a match is remembered. Entries from before file records are trusted.
    """
    marker = _read_marker(entry)
    if marker is None:
        return f"{MARKER_FILE} is missing or unreadable"
    files = marker.get("files")
    if not isinstance(files, dict):
        return None
    rehashed = False
    for name, rec in sorted(files.items()):
        path = entry / name
        try:
            st = path.stat()
        except OSError:
            return f"{name} is missing"
        if st.st_size != rec.get("size"):
            return f"{name} has {st.st_size:,} bytes, {rec.get('size'):,} when converted"
        if st.st_mtime_ns != rec.get("mtime_ns"):
            if _sha256(path) != rec.get("sha256"):
                return f"{name} changed since the conversion (sha256 differs)"
            rec["mtime_ns"] = st.st_mtime_ns
            rehashed = True
    if rehashed:  # a copied cache: hash each file once, not at every load
        with contextlib.suppress(OSError):
            _write_json_atomic(entry / MARKER_FILE, marker)
    return None


def convert(source_dir: Path, key: CacheKey, cache: Path) -> tuple[Path, bool]:
    """The converted model for ``key``, converting ``source_dir`` if it is not cached yet.

    A cached entry whose files do not match the sizes and checksums recorded at its
    conversion (:func:`entry_problem`) is discarded and converted again, once; if that
    does not give a sound entry, :class:`ModelLoadError` names the cache path. Returns
    the entry's path and whether a conversion ran.
    """
    cache.mkdir(parents=True, exist_ok=True)
    entry = cache / key.dirname()
    if is_complete(entry, key) and entry_problem(entry) is None:
        return entry, False
    with _lock(cache / ".locks" / f"{entry.name}.lock"):
        if is_complete(entry, key):  # another process converted it while we waited
            problem = entry_problem(entry)
            if problem is None:
                return entry, False
            logger.warning(
                "CTranslate2 cache entry %s is damaged (%s): converting again", entry, problem
            )
            shutil.rmtree(entry, ignore_errors=True)
        _convert_locked(source_dir, key, cache, entry)
        problem = entry_problem(entry)
        if problem is not None:
            raise ModelLoadError(
                f"the CTranslate2 cache entry {entry} is damaged ({problem}) even after "
                f"converting again; check the disk, or delete {cache} and retry"
            )
    return entry, True


def discard_entry(entry: Path) -> None:
    """Remove a cache entry that CTranslate2 could not load (it is converted again)."""
    with _lock(entry.parent / ".locks" / f"{entry.name}.lock"):
        shutil.rmtree(entry, ignore_errors=True)


def _convert_locked(source_dir: Path, key: CacheKey, cache: Path, entry: Path) -> None:
    """Convert ``source_dir`` into ``entry`` (the caller holds the entry's lock)."""
    _clean_stale(cache)
    scratch = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache))
    try:
        out = scratch / "model"
        start = time.perf_counter()
        _run_converter(source_dir, out, key.quantization)
        if key.start_from_prefix:
            # The start token is given per call (target prefix) instead of fixed.
            cfg_path = out / "config.json"
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            cfg["decoder_start_token"] = None
            cfg_path.write_text(json.dumps(cfg, indent=2), encoding="utf-8")
        marker = {
            "key": key.as_dict(),
            "converted_from": str(source_dir),
            "convert_seconds": round(time.perf_counter() - start, 3),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "files": _file_records(out),
        }
        (out / MARKER_FILE).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        if entry.exists():  # an incomplete or outdated entry: replace it
            shutil.rmtree(entry, ignore_errors=True)
        os.rename(out, entry)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _decoder_output_scale(model: Any) -> float:
    """The factor transformers applies to the decoder output before ``lm_head`` (T5 family).

    Measured with one forward step rather than read from the config: transformers 5
    scales T5 by ``config.scale_decoder_outputs`` and never scales mT5, while the
    CTranslate2 converter scales whenever ``tie_word_embeddings`` is true (which
    transformers 5 forces for mT5), flattening every mT5 output distribution.
    """
    import torch

    seen: dict[str, Any] = {}
    hook = model.lm_head.register_forward_hook(lambda _m, args, _o: seen.setdefault("x", args[0]))
    try:
        start = model.config.decoder_start_token_id or 0
        with torch.no_grad():
            out = model(
                input_ids=torch.tensor([[1, 2, 3]]),
                decoder_input_ids=torch.tensor([[start]]),
                output_hidden_states=True,
            )
    finally:
        hook.remove()
    hidden = out.decoder_hidden_states[-1].float()
    return float(seen["x"].float().norm() / hidden.norm().clamp_min(1e-12))


def _patch_t5_loaders() -> None:
    """Make the converter scale T5-family outputs exactly as the loaded model does."""
    from ctranslate2.converters import transformers as conv
    from ctranslate2.specs import model_spec

    for name in ("T5Config", "MT5Config", "UMT5Config"):
        loader = conv._MODEL_LOADERS.get(name)
        if loader is None or getattr(loader, "_summarize_fixed", False):
            continue

        class Fixed(type(loader)):  # type: ignore[misc]
            _summarize_fixed = True

            def get_model_spec(self, model: Any) -> Any:
                spec = super().get_model_spec(model)
                scale = _decoder_output_scale(model)
                spec.decoder.scale_outputs = (
                    model_spec.OPTIONAL if abs(scale - 1.0) < 1e-3 else scale
                )
                return spec

        conv._MODEL_LOADERS[name] = Fixed()


def _run_converter(source_dir: Path, out: Path, quantization: str) -> None:
    from ctranslate2.converters import TransformersConverter

    _patch_t5_loaders()  # transformers is already quiet: CTranslate2Engine.load set it
    try:
        TransformersConverter(str(source_dir), low_cpu_mem_usage=True).convert(
            str(out), quantization=quantization, force=True
        )
    except Exception as exc:  # SafetensorError for truncated weights, ValueError, ...
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        raise ModelLoadError(
            f"could not convert {source_dir} to CTranslate2 ({type(exc).__name__}: {first}); "
            "check the model files, or use --backend transformers for this model"
        ) from exc


# --------------------------------------------------------------------------- sources


def _hub_snapshot(model_id: str, commit: str | None, revision: str | None) -> Path:
    """The local snapshot directory of a hub model (downloading weights if allowed)."""
    from huggingface_hub import try_to_load_from_cache

    from summarize.models.loading import hub_offline

    found = try_to_load_from_cache(model_id, "config.json", revision=commit or revision)
    snapshot = Path(found).parent if isinstance(found, str) else None
    if snapshot is not None and any((snapshot / name).is_file() for name in _WEIGHT_FILES):
        return snapshot
    if hub_offline():
        raise ModelNotAvailableError(
            model_id,
            "HF_HUB_OFFLINE is set and its weights are not in the local Hugging Face cache "
            "(needed once to convert it for the ctranslate2 backend)",
        )
    from summarize.models.hub import pull

    return Path(pull(model_id, revision=commit or revision))


# --------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class _Defaults:
    """What ``model.generate`` would take from the model's generation config."""

    num_beams: int = 1
    max_length: int = 20
    max_new_tokens: int | None = None
    min_length: int = 0
    min_new_tokens: int | None = None
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    forced_bos_token_id: int | None = None
    forced_eos_token_id: int | None = None
    bad_words_ids: tuple[tuple[int, ...], ...] = ()
    top_k: int = 50
    top_p: float = 1.0
    temperature: float = 1.0

    @classmethod
    def read(cls, source_dir: Path | None, config: Any) -> _Defaults:
        from transformers import GenerationConfig

        gen = None
        if source_dir is not None and (source_dir / "generation_config.json").is_file():
            try:
                gen = GenerationConfig.from_pretrained(str(source_dir))
            except (OSError, ValueError):
                gen = None
        if gen is None:
            gen = GenerationConfig.from_model_config(config)
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = getattr(gen, name, None)
            if value is None:
                continue
            if name == "bad_words_ids":
                value = tuple(tuple(int(i) for i in seq) for seq in value)
            elif name == "forced_eos_token_id" and isinstance(value, (list, tuple)):
                value = value[0] if value else None
            values[name] = value
        return cls(**values)


class CTranslate2Engine:
    """A seq2seq model converted to and run by CTranslate2."""

    backend = "ctranslate2"

    def __init__(
        self,
        model_id: str,
        tokenizer: Any,
        translator: Any,
        config: dict[str, Any],
        profile: ModelProfile,
        *,
        device: str,
        dtype: str,
        revision: str | None,
        model_dir: Path,
        defaults: _Defaults | None = None,
        intra_threads: int = 0,
        inter_threads: int = 1,
        load_seconds: float = 0.0,
        converted: bool = False,
    ) -> None:
        self.model_id = model_id
        self.tokenizer = tokenizer
        self.translator = translator
        self.config = config
        self.profile = profile
        self.device = device
        self.dtype = dtype
        self.revision = revision
        self.model_dir = model_dir
        self.defaults = defaults or _Defaults()
        self.intra_threads = intra_threads
        self.inter_threads = inter_threads
        self.load_seconds = load_seconds
        self.converted = converted
        vocabulary = _read_vocabulary(model_dir)
        # A converted model's vocabulary is in the model's id order: the position of an
        # output token is its id, also for the padding rows a tokenizer does not know.
        self._token_ids: dict[str, int] = {}
        for i, token in enumerate(vocabulary):
            self._token_ids.setdefault(token, i)
        self._target_vocab = frozenset(self._token_ids)
        self._eos = tokenizer.eos_token
        self._pad_id = tokenizer.pad_token_id
        # The decoder's first tokens: a forced target language, BART's forced <s>, or
        # (CrossSum) the language token the decoder starts from.
        self._prefix: list[str] | None = None
        self.start_from_prefix = False
        if profile.src_lang and hasattr(tokenizer, "src_lang"):
            tokenizer.src_lang = profile.src_lang
        if profile.target_language_name:
            token = crosssum_target_token(config, profile.target_language_name)
            if tokenizer.convert_tokens_to_ids(token) == getattr(tokenizer, "unk_token_id", None):
                raise ConfigError(f"the tokenizer has no token '{token}' for CrossSum")
            self._prefix = [token]
            self.start_from_prefix = True
        elif profile.tgt_lang:
            if hasattr(tokenizer, "tgt_lang"):
                tokenizer.tgt_lang = profile.tgt_lang
            tid = language_token_id(tokenizer, profile.tgt_lang)
            self._prefix = [tokenizer.convert_ids_to_tokens(tid)]
        elif self.defaults.forced_bos_token_id is not None:
            self._prefix = [tokenizer.convert_ids_to_tokens(self.defaults.forced_bos_token_id)]
        self._suppress = (
            [
                toks
                for toks in (
                    tokenizer.convert_ids_to_tokens(list(seq))
                    for seq in self.defaults.bad_words_ids
                )
                if toks and all(t in self._target_vocab for t in toks)
            ]
            if self._target_vocab
            else []
        )

    @classmethod
    def load(
        cls,
        model_id: str,
        *,
        local_dir: Path | None,
        device: str,
        dtype: str,
        revision: str | None,
        prompts_dir: str | None = None,
        intra_threads: int | None = None,
        inter_threads: int | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        **options: Any,
    ) -> CTranslate2Engine:
        """Load (converting on first use) ``model_id`` for CTranslate2.

        ``inter_threads``: workers that translate parts of a batch in parallel (default
        2 on a CPU with 2 or more cores, else 1); ``intra_threads``: threads per worker
        (default: the CPU cores this process may use divided by ``inter_threads``);
        ``cache_dir``: where converted models live (default ``$SUMMARIZE_CACHE/ct2``).
        """
        import ctranslate2

        from summarize.models.loading import load_config_and_tokenizer

        if options:
            raise ConfigError(
                f"unknown options for the ctranslate2 backend: {sorted(options)} "
                f"(known: {', '.join(OPTIONS)})"
            )
        quantization = resolve_quantization(dtype, device)
        ct2_device, _, index = device.partition(":")
        supported = ctranslate2.get_supported_compute_types(ct2_device)
        if quantization not in supported:
            raise ConfigError(
                f"dtype '{quantization}' is not supported by CTranslate2 on {ct2_device} "
                f"(supported here: {', '.join(sorted(supported))})"
            )
        cores = default_threads()
        if inter_threads is None:
            # Two workers that each take half of a batch beat one worker with twice the
            # threads on small CPUs (see docs/performance.md).
            inter = 2 if ct2_device == "cpu" and cores >= 2 else 1
        else:
            inter = int(inter_threads)
        if inter < 1:
            raise ConfigError("inter_threads must be at least 1")
        if intra_threads is None:
            intra = max(cores // inter, 1) if ct2_device == "cpu" else 0
        else:
            intra = int(intra_threads)
            if intra < 0:
                raise ConfigError("intra_threads must be 0 (library default) or more")

        start = time.perf_counter()
        import transformers

        # As the transformers backend does: the tokenizer's "longer than the maximum
        # sequence length" warning is noise here, long texts are split before generation.
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        # No torch here: only a conversion (first use) needs it.
        cfg, tokenizer, commit = load_config_and_tokenizer(model_id, local_dir, revision)
        profile = resolve_profile(model_id, cfg, type(tokenizer).__name__, prompts_dir)
        cache = ct2_cache_dir(cache_dir)
        if local_dir is not None:
            source_dir: Path | None = local_dir
            key = CacheKey(
                f"local:{local_dir}",
                "sha256:" + directory_fingerprint(local_dir, cache),
                quantization,
                bool(profile.target_language_name),
            )
        else:
            source_dir = None
            key = CacheKey(
                model_id,
                commit or revision or "main",
                quantization,
                bool(profile.target_language_name),
            )
        entry = cache / key.dirname()
        if source_dir is None:
            # Hub model: the snapshot is needed to convert, and for generation_config.json.
            if is_complete(entry, key):
                from huggingface_hub import try_to_load_from_cache

                found = try_to_load_from_cache(model_id, "config.json", revision=commit or revision)
                source_dir = Path(found).parent if isinstance(found, str) else None
            else:
                source_dir = _hub_snapshot(model_id, commit, revision)
        assert source_dir is not None or is_complete(entry, key)
        if source_dir is not None:
            entry, converted = convert(source_dir, key, cache)
        else:  # pragma: no cover - cached conversion of a hub model without a snapshot
            converted = False
        defaults = _Defaults.read(source_dir, cfg)

        def open_translator() -> Any:
            return ctranslate2.Translator(
                str(entry),
                device=ct2_device,
                device_index=int(index or 0),
                compute_type=quantization,
                inter_threads=inter,
                intra_threads=intra,
            )

        try:
            translator = open_translator()
        except (RuntimeError, ValueError) as exc:
            if source_dir is None or converted:
                first = (str(exc).strip().splitlines() or [""])[0][:300]
                raise ModelLoadError(f"CTranslate2 could not load {entry}: {first}") from exc
            # A damaged entry that passed the cheap check: discard it and convert once.
            logger.warning("CTranslate2 could not load %s (%s): converting again", entry, exc)
            discard_entry(entry)
            entry, converted = convert(source_dir, key, cache)
            try:
                translator = open_translator()
            except (RuntimeError, ValueError) as exc2:
                first = (str(exc2).strip().splitlines() or [""])[0][:300]
                raise ModelLoadError(
                    f"CTranslate2 could not load {entry} even after converting again: {first}"
                ) from exc2
        return cls(
            model_id,
            tokenizer,
            translator,
            cfg,
            profile,
            device=device,
            dtype=quantization,
            revision=("local" if local_dir else (commit or revision)),
            model_dir=entry,
            defaults=defaults,
            intra_threads=intra,
            inter_threads=inter,
            load_seconds=time.perf_counter() - start,
            converted=converted,
        )

    # -- Engine interface -------------------------------------------------
    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        enc = self.tokenizer([self.profile.prefix + t for t in texts], truncation=False)
        return [len(ids) for ids in enc["input_ids"]]

    def tokenize(self, text: str) -> list[str]:
        return list(self.tokenizer.tokenize(text))

    def detokenize(self, pieces: Sequence[str]) -> str:
        return str(self.tokenizer.convert_tokens_to_string(list(pieces))).strip()

    def source_tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """The source pieces CTranslate2 gets: the tokenizer's ids, special tokens included."""
        enc = self.tokenizer([self.profile.prefix + t for t in texts], truncation=False)
        return [self.tokenizer.convert_ids_to_tokens(ids) for ids in enc["input_ids"]]

    def translate_options(
        self, settings: GenerationSettings, n: int
    ) -> tuple[dict[str, Any], bool, int]:
        """``translate_batch`` keyword arguments for ``settings`` (unset: model defaults),
        whether to emulate transformers' forced EOS, and the new-token limit."""
        d = self.defaults

        def pick(value: Any, default: Any) -> Any:
            return default if value is None else value

        max_new = settings.max_new_tokens
        if max_new is None:
            max_new = d.max_new_tokens if d.max_new_tokens is not None else max(d.max_length - 1, 1)
        min_new = max(
            pick(settings.min_new_tokens, d.min_new_tokens or 0), max(d.min_length - 1, 0)
        )
        # transformers' forced EOS replaces the last possible token by EOS: decode one
        # token less and append EOS to hypotheses that did not finish on their own.
        forced_eos = d.forced_eos_token_id is not None and not self.start_from_prefix
        length = max(max_new - 1, 1) if forced_eos and max_new > 1 else max_new
        opts: dict[str, Any] = {
            "beam_size": int(pick(settings.num_beams, d.num_beams)),
            "max_decoding_length": int(length),
            "min_decoding_length": int(min(min_new, length)),
            "length_penalty": float(pick(settings.length_penalty, d.length_penalty)),
            "no_repeat_ngram_size": int(
                pick(settings.no_repeat_ngram_size, d.no_repeat_ngram_size)
            ),
            "repetition_penalty": float(d.repetition_penalty),
            "return_end_token": True,
            "max_input_length": 0,
        }
        if self._suppress:
            opts["suppress_sequences"] = self._suppress
        if settings.do_sample:
            opts["beam_size"] = 1
            opts["sampling_topk"] = int(d.top_k) if d.top_k else 0
            opts["sampling_topp"] = float(d.top_p)
            opts["sampling_temperature"] = float(d.temperature)
        if self.inter_threads > 1 and n > 1:
            # Split the batch so every translation worker gets a share.
            opts["max_batch_size"] = math.ceil(n / self.inter_threads)
        return opts, forced_eos and length < max_new, max_new

    def generate_tokens(
        self, texts: Sequence[str], settings: GenerationSettings
    ) -> list[list[str]]:
        """Output pieces per input: a target prefix (forced BOS/language) included, the
        decoder start token excluded, EOS included when generated (as transformers counts)."""
        if not texts:
            return []
        opts, forced_eos, max_new = self.translate_options(settings, len(texts))
        if settings.do_sample:
            import ctranslate2

            ctranslate2.set_random_seed(settings.seed if settings.seed is not None else 0)
        prefix = [list(self._prefix) for _ in texts] if self._prefix else None
        results = self.translator.translate_batch(
            self.source_tokens(texts), target_prefix=prefix, **opts
        )
        out: list[list[str]] = []
        for result in results:
            tokens = list(result.hypotheses[0])
            if forced_eos and (not tokens or tokens[-1] != self._eos) and len(tokens) < max_new:
                tokens.append(self._eos)
            out.append(tokens)
        return out

    def token_ids(self, tokens: Sequence[str]) -> list[int]:
        """Vocabulary ids of output pieces (the converted model's order, as the model's)."""
        known = self._token_ids
        if not known:
            return list(self.tokenizer.convert_tokens_to_ids(list(tokens)))
        return [
            known[t] if t in known else int(self.tokenizer.convert_tokens_to_ids(t)) for t in tokens
        ]

    def generate(self, texts: Sequence[str], settings: GenerationSettings) -> GenerationBatch:
        if not texts:
            return GenerationBatch([], [])
        outputs = self.generate_tokens(texts, settings)
        ids = [self.token_ids(tokens) for tokens in outputs]
        decoded = self.tokenizer.batch_decode(ids, skip_special_tokens=True)
        pad = self._pad_id
        counts = [sum(1 for i in row if i != pad) for row in ids]
        return GenerationBatch([str(d).strip() for d in decoded], counts)

    def describe(self) -> dict[str, Any]:
        return {
            "model": self.model_id,
            "revision": self.revision,
            "family": self.profile.family,
            "backend": self.backend,
            "device": self.device,
            "dtype": self.dtype,
            "license": self.profile.license,
        }


def _read_vocabulary(model_dir: Path) -> list[str]:
    """The converted model's target vocabulary in id order (empty if it cannot be read)."""
    for name in ("target_vocabulary.json", "shared_vocabulary.json"):
        path = model_dir / name
        if path.is_file():
            try:
                return [str(t) for t in json.loads(path.read_text(encoding="utf-8"))]
            except (OSError, ValueError):
                return []
    return []
