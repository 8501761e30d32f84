"""The patient page's long tables as HTML, written in Python: lesion rows, due-item history, treatments.

A patient followed for years has thirty scans of a dozen lesions, forty closed due items and twenty
treatments. Through Django's template engine those rows cost ~7 ms of the page (a dozen lookups and
filters per cell); written here they cost a tenth of that, which is what issue 16's speed target asks
("no per-row template work"). As with the worklist rows (``web.worklist_row``), the markup is the
tables' contract with the CSS and the tests; the tables' heads stay in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.text import capfirst

from bmtrack.core.formatting import readable_dates
from bmtrack.patients.models import Measurement, Scan, Treatment
from bmtrack.surveillance.models import DueItem
from bmtrack.web.formatting import fmt_date, fmt_datetime, fmt_num, fmt_signed_mm
from bmtrack.web.html import concat, format_html, format_html_join
from bmtrack.web.paths import patient_path


def _labels(model, field: str) -> dict:
    """A field's choice labels, read once (``get_FOO_display`` flattens the choices on every call)."""
    return dict(model._meta.get_field(field).flatchoices)


_ITEM_KIND, _ITEM_STATE = _labels(DueItem, "kind"), _labels(DueItem, "state")
_MODALITY, _ROLE = _labels(Scan, "modality"), _labels(Measurement, "role")
_TREATMENT_KIND, _TREATMENT_STATUS = _labels(Treatment, "kind"), _labels(Treatment, "status")

_TARGET = SafeString(' <span class="tag tag-target" title="RANO-BM target">T</span>')


def _yes_no(value) -> str:
    return "yes" if value else "no"


def lesion_rows(rows) -> SafeString:
    """The rows of a scan card's lesion table (``queries.patient.LesionRow``)."""
    return concat(*(_lesion_row(row) for row in rows))


def _lesion_row(row) -> str:
    m = row.measurement
    return format_html(
        '<tr><th scope="row">{}{}</th><td>{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        m.lesion.label, _TARGET if row.target else "", m.lesion.location or "—",
        "gone" if m.disappeared else fmt_num(m.longest_diameter_mm), fmt_signed_mm(row.change_mm),
        fmt_num(m.perpendicular_mm) or "—", _yes_no(m.enhancing), _yes_no(m.measurable),
        _ROLE.get(m.role, m.role) or "—")


@dataclass(frozen=True)
class HistoryContext:
    """What the history rows share: whose they are, whether the reader may undo a waiver, the form token."""

    public_id: object
    can_change: bool
    csrf_token: str


def past_item_rows(items, ctx: HistoryContext) -> SafeString:
    """The rows of the patient's history of due items (closed ones, latest first)."""
    back = patient_path("web:patient", ctx.public_id)
    return concat(*(_past_item_row(item, ctx, back) for item in items))


def _past_item_row(item, ctx: HistoryContext, back: str) -> str:
    if item.late_text:
        state = format_html('<span class="state state-overdue">{}</span>', capfirst(item.late_text))
    else:
        label = _ITEM_STATE.get(item.state, item.state)
        state = format_html('<span class="state state-{}">{}</span>', item.state, label)
    scan = item.fulfilled_by if item.fulfilled_by_id else None
    by = format_html(" by {} of {}", _MODALITY.get(scan.modality, scan.modality), fmt_date(scan.at)) if scan else ""
    waived = format_html(": {}", item.waived_reason) if item.waived_reason else ""
    notes = format_html_join("", ' <span class="meta">{}</span>', ((readable_dates(n),) for n in item.notes or ()))
    undo = ""
    if item.state == "waived" and ctx.can_change:
        undo = format_html(
            '\n          <form method="post" action="{}" class="inline-form">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="next" value="{}">'
            '<button type="submit" class="btn btn-small">Undo waiver</button></form>',
            patient_path("web:item_unwaive", ctx.public_id, item.pk), ctx.csrf_token, back)
    return format_html('<tr><td>{}</td><td>{} – {}</td>\n        <td>{}{}{}{}{}</td></tr>',
                       _ITEM_KIND.get(item.kind, item.kind), fmt_date(item.due_from), fmt_date(item.due_by),
                       state, by, waived, notes, undo)


def treatment_rows(treatments) -> SafeString:
    """The rows of the patient's treatment table (each with its ``treated_lesions``, ``queries.patient``)."""
    return concat(*(_treatment_row(t) for t in treatments))


def _treatment_row(t) -> str:
    details = []
    if t.agent:
        details.append(format_html("{}{}", t.agent, format_html(" (line {})", t.line) if t.line else ""))
    if t.dose_gy:
        fractions = ""
        if t.fractions:
            fractions = format_html(" in {} fraction{}", t.fractions, "" if t.fractions == 1 else "s")
        details.append(format_html("{} Gy{}", fmt_num(t.dose_gy), fractions))
    if t.note:
        details.append(format_html(' <span class="meta">{}</span>', t.note))
    lesions = ", ".join(lesion.label for lesion in t.treated_lesions) or "—"
    return format_html('<tr>\n      <td>{}</td><td>{}</td><td>{}</td><td>{}</td>\n      <td>{}</td>\n'
                       '      <td>{}</td>\n    </tr>', _TREATMENT_KIND.get(t.kind, t.kind),
                       _TREATMENT_STATUS.get(t.status, t.status), fmt_datetime(t.start), fmt_datetime(t.end) or "—",
                       concat(*details), lesions)
