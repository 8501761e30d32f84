"""The patient page's repeated parts as HTML, written in Python: scan cards with their lesion rows, the
due-item history, the treatments.

A patient followed for years has thirty scans of a dozen lesions, forty closed due items and twenty
treatments. Through Django's template engine those rows cost ~7 ms of the page (a dozen lookups and
filters per cell); written here they cost a tenth of that, which is what issue 16's speed target asks
("no per-row template work"). As with the worklist rows (``web.worklist_row``), the markup is the
tables' contract with the CSS and the tests; the tables' heads stay in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from bmtrack.clinical.record import NEW_LESION_CALL_NEEDED
from bmtrack.core.formatting import readable_dates
from bmtrack.core.labels import choice_label, choices_of
from bmtrack.core.templatetags.plain import cite
from bmtrack.patients.models import Measurement
from bmtrack.web import texts
from bmtrack.web.formatting import fmt_date, fmt_datetime, fmt_mm, fmt_num, fmt_signed_mm, fmt_signed_pct
from bmtrack.web.html import concat, format_html, format_html_join
from bmtrack.web.paths import patient_path

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
        choices_of(Measurement, "role").get(m.role, m.role) or "—")


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
        label = choice_label(item, "state")
        state = format_html('<span class="state state-{}">{}</span>', item.state, label)
    scan = item.fulfilled_by if item.fulfilled_by_id else None
    by = format_html(" by {} of {}", choice_label(scan, "modality"), fmt_date(scan.at)) if scan else ""
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
                       choice_label(item, "kind"), fmt_date(item.due_from), fmt_date(item.due_by),
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
                       '      <td>{}</td>\n    </tr>', choice_label(t, "kind"),
                       choice_label(t, "status"), fmt_datetime(t.start), fmt_datetime(t.end) or "—",
                       concat(*details), lesions)


# --- scan cards ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardContext:
    """What the scan cards share: whose they are, what the reader may do, the form token."""

    public_id: object
    can_measure: bool
    can_call: bool
    csrf_token: str


_CALL_CHOICES = (("none", "None"), ("equivocal", "Equivocal"), ("definite", "Definite"))


def scan_card(card, ctx: CardContext) -> SafeString:
    """One scan with its protocol check, lesion table, response and the reader's call
    (``queries.patient.ScanCard``; ``templates/web/partials/scan_card.html`` places it)."""
    scan, r = card.scan, card.response
    pk = scan.pk
    tracer = format_html(" ({})", choice_label(scan, "tracer")) if scan.tracer else ""
    meta = [format_html("{}", choice_label(scan, "purpose"))]
    if scan.field_strength_t:
        meta.append(format_html(" · {} T", fmt_num(scan.field_strength_t)))
    if scan.scanner:
        meta.append(format_html(" · {}", scan.scanner))
    if scan.is_baseline:
        meta.append(" · pinned baseline")
    head = [format_html('\n    <h3 id="scan-{}-title" class="h4">{}{} · {}</h3>\n    <span class="meta">{}</span>',
                        pk, choice_label(scan, "modality"), tracer, fmt_datetime(scan.at),
                        concat(*meta))]
    if r:
        head.append(format_html('\n    <span class="cat {}" title="{}">{}</span>',
                                texts.CATEGORY_CLASSES.get(r.category, "cat-ne"),
                                texts.CATEGORY_NAMES.get(r.category, r.category or ""), r.category))
    pending = scan.measurement_status == "pending"
    if pending:
        head.append('\n    <span class="state state-due">Awaiting measurements</span>')
    call_needed = bool(r) and NEW_LESION_CALL_NEEDED in (r.flags or ())
    if call_needed:
        head.append('\n    <span class="state state-due">New lesion awaiting the reader\'s call</span>')
    head.append(format_html('\n    <span class="scan-links">\n      {}\n      {}\n    </span>\n  ',
                            _viewer(card), _measure_link(scan, ctx, pending)))
    body = [format_html('\n<article class="scan-card" id="scan-{0}" aria-labelledby="scan-{0}-title">\n'
                        '  <header class="scan-head">{1}</header>\n  ', pk, concat(*head))]
    if scan.sequences:
        body.append(format_html('<p class="meta">Sequences: {}</p>',
                                texts.sequence_labels(scan.sequences)))
    body.append(_protocol(card))
    if card.rows:
        body.append(format_html(
            '\n  <div class="table-scroll"><table class="table compact lesions">\n    <caption class="sr-only">'
            'Lesions on the {} of {}</caption>\n    <thead><tr><th scope="col">Lesion</th><th scope="col">Location'
            '</th><th scope="col" class="num">Longest (mm)</th><th scope="col" class="num">Change</th>'
            '<th scope="col" class="num">Perp. (mm)</th><th scope="col">Enhancing</th><th scope="col">Measurable'
            '</th><th scope="col">Role</th></tr></thead>\n    <tbody>{}</tbody>\n  </table></div>\n  ',
            choice_label(scan, "modality"), fmt_date(scan.at), lesion_rows(card.rows)))
    scored = bool(r) and r.category != "baseline"
    if scored:
        tail = []
        if scan.new_lesions and scan.new_lesions != "none":
            tail.append(format_html(" · new lesions: {}", choice_label(scan, "new_lesions").lower()))
        if scan.non_target != "none":
            tail.append(format_html(" · non-target: {}", choice_label(scan, "non_target").lower()))
        body.append(format_html('<p class="meta">Sum {} · {} from baseline · {} from nadir{}</p>',
                                fmt_mm(r.sum_mm), fmt_signed_pct(r.change_from_baseline_pct),
                                fmt_signed_pct(r.change_from_nadir_pct), concat(*tail)))
        if ctx.can_call and (scan.new_lesions or call_needed):
            body.append(_call_form(scan, ctx))
    if scan.report:
        body.append(format_html('\n  <p class="report">{}</p>', linebreaksbr(scan.report)))
    body.append("\n</article>")
    return concat(*body)


def _viewer(card) -> str:
    scan = card.scan
    if card.viewer_url:
        return format_html('<a class="btn btn-small" href="{}" target="_blank" rel="noopener noreferrer">Open in viewer'
                           '<span class="sr-only"> (MRI of {}, new tab)</span></a>', card.viewer_url, fmt_date(scan.at))
    if scan.study_uid:
        return format_html('<span class="meta" title="Set DICOM_VIEWER_URL_TEMPLATE to link studies">Study {}</span>',
                           scan.study_uid)
    return ""


def _measure_link(scan, ctx: CardContext, pending: bool) -> str:
    if scan.modality != "mri" or not ctx.can_measure:
        return ""
    return format_html('<a class="btn btn-small" href="{}">{} measurements</a>',
                       patient_path("web:measurements", ctx.public_id, scan.pk), "Enter" if pending else "Edit")


def _protocol(card) -> str:
    view = card.protocol
    check = view.check if view else None
    if not check or not (check.missing or check.advice):
        return ""
    parts = []
    if check.missing:
        parts.append(format_html("<p><strong>Protocol gap:</strong> missing required {}.</p>",
                                 texts.sequence_labels(check.missing)))
    if check.advice:
        parts.append(format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{} {}</li>", ((readable_dates(a.text), cite(a.source)) for a in check.advice))))
    if view.checked_as != card.scan.purpose:
        day = format_html(" of {}", fmt_date(view.baseline_day)) if view.baseline_day else ""
        parts.append(format_html('<p class="meta">Checked as a response scan against the baseline{}, since RANO-BM '
                                 'scores it against that baseline.</p>', day))
    return format_html('\n  <div class="protocol{}">{}</div>\n  ', " protocol-gap" if check.missing else "",
                       concat(*parts))


def _call_form(scan, ctx: CardContext) -> str:
    pk = scan.pk
    options = [format_html('<option value=""{}>— not called yet —</option>', "" if scan.new_lesions else " selected")]
    options += [format_html('<option value="{}"{}>{}</option>', value, " selected" if scan.new_lesions == value else "",
                            label) for value, label in _CALL_CHOICES]
    return format_html(
        '\n  <form method="post" action="{0}" class="call-form">\n    <input type="hidden" '
        'name="csrfmiddlewaretoken" value="{1}">\n    <label for="call-{2}">New lesion call</label>\n'
        '    <select name="new_lesions" id="call-{2}" aria-describedby="call-{2}-help">{3}</select>\n'
        '    <button type="submit" class="btn btn-small">{4}</button>\n    <span class="meta" id="call-{2}-help">'
        "The reader's call on lesions not on the baseline MRI; a correction keeps the earlier call in the history."
        "</span>\n  </form>\n  ",
        patient_path("web:scan_call", ctx.public_id, pk), ctx.csrf_token, pk, concat(*options),
        "Correct the call" if scan.new_lesions else "Save the call")
