"""bmtrack.core.select: the pick lists written in Python are Django's own markup, read in one query."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bmtrack.core.select import ListedModelChoiceField, ListedSelect

CHOICES = [("", "All kinds"), ("a", "Post-operative MRI"), ("b", "Fish & <chips>"),
           ("Group", [("c", "Inside"), ("d", "Also \"quoted\"")])]


def _tags(html: str) -> str:
    """The markup without the line breaks Django's templates put between options."""
    return re.sub(r">\s+<", "><", html.strip())


class Plain(forms.Form):
    kind = forms.ChoiceField(choices=CHOICES, required=False,
                             widget=forms.Select(attrs={"aria-describedby": "x_help", "data-on": True}))


class Listed(forms.Form):
    kind = forms.ChoiceField(choices=CHOICES, required=False,
                             widget=ListedSelect(attrs={"aria-describedby": "x_help", "data-on": True}))


@pytest.mark.parametrize("value", ["", "b", "d", "not a choice"])
def test_the_select_is_written_as_djangos_template_writes_it(value):
    assert str(Listed({"kind": value})["kind"]) == _tags(str(Plain({"kind": value})["kind"]))


def test_a_model_pick_list_reads_its_options_in_one_plain_query(db):
    from bmtrack.accounts.models import CareTeam

    for name in ("Neuro-oncology A", "Neuro-oncology B", "Lung & <thorax>"):
        CareTeam.objects.create(name=name)

    class Teams(forms.Form):
        team = ListedModelChoiceField(queryset=CareTeam.objects.order_by("name"), required=False,
                                      empty_label="All my teams", widget=ListedSelect)

    class DjangoTeams(forms.Form):
        team = forms.ModelChoiceField(queryset=CareTeam.objects.order_by("name"), required=False,
                                      empty_label="All my teams")

    chosen = CareTeam.objects.get(name="Neuro-oncology B").pk
    form = Teams({"team": chosen})
    assert form.is_valid()
    with CaptureQueriesContext(connection) as queries:
        html = str(form["team"])
    assert len(queries) == 1 and not queries[0]["sql"].upper().startswith("DECLARE")
    assert html == _tags(str(DjangoTeams({"team": chosen})["team"]))
    assert "Lung &amp; &lt;thorax&gt;" in html and f'value="{chosen}" selected' in html
