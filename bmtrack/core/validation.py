"""Every field's errors at once: a service runs all its checks, then refuses with one ``ValidationError``
holding each field's messages (the form shows them together, ``bmtrack.core.forms``), instead of
stopping at the first."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class FieldErrors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str | None, message: str) -> None:
        messages = self.errors.setdefault(field or NON_FIELD_ERRORS, [])
        if message not in messages:
            messages.append(message)

    def merge(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add(field, message)
        else:
            for message in exc.messages:
                self.add(None, message)

    @contextmanager
    def check(self) -> Iterator[None]:
        """``with errors.check(): check_day(...)``: a refusal inside is kept and the next check runs."""
        try:
            yield
        except ValidationError as exc:
            self.merge(exc)

    def has(self, field: str) -> bool:
        return field in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_all(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
