"""Worst-case text through the whole ``summarize run``:
``python -m summarize.bench --text-worst-case --pipeline``.

Each pattern (capitalised names, dates, zero-width and bidi characters, a run-on text
without punctuation) is repeated to each size, written as one JSONL record and run
through the real command, in this process (``summarize run FILE -o OUT -s
extract-translate --mt-model M``): reading, cleaning, sentence splitting, picking,
translating, the trust checks, story grouping and writing. The models are loaded once
before the timings (a warm-up run on a short article; engines are cached per process),
so the times are the work on the text, not the model load. Linear work shows about 10x
the time for 10x the input; the target is at most 12x.

The default model is the tiny random-weight Marian model (``$SUMMARIZE_TINY_DIR/marian``,
built when missing): its translations are noise, but the text paths are the real ones.
``--max-translation-length`` is kept small (16) so that the random model's output length
does not hide the text work.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

#: name -> the unit repeated to fill the size.
PIPELINE_PATTERNS: dict[str, str] = {
    "names": "Budi Santoso ",
    "dates": "5 Januari 2020 ",
    "zero_width": "kata\u200b\u200c\u200d ini\u2060\ufeff ",
    "bidi": "Budi\u200f Santoso\u202e pergi\u202c \u2066ke\u2069 ",
    "run_on": "kata ",
}

#: What every timed run passes besides its input and output.
RUN_ARGS: tuple[str, ...] = (
    "-s",
    "extract-translate",
    "--max-translation-length",
    "16",
    "--no-progress",
)


def make_text(unit: str, size: int) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def default_mt_model() -> str:
    """``$SUMMARIZE_TINY_DIR/marian`` (built there, or in a temporary folder, if missing)."""
    from summarize.testing import build_tiny_models

    root = os.environ.get("SUMMARIZE_TINY_DIR") or str(
        Path(tempfile.gettempdir()) / "summarize-tiny"
    )
    return build_tiny_models(root, ["marian"])["marian"]


def _run_once(text: str, workdir: Path, mt_model: str, extra: Sequence[str]) -> tuple[float, int]:
    """Seconds for one ``summarize run`` of one record holding ``text``, and its exit code."""
    from click.testing import CliRunner

    from summarize.cli import main

    src = workdir / "in.jsonl"
    out = workdir / "out.jsonl"
    src.write_text(json.dumps({"id": "x", "text": text}, ensure_ascii=False) + "\n", "utf-8")
    out.unlink(missing_ok=True)
    args = ["run", str(src), "-o", str(out), "--mt-model", mt_model, *RUN_ARGS, *extra]
    start = time.perf_counter()
    result = CliRunner().invoke(main, args)
    elapsed = time.perf_counter() - start
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise RuntimeError(f"summarize run failed: {result.exception!r}") from result.exception
    return elapsed, int(result.exit_code or 0)


def run(
    sizes: Sequence[int],
    patterns: Sequence[str] | None = None,
    repeat: int = 1,
    *,
    mt_model: str | None = None,
    extra: Sequence[str] = (),
) -> list[tuple[str, list[float]]]:
    """Time every pattern at every size (best of ``repeat``); print and return the table."""
    model = mt_model or default_mt_model()
    names = list(patterns or PIPELINE_PATTERNS)
    rows: list[tuple[str, list[float]]] = []
    with tempfile.TemporaryDirectory(prefix="summarize-textbench-") as tmp:
        workdir = Path(tmp)
        _run_once("Presiden meresmikan jalan tol baru di Jawa Tengah.", workdir, model, extra)
        header = f"{'pattern':<14}" + "".join(f"{f'{s:,} chars':>16}" for s in sizes)
        if len(sizes) > 1:
            header += f"{'ratio':>9}"
        print(f"summarize run {' '.join(RUN_ARGS)} --mt-model {model}", flush=True)
        print(header, flush=True)
        for name in names:
            times = []
            for size in sizes:
                text = make_text(PIPELINE_PATTERNS[name], size)
                best = min(_run_once(text, workdir, model, extra)[0] for _ in range(repeat))
                times.append(best)
            rows.append((name, times))
            line = f"{name:<14}" + "".join(f"{t:>14.2f} s" for t in times)
            if len(sizes) > 1:
                line += f"{times[-1] / max(times[0], 1e-9):>8.1f}x"
            print(line, flush=True)
    if len(sizes) > 1:
        ratios = [times[-1] / max(times[0], 1e-9) for _, times in rows]
        print(
            f"largest ratio ({sizes[-1] // sizes[0]}x input): {max(ratios):.1f}x time "
            "(target: at most 12x)",
            flush=True,
        )
    return rows
