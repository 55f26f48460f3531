"""The steps of loading a model for CTranslate2 (:meth:`CTranslate2Engine.load`): where
and how it runs (:class:`Placement`: device, compute type, threads), which cache entry
holds its conversion (:func:`cache_key`, :func:`source_dir`), and opening it, converting
again once when a cached entry turns out damaged (:func:`open_converted`).

Nothing here imports ctranslate2 at module import.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.engines.ct2.cache import CacheKey, directory_fingerprint, discard_entry, is_complete
from summarize.engines.ct2.conversion import convert
from summarize.errors import ConfigError, ModelLoadError

#: Quantisations accepted as ``dtype`` (``auto`` is resolved per device).
QUANTIZATIONS = ("float32", "float16", "bfloat16", "int8", "int8_float32", "int8_float16")

#: the engine module's logger (a reconversion is the engine's message, as before the split)
logger = logging.getLogger("summarize.engines.ct2.engine")


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


def resolve_threads(
    ct2_device: str, inter_threads: int | None, intra_threads: int | None
) -> tuple[int, int]:
    """``(inter, intra)``: the workers and the threads per worker (see
    :meth:`CTranslate2Engine.load` for the defaults)."""
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
        return inter, (max(cores // inter, 1) if ct2_device == "cpu" else 0)
    intra = int(intra_threads)
    if intra < 0:
        raise ConfigError("intra_threads must be 0 (library default) or more")
    return inter, intra


@dataclass(frozen=True)
class Placement:
    """Where and how CTranslate2 runs a model: its device (``cpu``, ``cuda``) and
    index, compute type and threads."""

    device: str
    index: int
    compute_type: str
    inter_threads: int
    intra_threads: int

    @classmethod
    def resolve(
        cls, device: str, quantization: str, inter_threads: int | None, intra_threads: int | None
    ) -> Placement:
        """``device`` (``cuda:1``) with ``quantization`` checked against what CTranslate2
        supports there, and the thread counts resolved."""
        import ctranslate2

        ct2_device, _, index = device.partition(":")
        supported = ctranslate2.get_supported_compute_types(ct2_device)
        if quantization not in supported:
            raise ConfigError(
                f"dtype '{quantization}' is not supported by CTranslate2 on {ct2_device} "
                f"(supported here: {', '.join(sorted(supported))})"
            )
        inter, intra = resolve_threads(ct2_device, inter_threads, intra_threads)
        return cls(ct2_device, int(index or 0), quantization, inter, intra)

    def open(self, model_path: Path) -> Any:
        """A ``ctranslate2.Translator`` over the converted model at ``model_path``."""
        import ctranslate2

        return ctranslate2.Translator(
            str(model_path),
            device=self.device,
            device_index=self.index,
            compute_type=self.compute_type,
            inter_threads=self.inter_threads,
            intra_threads=self.intra_threads,
        )


def cache_key(
    model_id: str,
    local_dir: Path | None,
    revision: str,
    quantization: str,
    crosssum: bool,
    cache: Path,
) -> CacheKey:
    """The cache entry's key: a local directory by its content, a hub model by its
    revision (``revision``: the commit when known)."""
    if local_dir is not None:
        fingerprint = "sha256:" + directory_fingerprint(local_dir, cache)
        return CacheKey(f"local:{local_dir}", fingerprint, quantization, crosssum)
    return CacheKey(model_id, revision, quantization, crosssum)


def source_dir(
    model_id: str, local_dir: Path | None, revision: str | None, complete: bool
) -> Path | None:
    """The model's files: the local directory, or the hub snapshot (needed to convert,
    and for ``generation_config.json``; fetched with its weights unless the conversion
    is ``complete`` already)."""
    if local_dir is not None:
        return local_dir
    from summarize.models.hub import cached_snapshot, snapshot_with_weights

    if complete:
        return cached_snapshot(model_id, revision)
    return snapshot_with_weights(
        model_id, revision, why="needed once to convert it for the ctranslate2 backend"
    )


@dataclass(frozen=True)
class Converted:
    """A model's cache entry: where its files came from (``None``: a cached conversion
    of a hub model without a snapshot), its key and cache, the entry and whether it was
    converted by this load."""

    source: Path | None
    key: CacheKey
    cache: Path
    entry: Path
    converted: bool

    @classmethod
    def ensure(cls, source: Path | None, key: CacheKey, cache: Path) -> Converted:
        """The entry for ``key``, converting ``source`` when it is not cached yet."""
        entry = cache / key.dirname()
        assert source is not None or is_complete(entry, key)
        if source is None:  # pragma: no cover - cached conversion of a hub model
            return cls(source, key, cache, entry, False)
        entry, converted = convert(source, key, cache)
        return cls(source, key, cache, entry, converted)

    def again(self) -> Converted:
        """The entry discarded and converted again."""
        assert self.source is not None
        discard_entry(self.entry)
        entry, converted = convert(self.source, self.key, self.cache)
        return Converted(self.source, self.key, self.cache, entry, converted)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


def open_converted(
    placement: Placement, converted: Converted, model_path: Path
) -> tuple[Any, Converted]:
    """The translator over ``model_path`` (the entry, or its vocabulary-map directory),
    and the entry: a damaged entry that passed the cheap check is discarded and
    converted once more (:class:`ModelLoadError` when it still cannot be opened)."""
    try:
        return placement.open(model_path), converted
    except (RuntimeError, ValueError) as exc:
        entry = converted.entry
        if converted.source is None or converted.converted:
            raise ModelLoadError(f"CTranslate2 could not load {entry}: {_first_line(exc)}") from exc
        logger.warning("CTranslate2 could not load %s (%s): converting again", entry, exc)
    converted = converted.again()
    try:
        return placement.open(model_path), converted
    except (RuntimeError, ValueError) as exc2:
        raise ModelLoadError(
            f"CTranslate2 could not load {converted.entry} even after converting again: "
            f"{_first_line(exc2)}"
        ) from exc2
