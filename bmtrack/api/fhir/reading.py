"""Reading a FHIR R4 Bundle: parsing with fhir.resources, and plain values out of its JSON.

Every reader names the path of what it could not read (``entry[3].resource.birthDate``), so an
import error is a 400 a sender can act on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from fhir.resources.R4B.bundle import Bundle

from bmtrack.api.fields import MAX_DAY, MIN_DAY
from bmtrack.core.clock import site_zone


class BundleError(Exception):
    """Bad input at a path of the bundle; becomes a 400 ``{path: [message]}``."""

    def __init__(self, path: str, message: str):
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")


# Bundle types that carry a record to import (an export is a "collection"); a searchset or history may
# hold partial or several versions of resources.
BUNDLE_TYPES = {"collection", "document", "transaction", "batch"}


def parse_bundle(data) -> list[dict]:
    """The bundle's entries, after fhir.resources accepted the whole document."""
    if not isinstance(data, dict):
        raise BundleError("bundle", "Send a FHIR Bundle (a JSON object).")
    if data.get("resourceType") != "Bundle":
        raise BundleError("resourceType", "Send a FHIR Bundle: resourceType must be \"Bundle\".")
    if data.get("type") not in BUNDLE_TYPES:
        raise BundleError("type", f"A bundle to import is one of: {', '.join(sorted(BUNDLE_TYPES))}.")
    if _has_nul(data):
        raise BundleError("bundle", "Text may not contain NUL characters.")
    try:
        Bundle.model_validate(data)
    except Exception as exc:  # noqa: BLE001 - any failure to parse foreign input is a 400, with its path
        raise BundleError(*_pydantic_error(exc)) from None
    return [entry for entry in data.get("entry") or [] if isinstance(entry, dict)]


def _has_nul(value) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _pydantic_error(exc: Exception) -> tuple[str, str]:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]).lstrip(".")
        return path or "bundle", first["msg"]
    if isinstance(exc, KeyError):
        return "bundle", f"Unknown resource type in the bundle ({exc})."
    return "bundle", f"Not a valid FHIR R4 Bundle ({type(exc).__name__})."


def codes_of(concept: dict | None) -> dict[str, str]:
    """{system: code} of a CodeableConcept."""
    return {cd.get("system"): cd.get("code") for cd in (concept or {}).get("coding") or [] if cd.get("code")}


def code_in(concept: dict | None, system: str) -> str | None:
    return codes_of(concept).get(system)


def extension(resource: dict, url: str) -> dict | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


def extensions(resource: dict, url: str) -> list[dict]:
    return [e for e in resource.get("extension") or [] if e.get("url") == url]


def profiles(resource: dict) -> list[str]:
    return list((resource.get("meta") or {}).get("profile") or [])


def reverse(mapping: dict, code: str | None) -> str | None:
    return next((key for key, value in mapping.items() if value[0] == code), None) if code else None


def choice(value, allowed, default=None):
    return value if value in allowed else default


def read_day(value, path: str, *, required: bool = False) -> dt.date | None:
    """The calendar day of a FHIR date or dateTime (a dateTime is read in the site's zone)."""
    if value is None:
        if required:
            raise BundleError(path, "This date is required.")
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise BundleError(path, "Not a valid date.") from None
    elif isinstance(value, str) and len(value) > 10:
        day = read_moment(value, path).astimezone(site_zone()).date()
    else:
        raise BundleError(path, "Give a full date (YYYY-MM-DD).")
    if not MIN_DAY <= day <= MAX_DAY:
        raise BundleError(path, f"Give a date between {MIN_DAY} and {MAX_DAY}.")
    return day


def read_moment(value, path: str, *, required: bool = False) -> dt.datetime | None:
    """A FHIR dateTime as an aware datetime (a bare date is the start of that day in the site's zone)."""
    if value is None:
        if required:
            raise BundleError(path, "This date and time is required.")
        return None
    if not isinstance(value, str) or len(value) < 10:
        raise BundleError(path, "Give a full date and time.")
    if len(value) == 10:
        moment = dt.datetime.combine(read_day(value, path), dt.time.min, tzinfo=site_zone())
    else:
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise BundleError(path, "Not a valid date and time.") from None
        if moment.tzinfo is None:
            raise BundleError(path, "A date and time needs its time zone.")
    if not MIN_DAY <= moment.date() <= MAX_DAY:
        raise BundleError(path, f"Give a date between {MIN_DAY} and {MAX_DAY}.")
    return moment


def read_decimal(value, path: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BundleError(path, "Give a number.") from None
    if not number.is_finite():
        raise BundleError(path, "Give a finite number.")
    return number


def quantity_value(q: dict | None, path: str, *, scale: dict[str, Decimal] | None = None) -> Decimal | None:
    if not q:
        return None
    value = read_decimal(q.get("value"), f"{path}.value")
    unit = q.get("code") or q.get("unit")
    if value is not None and scale and unit in scale:
        value = value * scale[unit]
    return value


def notes_text(resource: dict) -> str:
    return "\n".join(n.get("text", "") for n in resource.get("note") or [] if n.get("text"))
