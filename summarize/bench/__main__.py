"""``python -m summarize.bench``: see :mod:`summarize.bench.run`."""

import sys

from summarize.bench.run import main

if __name__ == "__main__":
    sys.exit(main())
