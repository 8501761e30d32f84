"""Form inputs written in Python, as Django's templates write them.

Django renders every widget through the template engine (``django/forms/widgets/input.html`` and
``attrs.html``): a date or text input costs a few tenths of a millisecond, several on a page that
shows forms beside the record (the patient page's care status and phone numbers, the worklist's
search). The markup is Django's own; ``tests/core/test_widgets.py`` holds them equal.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import mark_safe


def attrs_html(attrs: dict) -> str:
    """As ``django/forms/widgets/attrs.html``, in order: True is a bare attribute, False leaves it out."""
    return mark_safe("".join(  # noqa: S308 - format_html escapes every name and value
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False))


class WrittenInput:
    """Mixed into a ``forms.Input`` subclass: ``<input>`` written here instead of by its template."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value_html,
                           attrs_html(widget["attrs"]))
