"""Worst-case text preparation benchmark: ``python -m summarize.bench --text-worst-case``.

Every hostile pattern (no spaces, only dots, ``a.b``, e-mail-like, URL-like, deep HTML,
very long "sentences", ...) is repeated to each size and run through
:func:`~summarize.text.prepare_article` (with ``--checks``: names, numbers and dates run
through the checks that read whole texts); the time per size and the ratio between the
largest and the smallest size are printed. Linear-time text work shows a ratio close to
the size ratio (10x the input, about 10x the time). This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from summarize.bench.textpipeline import make_text
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

#: ``--checks``: name -> unit, for the checks that read whole texts.
CHECK_PATTERNS: dict[str, str] = {
    "names": "Budi Santoso ",
    "numbers": "12 ",
    "decimals": "3,5 juta ",
    "dates": "5 Januari 2020 ",
    "titles_abbreviations": "Tn. Budi. ",
    "name_sentences": "Menteri Budi ke Jakarta. ",
    "spelled_numbers": "dua ratus lima ",
    "mixed": "Pada 5 Maret, Budi (PBB) bayar Rp 1.500. ",
}

SIZES: tuple[int, ...] = (100_000, 1_000_000)

#: ``--checks``: the English side for :func:`~summarize.quality.check_translation` on a
#: whole text (names, numbers, Indonesian words, a parenthesis, a garbled name)
ENGLISH_UNIT = "Mr. Budi Santosa (UN) paid Rp 1,500 on 5 March to 12 petahana people. "

#: ``--checks``: sentence pairs for the per-sentence time of ``check_translation``
#: (typical lengths; errors of the kinds the checks look for, and clean pairs).
SENTENCE_PAIRS: tuple[tuple[str, str], ...] = (
    (
        "Presiden petahana itu menang dengan 52,3 persen suara pada 24 Februari 2022.",
        "The petahana's president won with 52.3 percent of the vote on February 24, 2022.",
    ),
    (
        "Menteri Luar Negeri Wong Kan Seng mengatakan bahwa Singapura akan membantu.",
        "Foreign Minister Wong Kan Sengid said that Singapore would help.",
    ),
    (
        "Jika setrika tidak tersedia, Anda dapat mencoba menggunakan pengering rambut.",
        "If a setrika is not available, you can try using a hair dryer.",
    ),
    (
        "Badai itu bergerak ke arah barat dengan kecepatan 23 kilometer per jam.",
        "The storm moved west at a speed of 23 kilometres per hour.",
    ),
    (
        "Dokumen itu dikirim pada pukul 23.35. Salinan mencapai London pada 10 Agustus.",
        "The document was sent at 11:35 p.m.",
    ),
    (
        "Seribu orang menghadiri upacara kesembilan di Jakarta (ibu kota Indonesia) kemarin.",
        "A thousand people attended the ninth ceremony in Jakarta (the capital of Indonesia).",
    ),
    (
        "Dr. Ehud Ur, profesor kedokteran di Universitas Dalhousie di Halifax, memperingatkan.",
        "Dr. Ehud your, professor of medicine at Dalhousie University in Halifax, warned.",
    ),
    (
        "Sungai itu bermuara di utara, dekat kota yang ramai dengan para pedagang.",
        "The river flows into the north, near a town busy with traders.",
    ),
)


def whole_text_checks(text: str) -> None:
    """What reads a whole article besides its preparation: the summary's trust flags
    (numbers and names against the source and the translation) and the demo's numbers-
    and names-kept figures."""
    from summarize.evaluation.metrics.preservation import (
        entity_preservation,
        number_preservation,
    )
    from summarize.quality import check_summary, check_translation

    check_summary(text, text[:2000], text)
    check_translation(text, make_text(ENGLISH_UNIT, len(text)))
    number_preservation(text, text)
    entity_preservation(text, text)


def sentence_check_times(repeat: int = 200) -> tuple[float, float]:
    """Median and 95th percentile time (seconds) of one
    :func:`~summarize.quality.check_translation` call on :data:`SENTENCE_PAIRS` (after
    one warm-up call that loads the word-frequency lists)."""
    import statistics

    from summarize.quality import check_translation

    check_translation(*SENTENCE_PAIRS[0])
    times = []
    for _ in range(max(repeat, 1)):
        for source, translation in SENTENCE_PAIRS:
            start = time.perf_counter()
            check_translation(source, translation)
            times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


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
    sizes: Sequence[int] = SIZES,
    patterns: Sequence[str] | None = None,
    repeat: int = 5,
    *,
    checks: bool = False,
) -> list[tuple[str, list[float]]]:
    table = CHECK_PATTERNS if checks else PATTERNS
    prepare = whole_text_checks if checks else prepare_article
    names = list(patterns or table)
    rows: list[tuple[str, list[float]]] = []
    header = f"{'pattern':<20}" + "".join(f"{f'{s:,} chars':>16}" for s in sizes)
    if len(sizes) > 1:
        header += f"{'ratio':>9}"
    print(header, flush=True)
    for name in names:
        times = [time_pattern(table[name], size, repeat=repeat, prepare=prepare) for size in sizes]
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


def _pipeline_patterns() -> list[str]:
    from summarize.bench.textpipeline import PIPELINE_PATTERNS

    return list(PIPELINE_PATTERNS)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m summarize.bench --text-worst-case",
        description="Time prepare_article on hostile patterns at two sizes.",
    )
    p.add_argument(
        "--sizes",
        default=",".join(str(s) for s in SIZES),
        help="comma-separated sizes in characters (default 100000,1000000)",
    )
    p.add_argument(
        "--pattern",
        action="append",
        choices=sorted({*PATTERNS, *CHECK_PATTERNS, *_pipeline_patterns()}),
        help="repeatable",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="best of N runs per size (default 5; 1 with --pipeline)",
    )
    p.add_argument(
        "--pipeline",
        action="store_true",
        help="run names, dates, zero-width, bidi and run-on text through the whole "
        "'summarize run -s extract-translate' (summarize.bench.textpipeline)",
    )
    p.add_argument(
        "--mt-model",
        help="--pipeline: translation model [default: the tiny random Marian model in "
        "$SUMMARIZE_TINY_DIR]",
    )
    p.add_argument(
        "--checks",
        action="store_true",
        help="time the whole-text checks (summary trust flags, numbers and names kept) "
        "on their own patterns instead of prepare_article",
    )
    return p


def _run_pipeline(p: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """``--pipeline``: the patterns through the whole ``summarize run``."""
    from summarize.bench import textpipeline

    wrong = [n for n in args.pattern or () if n not in textpipeline.PIPELINE_PATTERNS]
    if wrong:
        p.error(f"{', '.join(wrong)}: not a --pipeline pattern")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    textpipeline.run(sizes, args.pattern, args.repeat or 1, mt_model=args.mt_model)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = _parser()
    args = p.parse_args(argv)
    if args.pipeline:
        return _run_pipeline(p, args)
    args.repeat = args.repeat or 5
    table = CHECK_PATTERNS if args.checks else PATTERNS
    wrong = [name for name in args.pattern or () if name not in table]
    if wrong:
        p.error(f"{', '.join(wrong)}: not a pattern of this table ({', '.join(table)})")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    what = "whole-text checks" if args.checks else "prepare_article"
    print(f"{what}, best of {args.repeat} run(s) per size", flush=True)
    run(sizes, args.pattern, args.repeat, checks=args.checks)
    if args.checks:
        median, p95 = sentence_check_times()
        print(
            f"check_translation per sentence: median {median * 1000:.2f} ms, "
            f"p95 {p95 * 1000:.2f} ms ({len(SENTENCE_PAIRS)} pairs x 200)",
            flush=True,
        )
    return 0
