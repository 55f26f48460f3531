"""``python -m summarize.bench``: see :mod:`summarize.bench.run`.

``python -m summarize.bench --text-worst-case [...]`` runs the worst-case text
preparation benchmark instead (:mod:`summarize.bench.textcase`).
"""

import sys

if __name__ == "__main__":
    if "--text-worst-case" in sys.argv[1:]:
        from summarize.bench.textcase import main as text_main

        sys.exit(text_main([a for a in sys.argv[1:] if a != "--text-worst-case"]))
    from summarize.bench.run import main

    sys.exit(main())
