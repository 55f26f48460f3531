"""The exit-code contract of every command line (``summarize run``, ``eval``, ``demo``, ...).

Domain exceptions become one ``Error: ...`` line here, at the edge, and nowhere else.

=====  ==================================================================
code   meaning
=====  ==================================================================
0      success
1      some records failed (each has an ``error`` field in the output)
2      usage error: a bad option, suite, config or input file
3      fatal: a model is not available or cannot be loaded, a backend or an
       optional dependency is missing
4      the output cannot be written (disk full, I/O error); what was written
       stays valid, ``--resume`` continues once there is room
130    interrupted (Ctrl-C or SIGTERM); what was written stays, ``--resume``
       continues
=====  ==================================================================
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, NoReturn

import click

from summarize.errors import ConfigError, InputError, OutputError, SummarizeError

EXIT_OK = 0
EXIT_FAILED_RECORDS = 1
EXIT_USAGE = 2
EXIT_FATAL = 3
EXIT_OUTPUT = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C

EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_FAILED_RECORDS: "some records failed (see their 'error' field)",
    EXIT_USAGE: "usage error (bad option, suite, config or input file)",
    EXIT_FATAL: "model or backend error (model not available or not loadable, backend missing)",
    EXIT_OUTPUT: "the output cannot be written (disk full, I/O error); what was written stays"
    " valid, --resume continues",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C or SIGTERM); what was written stays, --resume continues",
}


def exit_code(exc: SummarizeError) -> int:
    """Usage errors (bad options, suites, input files) are 2, output write errors 4,
    everything else 3."""
    if isinstance(exc, OutputError):
        return EXIT_OUTPUT
    return EXIT_USAGE if isinstance(exc, ConfigError | InputError) else EXIT_FATAL


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def fail_with(exc: SummarizeError) -> NoReturn:
    """Exit with ``exc`` as a one-line error and its code (:func:`exit_code`)."""
    fail(str(exc), exit_code(exc))


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt like Ctrl-C does, so a job
    stopped by ``kill`` (or a container stop) prints its message and keeps its output.
    Only in the main thread, where signal handlers can be set."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class OneLineUsageError(click.UsageError):
    """A usage error shown as one ``Error:`` line (exit 2) that names the help to read,
    instead of click's usage block: the same shape as every other error of the CLIs."""

    def show(self, file: Any = None) -> None:
        hint = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
        click.echo(f"Error: {self.format_message()}{hint}", err=True)


def _one_line(exc: click.UsageError) -> OneLineUsageError:
    if isinstance(exc, OneLineUsageError):
        return exc
    return OneLineUsageError(exc.format_message(), exc.ctx)


def _invoke_guarded(invoke: Any, ctx: click.Context) -> Any:
    try:
        with sigterm_as_interrupt():
            return invoke(ctx)
    except SummarizeError as exc:
        fail_with(exc)
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    except click.UsageError as exc:  # a subcommand's bad option or argument
        raise _one_line(exc) from None


class ErrorHandlingCommand(click.Command):
    """A command (also used on its own, as ``python app.py`` runs the demo) that turns
    domain exceptions and usage errors into one-line errors."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        return _invoke_guarded(super().invoke, ctx)


class ErrorHandlingGroup(ErrorHandlingCommand, click.Group):
    """A group whose commands turn domain exceptions and usage errors into one-line
    errors (:class:`ErrorHandlingCommand`'s handling, around ``click.Group``'s own)."""
