"""Bounds on a JSON request body, checked before any view sees it (every API endpoint's parser).

Python's json parser recurses once per nesting level, so a body nested ~1,000 deep raises
``RecursionError`` (a 500), and PostgreSQL text cannot hold a NUL character. Each is refused here
with a 400 naming what is wrong.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A FHIR Bundle, the deepest body we accept, nests about 10 levels (entry → resource → component →
# valueQuantity); anything past this is not a record.
MAX_DEPTH = 32


def check_json_value(data, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse (``ParseError``) a parsed value nested deeper than ``max_depth`` or holding a NUL character.

    Walks with an explicit stack, so the check itself cannot recurse too deep."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError("Text cannot contain a NUL character (\\u0000).")
            continue
        if isinstance(value, dict):
            children = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            raise ParseError(f"JSON is nested too deeply: at most {max_depth} levels.")
        stack.extend((child, depth + 1) for child in children)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a depth cap and no NUL. (The size cap is Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``, applied when DRF reads the body: ``api.errors`` makes it a JSON 413.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON is nested too deeply: at most {MAX_DEPTH} levels.") from None
        check_json_value(data)
        return data

