"""What a web process does once, after loading the application and before its first request."""

from __future__ import annotations

import gc

# A page builds a few thousand container objects (model instances, template contexts, querysets):
# at Python's default threshold (700 allocations) the collector ran five times per patient page and
# a full collection landed on every twenty-fifth request, 5 ms of the median and 7 ms of the p95
# (docs/benchmarks.md, 6 Dec 2026). At 20 000 it runs about once per six requests, on a young
# generation that is mostly the last requests' garbage; memory held between runs stays a few MB.
GC_THRESHOLD = (20_000, 10, 10)


def freeze_startup_objects() -> None:
    """Load what the first request would load, then take those long-lived objects out of the
    cyclic garbage collector's reach (``gc.freeze``).

    A loaded bmtrack holds ~150k tracked objects (modules, URL patterns, model and form classes,
    compiled templates). Every full collection walked them all, ~70 ms, landing on whichever
    request happened to trigger it: the slowest 1 % of worklist requests took about twice the
    median for this reason alone (docs/benchmarks.md). Frozen, a full collection walks only what
    requests create, a few ms. The Python docs recommend it for pre-forking servers too, where it
    also keeps the shared pages of a forked worker from being copied on write.

    Then the collector runs less often (``GC_THRESHOLD``): what a request creates is freed by
    reference counting; the collector is only for the cycles among it.
    """
    from django.urls import get_resolver

    len(get_resolver().url_patterns)  # imports every URLconf and, with them, every view module
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
