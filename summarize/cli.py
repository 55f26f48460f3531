"""The ``summarize`` command line: a thin layer over the public API.

Domain exceptions become ``Error: ...`` messages here and nowhere else.

Exit codes: 0 success; 1 some records failed (each has an ``error`` field in the
output); 2 usage error (bad option, missing file); 3 fatal error (a model is not
available or cannot be loaded, a backend is missing).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import Any, NoReturn

import click

from summarize import __version__
from summarize.cli_common import (
    BACKENDS,
    DEVICES,
    DTYPES,
    INTER_THREADS_HELP,
    STRATEGY_CHOICES,
    THREADS_HELP,
    thread_options,
)
from summarize.errors import ConfigError, InputError, SummarizeError

EXIT_OK = 0
EXIT_FAILED_RECORDS = 1
EXIT_USAGE = 2
EXIT_FATAL = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def fail_with(exc: SummarizeError) -> NoReturn:
    """Exit with ``exc`` as a one-line error: usage errors (bad options, suites, input
    files) exit 2, everything else (models, backends) 3."""
    fail(str(exc), EXIT_USAGE if isinstance(exc, ConfigError | InputError) else EXIT_FATAL)


class _Group(click.Group):
    """Turns domain exceptions into one-line errors with a distinct exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SummarizeError as exc:
            fail_with(exc)
        except KeyboardInterrupt:
            fail("interrupted", EXIT_INTERRUPTED)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="summarize")
def main() -> None:
    """Read Indonesian news in English: translate, summarise, evaluate.

    \b
    Examples:
      summarize run seeds/ -o out.jsonl
      summarize run articles.jsonl -o out.jsonl --resume --batch-size 16
      summarize run seeds/ --strategy extract-translate --extractive textrank
      summarize models pull            # fetch the default models for offline use
      summarize eval indosum-baselines
      summarize demo --port 7860
    """


def generation_options(f: Any) -> Any:
    options = [
        click.option(
            "--num-beams",
            type=click.IntRange(1),
            help="Beam size for both models (default: per model family, see prompts/).",
        ),
        click.option(
            "--min-length", type=click.IntRange(0), help="Minimum summary length in tokens."
        ),
        click.option(
            "--max-length", type=click.IntRange(1), help="Maximum summary length in tokens."
        ),
        click.option(
            "--max-translation-length",
            type=click.IntRange(1),
            help="Maximum tokens generated per translated sentence.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def model_options(f: Any) -> Any:
    options = [
        click.option(
            "--strategy",
            "-s",
            type=click.Choice(STRATEGY_CHOICES),
            default="translate-summarize",
            show_default=True,
            help="How the English summary is made.",
        ),
        click.option(
            "--mt-model",
            metavar="ID|DIR",
            help="Translation model: hub id or local directory [default: Helsinki-NLP/opus-mt-id-en].",
        ),
        click.option(
            "--sum-model",
            metavar="ID|DIR",
            help="Summarisation model [default: per strategy, e.g. sshleifer/distilbart-cnn-12-6].",
        ),
        click.option(
            "--backend",
            type=click.Choice(BACKENDS),
            default="transformers",
            show_default=True,
            help="Inference backend.",
        ),
        click.option(
            "--device",
            type=click.Choice(DEVICES),
            default="auto",
            show_default=True,
        ),
        click.option(
            "--dtype",
            type=click.Choice(DTYPES),
            default="auto",
            show_default=True,
            help="Weights/compute type (int8* only with ctranslate2).",
        ),
        click.option(
            "--threads",
            type=click.IntRange(1),
            help=THREADS_HELP,
        ),
        click.option(
            "--inter-threads",
            type=click.IntRange(1),
            help=INTER_THREADS_HELP,
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def build_pipeline(
    *,
    strategy: str,
    mt_model: str | None,
    sum_model: str | None,
    backend: str,
    device: str,
    dtype: str,
    num_beams: int | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    max_translation_length: int | None = None,
    threads: int | None = None,
    inter_threads: int | None = None,
    **extra: Any,
) -> Any:
    from summarize.pipeline import Pipeline
    from summarize.types import GenerationSettings

    if min_length is not None and max_length is not None and min_length > max_length:
        raise ConfigError(f"--min-length {min_length} is larger than --max-length {max_length}")
    return Pipeline(
        strategy,
        mt_model=mt_model,
        sum_model=sum_model,
        backend=backend,
        device=device,
        dtype=dtype,
        translation=GenerationSettings(num_beams=num_beams, max_new_tokens=max_translation_length),
        summary=GenerationSettings(
            num_beams=num_beams, min_new_tokens=min_length, max_new_tokens=max_length
        ),
        backend_options=thread_options(backend, threads, inter_threads),
        **extra,
    )


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="JSONL output file ('-' for stdout).",
)
@click.option(
    "--resume", is_flag=True, help="Skip ids already in the output file and append the rest."
)
@model_options
@generation_options
@click.option(
    "--batch-size",
    "-b",
    type=click.IntRange(1),
    default=8,
    show_default=True,
    help="Articles per batch (sentences are batched across them).",
)
@click.option(
    "--extractive",
    type=click.Choice(["lead", "textrank"]),
    default="lead",
    show_default=True,
    help="Sentence picker for --strategy extract-translate.",
)
@click.option(
    "--sentences",
    "extract_k",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="Sentences picked by extract-translate.",
)
@click.option(
    "--full-translation/--no-full-translation",
    default=None,
    help="Translate the whole article (default: yes, except extract-translate).",
)
@click.option(
    "--max-chars",
    type=click.IntRange(1),
    default=5_000_000,
    show_default=True,
    help="Reject articles longer than this many characters.",
)
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr.")
def run(
    paths: tuple[str, ...],
    output: str,
    resume: bool,
    batch_size: int,
    progress: bool,
    **options: Any,
) -> None:
    """Translate and summarise articles; write one JSON line per article.

    PATHS are .txt/.html files, directories (read recursively), JSONL files
    (one {"id", "title", "text"} object per line) or CSV files with the same
    columns. Results stream to the output as each batch finishes.

    \b
    Examples:
      summarize run seeds/ -o out.jsonl
      summarize run big.jsonl -o out.jsonl --resume          # continue a killed job
      summarize run seeds/ --mt-model ./models/opus-mt-id-en --device cuda
      summarize run big.jsonl -o out.jsonl --backend ctranslate2 --inter-threads 2
      summarize run seeds/ -s extract-translate --extractive textrank --sentences 2

    Exit status: 0 all records ok, 1 some records failed (see their "error"
    field), 2 usage error, 3 model/backend error, 130 interrupted (Ctrl-C;
    what was written stays, --resume continues).
    """
    from summarize.io import JsonlWriter, completed_ids, count_records, iter_records

    if resume and output == "-":
        raise click.UsageError("--resume needs an output file (-o FILE)")
    pipeline = build_pipeline(**options)
    done = completed_ids(output) if resume else set()
    start = time.perf_counter()
    pipeline.load()
    load_time = time.perf_counter() - start
    for warning in pipeline.license_warnings():
        click.echo(f"Warning: {warning}", err=True)
    total = count_records(paths)
    counts = {"ok": 0, "failed": 0, "skipped": 0, "warned": 0}

    def pending() -> Iterator[dict[str, Any]]:
        for record in iter_records(paths):
            if str(record.get("id")) in done:
                counts["skipped"] += 1
                bar.update(1)
                continue
            yield record

    from tqdm import tqdm

    with (
        tqdm(
            total=total, unit="article", disable=not progress, file=sys.stderr, dynamic_ncols=True
        ) as bar,
        JsonlWriter(output, append=resume) as writer,
    ):

        def translated(n: int) -> None:
            stage["sentences"] += n
            bar.set_postfix_str(f"translated {stage['sentences']} sentences", refresh=True)

        def summarised(done_inputs: int, total_inputs: int) -> None:
            bar.set_postfix_str(f"summarised {done_inputs}/{total_inputs} passages", refresh=True)

        stage = {"sentences": 0}
        try:
            for result in pipeline.run(
                pending(), batch_size=batch_size, on_progress=translated, on_summary=summarised
            ):
                writer.write(result.to_dict())
                if result.error:
                    counts["failed"] += 1
                else:
                    counts["ok"] += 1
                    counts["warned"] += bool(result.warnings)
                bar.update(1)
        except KeyboardInterrupt:
            interrupted = True
        else:
            interrupted = False
    elapsed = time.perf_counter() - start
    target = "stdout" if output == "-" else output
    if interrupted:
        written = counts["ok"] + counts["failed"]
        hint = f" Continue with --resume -o {output}." if output != "-" else ""
        click.echo(
            f"Interrupted: {written} records written to {target} in {elapsed:.1f}s.{hint}",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    click.echo(
        f"{counts['ok']} ok ({counts['warned']} with warnings), {counts['failed']} failed, "
        f"{counts['skipped']} skipped as already done; {elapsed:.1f}s "
        f"(model load {load_time:.1f}s) -> {target}",
        err=True,
    )
    if counts["failed"]:
        sys.exit(EXIT_FAILED_RECORDS)


@main.group()
def models() -> None:
    """List cached models and prefetch models for offline use."""


@models.command("list")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="Cache to scan [default: the standard Hugging Face cache].",
)
def models_list(cache_dir: str | None) -> None:
    """Show models in the Hugging Face cache, with sizes and what this tool knows of them."""
    from summarize.models.hub import cached_models

    rows = cached_models(cache_dir)
    if not rows:
        from huggingface_hub import constants

        click.echo(f"No models in the Hugging Face cache ({cache_dir or constants.HF_HUB_CACHE}).")
        click.echo("Fetch the defaults with: summarize models pull")
        return
    width = max(len(r["model"]) for r in rows)
    click.echo(f"{'MODEL':<{width}}  {'SIZE':>9}  {'FAMILY':<12} {'LICENCE':<16} REVISIONS")
    for r in rows:
        click.echo(
            f"{r['model']:<{width}}  {r['size']:>9}  {r['family'] or '-':<12} "
            f"{r['license'] or '-':<16} {r['revisions']}"
        )


@models.command("pull")
@click.argument("ids", nargs=-1)
@click.option("--revision", help="Branch, tag or commit to fetch.")
def models_pull(ids: tuple[str, ...], revision: str | None) -> None:
    """Download models into the Hugging Face cache (default: every default model).

    After this, HF_HUB_OFFLINE=1 runs work without network access.
    """
    from summarize.models.hub import pull
    from summarize.models.registry import DEFAULT_MODELS

    for model_id in ids or DEFAULT_MODELS:
        click.echo(f"Pulling {model_id} ...", err=True)
        path = pull(model_id, revision=revision)
        click.echo(f"{model_id}: {path}")


def _register_subcommands() -> None:
    # Both modules import only click at module level; their heavy parts load on use.
    from summarize.demo import demo_command
    from summarize.evaluation.cli import eval_command

    main.add_command(eval_command, "eval")
    main.add_command(demo_command, "demo")


_register_subcommands()


if __name__ == "__main__":  # pragma: no cover
    main()
