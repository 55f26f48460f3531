"""The ``summarize`` command line: a thin layer over the public API.

Domain exceptions become ``Error: ...`` messages at the edge (:mod:`summarize.cli_errors`,
shared by every command line, which also documents the exit codes): 0 success; 1 some
records failed (each has an ``error`` field in the output); 2 usage error (bad option,
missing file, output in use); 3 fatal error (a model is not available or cannot be loaded,
a backend is missing); 4 the output cannot be written (disk full); 130 interrupted.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import click

from summarize import __version__
from summarize.cli_common import pipeline_config, pipeline_options, pop_pipeline_options
from summarize.cli_errors import (
    EXIT_FAILED_RECORDS,
    EXIT_FATAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ErrorHandlingGroup,
    fail,
    fail_with,
)

__all__ = [
    "EXIT_FAILED_RECORDS",
    "EXIT_FATAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "fail",
    "fail_with",
    "main",
]


@click.group(cls=ErrorHandlingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="summarize")
def main() -> None:
    """Read Indonesian news in English: translate, summarise, evaluate.

    \b
    Examples:
      summarize run seeds/ -o out.jsonl
      summarize run articles.jsonl -o out.jsonl --resume --batch-size 16
      summarize run seeds/ --strategy extract-translate --extractive textrank
      summarize digest seeds/ -o digest.md   # one English summary per story
      summarize models pull            # fetch the default models for offline use
      summarize eval indosum-baselines
      summarize demo --port 7860
    """


FEED_HELP = "RSS/Atom feed URL: process its items (repeatable; with --resume only new items)."


def _feed_option(help: str) -> Callable[[Any], Any]:
    return click.option("--feed", "feeds", multiple=True, metavar="URL", help=help)


def _finite_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value):
        raise click.BadParameter(f"must be a finite number of seconds, got {value}")
    return value


def _fetch_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--allow-private-addresses`` and ``--fetch-timeout`` (see summarize.web.addresses)."""
    func = click.option(
        "--fetch-timeout",
        type=click.FloatRange(0.1, 3600),
        default=20.0,
        show_default=True,
        callback=_finite_seconds,
        help="Seconds one page or feed fetch may take in all (name lookup, connect, "
        "headers, body, redirects), whatever the server does.",
    )(func)
    return click.option(
        "--allow-private-addresses",
        is_flag=True,
        help="Also fetch URLs whose host is a loopback, private, link-local or other "
        "non-public address (an intranet page); refused by default.",
    )(func)


def _fetch_settings(allow_private: bool, timeout: float) -> Any:
    from summarize.web import FetchSettings

    hint = "" if allow_private else "Pass --allow-private-addresses to fetch it anyway."
    return FetchSettings(timeout=timeout, allow_private=allow_private, refusal_hint=hint)


def _output_option(help: str, **path: Any) -> Callable[[Any], Any]:
    """``-o/--output``, '-' (stdout) by default; ``path``: more ``click.Path`` settings."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(allow_dash=True, **path),
        default="-",
        show_default=True,
        help=help,
    )


#: ``run``'s Ray options: name -> (flag, click type, help). ``None`` means "not given".
_RAY_OPTIONS: dict[str, tuple[str, Any, str]] = {
    "address": (
        "--ray-address",
        str,
        "Ray cluster to use (auto, host:port, ray://...) [default: $RAY_ADDRESS, else a "
        "private Ray instance on this machine].",
    ),
    "timeout": (
        "--ray-timeout",
        click.FloatRange(0, min_open=True, max=86400),
        "Seconds to wait for the cluster at --ray-address to answer.",
    ),
    "actors": ("--actors", click.IntRange(1), "Model actors (each loads the models once)."),
    "num_gpus_per_actor": (
        "--num-gpus-per-actor",
        click.FloatRange(0),
        "GPUs each actor reserves (fractions share a GPU).",
    ),
    "rows_per_file": (
        "--rows-per-file",
        click.IntRange(1),
        "Records per output part file.",
    ),
    "output_format": (
        "--output-format",
        click.Choice(["parquet", "jsonl"]),
        "Part file format.",
    ),
}


def ray_options(f: Any) -> Any:
    """``--engine`` and the Ray engine's options (they need ``--engine ray``)."""
    f = click.option(
        "--shared-path",
        "shared_path",
        is_flag=True,
        default=False,
        help="[--engine ray] Local input/output paths are on a filesystem every node of "
        "the cluster mounts at the same path (without it, a multi-node cluster refuses "
        "local paths: use s3://, gs://, abfs:// or hdfs:// URIs).",
    )(f)
    from summarize.distributed.engine import RayOptions

    defaults = RayOptions()
    for name, (flag, kind, help_text) in reversed(_RAY_OPTIONS.items()):
        if "[default" not in help_text:  # shown from RayOptions, not restated here
            help_text += f"  [default: {getattr(defaults, name)}]"
        f = click.option(flag, name, type=kind, default=None, help=f"[--engine ray] {help_text}")(f)
    from summarize.jobs.job import ENGINES

    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="local",
        show_default=True,
        help="local: stream in this process; ray: Ray Data on this machine or a cluster.",
    )(f)


def pop_ray_options(options: dict[str, Any], engine: str) -> dict[str, Any]:
    """Take the Ray options out of ``options``: those given, as ``RayOptions`` fields."""
    given = {name: options.pop(name) for name in _RAY_OPTIONS}
    given = {k: v for k, v in given.items() if v is not None}
    if options.pop("shared_path", False):
        given["shared_path"] = True
    if given and engine != "ray":
        flags = ", ".join(
            _RAY_OPTIONS[k][0] if k in _RAY_OPTIONS else "--shared-path" for k in given
        )
        raise click.UsageError(f"{flags} need(s) --engine ray")
    return given


@main.command()
@click.argument("paths", nargs=-1)
@_feed_option(FEED_HELP)
@_output_option(
    "JSONL output file ('-' for stdout); with --engine ray, an output directory. A path or "
    "a URI: s3://, gs://, abfs://, hdfs://, file://."
)
@click.option(
    "--resume",
    is_flag=True,
    help="Skip ids already in the output file and append the rest; records that failed "
    'with a transient error ("error_kind": "transient") are tried again and replaced.',
)
@_fetch_options
@pipeline_options()
@ray_options
@click.option(
    "--show-config",
    is_flag=True,
    help="Print the resolved pipeline settings as JSON (a --config file) and exit.",
)
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr.")
def run(
    paths: tuple[str, ...],
    feeds: tuple[str, ...],
    output: str,
    resume: bool,
    progress: bool,
    show_config: bool,
    engine: str,
    allow_private_addresses: bool,
    fetch_timeout: float,
    **options: Any,
) -> None:
    """Translate and summarise articles; write one JSON line per article.

    PATHS are .txt/.html files, directories (read recursively), JSONL files
    (one {"id", "title", "text"} object per line), CSV or Parquet files with the
    same columns, http(s) URLs of news pages, or text files of URLs (one per line).
    Files, directories and -o may be s3://, gs://, abfs://, hdfs:// or file://
    URIs (credentials from the store's standard environment: AWS_*,
    AWS_ENDPOINT_URL...; see the README, "Object storage").
    Web pages go through trafilatura; a link that cannot be fetched is a failed
    record. Results stream to the output as each batch finishes; each gets
    "story" (the id of the first article of the same story) and "duplicate_of"
    (an earlier near-copy, if any). When a later article merges two stories, the
    final story ids of all articles go to OUTPUT.stories.json.

    --engine ray runs the same pipeline on Ray Data (this machine or the cluster
    at --ray-address / RAY_ADDRESS) and writes Parquet (or JSONL) part files
    into the -o directory (files and directories only; stories as here, set once
    the part files are complete); see docs/scale.md.

    \b
    Examples:
      summarize run seeds/ -o out.jsonl
      summarize run big.jsonl -o out.jsonl --resume          # continue a killed job
      summarize run seeds/ --mt-model ./models/opus-mt-id-en --device cuda
      summarize run big.jsonl -o out.jsonl --backend ctranslate2 --inter-threads 2
      summarize run seeds/ -s extract-translate --extractive textrank --sentences 2
      summarize run https://example.com/berita/1 urls.txt -o out.jsonl
      summarize run --feed https://example.com/rss -o feed.jsonl --resume   # new items only
      summarize run big.jsonl -o out/ --engine ray --actors 4 --backend ctranslate2

    One process writes an output file at a time (a lock, <output>.lock); with
    --resume the input's ids must be unique.

    Exit status: 0 all records ok, 1 some records failed (see their "error"
    field), 2 usage error (or the output is in use), 3 model/backend error,
    4 the output cannot be written (disk full, I/O error), 130 interrupted
    (Ctrl-C or SIGTERM). What was written stays valid; --resume continues.
    """
    ray_settings = pop_ray_options(options, engine)
    config = pipeline_config(pop_pipeline_options(options))
    if show_config:
        click.echo(json.dumps(config.to_dict(), indent=2, ensure_ascii=False))
        return
    fetch = _fetch_settings(allow_private_addresses, fetch_timeout)
    job = _build_job(paths, feeds, output, config, resume, engine, ray_settings, fetch)
    _check_inputs(paths, feeds)
    summary = _run_with_progress(job, progress)
    if summary.failed:
        sys.exit(EXIT_FAILED_RECORDS)


def _build_job(
    paths: tuple[str, ...],
    feeds: tuple[str, ...],
    output: str,
    config: Any,
    resume: bool,
    engine: str,
    ray_settings: dict[str, Any],
    fetch: Any,
) -> Any:
    """The :class:`~summarize.jobs.Job` of ``run``'s arguments."""
    from summarize.jobs import RAY, Job

    if engine != RAY:
        return Job(paths, output, config, feeds=feeds, resume=resume, engine=engine, fetch=fetch)
    from summarize.distributed import RayOptions

    ray = RayOptions(**ray_settings)
    return Job(paths, output, config, feeds=feeds, resume=resume, engine=engine, ray=ray)


class _RunView:
    """A job's events on stderr: the progress bar (counting articles, the stage in its
    postfix), warnings and notes above it, then the closing lines."""

    def __init__(self, progress: bool) -> None:
        self.progress = progress
        self.bar: Any = None

    def __call__(self, event: Any) -> None:
        from summarize import jobs
        from summarize.progress import StageBar

        if isinstance(event, jobs.Started):
            self.bar = StageBar(event.total, unit="article", enabled=self.progress)
        elif isinstance(event, jobs.Finished):
            self.close()
            click.echo(event.summary.line(), err=True)
            if event.flags is not None:
                click.echo(event.flags, err=True)
        elif isinstance(event, jobs.Notice):
            self.write(event.line())
        elif self.bar is not None:
            self._update(event)

    def _update(self, event: Any) -> None:
        from summarize import jobs

        if isinstance(event, jobs.Total):
            self.bar.set_total(event.total)
        elif isinstance(event, jobs.Stage):
            self.bar.stage(event.text)
        elif isinstance(event, jobs.Progress):
            self.bar.event(event.event)
        elif isinstance(event, jobs.Done):
            self.bar.update(event.n)

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line)
        else:
            click.echo(line, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _run_with_progress(job: Any, progress: bool) -> Any:
    """Run ``job`` showing its events; Ctrl-C/SIGTERM: its message, exit 130."""
    from summarize.jobs import JobInterrupted, run_job

    view = _RunView(progress)
    try:
        return run_job(job, on_event=view)
    except JobInterrupted as stop:
        view.close()
        click.echo(stop.message, err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        view.close()


@main.command()
@click.argument("paths", nargs=-1)
@_feed_option("RSS/Atom feed URL whose items go into the digest (repeatable).")
@_output_option("Digest file ('-' for stdout).", dir_okay=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "jsonl"]),
    default=None,
    help="Output format  [default: jsonl for a .jsonl output, else markdown]",
)
@click.option(
    "--max-sentences",
    type=click.IntRange(1),
    default=8,
    show_default=True,
    help="Sentences picked across a story's articles before summarising.",
)
@pipeline_options(help_for={"batch_size": "Stories summarised per batch."})
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr.")
@_fetch_options
def digest(
    paths: tuple[str, ...],
    feeds: tuple[str, ...],
    output: str,
    fmt: str | None,
    max_sentences: int,
    progress: bool,
    allow_private_addresses: bool,
    fetch_timeout: float,
    **options: Any,
) -> None:
    """Group articles into stories and write one English summary per story.

    PATHS are what `summarize run` reads (files, directories, URLs, files of
    URLs) plus --feed URLs. Articles that report the same story (MinHash LSH over
    word shingles, checked exactly) are merged: non-redundant sentences are picked
    across them and summarised through the pipeline. Each story lists its sources
    (title, link, site, date), and each summary sentence names the article it
    came from. Stories are ordered by number of articles, then date.

    \b
    Examples:
      summarize digest seeds/ -o digest.md
      summarize digest urls.txt --feed https://example.com/rss -o digest.md
      summarize digest seeds/ --format jsonl -o digest.jsonl

    Exit status: 0 ok, 1 some inputs or stories failed (listed in the digest),
    2 usage error, 3 model/backend error.
    """
    from summarize.pipeline import Pipeline

    config = pipeline_config(pop_pipeline_options(options))
    _check_inputs(paths, feeds)
    if fmt is None:
        fmt = "jsonl" if output.lower().endswith((".jsonl", ".ndjson")) else "markdown"
    start = time.perf_counter()
    pipeline = Pipeline(config)
    fetch = _fetch_settings(allow_private_addresses, fetch_timeout)
    feed_errors: list[str] = []
    result = _build_digest(
        pipeline, paths, feeds, fetch, feed_errors, max_sentences, config.batch_size, progress
    )
    _write_text(_digest_text(result, fmt), output)
    failed_stories = sum(1 for s in result.stories if s.error)
    target = "stdout" if output == "-" else output
    click.echo(
        f"{len(result.stories)} stories from {result.articles} articles "
        f"({len(result.failed)} inputs failed, {failed_stories} summaries failed); "
        f"{time.perf_counter() - start:.1f}s -> {target}",
        err=True,
    )
    if result.failed or failed_stories or feed_errors:
        sys.exit(EXIT_FAILED_RECORDS)


def _build_digest(
    pipeline: Any,
    paths: tuple[str, ...],
    feeds: tuple[str, ...],
    fetch: Any,
    feed_errors: list[str],
    max_sentences: int,
    batch_size: int,
    progress: bool,
) -> Any:
    """``digest``'s stories, with a bar counting the stories summarised (feeds that
    cannot be read go to ``feed_errors``)."""
    from summarize.digest import build_digest
    from summarize.errors import FeedError
    from summarize.io import count_records, iter_records
    from summarize.progress import ProgressEvent, StageBar
    from summarize.web import iter_feed_records

    def records() -> Iterator[dict[str, Any]]:
        for feed in feeds:
            try:
                yield from iter_feed_records(feed, settings=fetch)
            except FeedError as exc:
                feed_errors.append(str(exc))
                bar.write(f"Error: {exc}")
        yield from iter_records(paths, fetch=fetch)

    def on_event(event: ProgressEvent) -> None:
        if event.stage == "stories":  # the bar counts the stories summarised
            bar.set_total(event.total)
            bar.update(event.done - stories_done[0])
            stories_done[0] = event.done
        else:
            bar.event(event)

    stories_done = [0]
    with StageBar(None, unit="story", enabled=progress) as bar:
        bar.stage("loading models")
        pipeline.load()
        return build_digest(
            records(),
            pipeline,
            max_sentences=max_sentences,
            batch_size=batch_size,
            on_event=on_event,
            total=None if feeds else count_records(paths),
        )


def _digest_text(result: Any, fmt: str) -> str:
    """The digest as Markdown, or as JSON lines (stories, then the inputs that failed)."""
    from summarize.digest import to_markdown

    if fmt == "markdown":
        return to_markdown(result)
    lines = [json.dumps(s.to_dict(), ensure_ascii=False) for s in result.stories]
    lines += [
        json.dumps({"failed": rid, "error": error}, ensure_ascii=False)
        for rid, error in result.failed
    ]
    return "\n".join(lines) + "\n"


def _write_text(text: str, output: str) -> None:
    """``text`` to stdout (``-``) or to the file ``output`` (its folder made)."""
    from pathlib import Path

    if output == "-":
        click.echo(text, nl=False)
        return
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(text, encoding="utf-8")


def _check_inputs(paths: tuple[str, ...], feeds: tuple[str, ...]) -> None:
    """Usage errors before any model loads: no input, a missing file, a bad feed URL."""
    from pathlib import Path

    from summarize.web import is_url

    if not paths and not feeds:
        raise click.UsageError("give PATHS (files, directories, URLs) or --feed URL")
    from summarize import storage

    for path in paths:
        storage.check_scheme(path)
        if storage.is_remote(path):
            if not storage.resolve(path).exists():
                raise click.BadParameter(f"'{path}' does not exist.", param_hint="PATHS")
            continue
        local = storage.local_path(path) if storage.is_uri(path) else Path(path)
        if not is_url(path) and local is not None and not local.exists():
            raise click.BadParameter(f"'{path}' does not exist.", param_hint="PATHS")
    for feed in feeds:
        if not is_url(feed):
            raise click.BadParameter(f"'{feed}' is not an http(s) URL.", param_hint="--feed")


@main.group()
def models() -> None:
    """List cached models, prefetch models for offline use, build vocabulary shortlists."""


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


@models.command("vmap")
@click.argument("model")
@click.argument("corpus", nargs=-1, required=True)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="Map file to write."
)
@click.option(
    "--sample",
    type=click.IntRange(1),
    default=2000,
    show_default=True,
    help="Sentences of the corpus the model translates to build the map.",
)
@click.option(
    "--held-out",
    type=click.IntRange(0),
    default=200,
    show_default=True,
    help="Further sentences translated with and without the map, to measure how often "
    "the outputs stay identical (0: skip).",
)
@click.option(
    "--common",
    type=click.IntRange(0),
    default=500,
    show_default=True,
    help="Output pieces the model emits most often, always allowed.",
)
@click.option(
    "--per-source",
    type=click.IntRange(0),
    default=50,
    show_default=True,
    help="Output pieces allowed per source piece (those seen most often in its sentences' "
    "translations).",
)
@click.option("--dtype", default="auto", show_default=True, help="CTranslate2 quantisation.")
@click.option("--num-beams", type=click.IntRange(1), help="Beams [default: the model's].")
@click.option(
    "--max-new-tokens", type=click.IntRange(1), default=256, show_default=True, help="Output cap."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Sentence shuffle seed.")
def models_vmap(
    model: str,
    corpus: tuple[str, ...],
    output: str,
    sample: int,
    held_out: int,
    common: int,
    per_source: int,
    dtype: str,
    num_beams: int | None,
    max_new_tokens: int,
    seed: int,
) -> None:
    """Build a vocabulary shortlist (CTranslate2 vocabulary map) for MODEL from its own
    translations of CORPUS (articles: text files, folders, JSONL or CSV, as for `run`).

    Use it with `--backend ctranslate2 --set backend_options.vmap=OUTPUT`. It is
    opt-in: the decoder can then emit only mapped pieces, which can change outputs;
    the held-out check says how often it did. Build it from real text of the kind you
    will translate.
    """
    from summarize.engines.ct2.vmap import (
        build_vocabulary_map,
        compare_outputs,
        corpus_sentences,
        translate_pieces,
        write_vocabulary_map,
    )
    from summarize.engines.factory import load_engine
    from summarize.io import iter_records
    from summarize.types import GenerationSettings

    texts = [r["text"] for r in iter_records(corpus) if r.get("text") and not r.get("_error")]
    sentences = corpus_sentences(texts, seed=seed)
    if not sentences:
        fail("the corpus has no sentences", EXIT_USAGE)
    built_from, check = sentences[:sample], sentences[sample : sample + held_out]
    settings = GenerationSettings(num_beams=num_beams, max_new_tokens=max_new_tokens)
    engine: Any = load_engine(model, backend="ctranslate2", device="cpu", dtype=dtype)
    click.echo(f"Translating {len(built_from)} sentences with {model} ...", err=True)
    outputs = translate_pieces(engine, built_from, settings)
    vmap = build_vocabulary_map(
        zip(engine.source_tokens(built_from), outputs, strict=True),
        common=common,
        per_source=per_source,
        ignore=engine.tokenizer.all_special_tokens,
    )
    path = write_vocabulary_map(vmap, output)
    click.echo(
        f"{path}: {len(vmap.common)} always-allowed pieces, {len(vmap.rules)} source "
        f"pieces, {vmap.size()} output pieces in all, from {vmap.sentences} sentences"
    )
    if check:
        full = translate_pieces(engine, check, settings)
        mapped: Any = load_engine(
            model, backend="ctranslate2", device="cpu", dtype=dtype, vmap=str(path)
        )
        agreement = compare_outputs(full, translate_pieces(mapped, check, settings))
        click.echo(
            f"held-out: {agreement.identical}/{agreement.sentences} outputs identical to the "
            f"full vocabulary's ({agreement.identical_share:.1%}), token agreement "
            f"{agreement.token_agreement:.1%}"
        )
    else:
        click.echo("held-out check skipped (--held-out 0)")


def _register_subcommands() -> None:
    # Both modules import only click at module level; their heavy parts load on use.
    from summarize.demo import demo_command
    from summarize.evaluation.cli import eval_command
    from summarize.evaluation.data_cli import data_group

    main.add_command(eval_command, "eval")
    main.add_command(data_group, "data")
    main.add_command(demo_command, "demo")


_register_subcommands()


if __name__ == "__main__":  # pragma: no cover
    main()
