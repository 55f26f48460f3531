"""``python -m summarize.bench``: see :mod:`summarize.bench.run`.

``--stories`` runs :mod:`summarize.bench.stories` (story grouping) and ``--extraction``
runs :mod:`summarize.bench.extraction` (main-text extraction) instead; the remaining
arguments go to them.
"""

import sys

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--stories" in args:
        from summarize.bench.stories import main as stories_main

        sys.exit(stories_main([a for a in args if a != "--stories"]))
    if "--extraction" in args:
        from summarize.bench.extraction import main as extraction_main

        sys.exit(extraction_main([a for a in args if a != "--extraction"]))
    from summarize.bench.run import main

    sys.exit(main())
