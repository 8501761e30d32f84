"""What a web process does once, after loading the application and before its first request."""

from __future__ import annotations

import gc


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
