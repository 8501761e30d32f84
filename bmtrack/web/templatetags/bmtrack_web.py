"""Formatting for the nurse web app: site-zone dates, labels of ids, millimetres and percentages."""

from __future__ import annotations

from django import template

from bmtrack.clinical.citations import cite_text
from bmtrack.core.formatting import readable_dates
from bmtrack.patients.models.choices import Marker
from bmtrack.patients.selectors import gpa_factor_label, gpa_value_words, response_flag_words
from bmtrack.surveillance.models import DueKind
from bmtrack.web import patient_rows, texts
from bmtrack.web import worklist_row as worklist_row_html
from bmtrack.web.charts.timeline_svg import timeline_svg as draw_timeline
from bmtrack.web.formatting import fmt_date, fmt_datetime, fmt_mm, fmt_num, fmt_signed_mm, fmt_signed_pct
from bmtrack.web.paths import patient_path
from bmtrack.web.worklist_row import RowContext, booking_html, panel_renderer, render_row

register = template.Library()

SEQUENCE_LABELS = texts.SEQUENCE_LABELS
MARKER_LABELS = dict(Marker.choices)
KIND_LABELS = dict(DueKind.choices)
WATCH_LABELS = texts.WATCH_LABELS


@register.filter
def fdate(value):
    return fmt_date(value)


@register.filter
def fdatetime(value):
    return fmt_datetime(value)


@register.filter
def category_name(value):
    return texts.CATEGORY_NAMES.get(value, value or "")


@register.filter
def category_class(value):
    return texts.CATEGORY_CLASSES.get(value, "cat-ne")


@register.filter
def sequence_label(value):
    return SEQUENCE_LABELS.get(value, value)


@register.filter
def sequence_labels(values):
    return texts.sequence_labels(values)


@register.filter
def marker_label(value):
    return MARKER_LABELS.get(value, value)


@register.filter
def kind_label(value):
    return KIND_LABELS.get(value, value)


@register.filter
def watch_label(value):
    return WATCH_LABELS.get(value, value)


@register.filter
def watch_rule(value):
    return texts.WATCH_RULES.get(value, "")


@register.filter
def watch_source(value):
    """The window's source as a human citation (plain text; ``|cite`` gives the info toggle)."""
    return cite_text(texts.source_for(value))


@register.filter
def gpa_factor(value):
    return gpa_factor_label(value)


@register.filter
def flag_words(flags):
    return response_flag_words(flags)


@register.filter
def gpa_value(value, factor=""):
    return gpa_value_words(value, factor)


@register.filter
def num(value):
    return fmt_num(value)


@register.filter
def mm(value):
    return fmt_mm(value)


@register.filter
def signed_pct(value):
    return fmt_signed_pct(value)


@register.filter
def signed_mm(value):
    return fmt_signed_mm(value)


@register.filter
def plural_s(count):
    return "" if count == 1 else "s"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def yesno_fact(value):
    if value is None:
        return "—"
    return "present" if value else "absent"


@register.filter(name="readable_dates")
def readable_dates_filter(text):
    """ISO dates and times inside a sentence of the clinical core, as the ward reads them."""
    return readable_dates(text)


@register.simple_tag
def patient_url(name, public_id, number=None):
    """``{% url %}`` for a patient's pages in lists: ``{% patient_url 'web:patient' p.public_id %}``
    (``web.paths``: no ``reverse()`` per row)."""
    return patient_path(name, public_id, number)


def _can(context, perm: str) -> bool:
    """Whether the reader holds ``perm`` ("app.codename"), as ``{{ perms.app.codename }}`` answers."""
    perms = context.get("perms")
    app, codename = perm.split(".")
    return bool(perms and perms[app][codename])


def _csrf(context) -> str:
    return str(context.get("csrf_token", ""))


@register.simple_tag(takes_context=True)
def worklist_row(context, row):
    """One row of a worklist table (``web.worklist_row``: written in Python, not a template per row)."""
    ctx = RowContext(
        can_change=_can(context, "surveillance.change_dueitem"),
        can_add_scan=_can(context, "patients.add_scan"),
        csrf_token=_csrf(context),
        worklist_url=row.worklist_url,
        message=context.get("message") or "",
    )
    return render_row(row, ctx, panel_renderer(context, row))


@register.simple_tag
def booking(item, compact=False):
    """An item's booking and its flag (``web.worklist_row.booking_html``)."""
    return booking_html(item, compact=bool(compact))


@register.simple_tag
def lesion_rows(rows):
    """A scan card's lesion rows (``web.patient_rows``: written in Python, not a template per row)."""
    return patient_rows.lesion_rows(rows)


@register.simple_tag(takes_context=True)
def past_item_rows(context, items, patient):
    """The rows of a patient's due-item history (``web.patient_rows``)."""
    ctx = patient_rows.HistoryContext(public_id=patient.public_id,
                                      can_change=_can(context, "surveillance.change_dueitem"),
                                      csrf_token=_csrf(context))
    return patient_rows.past_item_rows(items, ctx)


@register.simple_tag
def treatment_rows(treatments):
    """The rows of a patient's treatment table (``web.patient_rows``)."""
    return patient_rows.treatment_rows(treatments)


@register.simple_tag
def timeline_svg(page):
    """The patient page's timeline (``web.charts.timeline_svg``), described in words for screen readers."""
    described = (f"{len(page.treatments)} treatments, {len(page.scans)} scans, {len(page.windows)} watch windows and "
                 f"{len(page.open_items)} open due items; the lists below give the same information.")
    return draw_timeline(page.timeline, described)


@register.simple_tag(takes_context=True)
def pending_scan_rows(context, scans, worklist_url):
    """The worklist's scans waiting for measurements (``web.worklist_row``)."""
    return worklist_row_html.pending_scan_rows(scans, _can(context, "patients.add_measurement"), worklist_url)


@register.simple_tag
def watch_rows(rows):
    """The worklist's patients inside a watch window (``web.worklist_row``)."""
    return worklist_row_html.watch_rows(rows)


@register.simple_tag(takes_context=True)
def scan_card(context, card, patient):
    """One scan card of the patient page (``web.patient_rows.scan_card``)."""
    ctx = patient_rows.CardContext(public_id=patient.public_id,
                                   can_measure=_can(context, "patients.add_measurement"),
                                   can_call=_can(context, "patients.change_scan"),
                                   csrf_token=_csrf(context))
    return patient_rows.scan_card(card, ctx)
