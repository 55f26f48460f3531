"""The backend table: what differs between inference backends, in one place.

Each backend is one :class:`Backend` entry: the package it needs and how to install it,
whether models are converted first (and where converted models are cached), which
:class:`BackendOptions` it takes and under which names its engine takes them, how to
probe for a CUDA device, and how to load its engine. The factory, the configuration,
the command line and the Ray engine ask the entry; none compares backend names.

Nothing here imports torch, transformers or ctranslate2: they load when an engine is
built or a device is probed.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.errors import BackendNotInstalledError, ConfigError


@dataclass(frozen=True)
class BackendOptions:
    """Engine options shared by the backends (``PipelineConfig.backend_options``).

    ``threads``: CPU threads of one engine (torch's thread count; CTranslate2's
    ``intra_threads``). ``inter_threads``: CTranslate2 workers that each take part of a
    batch. ``cache_dir``: where converted models are kept (backends that convert).
    ``vmap``: a vocabulary map file that restricts CTranslate2's output vocabulary
    (``summarize models vmap``; opt-in, it can change outputs).
    ``None`` leaves the choice to the backend (see :meth:`Backend.for_cores`).
    """

    threads: int | None = None
    inter_threads: int | None = None
    cache_dir: str | None = None
    vmap: str | None = None

    @classmethod
    def from_mapping(
        cls, value: Mapping[str, Any], where: str = "backend_options"
    ) -> BackendOptions:
        """From a table (a config file, ``--set backend_options.X=N``). CTranslate2's own
        name ``intra_threads`` is accepted for ``threads`` (0, its "library default",
        leaves ``threads`` unset). Unknown keys are a :class:`ConfigError` naming ``where``."""
        known = {f.name for f in dataclasses.fields(cls)}
        data = dict(value)
        if "intra_threads" in data:
            intra = data.pop("intra_threads")
            data.setdefault("threads", intra if intra != 0 else None)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"{where}: unknown backend option(s) {', '.join(map(str, unknown))} "
                f"(known: {', '.join(sorted(known | {'intra_threads'}))})"
            )
        for name in ("cache_dir", "vmap"):  # paths
            path = data.get(name)
            if path is not None and not isinstance(path, (str, Path)):
                raise ConfigError(f"{where}.{name} must be a path, got {path!r}")
            if path is not None:
                data[name] = str(path)
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """The options that are set, as a plain table."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    def set_fields(self) -> tuple[str, ...]:
        return tuple(self.to_dict())


def _torch_cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def _ct2_cuda() -> bool:
    """Asked of CTranslate2 itself (no torch); without the package, as torch sees it
    (the missing package is reported when the engine is built)."""
    try:
        import ctranslate2
    except ImportError:
        return _torch_cuda()
    return bool(ctranslate2.get_cuda_device_count() > 0)


def _attribute(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Backend:
    """One inference backend.

    ``engine``: ``module:Class`` of its :class:`~summarize.engines.base.Engine` (imported
    when an engine is built); ``option_names``: each :class:`BackendOptions` field it
    takes, with the keyword its engine's ``load`` takes it as; ``workers``: it runs
    several workers per engine (``inter_threads``); ``conversion_cache``: ``module:function``
    giving the folder of converted models (``None``: models run as they are saved).
    """

    name: str
    description: str
    package: str
    install_hint: str
    engine: str
    option_names: Mapping[str, str]
    probe_cuda: Callable[[], bool]
    workers: bool = False
    conversion_cache: str | None = None

    @property
    def converts(self) -> bool:
        """Models are converted (once, into :meth:`cache_dir`) before they run."""
        return self.conversion_cache is not None

    def cache_dir(self, options: BackendOptions | None = None) -> Path | None:
        """Where converted models are kept (``None``: this backend converts nothing)."""
        if self.conversion_cache is None:
            return None
        return Path(_attribute(self.conversion_cache)((options or BackendOptions()).cache_dir))

    def installed(self) -> bool:
        """Whether the package is installed (checked without importing it)."""
        return importlib.util.find_spec(self.package) is not None

    def require(self) -> None:
        """:class:`BackendNotInstalledError` when the package is missing."""
        if not self.installed():
            raise BackendNotInstalledError(
                f"the {self.name} backend needs the '{self.package}' package: {self.install_hint}"
            )

    def unsupported(self, options: BackendOptions) -> tuple[str, ...]:
        """The options set in ``options`` that this backend does not take."""
        return tuple(k for k in options.set_fields() if k not in self.option_names)

    def check(self, options: BackendOptions, where: str = "backend_options") -> BackendOptions:
        """``options``, or a :class:`ConfigError` for one this backend does not take."""
        for name in self.unsupported(options):
            takers = [b.name for b in BACKEND_TABLE.values() if name in b.option_names]
            raise ConfigError(
                f"{where}.{name} is not an option of the {self.name} backend "
                f"(it is one of: {', '.join(takers) or 'none'})"
            )
        return options

    def for_cores(self, options: BackendOptions, cores: int | None) -> BackendOptions:
        """The thread settings of one engine given ``cores`` CPU threads (``None``: let
        the backend decide): what ``options`` set, else one worker of ``cores`` threads.
        The one place thread settings are decided for a process that shares a machine
        (a Ray actor)."""
        if not cores:
            return options
        changes: dict[str, Any] = {"threads": options.threads or cores}
        if self.workers:
            changes["inter_threads"] = options.inter_threads or 1
        return dataclasses.replace(options, **changes)

    def engine_options(self, options: BackendOptions) -> dict[str, Any]:
        """``options`` as the keywords of this backend's engine ``load``."""
        self.check(options)
        return {self.option_names[k]: v for k, v in options.to_dict().items()}

    def cuda_available(self) -> bool:
        """Whether a CUDA GPU is usable, asked of this backend's own library."""
        return self.probe_cuda()

    def load(self, model_id: str, **kwargs: Any) -> Any:
        """Build this backend's engine (``kwargs``: ``local_dir``, ``device``, ``dtype``,
        ``revision``, ``prompts_dir`` and engine options by their engine names)."""
        taken = set(self.option_names.values())
        fixed = {"local_dir", "device", "dtype", "revision", "prompts_dir"}
        unknown = sorted(set(kwargs) - taken - fixed)
        if unknown:
            raise ConfigError(
                f"unknown options for the {self.name} backend: {unknown} "
                f"(known: {', '.join(sorted(taken))})"
            )
        self.require()
        return _attribute(self.engine).load(model_id, **kwargs)


_TABLE = (
    Backend(
        name="transformers",
        description="PyTorch through transformers' generate",
        package="transformers",
        install_hint="pip install transformers",
        engine="summarize.engines.hf:TransformersEngine",
        option_names={"threads": "threads"},
        probe_cuda=_torch_cuda,
    ),
    Backend(
        name="ctranslate2",
        description="CTranslate2: models converted once, int8 on CPU by default",
        package="ctranslate2",
        install_hint="pip install 'summarize[fast]'",
        engine="summarize.engines.ct2.engine:CTranslate2Engine",
        option_names={
            "threads": "intra_threads",
            "inter_threads": "inter_threads",
            "cache_dir": "cache_dir",
            "vmap": "vmap",
        },
        probe_cuda=_ct2_cuda,
        workers=True,
        conversion_cache="summarize.engines.ct2.cache:ct2_cache_dir",
    ),
)

#: Every backend by name, in the order front ends list them.
BACKEND_TABLE: dict[str, Backend] = {b.name: b for b in _TABLE}
BACKENDS: tuple[str, ...] = tuple(BACKEND_TABLE)
#: The backend of :class:`~summarize.config.PipelineConfig` unless one is chosen.
DEFAULT_BACKEND = BACKENDS[0]


def get_backend(name: str) -> Backend:
    """The table entry of ``name`` (:class:`ConfigError` for an unknown one)."""
    try:
        return BACKEND_TABLE[name]
    except KeyError:
        raise ConfigError(f"unknown backend '{name}' (use one of {', '.join(BACKENDS)})") from None
