"""Issue 16, plain language: the one date format, the citation and flag mappings, the one error mapper,
chart labels that never collide (the one palette: tests/core/test_palette.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import engines
from django.utils import timezone

from bmtrack.clinical import citations, gpa, protocol, schedule, screening, vocabulary, workup
from bmtrack.core.charts.response import Point, place_point_labels, text_width
from bmtrack.core.formatting import fmt_date, fmt_datetime, fmt_range, fmt_time, fmt_weekday, readable_dates
from bmtrack.core.forms import apply_service_error, error_messages, error_summary

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "bmtrack.css"


# --- dates ------------------------------------------------------------------------------------------

def test_a_date_is_day_month_year_without_a_leading_zero():
    assert fmt_date(dt.date(2026, 12, 4)) == "4 Dec 2026"
    assert fmt_date(dt.date(2027, 1, 31)) == "31 Jan 2027"
    assert fmt_weekday(dt.date(2026, 12, 4)) == "Fri 4 Dec 2026"
    assert fmt_date(None) == "" and fmt_datetime(None) == "" and fmt_time(None) == ""


@pytest.mark.parametrize("utc, shown", [
    (dt.datetime(2026, 12, 4, 15, 1, tzinfo=dt.UTC), "4 Dec 2026, 16:01"),  # 24-hour, site zone (CET)
    (dt.datetime(2026, 7, 4, 22, 30, tzinfo=dt.UTC), "5 Jul 2026, 00:30"),  # CEST, the next day locally
    (dt.datetime(2026, 12, 4, 23, 5, tzinfo=dt.UTC), "5 Dec 2026, 00:05"),
])
def test_a_moment_is_shown_in_the_site_zone_on_a_24_hour_clock(utc, shown):
    with timezone.override(AMSTERDAM):
        assert fmt_datetime(utc) == shown
        assert fmt_time(utc) == shown.split(", ")[1]
        assert fmt_date(utc) == shown.split(", ")[0]


def test_a_range_shows_the_first_year_only_when_it_differs():
    assert fmt_range(dt.date(2026, 12, 28), dt.date(2027, 1, 3)) == "28 Dec 2026 – 3 Jan 2027"
    assert fmt_range(dt.date(2026, 11, 28), dt.date(2026, 12, 3)) == "28 Nov – 3 Dec 2026"
    assert fmt_range(dt.date(2026, 12, 3), dt.date(2026, 12, 3)) == "3 Dec 2026"
    assert fmt_range(dt.date(2026, 12, 3), None) == "from 3 Dec 2026"
    with timezone.override(AMSTERDAM):
        start = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)
        assert fmt_range(start, start + dt.timedelta(hours=2, minutes=30)) == "4 Dec 2026, 09:00 – 11:30"
        assert fmt_range(start, start + dt.timedelta(days=30)) == "4 Dec 2026, 09:00 – 3 Jan 2027, 09:00"


def test_templates_and_django_own_rendering_use_the_same_format(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    moment = dt.datetime(2026, 12, 4, 15, 1, tzinfo=dt.UTC)
    template = engines["django"].from_string(
        "{{ m }}|{{ m|date }}|{{ m|time }}|{{ d }}|{{ d|fdate }}|{{ m|fdatetime }}|{{ d|frange:e }}"
        "|{{ s|readable_dates }}")
    with timezone.override(AMSTERDAM):
        shown = template.render({"m": moment, "d": dt.date(2026, 12, 28), "e": dt.date(2027, 1, 3),
                                 "s": "confirmation MRI due 2027-03-01"})
    assert shown.split("|") == ["4 Dec 2026, 16:01", "4 Dec 2026", "16:01", "28 Dec 2026", "28 Dec 2026",
                                "4 Dec 2026, 16:01", "28 Dec 2026 – 3 Jan 2027", "confirmation MRI due 1 Mar 2027"]
    assert "p.m." not in shown and "PM" not in shown


def test_readable_dates_rewrites_iso_dates_in_a_sentence():
    assert readable_dates("baseline 2026-01-05, not 2026-13-40") == "baseline 5 Jan 2026, not 2026-13-40"


# --- citations ----------------------------------------------------------------------------------------

def all_sources() -> list[str]:
    sources = list(schedule.SOURCES.values()) + list(protocol.SOURCES.values()) + list(screening.SOURCES.values())
    sources += [workup.HINT_SOURCE, workup.ENLARGEMENT_SOURCE, screening.RISK_SOURCE, protocol.REFERENCE,
                screening.REFERENCE, gpa.REFERENCE, "docs/clinical/record.md", "shared/clinical/gpa.md"]
    sources += [f"{variant.source}; {gpa.REFERENCE}, {variant.id}" for variant in gpa.GPA_VARIANTS.values()]
    return sources


@pytest.mark.parametrize("source", all_sources())
def test_every_source_of_the_clinical_core_becomes_a_human_citation(source):
    cited = citations.cite(source)
    for text in (cited.summary, cited.text, *cited.references):
        assert ".md" not in text and "docs/" not in text and "shared/" not in text
        assert not re.search(r"\bseed\b", text, re.IGNORECASE)
        assert not re.search(r"\brefs?\b", text)
    assert re.search(r"et al\.(, [^,;]+)? \(?\d{4}|et al\., \d{4}", cited.summary), cited.summary
    assert cited.references, source


def test_a_seed_review_reference_keeps_its_number_and_quotation():
    cited = citations.cite(schedule.SOURCES["postop_mri"])
    assert cited.summary == "Derks et al., Br J Radiol 2022"
    assert cited.text.startswith("Derks et al., Br J Radiol 2022, reference 57: \"within 48 up to 72 h")
    assert cited.references == (citations.PUBLICATIONS["seed"].full,)


def test_a_page_reference_becomes_the_publications_behind_that_page():
    cited = citations.cite("docs/clinical/record.md")
    assert cited.summary == "Lin et al., Lancet Oncol 2015; Okada et al., Lancet Oncol 2015"
    gpa_source = citations.cite("Sperduto et al., J Clin Oncol 2012;30:419–425; docs/clinical/gpa.md, nsclc-2012")
    assert gpa_source.summary == "Sperduto et al., J Clin Oncol 2012"
    assert gpa_source.text == "Sperduto et al., J Clin Oncol 2012;30:419–425"


def test_the_cite_filter_puts_the_citation_behind_an_info_toggle():
    html = engines["django"].from_string("{{ s|cite }}").render({"s": schedule.SOURCES["postop_mri"]})
    assert html.startswith('<details class="cite"><summary><span class="cite-label">Source:</span> '
                           'Derks et al., Br J Radiol 2022</summary>')
    assert "reference 57" in html and "Br J Radiol 2022;95:20210944" in html
    assert engines["django"].from_string("{{ s|cite }}").render({"s": ""}) == ""


# --- flags in words -----------------------------------------------------------------------------------

def test_every_flag_has_words_without_underscores():
    from bmtrack.clinical import rano, record

    ids = {value for module in (rano, record) for name, value in vars(module).items()
           if name.isupper() and isinstance(value, str) and re.fullmatch(r"[a-z]+(_[a-z]+)+", value)}
    for flag in ids & set(vocabulary.FLAG_WORDS) | set(vocabulary.FLAG_WORDS):
        assert "_" not in vocabulary.FLAG_WORDS[flag]
    assert vocabulary.flag_words(["equivocal_new_lesion", "no_baseline_disease", "some_new_flag"]) == [
        "equivocal new lesion", "no disease at baseline", "some new flag"]


def test_plain_words_write_out_flags_and_abbreviations():
    assert vocabulary.plain_words("Pseudoprogression watch (ICI/TT): possible_radiation_necrosis") == (
        "Pseudoprogression watch (immunotherapy or targeted therapy): possible radiation necrosis: a treated "
        "lesion grew inside its window")


# --- forms: every error at once, each linked to its input --------------------------------------------

class VisitForm(forms.Form):
    day = forms.DateField(label="Scan date")
    kps = forms.IntegerField(label="KPS")
    note = forms.CharField(label="Note", required=False)


class RowForm(forms.Form):
    label = forms.CharField(label="Lesion")
    longest = forms.DecimalField(label="Longest diameter (mm)")


RowFormSet = forms.formset_factory(RowForm, extra=0)


def test_every_field_error_of_a_service_reaches_the_form_at_once():
    form = VisitForm({"day": "2026-12-04", "kps": "80"})
    assert form.is_valid()
    rows = RowFormSet({"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-label": "L1",
                       "form-0-longest": "12", "form-1-label": "L2", "form-1-longest": "9"})
    assert rows.is_valid()
    error = ValidationError({
        "day": ["The scan date is before the surgery."], "kps": ["KPS is 0–100.", "KPS must be a multiple of 10."],
        "measurements[1].longest_diameter_mm": ["Longer than 150 mm."], "__all__": ["The patient is deceased."],
        "unknown_field": ["Something else."],
    })
    apply_service_error(error, form, {"measurements": (rows, [0, 1])}, {"longest_diameter_mm": "longest"})
    assert form.errors["day"] == ["The scan date is before the surgery."]
    assert form.errors["kps"] == ["KPS is 0–100.", "KPS must be a multiple of 10."]
    assert rows.forms[1].errors["longest"] == ["Longer than 150 mm."]
    assert form.non_field_errors() == ["The patient is deceased.", "unknown field: Something else."]

    items = error_summary(form, rows)
    assert [(i.label, i.target) for i in items] == [
        ("", ""), ("", ""), ("Scan date", "id_day"), ("KPS", "id_kps"), ("KPS", "id_kps"),
        ("Row 2, Longest diameter (mm)", "id_form-1-longest")]


def test_the_error_summary_lists_every_error_with_a_link_to_its_input():
    form = VisitForm({"day": "not a date", "kps": ""})
    assert not form.is_valid()
    html = engines["django"].from_string("{% error_summary form %}").render({"form": form})
    assert "Nothing was saved. 2 problems to fix:" in html
    assert 'href="#id_day"' in html and 'href="#id_kps"' in html
    assert "data-error-summary" in html and 'tabindex="-1"' in html
    assert engines["django"].from_string("{% error_summary form %}").render({"form": VisitForm()}).strip() == ""


@pytest.mark.parametrize("error", [
    ValidationError("The meeting is in the past."),
    ValidationError(["The meeting is in the past.", "The meeting is in the past."]),
    ValidationError({"__all__": ["The meeting is in the past."]}),
], ids=["one message", "a list", "keyed by field"])
def test_an_action_without_a_form_shows_a_refusal_of_any_shape(error):
    # boards flashed ``exc.message_dict`` and failed with a 500 on a refusal that was not keyed by field
    assert error_messages(error) == ["The meeting is in the past."]


# --- one palette; labels that never collide ------------------------------------------------------------

def boxes(points):
    return [(p.x - text_width(p.label, 11.5) / 2, p.x + text_width(p.label, 11.5) / 2, p.label_y - 11.5,
             p.label_y + 2) for p in points if p.label]


def test_response_point_labels_never_print_over_each_other():
    # Five scans a few days apart on almost the same sum: their labels would all sit on one spot.
    points = [Point(100 + 6 * i, 150 + (i % 2), "rc-cat-sd", "non-CR/non-PD" if i % 2 else "SD", 0, "", 0, "")
              for i in range(5)]
    place_point_labels(points)
    placed = boxes(points)
    assert len(placed) >= 3  # staggered above and below, not dropped
    for index, (l1, r1, t1, b1) in enumerate(placed):
        for l2, r2, t2, b2 in placed[index + 1:]:
            assert r1 + 2 <= l2 or l1 >= r2 + 2 or b1 <= t2 or t1 >= b2


def test_response_point_labels_far_apart_stay_just_above_their_point():
    points = [Point(100, 150, "rc-cat-pr", "PR", 0, "", 0, ""), Point(400, 120, "rc-cat-pd", "PD", 0, "", 0, "")]
    place_point_labels(points)
    assert [p.label_y for p in points] == [138, 108]


