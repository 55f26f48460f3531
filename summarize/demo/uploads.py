"""Reading what visitors give the demo: pasted text, uploaded articles, batch files and
evaluation files, with size limits and messages a visitor can act on (:class:`DemoError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarize.demo.errors import DemoError
from summarize.errors import InputError

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
BATCH_SUFFIXES = (".jsonl", ".ndjson", ".csv", *ARTICLE_SUFFIXES)
EVAL_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv")


def pasted_article(text: str | None, max_chars: int) -> dict[str, Any]:
    """Pasted text as a pipeline record."""
    text = text or ""
    if not text.strip():
        raise DemoError(
            "The article is empty. Paste an Indonesian news article, upload a "
            ".txt/.html file, or pick one of the examples.",
            title="No article",
        )
    if len(text) > max_chars:
        raise DemoError(too_large(len(text), max_chars), title="Article too large")
    return {"id": "article", "text": text}


def read_article_upload(path: str, max_chars: int) -> dict[str, Any]:
    """An uploaded .txt/.html article as a pipeline record (its bytes; decoded later)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise DemoError(
            f"'{p.name}' is not a text or HTML file. Upload a .txt or .html file "
            "(for JSONL/CSV collections use the Batch tab).",
            title="Unsupported file",
        )
    size = p.stat().st_size
    if size > max_chars * 4:  # cheap early check; exact one below
        raise DemoError(too_large(size, max_chars, unit="bytes"), title="Article too large")
    data = p.read_bytes()
    record: dict[str, Any] = {"id": p.stem, "text": data, "file": p.name}
    if suffix in (".html", ".htm"):
        record["html"] = True
    return record


def too_large(n: int, max_chars: int, unit: str = "characters") -> str:
    """The message for an article over the demo's limit."""
    return (
        f"The article has {n:,} {unit}; this demo accepts up to {max_chars:,} "
        "characters. Shorten it, or use the command line (`summarize run`) for long documents."
    )


def check_article(record: dict[str, Any]) -> int:
    """Check the article up front (typed errors, friendly messages) and count the
    sentences to translate, for the progress bar."""
    from summarize.errors import BinaryInputError, EmptyInputError
    from summarize.text import prepare_article

    try:
        article = prepare_article(record["text"], html=record.get("html"))
    except BinaryInputError as exc:
        raise DemoError(
            f"This does not look like a text article: {exc}. Upload a UTF-8 encoded "
            ".txt or .html file, or paste the text.",
            title="Cannot read the file",
        ) from exc
    except EmptyInputError as exc:
        raise DemoError(
            f"The article is empty ({exc}). Paste the article body or pick an example.",
            title="No article",
        ) from exc
    except InputError as exc:
        raise DemoError(friendly_record_error(str(exc)), title="Cannot read the article") from exc
    return len(article.sentences) + (1 if article.title else 0)


def friendly_record_error(error: str) -> str:
    """A pipeline record error in words a visitor can act on."""
    low = error.lower()
    if any(k in low for k in ("utf", "binary", "decode", "not text", "encoded")):
        return (
            f"This does not look like a text article: {error}. Upload a UTF-8 encoded "
            ".txt or .html file, or paste the text."
        )
    if "empty" in low:
        return f"The article is empty after cleaning ({error}). Paste the article body."
    return f"The article could not be processed: {error}"


def uploaded_paths(files: Sequence[str] | str | None) -> list[str]:
    """The paths of a Gradio file input (one path, a list or nothing), empty ones dropped."""
    if isinstance(files, str):
        files = [files]
    return [f for f in (files or []) if f]


def batch_records(paths: Sequence[str], max_records: int) -> tuple[list[dict[str, Any]], int]:
    """The records of uploaded JSONL/CSV/article files (at most ``max_records``)."""
    from summarize.io import count_records, iter_records

    for p in paths:
        if Path(p).suffix.lower() not in BATCH_SUFFIXES:
            raise DemoError(
                f"'{Path(p).name}' is not a supported file. Upload JSONL or CSV files "
                "(one article per line/row with a 'text' column) or .txt/.html articles.",
                title="Unsupported file",
            )
    total = count_records(paths) or 0
    if total > max_records:
        raise DemoError(
            f"The upload holds {total:,} articles; this demo processes up to "
            f"{max_records:,} per batch. Use `summarize run` for more.",
            title="Too many articles",
        )
    records = []
    for rec in iter_records(paths):
        if "path" in rec:  # don't echo the server's upload paths back
            rec["file"] = Path(rec.pop("path")).name
        records.append(rec)
    if len(records) > max_records:
        raise DemoError(
            f"The upload holds more than {max_records:,} articles.",
            title="Too many articles",
        )
    return records, len(records)


def check_eval_upload(file: str) -> None:
    """Refuse an evaluation upload that is not JSONL/CSV/TSV."""
    if Path(file).suffix.lower() not in EVAL_SUFFIXES:
        raise DemoError(
            f"'{Path(file).name}' is not a JSONL/CSV file. Upload one with "
            "source, reference and prediction (or other system) columns.",
            title="Unsupported file",
        )
