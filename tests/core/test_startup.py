"""A server process loads every view before its first request and freezes those objects out of
the cyclic collector (bmtrack.core.startup), so no request pays a full collection over them; the young
generation is collected less often than CPython's default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bmtrack.core.startup import YOUNG_COLLECTION_THRESHOLD

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import gc, sys
import {module}
from django.urls import get_resolver
print(gc.get_freeze_count(), len(gc.get_objects()), "bmtrack.web.views.worklist" in sys.modules, gc.get_threshold()[0])
"""


@pytest.mark.parametrize("module", ["bmtrack.wsgi", "bmtrack.asgi"])
def test_the_server_entry_points_load_the_views_and_freeze_what_they_loaded(module):
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], cwd=ROOT, env={**os.environ},
                         capture_output=True, text=True, timeout=120, check=True).stdout.split()
    frozen, tracked, views_loaded, young = int(out[0]), int(out[1]), out[2] == "True", int(out[3])
    assert views_loaded
    assert young == YOUNG_COLLECTION_THRESHOLD
    assert frozen > 50_000 and tracked < frozen / 10, (frozen, tracked)
