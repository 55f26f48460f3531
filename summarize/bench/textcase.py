"""Worst-case text preparation benchmark: ``python -m summarize.bench --text-worst-case``.

Every hostile pattern (no spaces, only dots, ``a.b``, e-mail-like, URL-like, deep HTML,
very long "sentences", ...) is repeated to each size and run through
:func:`~summarize.text.prepare_article`; the time per size and the ratio between the
largest and the smallest size are printed. Linear-time text work shows a ratio close to
the size ratio (10x the input, about 10x the time). This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from summarize.errors import InputError
from summarize.text import prepare_article

#: name -> the unit repeated to fill the size.
PATTERNS: dict[str, str] = {
    "no_spaces": "a",
    "only_dots": ".",
    "a.b": "a.b",
    "dots_spaces": ". ",
    "email_like": "a.b@c.",
    "at_signs": "a@",
    "email_dots": "x.",
    "url_like": "http://a.b/",
    "www_dots": "www.",
    "email_at_dot": "a@b.c@",
    "deep_html": "<div>",
    "html_unclosed": "<p a=",
    "html_unclosed_tags": "<a ",
    "html_comments": "<!--",
    "html_marked": "<![",
    "html_end_tags": "</",
    "html_quotes": '<a x=">',
    "html_open_quote": '<p a="x>',
    "html_eq_chain": "<a b=c=",
    "html_entities": "&amp",
    "html_text_amp": "<p>&",
    "long_sentence": "kata ",
    "many_sentences": "Ini kalimat. ",
    "abbreviations": "Dr. Jl. U.S. ",
    "initials": "A. ",
    "numbers": "1. ",
    "boilerplate_lines": "Komentar\n",
    "short_lines": "x\n",
    "blank_lines": "\n \n",
    "dash_prefix": "A - ",
    "source_line": "Sumber: ",
    "ellipsis": "... ",
    "quotes": '"A." ',
    "openers": '("',
    "closers": '.)"',
    "spaces_nbsp": "a\u00a0\t\u200b",
}

SIZES: tuple[int, ...] = (100_000, 1_000_000)


def make_text(unit: str, size: int) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def time_pattern(
    unit: str,
    size: int,
    *,
    repeat: int = 1,
    prepare: Callable[[str], object] = prepare_article,
) -> float:
    """The best of ``repeat`` runs (the least disturbed by other work on the machine)."""
    text = make_text(unit, size)
    best = float("inf")
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        try:
            prepare(text)
        except InputError:
            pass  # "empty after cleaning" is a valid answer for punctuation-only input
        best = min(best, time.perf_counter() - start)
    return best


def run(
    sizes: Sequence[int] = SIZES, patterns: Sequence[str] | None = None, repeat: int = 5
) -> list[tuple[str, list[float]]]:
    names = list(patterns or PATTERNS)
    rows: list[tuple[str, list[float]]] = []
    header = f"{'pattern':<20}" + "".join(f"{f'{s:,} chars':>16}" for s in sizes)
    if len(sizes) > 1:
        header += f"{'ratio':>9}"
    print(header, flush=True)
    for name in names:
        times = [time_pattern(PATTERNS[name], size, repeat=repeat) for size in sizes]
        rows.append((name, times))
        line = f"{name:<20}" + "".join(f"{t:>14.3f} s" for t in times)
        if len(sizes) > 1:
            line += f"{times[-1] / max(times[0], 1e-9):>8.1f}x"
        print(line, flush=True)
    worst = max(rows, key=lambda r: r[1][-1])
    print(f"slowest at {sizes[-1]:,} chars: {worst[0]} {worst[1][-1]:.3f} s", flush=True)
    if len(sizes) > 1:
        ratios = [r[1][-1] / max(r[1][0], 1e-9) for r in rows]
        print(
            f"largest ratio ({sizes[-1] // sizes[0]}x input): {max(ratios):.1f}x time",
            flush=True,
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m summarize.bench --text-worst-case",
        description="Time prepare_article on hostile patterns at two sizes.",
    )
    p.add_argument(
        "--sizes",
        default=",".join(str(s) for s in SIZES),
        help="comma-separated sizes in characters (default 100000,1000000)",
    )
    p.add_argument("--pattern", action="append", choices=sorted(PATTERNS), help="repeatable")
    p.add_argument("--repeat", type=int, default=5, help="best of N runs per size (default 5)")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"prepare_article, best of {args.repeat} run(s) per size", flush=True)
    run(sizes, args.pattern, args.repeat)
    return 0
