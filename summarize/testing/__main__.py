"""``python -m summarize.testing DIR [--only NAME ...]``: build the tiny models.

Prints a JSON object ``{name: absolute path}`` on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from summarize.testing.tiny import TINY_MODEL_NAMES, build_tiny_models


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m summarize.testing",
        description="Build tiny random-weight seq2seq models (real architectures and "
        "tokenizer conventions) and print a JSON map name -> path.",
    )
    parser.add_argument("out_dir", help="directory to write the models into")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        choices=TINY_MODEL_NAMES,
        help=f"build only these models (choices: {', '.join(TINY_MODEL_NAMES)})",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--seeds-dir", default=None, help="directory of *.txt training texts (default: repo seeds/)"
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if already built")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    paths = build_tiny_models(
        args.out_dir, names=args.only, seed=args.seed, seeds_dir=args.seeds_dir, force=args.force
    )
    sys.stdout.write(json.dumps(paths, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
