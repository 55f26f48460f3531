"""``python -m summarize.bench``: see :mod:`summarize.bench.run`.

``--stories`` runs :mod:`summarize.bench.stories` (story grouping), ``--extraction``
runs :mod:`summarize.bench.extraction` (main-text extraction), ``--text-worst-case``
the worst-case text preparation benchmark (:mod:`summarize.bench.textcase`) and
``--demo-load`` the demo under concurrent users (:mod:`summarize.bench.demo_load`) and
``--batching`` per-article against cross-article batching (:mod:`summarize.bench.batching`),
``--scale`` the local engine against Ray (:mod:`summarize.bench.scale`) and
``--determinism`` the same-records check across engines (:mod:`summarize.bench.determinism`)
instead; the remaining arguments go to them.
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
    if "--text-worst-case" in args:
        from summarize.bench.textcase import main as text_main

        sys.exit(text_main([a for a in args if a != "--text-worst-case"]))
    if "--demo-load" in args:
        from summarize.bench.demo_load import main as demo_main

        sys.exit(demo_main([a for a in args if a != "--demo-load"]))
    if "--batching" in args:
        from summarize.bench.batching import main as batching_main

        sys.exit(batching_main([a for a in args if a != "--batching"]))
    if "--scale" in args:
        from summarize.bench.scale import main as scale_main

        sys.exit(scale_main([a for a in args if a != "--scale"]))
    if "--determinism" in args:
        from summarize.bench.determinism import main as determinism_main

        sys.exit(determinism_main([a for a in args if a != "--determinism"]))
    from summarize.bench.run import main

    sys.exit(main())
