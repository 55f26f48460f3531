"""Domain exceptions. The CLI and the web demo turn these into short messages."""

from __future__ import annotations


class SummarizeError(Exception):
    """Base class for every error this package raises on purpose."""


class InputError(SummarizeError, ValueError):
    """A record cannot be processed because of its content."""


class EmptyInputError(InputError):
    """The article is empty or whitespace only (after cleaning)."""


class BinaryInputError(InputError):
    """The input is binary data or not valid UTF-8 text."""


class InputTooLargeError(InputError):
    """The input is larger than a configured limit."""


class MalformedRecordError(InputError):
    """A JSONL/CSV record could not be parsed or lacks a text field."""


class ConfigError(SummarizeError, ValueError):
    """An option, strategy, model family or prompt file is invalid."""


class ModelNotAvailableError(SummarizeError):
    """A model could not be found locally and could not be downloaded."""

    def __init__(self, model_id: str, reason: str = "") -> None:
        self.model_id = model_id
        self.reason = reason
        if reason == "no such model directory":
            super().__init__(
                f"model directory '{model_id}' does not exist. Pass an existing directory saved "
                "with save_pretrained, or a Hugging Face hub id (see `summarize models list`)."
            )
            return
        msg = (
            f"model '{model_id}' is not available"
            + (f" ({reason})" if reason else "")
            + f". Fetch it once with internet access: `summarize models pull {model_id}`"
            " (then HF_HUB_OFFLINE=1 works), or pass a local model directory."
        )
        super().__init__(msg)


class ModelLoadError(SummarizeError):
    """A model was found but could not be loaded (corrupt files, wrong architecture...)."""


class BackendNotInstalledError(SummarizeError):
    """An optional backend (e.g. ctranslate2) was requested but is not installed."""


class NothingExtractedError(EmptyInputError):
    """A web page was fetched but has no extractable article text."""


class FetchError(InputError):
    """A URL could not be fetched (one record fails; the job goes on)."""

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class InvalidUrlError(FetchError):
    """The URL is malformed or its scheme is not http/https."""


class NetworkError(FetchError):
    """The connection failed (refused, reset, TLS error...)."""


class DnsError(NetworkError):
    """The host name could not be resolved."""


class FetchTimeoutError(FetchError):
    """The server did not answer (or finish answering) in time."""


class HttpStatusError(FetchError):
    """The server answered with a 4xx/5xx status."""

    def __init__(self, message: str, url: str = "", status: int = 0) -> None:
        super().__init__(message, url)
        self.status = status


class NotHtmlError(FetchError):
    """The response is not an HTML page (a PDF, an image, JSON...)."""


class ResponseTooLargeError(FetchError, InputTooLargeError):
    """The response is larger than the configured size cap."""


class FeedError(FetchError):
    """A feed could not be fetched or parsed as RSS/Atom."""


class OutputLockedError(ConfigError):
    """Another process is writing the same output file."""


class DuplicateIdsError(ConfigError):
    """An input holds the same id more than once, so ``--resume`` cannot tell records apart."""


class OutputError(SummarizeError):
    """The output cannot be written (disk full, I/O error, ...); what was written is valid."""
