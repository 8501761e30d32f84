"""Formatting filters for board pages and the packet (display only, no clinical logic)."""

from __future__ import annotations

from django import template

from bmtrack.patients.selectors import gpa_factor_label, gpa_value_words, response_flag_words

register = template.Library()


@register.filter
def num(value) -> str:
    """A figure without trailing zeros (36.0 → 36, 2.5 → 2.5); empty for None."""
    if value is None or value == "":
        return ""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def pct(value) -> str:
    """A signed percentage (+12.5 %), an en dash for None."""
    if value is None:
        return "–"
    return f"{float(value):+g} %".replace("-", "−")


@register.filter
def lesion_labels(treatment) -> str:
    return ", ".join(lesion.label for lesion in treatment.lesions.all())


@register.filter
def person(user) -> str:
    """A user's full name, else their username; an en dash for nobody."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username


@register.filter
def gpa_factor_words(name) -> str:
    return gpa_factor_label(name)


@register.filter(name="gpa_value_words")
def gpa_value_words_filter(value, factor="") -> str:
    return gpa_value_words(value, factor)


@register.filter
def response_flags(flags) -> list[str]:
    return response_flag_words(flags)
