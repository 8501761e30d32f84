"""The planning seam (``surveillance.plan``): one way a plan is made and stored, used by the patients'
services (through ``patients.planning``), the synthetic cohort and ``run_surveillance --replan-all``,
which recomputes GPA and RANO-BM as well as the plan."""

from __future__ import annotations

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bmtrack.patients import services
from bmtrack.patients.models import GPAAssessment, ResponseAssessment
from bmtrack.surveillance import plan
from bmtrack.surveillance.models import DueItem
from bmtrack.surveillance.phase import phase
from tests.conftest import at

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "bmtrack"


@pytest.fixture
def measured(patient):
    """A lung primary with the factors GPA needs, a baseline MRI, SRS and a follow-up MRI."""
    services.record_primary(patient, type="nsclc_adeno", stage="IV", seer_stage="metastatic",
                            diagnosed_on=dt.date(2025, 6, 1), markers=[
                                {"marker": "egfr", "result": "negative", "tested_on": dt.date(2025, 6, 1)},
                                {"marker": "alk", "result": "negative", "tested_on": dt.date(2025, 6, 1)}],
                            now=at(2026, 1, 2))
    services.record_observation(patient, observed_on=dt.date(2026, 1, 2), kps=90, extracranial_metastases=True,
                                now=at(2026, 1, 2))
    services.record_scan(patient, at=at(2026, 1, 2), modality="mri", is_baseline=True,
                         measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("20")}], now=at(2026, 1, 2, 12))
    services.record_treatment(patient, kind="srs", status="given", start=at(2026, 1, 6, 9), end=at(2026, 1, 6, 10),
                              now=at(2026, 1, 6, 11))
    services.record_scan(patient, at=at(2026, 3, 10), modality="mri",
                         measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("10")}], now=at(2026, 3, 10, 12))
    return patient


def test_replan_all_recomputes_gpa_rano_bm_and_the_plan_of_every_patient(measured, make_patient):
    other = make_patient()
    services.record_treatment(other, kind="wbrt", status="given", start=at(2026, 2, 1, 9), now=at(2026, 2, 1, 10))
    expected_gpa = list(GPAAssessment.objects.filter(patient=measured, current=True).order_by("moment")
                        .values_list("score", flat=True))
    expected = sorted(ResponseAssessment.objects.filter(patient=measured).values_list("scan_id", "category"))
    assert expected_gpa and len(expected) == 2
    keys = sorted(DueItem.objects.values_list("patient_id", "kind", "trigger"))
    # What a rule change leaves behind: stored assessments no longer what the rules say, items gone.
    GPAAssessment.objects.all().delete()
    ResponseAssessment.objects.filter(patient=measured).update(category="SD")
    DueItem.objects.all().delete()

    call_command("run_surveillance", "--replan-all", "--batch-size", "1", stdout=io.StringIO())

    assert list(GPAAssessment.objects.filter(patient=measured, current=True).order_by("moment")
                .values_list("score", flat=True)) == expected_gpa
    assert sorted(ResponseAssessment.objects.filter(patient=measured).values_list("scan_id", "category")) == expected
    assert sorted(DueItem.objects.values_list("patient_id", "kind", "trigger")) == keys
    now = timezone.now()
    assert all(item.state == phase(item, now) for item in DueItem.objects.all())  # planned at the run's clock


def test_replan_all_changes_nothing_when_the_record_is_up_to_date(measured):
    now = at(2026, 3, 10, 12)
    before = sorted(DueItem.objects.values_list("pk", "state", "due_from", "due_by", "fulfilled_by_id"))
    counts = plan.replan_all(now=now, batch_size=10)
    assert counts == {"patients": 1, "created": 0, "updated": 0, "closed": 0, "failed": 0}
    assert sorted(DueItem.objects.values_list("pk", "state", "due_from", "due_by", "fulfilled_by_id")) == before
    before_gpa = GPAAssessment.objects.filter(patient=measured).count()
    plan.replan_all(now=now, batch_size=10)
    assert GPAAssessment.objects.filter(patient=measured).count() == before_gpa  # same inputs: no new row


def test_planning_writes_nothing_and_applying_stores_the_difference(measured):
    now = at(2026, 6, 1, 9)
    made = plan.plan_patient(measured, now=now)
    assert {item.kind for item in made.result.due_items} >= {"srs_planning_mri", "followup_mri"}
    before = DueItem.objects.count()
    counts = plan.apply_plan(measured, made, now=now)
    assert DueItem.objects.count() == before and counts["updated"] >= 1  # states moved with time
    assert plan.apply_plan(measured, plan.plan_patient(measured, now=now), now=now) == {
        "created": 0, "updated": 0, "closed": 0}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize(("app", "above"), [
    ("patients", ("bmtrack.surveillance", "bmtrack.boards", "bmtrack.web", "bmtrack.api")),
    ("surveillance", ("bmtrack.boards", "bmtrack.web", "bmtrack.api")),
])
def test_no_module_imports_an_app_above_it_not_even_inside_a_function(app, above):
    offenders = {str(path.relative_to(ROOT)): sorted(n for n in _imports(path) if n.startswith(above))
                 for path in (ROOT / app).rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_no_module_outside_surveillance_uses_a_private_name_of_it():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.is_relative_to(ROOT / "surveillance"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bmtrack.surveillance"):
                offenders += [f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_")]
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id in ("plan", "services")):
                offenders.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert offenders == []


def test_replan_all_goes_on_past_a_patient_it_cannot_recompute_and_says_so(measured, make_patient):
    from bmtrack.patients.models import Scan

    broken = make_patient()
    scan = services.record_scan(broken, at=at(2026, 2, 1, 9), modality="mri", now=at(2026, 2, 1, 10))
    # A row the rules refuse (written behind the services' back): a sequence the core does not know.
    Scan.objects.filter(pk=scan.pk).update(sequences=["t1_post_3d", "not-a-sequence"])
    DueItem.objects.filter(patient=measured).delete()
    counts = plan.replan_all(now=at(2026, 3, 10, 12), batch_size=1)
    assert counts["failed"] == 1 and counts["patients"] == 1
    assert DueItem.objects.filter(patient=measured).exists()
    with pytest.raises(CommandError, match="1 patients could not be recomputed"):
        call_command("run_surveillance", "--replan-all", stdout=io.StringIO())
