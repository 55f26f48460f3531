"""``summarize data``: list and fetch the named evaluation data sets."""

from __future__ import annotations

import sys

import click

from summarize.cli_errors import ErrorHandlingGroup

EPILOG = """\b
Examples:
  summarize data list
  summarize data pull nusax-mt
  summarize data pull                      # every data set
  SUMMARIZE_DATA=/data/eval summarize data pull tatoeba talpco
  summarize data pull nusax-mt --mirror http://127.0.0.1:8000

\b
The cache is $SUMMARIZE_DATA, else ~/.cache/summarize/data ($SUMMARIZE_CACHE/data),
one folder per data set; licence files are kept beside the data.
"""


@click.group(
    cls=ErrorHandlingGroup,
    name="data",
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
def data_group() -> None:
    """Evaluation data sets: list them and fetch them into the data cache (checked by sha256)."""


@data_group.command("list")
def data_list() -> None:
    """Show every data set: cache state, licence, source and citation."""
    from summarize.evaluation.data import DATASETS, data_dir, status

    click.echo(f"data cache: {data_dir()}")
    width = max(len(n) for n in DATASETS)
    for name, ds in DATASETS.items():
        st = status(name)
        click.echo(f"{name:<{width}}  {st.summary():<16} {ds.licence}  {ds.description}")
        click.echo(f"{'':<{width}}  source: {ds.source}")
        click.echo(f"{'':<{width}}  cite: {ds.citation}")


@data_group.command("pull")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--mirror",
    metavar="URL",
    help="Fetch from this base URL instead of the sources; it must hold the cache layout "
    "(URL/FOLDER/FILE). Default: $SUMMARIZE_DATA_MIRROR.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def data_pull(names: tuple[str, ...], mirror: str | None, quiet: bool) -> None:
    """Download data sets into the data cache (default: every data set).

    Files already cached with the right sha256 are kept; missing or damaged ones are
    fetched again. Each file is checked before it is put in place.
    """
    from summarize.evaluation.data import DATASETS, get_dataset
    from summarize.evaluation.download import pull

    for name in names:
        get_dataset(name)  # unknown names fail before anything is fetched
    for name in names or tuple(DATASETS):
        ds = get_dataset(name)
        result = pull(name, mirror=mirror, progress=not quiet and sys.stderr.isatty())
        what = f"{len(result.fetched)} file(s) fetched, {len(result.kept)} already cached"
        if result.refetched:
            what += f"; fetched again (checksum failed): {', '.join(result.refetched)}"
        click.echo(f"{name}: {what}, sha256 ok -> {result.folder}")
        licence_files = ", ".join(f.name for f in ds.licence_files) or "none shipped"
        click.echo(f"  licence: {ds.licence} ({ds.licence_url}); licence file: {licence_files}")
        if ds.note:
            click.echo(f"  note: {ds.note}")
        click.echo(f"  cite: {ds.citation}")
