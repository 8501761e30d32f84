"""Form errors, one way for every form of the web and board pages.

``apply_service_error`` puts every message of a service's ``ValidationError`` on the form that caused
it (all fields at once, never only the first). Services raise ``ValidationError`` keyed by field name,
and by ``<list>[<i>].<field>`` for rows (``measurements[2].longest_diameter_mm``); the view passes the
formsets with the row index each list item came from (blank rows are not sent), so the message lands
next to the input the nurse typed into.

``flash_errors`` shows a service's refusal as messages, for the actions that have no form on the page
(a button on a list): every message, each once, whichever shape the error has.

``error_summary`` lists every error of a form and its formsets, each with the id of its input, for the
summary at the top of the page (``core/_error_summary.html``, included by ``{% error_summary %}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import messages
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


def error_messages(exc: ValidationError) -> list[str]:
    """Every message of ``exc``, in order, each once (a dict error's field messages as they read)."""
    found: list[str] = []
    for message in exc.messages:
        if message not in found:
            found.append(message)
    return found


def flash_errors(request, exc: ValidationError) -> None:
    for message in error_messages(exc):
        messages.error(request, message)


@dataclass(frozen=True)
class ErrorItem:
    message: str
    label: str = ""
    target: str = ""  # the id of the input to go to; empty for an error of the whole form


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


def _field_items(form, prefix: str = "") -> list[ErrorItem]:
    items = []
    for name in form.errors:
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        target = bound.id_for_label or bound.auto_id or ""
        label = f"{prefix}{bound.label}" if bound.label else prefix.rstrip(": ")
        items += [ErrorItem(str(message), label, target) for message in form.errors[name]]
    return items


def error_summary(form=None, *formsets) -> list[ErrorItem]:
    """Every error of ``form`` and ``formsets``, in page order: the form's own, then its fields, then
    each formset's own and its rows' ("Row 2, Longest diameter")."""
    items: list[ErrorItem] = []
    if form is not None and form.is_bound:
        items += [ErrorItem(str(message)) for message in form.non_field_errors()]
        items += _field_items(form)
    for formset in formsets:
        if not formset or not getattr(formset, "is_bound", False):
            continue
        items += [ErrorItem(str(message)) for message in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, start=1):
            if not row.errors:
                continue
            first = next(iter(row.fields), None)
            items += [ErrorItem(str(message), f"Row {number}", row[first].auto_id if first else "")
                      for message in row.non_field_errors()]
            items += _field_items(row, prefix=f"Row {number}, ")
    return items
