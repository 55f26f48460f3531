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

    def __reduce__(self) -> tuple[type[ModelNotAvailableError], tuple[str, str]]:
        # pickled with its own arguments, so that it crosses a process boundary whole
        return (type(self), (self.model_id, self.reason))


class ModelLoadError(SummarizeError):
    """A model was found but could not be loaded (corrupt files, wrong architecture...)."""


class BackendNotInstalledError(SummarizeError):
    """An optional backend (e.g. ctranslate2) was requested but is not installed."""


class ClusterUnavailableError(SummarizeError):
    """The Ray cluster named (``--ray-address``) does not answer."""


class UnknownDataSetError(ConfigError):
    """A name that is not in the table of evaluation data sets (summarize.evaluation.data)."""


class DataNotAvailableError(ConfigError):
    """An evaluation data set is not in the data cache, or a cached file fails its checksum
    (the message names the ``summarize data pull`` command)."""


class DataDownloadError(SummarizeError):
    """A data set file could not be downloaded, or what arrived fails its checksum."""


class NothingExtractedError(EmptyInputError):
    """A web page was fetched but has no extractable article text."""


#: ``error_kind`` of a failed record: trying again later may work (timeouts, connection
#: errors, HTTP 408/429/5xx), or it will not (404, not HTML, a refused address, bad input).
TRANSIENT = "transient"
PERMANENT = "permanent"


class FetchError(InputError):
    """A URL could not be fetched (one record fails; the job goes on).

    ``transient`` says whether a later try may succeed (``--resume`` tries again)."""

    transient: bool = False

    def __init__(self, message: str, url: str = "", *, transient: bool | None = None) -> None:
        super().__init__(message)
        self.url = url
        if transient is not None:
            self.transient = transient

    @property
    def kind(self) -> str:
        """``"transient"`` or ``"permanent"`` (a record's ``error_kind``)."""
        return TRANSIENT if self.transient else PERMANENT


class InvalidUrlError(FetchError):
    """The URL is malformed or its scheme is not http/https."""


class NetworkError(FetchError):
    """The connection failed (refused, reset, TLS error...)."""

    transient = True


class DnsError(NetworkError):
    """The host name could not be resolved."""


class FetchTimeoutError(FetchError):
    """The server did not answer (or finish answering) in time."""

    transient = True


class HttpStatusError(FetchError):
    """The server answered with a 4xx/5xx status."""

    def __init__(self, message: str, url: str = "", status: int = 0) -> None:
        super().__init__(message, url, transient=status in (408, 429) or status >= 500)
        self.status = status


class NotHtmlError(FetchError):
    """The response is not an HTML page (a PDF, an image, JSON...)."""


class ResponseTooLargeError(FetchError, InputTooLargeError):
    """The response is larger than the configured size cap."""


class FeedError(FetchError):
    """A feed could not be fetched or parsed as RSS/Atom."""


class BlockedAddressError(FetchError):
    """The URL's host resolves to an address server-side fetches may not reach (loopback,
    private, link-local, multicast, reserved...; :mod:`summarize.web.addresses`)."""


class OutputLockedError(ConfigError):
    """Another process is writing the same output file."""


class DuplicateIdsError(ConfigError):
    """An input holds the same id more than once, so ``--resume`` cannot tell records apart."""


class OutputError(SummarizeError):
    """The output cannot be written (disk full, I/O error, ...); what was written is valid."""
