"""Health checks that apps above core add to /health/ (core cannot import them: they register).

A check is ``check(now) -> {"status": "ok" | "stale" | "never", ...}``; "stale" answers 503.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

CHECKS: dict[str, Callable[[dt.datetime], dict]] = {}


def register(name: str, check: Callable[[dt.datetime], dict]) -> None:
    CHECKS[name] = check


def run(now: dt.datetime) -> dict[str, dict]:
    return {name: check(now) for name, check in CHECKS.items()}
