"""Service errors back onto the form that caused them.

Services raise ``ValidationError`` keyed by field name, and by ``<list>[<i>].<field>`` for rows
(``measurements[2].longest_diameter_mm``, ``markers[0].value_pct``). The view passes the formsets
with the row index each list item came from (blank rows are not sent), so the message lands next
to the input the nurse typed into.
"""

from __future__ import annotations

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

_ROW = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")


def apply_service_error(exc: ValidationError, form, rows: dict | None = None, aliases: dict | None = None) -> None:
    """``rows``: list name -> (formset, [formset row index of list item 0, 1, ...]);
    ``aliases``: service field name -> form field name (e.g. ``lesion`` -> ``label``)."""
    rows = rows or {}
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        match = _ROW.match(key)
        if match and match["list"] in rows:
            formset, index_map = rows[match["list"]]
            index = int(match["index"])
            row_form = formset.forms[index_map[index]] if index < len(index_map) else None
            name = aliases.get(match["field"], match["field"])
            if row_form is None:
                form.add_error(None, errors)
            elif name in row_form.fields:
                row_form.add_error(name, errors)
            else:
                row_form.add_error(None, errors)
            continue
        if key in rows:
            rows[key][0]._non_form_errors = rows[key][0].error_class(
                [*rows[key][0].non_form_errors(), *errors], error_class="nonform")
            continue
        name = aliases.get(key, key)
        if name in form.fields:
            form.add_error(name, errors)
        elif key == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            label = key.replace("_", " ")
            form.add_error(None, [f"{label}: {message}" for message in errors])


def save_through(form, write, **extra):
    """The form → service step of an entry view: when the bound form is valid, ``write(**fields,
    **extra)`` with its service fields; a service error lands on the form. Returns what ``write``
    returned, or None when nothing was saved."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return write(**form.service_fields(), **extra)
    except ValidationError as exc:
        apply_service_error(exc, form)
        return None
