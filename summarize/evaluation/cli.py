"""``summarize eval``: run an evaluation suite or score a data file."""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

import click

from summarize.cli_common import pipeline_options, pipeline_overrides, pop_pipeline_options
from summarize.cli_errors import ErrorHandlingCommand, fail_with
from summarize.errors import SummarizeError
from summarize.evaluation.tasks import TASKS

EPILOG = """\b
Examples:
  summarize eval indosum-baselines
      lead-3 and TextRank-3 on 150 IndoSum articles, ROUGE-1/2/L/Lsum with 95% CIs
  summarize eval nusax-mt --mt-model /tmp/tiny/marian --limit 20
      NusaX-MT with a local model as the pipeline system
  summarize eval nusax-mt --system copy-source --metric bleu --metric chrf
  summarize eval eval/talpco.toml --resamples 2000 --seed 7 -o results/talpco
  summarize eval my-outputs.jsonl
      JSONL/CSV with `source`, `reference` and one column per system
  summarize eval path/to/indosum/test.01.jsonl
      an IndoSum-format file: lead-3 and TextRank-3 baselines with ROUGE
  summarize eval trust
      detector benchmark of the quality flags (recall per fault, false positives)
  summarize eval trust --annotated annotations.jsonl
      the quality flags against annotated errors of real MT output (precision, recall)
  summarize eval --list

\b
Writes results.json (scores, CIs, full signature), report.md, scores.png and
predictions.jsonl to --output-dir (default: results/eval/<suite>).
"""


def _list_suites() -> str:
    from summarize.evaluation.suite import list_suites, load_suite
    from summarize.evaluation.trust import is_trust_file

    lines = []
    for name, path in list_suites().items():
        try:
            if is_trust_file(path):
                lines.append(f"{name:24s} detector benchmark of summarize.quality  ({path})")
                continue
            suite = load_suite(path)
            what = f"{suite.task}, {len(suite.systems)} systems: {', '.join(suite.system_names())}"
        except SummarizeError as exc:
            what = f"invalid: {exc}"
        lines.append(f"{name:24s} {what}  ({path})")
    return "\n".join(lines) or "no suites found"


@click.command(
    cls=ErrorHandlingCommand,
    name="eval",
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument("target", required=False, metavar="SUITE|FILE")
@click.option(
    "--system",
    "systems",
    multiple=True,
    metavar="NAME",
    help="Only evaluate this system (repeatable; order kept).",
)
@click.option("--limit", type=click.IntRange(min=0), help="Evaluate only the first N items.")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for results.json, report.md, scores.png (default results/eval/<suite>).",
)
@click.option("--seed", type=int, help="Bootstrap seed (default: the suite's, else 12345).")
@click.option(
    "--resamples",
    type=click.IntRange(min=1),
    help="Bootstrap resamples (default: the suite's, else 1000).",
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    metavar="NAME",
    help="Score these metrics instead of the suite's (repeatable): rouge1, rouge2, "
    "rougeL, rougeLsum, bleu, chrf, chrf++, length, compression, novel-N, "
    "repetition-N, number-preservation, entity-preservation, ...; aliases rouge, "
    "preservation, reference-free.",
)
@pipeline_options(
    help_for={
        "strategy": "Strategy for pipeline systems.",
        "mt_model": "Translation model (hub id or local dir) for pipeline systems.",
        "sum_model": "Summarisation model for pipeline systems.",
    },
    show_defaults=False,
)
@click.option(
    "--task",
    type=click.Choice(list(TASKS)),
    help="Task of a pairs FILE (default: guessed from lengths).",
)
@click.option(
    "--rouge-tokenizer",
    type=click.Choice(["unicode", "default"]),
    help="ROUGE tokenizer: 'unicode' keeps non-ASCII letters and hyphenated words; 'default' "
    "is rouge-score's own (to compare with plain rouge-score). Default: the suite's (unicode).",
)
@click.option(
    "--rouge-stemmer/--no-rouge-stemmer",
    default=None,
    help="Porter stemming for ROUGE (English references only). Default: the suite's (off).",
)
@click.option("--no-plot", is_flag=True, help="Do not draw scores.png.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@click.option("--list", "list_only", is_flag=True, help="List the suites in eval/ and exit.")
@click.option(
    "--annotated",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With `trust`: score the quality flags against this JSONL of annotated MT output "
    "(source, translation, errors) instead of synthetic faults.",
)
def eval_command(
    target: str | None,
    systems: tuple[str, ...],
    limit: int | None,
    output_dir: Path | None,
    seed: int | None,
    resamples: int | None,
    metrics: tuple[str, ...],
    task: str | None,
    rouge_tokenizer: str | None,
    rouge_stemmer: bool | None,
    no_plot: bool,
    quiet: bool,
    list_only: bool,
    annotated: Path | None,
    **options: Any,
) -> None:
    """Evaluate systems on a suite (a name in eval/ or a .toml file) or a data FILE.

    Prints a table of scores with 95% bootstrap confidence intervals and writes a
    reproducible report. Runs offline: named data sets are read from the data cache
    (fetch them once with `summarize data pull NAME`) and models must be available
    locally.
    """
    if list_only:
        click.echo(_list_suites())
        return
    if not target:
        raise click.UsageError("give a SUITE name, a suite .toml, or a data FILE (see --list)")
    from summarize.evaluation.runner import run_suite
    from summarize.evaluation.suite import slug
    from summarize.evaluation.trust import trust_command

    started = time.perf_counter()
    if annotated is not None:
        _annotated(target, annotated, seed, resamples, output_dir)
        return
    try:
        if trust_command(
            target, limit=limit, seed=seed, resamples=resamples, output_dir=output_dir
        ):
            return  # a detector benchmark (eval/trust.toml): no systems to run
        suite = _suite(target, task, rouge_tokenizer, rouge_stemmer)
        out_dir = output_dir or Path("results") / "eval" / slug(suite.name)
        report = run_suite(
            suite,
            systems=list(systems) or None,
            limit=limit,
            output_dir=out_dir,
            seed=seed,
            resamples=resamples,
            metrics=list(metrics) or None,
            overrides=pipeline_overrides(pop_pipeline_options(options)),
            progress=not quiet and sys.stderr.isatty(),
            plot=not no_plot,
        )
    except SummarizeError as exc:
        fail_with(exc)
    _print_report(report, started)


def _annotated(
    target: str, annotated: Path, seed: int | None, resamples: int | None, output_dir: Path | None
) -> None:
    """``eval trust --annotated FILE``: the detectors against human annotations."""
    if target != "trust":
        raise click.UsageError("--annotated goes with the target `trust`")
    from summarize.evaluation.annotated import annotated_command

    try:
        annotated_command(annotated, seed=seed, resamples=resamples, output_dir=output_dir)
    except SummarizeError as exc:
        fail_with(exc)


def _suite(target: str, task: str | None, tokenizer: str | None, stemmer: bool | None) -> Any:
    """The suite of ``target`` with the command line's ROUGE settings."""
    from summarize.evaluation.suite import load_target

    suite = load_target(target, task=task)
    changes = {
        k: v for k, v in {"tokenizer": tokenizer, "stemmer": stemmer}.items() if v is not None
    }
    return dataclasses.replace(suite, rouge={**suite.rouge, **changes}) if changes else suite


def _print_report(report: Any, started: float) -> None:
    from summarize.evaluation.report import render_table

    click.echo(f"{report.suite.name} ({report.suite.task})")
    click.echo(render_table(report))
    for c in report.comparisons:
        click.echo(
            f"paired bootstrap {c.system} vs {c.baseline} on {c.metric}: "
            f"delta {c.delta:+.2f}, p = {c.p_value:.4f}"
        )
    for note in report.notes:
        click.echo(f"note: {note}")
    for kind, path in report.files.items():
        click.echo(f"{kind}: {path}")
    click.echo(f"done in {time.perf_counter() - started:.1f} s")


def main() -> None:  # pragma: no cover - convenience entry point
    eval_command()


if __name__ == "__main__":  # pragma: no cover
    main()
