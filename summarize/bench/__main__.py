"""``python -m summarize.bench``: see :mod:`summarize.bench.run`.

``--text-worst-case`` runs the worst-case text preparation benchmark instead
(:mod:`summarize.bench.textcase`), ``--demo-load`` the demo under concurrent users
(:mod:`summarize.bench.demo_load`).
"""

import sys

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--text-worst-case" in args:
        from summarize.bench.textcase import main as text_main

        sys.exit(text_main([a for a in args if a != "--text-worst-case"]))
    if "--demo-load" in args:
        from summarize.bench.demo_load import main as demo_main

        sys.exit(demo_main([a for a in args if a != "--demo-load"]))
    from summarize.bench.run import main

    sys.exit(main())
