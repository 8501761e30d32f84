"""A worklist row as HTML, written in Python.

The worklist shows dozens of rows, each with a patient, a need, its reasons behind "Why", the deadline,
the last contact, the booking and the actions. Through Django's template engine a row cost ~0.7 ms
(a hundred variable lookups and tags); written here it costs a few hundredths of that, which is what
issue 16's speed target asks of the worklist ("no per-row template work"). Django's admin writes its
result rows the same way (``items_for_result``).

The markup is the row's contract with the page: its classes and ids are what the CSS, htmx (an action
answers with the row again, ``views.items``) and the tests read. An action panel left open after an
error is the one part still rendered by its template (``web/partials/item_panel.html``): it holds a
bound form, and it is one row of a page at most.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString

from bmtrack.clinical.citations import cite_text
from bmtrack.core.formatting import readable_dates
from bmtrack.core.labels import choice_label
from bmtrack.web.formatting import fmt_date, fmt_datetime
from bmtrack.web.html import concat, format_html, format_html_join
from bmtrack.web.paths import patient_path
from bmtrack.web.texts import WATCH_LABELS


@dataclass(frozen=True)
class RowContext:
    """What every row of a page shares: the reader's permissions, the form token, where to come back."""

    can_change: bool
    can_add_scan: bool
    csrf_token: str
    worklist_url: str
    message: str = ""


def render_row(row, ctx: RowContext, panel_html=None) -> SafeString:
    """``row``: a ``queries.worklist.ItemRow`` with its links (``views.items.attach_paths``).
    ``panel_html(panel)``: the open action panel's HTML, when ``row.open_panel`` is set."""
    item = row.item
    classes = f"wl-row wl-{row.section}"
    if row.urgent and row.section == "overdue":
        classes += " wl-urgent"
    if row.waiting:
        classes += " wl-waiting"
    if row.section == "closed":
        body = _closed(row, ctx)
    else:
        body = concat(_patient(row), _need(row), _deadline(row), _contact(row), _booking(item),
                       _actions(row, ctx, panel_html))
    return format_html('<tr class="{}" id="item-{}">{}</tr>', classes, item.pk, body)


def _message(ctx: RowContext) -> str:
    if not ctx.message:
        return ""
    return format_html('<p class="row-message" role="status" tabindex="-1" data-autofocus>{}</p>', ctx.message)


def _hidden(ctx: RowContext) -> str:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                       '<input type="hidden" name="context" value="worklist">'
                       '<input type="hidden" name="next" value="{}">', ctx.csrf_token, ctx.worklist_url)


def _closed(row, ctx: RowContext) -> str:
    item = row.item
    if item.state == "waived":
        outcome = format_html("off the list: {}", item.waived_reason)
    elif item.late_text:
        outcome = escape(item.late_text)
    else:
        outcome = escape(choice_label(item, "state").lower())
    undo = ""
    asked = getattr(row, "undo", "")
    if asked == "waive" and item.state == "waived":
        action = patient_path("web:item_unwaive", item.patient.public_id, item.pk)
        undo = format_html(
            '<form class="inline-form" method="post" action="{0}" hx-post="{0}" hx-target="#item-{1}" '
            'hx-swap="outerHTML">{2}<button type="submit" class="btn btn-small">Undo</button></form>',
            action, item.pk, _hidden(ctx))
    elif asked == "deceased" and item.patient.status == "deceased":
        # Back to active care re-plans the whole patient: the patient page answers, not this row.
        undo = format_html(
            '<form class="inline-form" method="post" action="{}">{}<input type="hidden" name="status" '
            'value="active"><input type="hidden" name="confirm" value="1"><button type="submit" '
            'class="btn btn-small">Undo: return to active care</button></form>',
            patient_path("web:care_status", item.patient.public_id), _hidden(ctx))
    return format_html('<td colspan="6" class="wl-cleared">{}<strong>{}</strong> · {} — {}. '
                       '<a href="{}">Open patient</a>{}</td>',
                       _message(ctx), row.kind_label, row.patient_name, outcome, row.patient_url, undo)


def _patient(row) -> str:
    patient = row.item.patient
    phones = format_html_join("", '<div class="meta"><a class="tel" href="{1}">{0}</a></div>', patient.phone_links)
    return format_html('<th scope="row" class="wl-patient"><a class="patient-link" href="{}">{}</a>'
                       '<div class="meta">MRN {}</div>{}</th>', row.patient_url, row.patient_name, patient.mrn,
                       phones or SafeString('<div class="meta muted">no phone</div>'))


def _reason(reason: dict, merged: bool) -> str:
    item = reason["item"]
    parts = []
    if merged:
        parts.append(format_html('<div class="reason-kind">{}</div>', reason["kind"]))
    parts.append(format_html('<div class="rule">{}</div>', reason["rule"]))
    if merged:
        parts.append(format_html('<div class="trigger"><span class="label-inline">Trigger</span> {}</div>',
                                 reason["trigger"]))
    if item.reason:
        parts.append(format_html('<div class="trigger"><span class="label-inline">Board</span> {}</div>', item.reason))
    parts.extend(format_html('<div class="note">{}</div>', readable_dates(note)) for note in item.notes or ())
    if reason["source"]:
        parts.append(format_html('<div class="source">Source: {}</div>', cite_text(reason["source"])))
    return format_html('<div class="why-reason">{}</div>', concat(*parts))


_URGENT = SafeString('<span class="tag tag-urgent">Urgent</span> ')


def _need(row) -> str:
    urgent = _URGENT if row.urgent and row.section != "upcoming" else ""
    count = f" ({len(row.items)} reasons)" if row.merged else ""
    reasons = concat(*(_reason(reason, row.merged) for reason in row.reasons))
    return format_html('<td class="wl-need"><div class="kind">{}<strong>{}</strong></div><div class="meta">{}</div>'
                       '<details class="why"><summary>Why{}</summary>{}</details></td>',
                       urgent, row.kind_label, row.trigger, count, reasons)


def _deadline(row) -> str:
    css, words = row.deadline_text
    state = format_html('<span class="state {}">{}</span>', css, words)
    if row.waiting:
        passed = " (passed)" if row.section == "overdue" else ""
        return format_html('<td class="wl-deadline">{}<div class="meta">Deadline {}{}</div></td>',
                           state, row.window_by, passed)
    return format_html('<td class="wl-deadline"><div>{}</div>{}</td>', row.window_by, state)


def _contact(row) -> str:
    c = row.contact_summary
    if not c:
        return '<td class="wl-contact"><span class="muted">Not contacted</span></td>'
    by = format_html(" ({})", c["by"]) if c["by"] else ""
    reason = format_html('<div class="meta">{}</div>', c["reason"]) if c["reason"] else ""
    note = format_html('<div class="meta note">“{}”</div>', c["note"]) if c["note"] else ""
    return format_html('<td class="wl-contact"><div class="contact-outcome">{}</div><div class="meta">'
                       '<span class="attempts">{}</span> · last {}{}</div>{}{}</td>',
                       c["outcome"], c["attempts"], c["at"], by, reason, note)


def booking_html(item, compact: bool = False) -> str:
    """An item's booking: its day and time, and the flag when it is outside the scan's limits (compact:
    the flag alone, its words in the tooltip, for a narrow table cell). As ``partials/_booking.html``."""
    if not item.booked_for:
        return ""
    when = fmt_datetime(item.booked_at) if item.booked_at else fmt_date(item.booked_for)
    html = format_html('<span class="state state-booked">Booked {}</span>', when)
    if item.booking_breach:
        if compact:
            tail = format_html('<span class="sr-only">: {}. Reason: {}</span>',
                               item.booking_breach, item.booking_reason)
        else:
            tail = format_html(": {}{}", item.booking_breach,
                               format_html(". Reason: {}", item.booking_reason) if item.booking_reason else "")
        html += format_html(' <span class="state state-flagged booking-flag" title="Booked {}. Reason: {}">'
                            '&#9873; Outside the limit{}</span>', item.booking_breach, item.booking_reason, tail)
    return html


def _booking(item) -> str:
    if not item.booked_for:
        return '<td class="wl-booking"><span class="muted">—</span></td>'
    return format_html('<td class="wl-booking">{}</td>', booking_html(item, compact=True))


def _panel(row, name: str, title: str, primary: bool, link: str, panel_html) -> str:
    button = "btn btn-primary btn-small" if primary else "btn btn-small"
    if row.open_panel == name:
        return format_html('<details class="action" open><summary class="{}">{}</summary>{}</details>',
                           button, title, panel_html(name))
    url = f"{row.actions_url}?panel={name}"
    return format_html('<details class="action" hx-get="{0}" hx-trigger="toggle once" hx-target="find .panel-slot" '
                       'hx-swap="outerHTML"><summary class="{1}">{2}<span class="sr-only">: {3}</span></summary>'
                       '<div class="panel panel-slot"><a href="{0}">{4}</a></div></details>',
                       url, button, title, row.patient_name, link)


def _actions(row, ctx: RowContext, panel_html) -> str:
    if not ctx.can_change:
        return format_html('<td class="wl-actions">{}</td>', _message(ctx))
    item = row.item
    record = ""
    if ctx.can_add_scan:
        record = format_html('<a class="menu-item" href="{}?item={}&amp;next={}">Record the scan</a>',
                             row.scan_new_url, item.pk, row.worklist_url)
    if row.open_panel == "waive":
        waive, more_open = panel_html("waive"), " open"
    else:
        waive = format_html('<a class="menu-item" href="{}?panel=waive">Waive (not needed)…</a>', row.actions_url)
        more_open = ""
    more = format_html('<details class="action row-menu"{}><summary class="btn btn-small btn-quiet" '
                       'aria-label="More actions for {}">More</summary><div class="panel menu-panel">{}'
                       '<a class="menu-item" href="{}">Open patient</a>{}</div></details>',
                       SafeString(more_open), row.patient_name, record, row.patient_url, waive)
    # The primary action: log a call. The others (book, record the scan, waive) are behind "More".
    buttons = concat(_panel(row, "contact", "Log call", True, "Record a contact attempt", panel_html),
                      _panel(row, "book", "Book", False, "Mark the scan booked", panel_html), more)
    return format_html('<td class="wl-actions">{}<div class="wl-buttons">{}</div></td>', _message(ctx), buttons)


def panel_renderer(context, row):
    """``panel_html`` for ``render_row`` from a template context: ``item_panel.html`` with the row and panel."""
    def render(panel: str) -> str:  # a row with an open panel is rare: the template is looked up then
        with context.push(row=row, panel=panel):
            return get_template("web/partials/item_panel.html").template.render(context)
    return render


# --- the worklist's side lists: scans to measure, patients inside a watch window ------------------



def _patient_cell(patient) -> str:
    return format_html('<td><a href="{}">{}, {}</a><div class="meta">MRN {}</div></td>',
                       patient_path("web:patient", patient.public_id), patient.family_name, patient.given_name,
                       patient.mrn)


def pending_scan_rows(scans, can_measure: bool, worklist_url: str) -> SafeString:
    """The rows of "Scans waiting for lesion measurements"."""
    return concat(*(_pending_scan_row(scan, can_measure, worklist_url) for scan in scans))


def _pending_scan_row(scan, can_measure: bool, worklist_url: str) -> str:
    action = ""
    if can_measure:
        action = format_html('<a class="btn btn-small" href="{}?next={}">Enter measurements</a>',
                             patient_path("web:measurements", scan.patient.public_id, scan.pk), worklist_url)
    return format_html('\n        <tr>\n          {}\n          <td>{}</td>\n          <td>{}</td>\n'
                       '          <td class="actions">{}</td>\n        </tr>', _patient_cell(scan.patient),
                       fmt_datetime(scan.at), choice_label(scan, "purpose"), action)


def watch_rows(rows) -> SafeString:
    """The rows of "Inside a watch window today" (``queries.worklist.WatchRow``: a patient and her windows)."""
    return concat(*(_watch_row(row) for row in rows))


def _watch_window(win) -> str:
    after = ""
    if win.trigger_treatment_id:
        treatment = win.trigger_treatment
        after = format_html(' <span class="meta">after {} of {}</span>',
                            choice_label(treatment, "kind"), fmt_date(treatment.start))
    return format_html('<div><span class="win win-{}">{}</span>{}</div>', win.kind,
                       WATCH_LABELS.get(win.kind, win.kind), after)


def _watch_row(row) -> str:
    windows = concat(*(_watch_window(win) for win in row.windows))
    ends = format_html_join("", '<div>{} <span class="meta">({} d)</span></div>',
                            ((fmt_date(win.ends_on), win.days_left) for win in row.windows))
    return format_html('\n        <tr>\n          {}\n          <td>{}</td>\n          <td>{}</td>\n        </tr>',
                       _patient_cell(row.patient), windows, ends)
