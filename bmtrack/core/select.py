"""Pick lists for the busiest pages: options read in one plain query and written without a template each.

Django's ``ModelChoiceField`` reads its options through ``QuerySet.iterator()``, which on PostgreSQL
opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) for a list of a few teams or
nurses, and its ``Select`` renders every ``<option>`` through a template include. The worklist's filter
form (three short lists) cost 6 ms of a 60 ms page that way. The markup is Django's own
(``django/forms/widgets/select.html``); ``tests/core/test_select.py`` holds them equal.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from bmtrack.core.widgets import attrs_html


class ListedChoiceIterator(ModelChoiceIterator):
    """The field's queryset read once (then from its result cache), in one ordinary query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ListedSelect(forms.Select):
    """A ``<select>`` written in Python, option by option, as Django's templates would write it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rows = format_html_join("", '<option value="{}"{}>{}</option>',
                                    ((option["value"], attrs_html(option["attrs"]), option["label"])
                                     for option in options))
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rows) if group_name else rows)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], attrs_html(widget["attrs"]),
                           mark_safe("".join(groups)))  # noqa: S308 - every part is built by format_html above
