"""The patient page's parts written in Python (bmtrack.web.patient_rows): escaping and the reader's call."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from bmtrack.patients.models import Scan
from bmtrack.web import patient_rows

AT = dt.datetime(2026, 11, 3, 9, 30, tzinfo=dt.UTC)


def _card(**scan):
    fields = {"pk": 7, "modality": "mri", "tracer": "", "purpose": "surveillance", "field_strength_t": Decimal("3.0"),
              "scanner": "Skyra <3T>", "is_baseline": False, "at": AT, "measurement_status": "measured",
              "sequences": [], "study_uid": "", "new_lesions": "", "non_target": "none", "report": ""} | scan
    response = SimpleNamespace(category="SD", flags=["new_lesion_call_needed"], sum_mm=Decimal("21.0"),
                               change_from_baseline_pct=Decimal("-4.5"), change_from_nadir_pct=Decimal("0"))
    return SimpleNamespace(scan=Scan(**fields), response=response, rows=[], protocol=None, viewer_url="")


def _html(card, **ctx):
    return patient_rows.scan_card(card, patient_rows.CardContext(
        public_id="0b0d3c4e-1f2a-4b5c-8d9e-0123456789ab", csrf_token="tok", **({"can_measure": True,
                                                                               "can_call": True} | ctx)))


def test_a_report_is_escaped_and_keeps_its_lines():
    html = _html(_card(report="Line one <script>alert(1)</script>\nLine two & more"))
    assert "<script>" not in html
    assert "Line one &lt;script&gt;alert(1)&lt;/script&gt;<br>Line two &amp; more" in html
    assert "Skyra &lt;3T&gt;" in html and " · 3 T" in html


def test_a_new_lesion_awaiting_the_call_offers_the_call_form_to_whoever_may_make_it():
    html = _html(_card())
    assert "New lesion awaiting the reader's call" in html
    assert 'class="call-form"' in html and 'value="tok"' in html and "Save the call" in html
    assert '<option value="" selected>' in html
    assert 'class="call-form"' not in _html(_card(), can_call=False)


def test_a_made_call_is_selected_and_can_be_corrected():
    html = _html(_card(new_lesions="equivocal"))
    assert '<option value="equivocal" selected>Equivocal</option>' in html
    assert "Correct the call" in html and " · new lesions: equivocal" in html


def test_only_an_mri_offers_measurements_and_a_pending_one_asks_for_them():
    assert "Enter measurements" in _html(_card(measurement_status="pending"))
    assert "Edit measurements" in _html(_card())
    assert "measurements</a>" not in _html(_card(modality="ct"))
    assert "measurements</a>" not in _html(_card(), can_measure=False)
