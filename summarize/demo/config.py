"""Settings of the web demo (one :class:`DemoConfig` per app)."""

from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from summarize.config import DEFAULT_BATCH_SIZE, NumberRange, PipelineConfig, field_names
from summarize.errors import ConfigError
from summarize.types import GenerationSettings

#: ``seeds/`` and ``eval/`` live at the repository root, beside the package.
REPO_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
#: Articles longer than this (characters) are refused; a news story is a few thousand.
DEFAULT_MAX_CHARS = 100_000
#: Records accepted by one batch request.
DEFAULT_MAX_BATCH_RECORDS = 1_000

#: Summary length presets shown in the page. ``medium`` is the model family's default
#: (or what the app was started with); the others set the token bounds explicitly.
LENGTH_PRESETS: dict[str, GenerationSettings] = {
    "short": GenerationSettings(min_new_tokens=10, max_new_tokens=60),
    "medium": GenerationSettings(),
    "long": GenerationSettings(min_new_tokens=90, max_new_tokens=250),
}
#: Sentences picked by the extract-translate strategy for each preset.
EXTRACT_SENTENCES = {"short": 2, "medium": 3, "long": 5}


#: Token budget of one summariser batch in the demo: room for all 8 passages (of up to
#: 1,024 tokens) of one merged request batch in one model call. The library's 2,048 fits
#: only two, so merging requests would save little; this costs more memory (about 3 GB
#: of attention cache for BART-large with 4 beams).
DEMO_SUMMARY_BATCH_TOKENS = 8192

#: The demo's pipeline defaults: the library's, with the page's smaller article limit and
#: larger summariser batches.
DEFAULT_PIPELINE = PipelineConfig(
    max_chars=DEFAULT_MAX_CHARS, summary_batch_tokens=DEMO_SUMMARY_BATCH_TOKENS
)


#: The range of each numeric setting of :class:`DemoConfig` (``None`` is allowed where
#: the field's type says so). Checked when a config is built, so a bad ``SUMMARIZE_*``
#: variable stops the demo at start with one line, not every request later.
DEMO_RANGES: dict[str, NumberRange] = {
    "port": NumberRange(1, 65535),
    "concurrency": NumberRange(1, 1024),
    "queue_size": NumberRange(1, 1_000_000),
    "article_batch_size": NumberRange(1, 1024),
    "article_batch_wait_s": NumberRange(0, 60),
    "max_batch_records": NumberRange(1, 1_000_000),
    "keep_outputs_s": NumberRange(0, 10 * 365 * 24 * 3600),
}
#: How a setting is named on the command line and in the environment (for messages).
_OPTION_NAMES = {
    "host": "--host (SUMMARIZE_HOST)",
    "port": "--port (SUMMARIZE_PORT)",
    "concurrency": "--concurrency (SUMMARIZE_CONCURRENCY)",
    "article_batch_size": "--article-batch-size (SUMMARIZE_ARTICLE_BATCH_SIZE)",
    "article_batch_wait_s": "--article-batch-wait (SUMMARIZE_ARTICLE_BATCH_WAIT)",
}
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def check_host(host: str) -> str:
    """``host`` if it is an IP address (IPv4 dotted quad or IPv6, without brackets) or a
    syntactically valid host name, else :class:`ConfigError`. A name made of digits and
    dots only must be a valid IPv4 address (``999.1.1.1`` is refused)."""
    name = _OPTION_NAMES["host"]
    if not isinstance(host, str) or not host:
        raise ConfigError(f"{name} must be an IP address or a host name, got {host!r}")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    numeric = all(label.isdigit() for label in labels)
    if numeric or len(host) > 253 or not all(_HOST_LABEL.fullmatch(x) for x in labels):
        raise ConfigError(
            f"{name} must be an IP address or a host name, got {host!r}"
            + (" (not a valid IPv4 address)" if numeric else "")
        )
    return host


def _is_loopback_host(host: str) -> bool:
    """Whether binding ``host`` serves this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.rstrip(".").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class DemoConfig:
    """Everything the demo needs to know; built by ``summarize demo`` or by tests.

    ``pipeline`` is the :class:`~summarize.config.PipelineConfig` every page request starts
    from: its strategy is preselected, its models are the defaults of the model boxes
    (``None``: the strategy's default), its generation settings are the defaults (tests
    pass tiny ``max_new_tokens`` there; the page's length presets are applied over
    ``summary``) and its ``max_chars`` is the largest article the page accepts.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    pipeline: PipelineConfig = field(default_factory=lambda: DEFAULT_PIPELINE)
    concurrency: int = 1
    queue_size: int | None = 64
    #: concurrent article requests (same models and length) run as one pipeline batch of
    #: at most this many; 1 runs them one at a time
    article_batch_size: int = DEFAULT_BATCH_SIZE
    #: seconds a free worker waits for more concurrent requests before it starts a batch
    #: that is not full (requests let in together arrive milliseconds apart)
    article_batch_wait_s: float = 0.1
    max_batch_records: int = DEFAULT_MAX_BATCH_RECORDS
    fixed_models: bool = False
    preload: bool = True
    seeds_dir: Path | None = REPO_ROOT / "seeds"
    workdir: Path | None = None
    #: seconds a request's result files are kept (None: forever); also Gradio's cache
    keep_outputs_s: int | None = 24 * 3600
    max_file_size: str | int | None = "100mb"
    #: models a visitor may name besides the configured ones, when models are restricted
    #: (see :attr:`restricts_models`)
    allowed_models: tuple[str, ...] = ()
    #: seconds one page fetch (link field, digest links) may take in all
    fetch_timeout_s: float = 20.0
    #: fetch loopback/private addresses too. No command-line option or variable sets it:
    #: a demo refuses them (summarize.web.addresses); tests of the link field set it.
    fetch_allow_private: bool = False

    @property
    def restricts_models(self) -> bool:
        """Whether visitors may name only the configured and :attr:`allowed_models`
        models: with ``fixed_models``, and whenever the demo listens beyond loopback (a
        model id or directory is a path on this server and a download from the hub)."""
        return self.fixed_models or not _is_loopback_host(self.host)

    def __post_init__(self) -> None:
        check_host(self.host)
        for key, limits in DEMO_RANGES.items():
            value = getattr(self, key)
            if value is None and key in ("queue_size", "keep_outputs_s"):
                continue
            shown = _OPTION_NAMES.get(key, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{shown} must be a number, got {value!r}")
            if key != "article_batch_wait_s" and isinstance(value, float):
                if not math.isfinite(value) or not value.is_integer():
                    raise ConfigError(f"{shown} must be a whole number, got {value}")
            limits.check(shown, value)

    def __getattr__(self, name: str) -> Any:
        """The pipeline's settings read through: ``config.mt_model`` is
        ``config.pipeline.mt_model`` (only reads; build a new ``pipeline`` to change one)."""
        if name in field_names():
            return getattr(self.pipeline, name)
        raise AttributeError(f"'DemoConfig' object has no attribute {name!r}")

    def with_(self, **changes: Any) -> DemoConfig:
        return replace(self, **changes)
