"""Plain output on every page, packet and email (a builtin of the template engine: no ``{% load %}``).

Dates in one format (``fdate``, ``ftime``, ``fdatetime``, ``fweekday``, ``frange``), sources as human
citations behind an info toggle (``cite``, ``cite_text``), flags and abbreviations in words
(``flag_words``, ``plain``) and the error summary of a form (``{% error_summary form formset %}``).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from bmtrack.clinical import citations, vocabulary
from bmtrack.core import formatting
from bmtrack.core.forms import error_summary as error_items

register = template.Library()


@register.filter
def fdate(value):
    return formatting.fmt_date(value)


@register.filter
def ftime(value):
    return formatting.fmt_time(value)


@register.filter
def fdatetime(value):
    return formatting.fmt_datetime(value)


@register.filter
def fweekday(value):
    return formatting.fmt_weekday(value)


@register.filter
def frange(start, end):
    """``{{ item.due_from|frange:item.due_by }}``: "28 Dec 2026 – 3 Jan 2027", "28 Nov – 3 Dec 2026"."""
    return formatting.fmt_range(start, end)


@register.filter
def fdays(start, end):
    """The days of a period, without times: "4 Dec 2026" for one day."""
    return formatting.fmt_day_range(start, end)


@register.filter
def readable_dates(text):
    return formatting.readable_dates(text)


@register.filter
def cite(source, label="Source"):
    """A rule's source as a human citation behind an info toggle: the summary names the publications,
    the toggle opens on the quotation and the full references."""
    citation = citations.cite(source)
    if not citation.text:
        return ""
    detail = "" if citation.text == citation.summary else format_html("<p>{}</p>", citation.text)
    references = format_html_join("", '<p class="cite-ref">{}</p>', ((reference,) for reference in citation.references))
    return format_html(
        '<details class="cite"><summary><span class="cite-label">{}:</span> {}</summary>{}{}</details>',
        label, citation.summary, detail, references,
    )


@register.filter
def cite_text(source):
    return citations.cite_text(source)


@register.filter
def flag_words(flags):
    return vocabulary.flag_words(flags)


@register.filter
def plain(text):
    return vocabulary.plain_words(text)


@register.inclusion_tag("core/_error_summary.html")
def error_summary(form=None, *formsets):
    """All errors of a form (and its formsets) at the top, each a link to its input; focused on load."""
    return {"items": error_items(form, *formsets)}
