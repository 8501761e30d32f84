"""What a web process does once, after loading the application and before its first request."""

from __future__ import annotations

import gc

# A page builds tens of thousands of short-lived objects (rows, model instances, dicts), nearly none
# in reference cycles, so reference counting frees them. At CPython's default (a collection every 700
# allocations) the young generation was collected about twice per worklist request, 1–1.9 ms per
# request in collections (timed with gc.callbacks at 100k patients, two runs); every 10,000: ~0.6 ms.
YOUNG_COLLECTION_THRESHOLD = 10_000


def freeze_startup_objects() -> None:
    """Load what the first request would load, then take those long-lived objects out of the
    cyclic garbage collector's reach (``gc.freeze``).

    A loaded bmtrack holds ~150k tracked objects (modules, URL patterns, model and form classes,
    compiled templates). Every full collection walked them all, ~70 ms, landing on whichever
    request happened to trigger it: the slowest 1 % of worklist requests took about twice the
    median for this reason alone (docs/benchmarks.md). Frozen, a full collection walks only what
    requests create, a few ms. The Python docs recommend it for pre-forking servers too, where it
    also keeps the shared pages of a forked worker from being copied on write.
    """
    from django.urls import get_resolver

    len(get_resolver().url_patterns)  # imports every URLconf and, with them, every view module
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
