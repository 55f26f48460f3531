"""Loaders for the evaluation data sets, each reading the data set's own files in their
original format (nothing is copied into the repository).

Every loader returns a list of frozen :class:`EvalItem` and takes ``limit`` (first N
items). Loaders:

* :func:`load_nusax_mt` - NusaX-MT csv (one column per language).
* :func:`load_tatoeba` - OPUS-MT-testsets Tatoeba, two line-aligned files.
* :func:`load_talpco` - TALPCo, two tab-separated ``ID<TAB>sentence`` files joined on ID.
* :func:`load_indosum` - IndoSum JSONL, pre-tokenised; detokenised here.
* :func:`load_pairs` - user JSONL/CSV with ``source``/``reference`` and system columns.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.errors import ConfigError, MalformedRecordError


@dataclass(frozen=True)
class EvalItem:
    """One evaluation item: a source, its reference, and (for summarisation data sets
    that ship a sentence split) the source sentences."""

    id: str
    source: str
    reference: str
    source_sentences: tuple[str, ...] | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _existing(path: str | Path, what: str = "dataset file") -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        raise ConfigError(f"{what} not found: {p}")
    return p


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise ConfigError(f"limit must be >= 0, got {limit}")


def _take(items: Iterable[EvalItem], limit: int | None) -> list[EvalItem]:
    _check_limit(limit)
    out: list[EvalItem] = []
    for item in items:
        if limit is not None and len(out) >= limit:
            break
        out.append(item)
    return out


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedRecordError(f"{path} is not valid UTF-8 text ({exc})") from exc


def sha256_files(paths: Sequence[str | Path]) -> str:
    """SHA-256 of the concatenated bytes of ``paths`` (the data set's fingerprint)."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- NusaX-MT


def load_nusax_mt(
    path: str | Path,
    src: str = "indonesian",
    tgt: str = "english",
    *,
    limit: int | None = None,
) -> list[EvalItem]:
    """NusaX-MT ``{train,valid,test}.csv``: an unnamed id column plus one column per
    language (``indonesian``, ``english``, ``javanese``, ...)."""
    p = _existing(path)
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames or []
        for col in (src, tgt):
            if col not in columns:
                raise ConfigError(
                    f"{p}: no column {col!r}; available: {', '.join(c for c in columns if c)}"
                )
        id_col = "" if "" in columns else ("id" if "id" in columns else None)

        def items() -> Iterator[EvalItem]:
            for i, row in enumerate(reader):
                item_id = (row.get(id_col) if id_col is not None else None) or str(i)
                yield EvalItem(
                    id=str(item_id).strip(),
                    source=(row[src] or "").strip(),
                    reference=(row[tgt] or "").strip(),
                    meta={"dataset": "nusax_mt", "src": src, "tgt": tgt, "row": i + 1},
                )

        return _take(items(), limit)


# ---------------------------------------------------------------------------- Tatoeba


def tatoeba_files(
    path: str | Path | Sequence[str | Path], src: str = "ind", tgt: str = "eng"
) -> tuple[Path, Path]:
    """Resolve the (source, target) files of a line-aligned pair: a ``(src, tgt)`` pair of
    paths, a prefix (``.../tatoeba-test-v2021-08-07`` + ``.ind``/``.eng``), one of the two
    files, or a directory holding exactly one ``*.{src}``/``*.{tgt}`` pair."""
    if not isinstance(path, (str, Path)):
        pair = list(path)
        if len(pair) != 2:
            raise ConfigError("give the Tatoeba files as a (source, target) pair")
        return _existing(pair[0]), _existing(pair[1])
    p = Path(path).expanduser()
    if p.is_dir():
        srcs = sorted(p.glob(f"*.{src}"))
        if len(srcs) != 1:
            raise ConfigError(f"{p}: expected exactly one *.{src} file, found {len(srcs)}")
        prefix = srcs[0].with_suffix("")
    elif p.suffix in (f".{src}", f".{tgt}"):
        prefix = p.with_suffix("")
    else:
        prefix = p
    return (
        _existing(prefix.parent / f"{prefix.name}.{src}"),
        _existing(prefix.parent / f"{prefix.name}.{tgt}"),
    )


def load_tatoeba(
    path: str | Path | Sequence[str | Path],
    src: str = "ind",
    tgt: str = "eng",
    *,
    limit: int | None = None,
) -> list[EvalItem]:
    """Tatoeba test set from OPUS-MT-testsets: two files aligned by line number."""
    src_file, tgt_file = tatoeba_files(path, src, tgt)
    src_lines = _read_text(src_file).splitlines()
    tgt_lines = _read_text(tgt_file).splitlines()
    if len(src_lines) != len(tgt_lines):
        raise MalformedRecordError(
            f"{src_file.name} has {len(src_lines)} lines but {tgt_file.name} has {len(tgt_lines)}"
        )
    items = (
        EvalItem(
            id=str(i + 1),
            source=s.strip(),
            reference=t.strip(),
            meta={"dataset": "tatoeba", "line": i + 1},
        )
        for i, (s, t) in enumerate(zip(src_lines, tgt_lines, strict=True))
    )
    return _take(items, limit)


# ----------------------------------------------------------------------------- TALPCo


def _read_id_file(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for n, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        if "\t" not in line:
            raise MalformedRecordError(f"{path}:{n}: expected 'ID<TAB>sentence'")
        key, _, text = line.partition("\t")
        out[key.strip()] = text.strip()
    return out


def load_talpco(
    ind_file: str | Path, eng_file: str | Path, *, limit: int | None = None
) -> list[EvalItem]:
    """TALPCo: tab-separated ``ID<TAB>sentence`` files for each language, joined on ID
    (in the order of the Indonesian file; IDs missing on either side are skipped)."""
    src = _read_id_file(_existing(ind_file))
    tgt = _read_id_file(_existing(eng_file))
    items = (
        EvalItem(id=k, source=v, reference=tgt[k], meta={"dataset": "talpco"})
        for k, v in src.items()
        if k in tgt
    )
    return _take(items, limit)


# ---------------------------------------------------------------------------- IndoSum

_NO_SPACE_BEFORE = frozenset(
    [".", ",", "!", "?", ";", ":", ")", "]", "}", "%", "”", "’", "»", "...", "..", "…", "'s", "n't"]
)
_NO_SPACE_AFTER = frozenset(["(", "[", "{", "“", "‘", "«", "`", "``"])
_AMBIGUOUS_QUOTES = frozenset(['"', "'"])


def detokenize(tokens: Sequence[str], quote_state: dict[str, bool] | None = None) -> str:
    """Rejoin pre-tokenised text.

    No space before ``. , ! ? ; : ) ] } %`` and closing quotes, none after opening
    brackets/quotes; straight ``"``/``'`` alternate between opening and closing
    (``quote_state`` carries that across the sentences of one paragraph); ``/`` is glued
    to both neighbours; a ``-`` is glued when the next token starts with a lowercase
    letter or digit (``ke - 25`` -> ``ke-25``, ``Anak - anak`` -> ``Anak-anak``), and
    whitespace-only tokens are dropped.
    """
    state = quote_state if quote_state is not None else {}
    toks = [t.strip() for t in tokens]
    toks = [t for t in toks if t]
    out: list[str] = []
    glue_next = False
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i > 0 else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        attach, glue = _glue(tok, prev, nxt, state)
        if out and not (attach or glue_next):
            out.append(" ")
        out.append(tok)
        glue_next = glue or tok in _NO_SPACE_AFTER
    return "".join(out)


def _glue(tok: str, prev: str, nxt: str, state: dict[str, bool]) -> tuple[bool, bool]:
    """Whether ``tok`` attaches to the token before it, and the one after it to ``tok``
    (:func:`detokenize`'s rules; ``state`` tracks open straight quotes)."""
    if tok in _AMBIGUOUS_QUOTES:
        opening = not state.get(tok, False)
        state[tok] = opening
        return not opening, opening
    if tok == "/":
        return True, True
    if tok == "-":
        c = nxt[:1]
        glued = c.isalnum() and (c.islower() or c.isdigit()) and prev[-1:].isalnum()
        return glued, glued
    if tok in _NO_SPACE_BEFORE or tok.startswith("'s"):
        return True, False
    # enclitic: "nature -nya" -> "nature-nya"
    return tok.startswith("-") and tok[1:].isalpha() and tok[1:].islower(), False


def _indosum_paragraphs(
    paragraphs: Sequence[Sequence[Sequence[str]]], gold: Sequence[Sequence[Any]]
) -> tuple[list[list[str]], list[bool]]:
    """Each paragraph's detokenised sentences (empty ones dropped) and the gold
    extractive labels of the sentences kept."""
    para_sents: list[list[str]] = []
    labels: list[bool] = []
    for p_idx, para in enumerate(paragraphs):
        state: dict[str, bool] = {}
        sents = [detokenize(s, state) for s in para]
        para_sents.append([s for s in sents if s])
        if p_idx < len(gold):
            labels.extend(bool(x) for x, s in zip(gold[p_idx], sents, strict=False) if s)
    return para_sents, labels


def _indosum_record(obj: dict[str, Any], line_no: int, path: Path) -> EvalItem:
    try:
        paragraphs = obj["paragraphs"]
        summary = obj["summary"]
    except KeyError as exc:
        raise MalformedRecordError(f"{path}:{line_no}: IndoSum record lacks {exc}") from exc
    para_sents, labels = _indosum_paragraphs(paragraphs, obj.get("gold_labels") or [])
    summary_state: dict[str, bool] = {}
    summary_sents = [s for s in (detokenize(x, summary_state) for x in summary) if s]
    sentences = tuple(s for para in para_sents for s in para)
    meta = {
        "dataset": "indosum",
        "category": obj.get("category"),
        "source": obj.get("source"),
        "source_url": obj.get("source_url"),
        "paragraph_sizes": [len(p) for p in para_sents],
        "line": line_no,
    }
    if len(labels) == len(sentences):
        meta["gold_labels"] = labels
    return EvalItem(
        id=str(obj.get("id", line_no)),
        source="\n\n".join(" ".join(p) for p in para_sents if p),
        reference="\n".join(summary_sents),
        source_sentences=sentences,
        meta=meta,
    )


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line of a JSON Lines file; a line that
    is not a JSON object is a :class:`MalformedRecordError` naming the file and line."""
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MalformedRecordError(f"{path}:{n}: invalid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise MalformedRecordError(f"{path}:{n}: expected a JSON object")
            yield n, obj


def load_indosum(path: str | Path, *, limit: int | None = None) -> list[EvalItem]:
    """IndoSum JSONL (any fold/split). ``source`` is the detokenised article (paragraphs
    separated by a blank line), ``source_sentences`` the data set's own sentence split,
    and ``reference`` the detokenised gold summary, one sentence per line."""
    p = _existing(path)
    _check_limit(limit)
    return _take((_indosum_record(obj, n, p) for n, obj in iter_jsonl(p)), limit)


def is_indosum_file(path: str | Path) -> bool:
    """Whether ``path`` is a JSONL file whose first record has IndoSum's ``paragraphs``."""
    p = Path(path)
    if not p.is_file() or p.suffix.lower() not in (".jsonl", ".json", ".jl"):
        return False
    try:
        with open(p, encoding="utf-8-sig") as fh:
            for line in fh:
                if line.strip():
                    obj = json.loads(line)
                    return isinstance(obj, dict) and "paragraphs" in obj and "summary" in obj
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


# ------------------------------------------------------------------------ user pairs

#: Columns of a pairs file that are neither system outputs nor required fields.
METADATA_COLUMNS = frozenset(
    [
        "id",
        "source",
        "reference",
        "references",
        "title",
        "url",
        "meta",
        "metadata",
        "lang",
        "language",
        "category",
    ]
)


def _read_pairs_rows(p: Path) -> list[dict[str, Any]]:
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".jl", ".ndjson"):
        return [obj for _, obj in iter_jsonl(p)]
    if suffix in (".csv", ".tsv"):
        with open(p, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            return [dict(r) for r in reader]
    raise ConfigError(f"{p}: unsupported pairs format {suffix!r}; use .jsonl or .csv")


def _system_columns(first: dict[str, Any], fields: tuple[str, str]) -> list[str]:
    """The system output columns of a pairs file: the first row's text (or empty)
    columns that are neither metadata nor the source/reference fields."""
    return [
        k
        for k, v in first.items()
        if k and k not in METADATA_COLUMNS and k not in fields and (isinstance(v, str) or v is None)
    ]


def load_pairs(
    path: str | Path,
    *,
    limit: int | None = None,
    source_field: str = "source",
    reference_field: str = "reference",
) -> tuple[list[EvalItem], dict[str, list[str]]]:
    """A user file of ``source``/``reference`` pairs (JSONL or CSV) plus optional system
    outputs: a ``prediction`` column, or any other string column not in
    :data:`METADATA_COLUMNS`, each column being one system named after it.

    Returns the items and ``{system name: predictions}`` (aligned with the items).
    """
    p = _existing(path)
    _check_limit(limit)
    rows = _read_pairs_rows(p)
    if limit is not None:
        rows = rows[:limit]
    items: list[EvalItem] = []
    systems: dict[str, list[str]] = {}
    fields = (source_field, reference_field)
    system_columns = _system_columns(rows[0], fields) if rows else []
    for i, row in enumerate(rows):
        for col in fields:
            if col not in row or not isinstance(row[col], str):
                raise MalformedRecordError(f"{p}: record {i + 1} lacks a text field {col!r}")
        for col in system_columns:
            value = row.get(col)
            if value is not None and not isinstance(value, str):
                raise MalformedRecordError(f"{p}: record {i + 1}: column {col!r} is not text")
            systems.setdefault(col, []).append(value or "")
        meta = {
            k: v
            for k, v in row.items()
            if k not in system_columns and k not in (source_field, reference_field, "id")
        }
        items.append(
            EvalItem(
                id=str(row.get("id") or i + 1),
                source=row[source_field],
                reference=row[reference_field],
                meta={"dataset": "pairs", **meta},
            )
        )
    return items, systems


def _joined_on_id(
    p: Path, rows: list[dict[str, Any]], col: str, items: Sequence[EvalItem]
) -> list[str] | None:
    """Predictions joined on ``id`` when every row has one and every item is found;
    ``None`` when the ids do not match any item (the file is then read by order)."""
    if not all("id" in r for r in rows):
        return None
    by_id = {str(r["id"]): r.get(col) or "" for r in rows}
    missing = [it.id for it in items if it.id not in by_id]
    if not missing:
        return [str(by_id[it.id]) for it in items]
    if len(missing) < len(items):
        raise MalformedRecordError(
            f"{p}: no prediction for {len(missing)} item(s), e.g. id {missing[0]!r}"
        )
    return None


def load_predictions(
    path: str | Path,
    items: Sequence[EvalItem],
    *,
    column: str | None = None,
    candidates: Sequence[str] = ("prediction", "summary", "translation", "output", "hypothesis"),
) -> list[str]:
    """Precomputed predictions for ``items``: a ``.txt`` file (one per line, in item
    order) or JSONL/CSV with a text ``column`` (default: the first of ``candidates``
    present), joined on ``id`` when the file has ids, otherwise by order."""
    p = _existing(path, "predictions file")
    if p.suffix.lower() == ".txt":
        lines = _read_text(p).splitlines()
        if len(lines) < len(items):
            raise MalformedRecordError(f"{p}: {len(lines)} lines for {len(items)} items")
        return [line.replace("\\n", "\n") for line in lines[: len(items)]]
    rows = _read_pairs_rows(p)
    if not rows:
        raise MalformedRecordError(f"{p}: no predictions")
    col = column or next((c for c in candidates if c in rows[0]), None)
    if col is None or col not in rows[0]:
        raise ConfigError(
            f"{p}: no prediction column (looked for {column or ', '.join(candidates)})"
        )
    joined = _joined_on_id(p, rows, col, items)
    if joined is not None:
        return joined
    if len(rows) < len(items):
        raise MalformedRecordError(f"{p}: {len(rows)} predictions for {len(items)} items")
    return [str(r.get(col) or "") for r in rows[: len(items)]]


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class LoaderInfo:
    name: str
    function: Callable[..., list[EvalItem]]
    #: the names of the file-path arguments a suite gives (each resolved as a path)
    path_args: tuple[str, ...]


LOADERS: dict[str, LoaderInfo] = {
    "nusax_mt": LoaderInfo("nusax_mt", load_nusax_mt, ("path",)),
    "tatoeba": LoaderInfo("tatoeba", load_tatoeba, ("path",)),
    "talpco": LoaderInfo("talpco", load_talpco, ("ind_file", "eng_file")),
    "indosum": LoaderInfo("indosum", load_indosum, ("path",)),
}


def dataset_files(loader: str, paths: dict[str, Path], options: dict[str, Any]) -> list[Path]:
    """The files a loader call reads (for the data set's sha256 fingerprint)."""
    if loader == "tatoeba":
        return list(
            tatoeba_files(paths["path"], options.get("src", "ind"), options.get("tgt", "eng"))
        )
    return (
        [paths[k] for k in LOADERS[loader].path_args if k in paths]
        if loader in LOADERS
        else list(paths.values())
    )


def normalise_loader_name(name: str) -> str:
    key = re.sub(r"[-\s]", "_", name.strip().lower())
    aliases = {
        "nusax": "nusax_mt",
        "nusaxmt": "nusax_mt",
        "tatoeba_eng_ind": "tatoeba",
        "pairs": "pairs",
    }
    return aliases.get(key, key)
