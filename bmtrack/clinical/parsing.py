"""Strict readers for the JSON the clinical core accepts (CLI and API alike).

Each reader takes the raw value and the field's dotted name, and raises ``ClinicalInputError``
naming that field; nothing is coerced silently (a string "80" is not a KPS).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bmtrack.clinical.errors import ClinicalInputError

_MISSING = object()
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# Clinical dates outside these years are typing errors, and date arithmetic near year 9999 would
# overflow: refuse them at the edge, naming the field.
MIN_YEAR, MAX_YEAR = 1900, 2999
# Larger numbers than this are never clinical values and cannot be turned into floats safely.
MAX_MAGNITUDE = 10**12


def check_year(value, field: str):
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ClinicalInputError(field, f"year {value.year} is out of range; allowed {MIN_YEAR}–{MAX_YEAR}")
    return value


def require(obj: Mapping, key: str, path: str = "") -> Any:
    field = f"{path}.{key}" if path else key
    if not isinstance(obj, Mapping):
        raise ClinicalInputError(path or "input", "must be a JSON object")
    if key not in obj:
        raise ClinicalInputError(field, "is required")
    return obj[key]


def as_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ClinicalInputError(field, "must be true or false")
    return value


def as_int(value: Any, field: str, *, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, float) and not math.isfinite(value):
        raise ClinicalInputError(field, _range_text("must be a finite whole number", low, high))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise ClinicalInputError(field, _range_text("must be a whole number", low, high))
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ClinicalInputError(field, _range_text(f"{value} is out of range", low, high))
    return value


def as_number(value: Any, field: str, *, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ClinicalInputError(field, _range_text("must be a number", low, high))
    if isinstance(value, float) and not math.isfinite(value):
        # NaN, Infinity and numbers past a float's range (1e400) are never clinical values.
        raise ClinicalInputError(field, _range_text("must be a finite number", low, high))
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        raise ClinicalInputError(field, _range_text("is implausibly large", low, high))
    if (low is not None and value < low) or (high is not None and value > high):
        raise ClinicalInputError(field, _range_text(f"{value} is out of range", low, high))
    return value


def as_choice(value: Any, field: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ClinicalInputError(field, f"must be one of {', '.join(choices)} (got {value!r})")
    return value


def as_date(value: Any, field: str) -> dt.date:
    """A calendar date written YYYY-MM-DD; a date-time is an error (its day depends on a zone)."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ClinicalInputError(field, f"{value!r} is not a calendar date (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ClinicalInputError(field, f"{value!r} is not a calendar date (YYYY-MM-DD)") from None
    return check_year(day, field)


def as_aware_datetime(value: Any, field: str) -> dt.datetime:
    """An ISO date-time that carries its UTC offset (a naive time is ambiguous, so an error)."""
    if not isinstance(value, str):
        raise ClinicalInputError(field, "must be an ISO 8601 date-time with an offset")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ClinicalInputError(field, f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise ClinicalInputError(field, f"{value!r} has no UTC offset (e.g. +01:00 or Z)")
    return check_year(parsed, field)


def as_zone(value: Any, field: str) -> ZoneInfo:
    if not isinstance(value, str):
        raise ClinicalInputError(field, "must be an IANA time zone name such as Europe/Amsterdam")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: "Europe" names a folder of the zone database, a 256-character name is too long a path.
        raise ClinicalInputError(field, f"{value[:64]!r} is not an IANA time zone name") from None


def as_list(value: Any, field: str) -> list:
    if not isinstance(value, list):
        raise ClinicalInputError(field, "must be a list")
    return value


def as_object(value: Any, field: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise ClinicalInputError(field, "must be a JSON object")
    return value


def _range_text(prefix: str, low, high) -> str:
    if low is not None and high is not None:
        return f"{prefix}; allowed {low}–{high}"
    if low is not None:
        return f"{prefix}; allowed ≥ {low}"
    if high is not None:
        return f"{prefix}; allowed ≤ {high}"
    return prefix
