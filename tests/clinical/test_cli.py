"""The CLI contract of DESIGN.md: ``python -m bmtrack.clinical <command>``, JSON in and out.

Each test starts a real interpreter, as a caller of the contract would. No database, no Django.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def cli(command, stdin, *, args=None):
    """Run the CLI; returns (exit status, parsed JSON output)."""
    text = stdin if isinstance(stdin, str) else json.dumps(stdin)
    done = subprocess.run(
        [sys.executable, "-m", "bmtrack.clinical", *([command] if args is None else args)],
        input=text,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=30,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


GPA_INPUT = {
    "variant": "nsclc-adeno-2017",
    "factors": {"age": 62, "kps": 90, "extracranial_metastases": False, "brain_metastases": 2, "egfr_alk": "positive"},
}
RANO_INPUT = {
    "immunotherapy_start": None,
    "timepoints": [
        {
            "date": "2026-01-05",
            "lesions": {"L1": 20},
            "new_lesions": "none",
            "non_target": "none",
            "steroid_mg": 0,
            "clinical": "stable",
        },
        {
            "date": "2026-03-05",
            "lesions": {"L1": 12},
            "new_lesions": "none",
            "non_target": "none",
            "steroid_mg": 0,
            "clinical": "stable",
        },
    ],
}
SCHEDULE_INPUT = {
    "now": "2026-02-01T09:00:00+01:00",
    "patient": {"status": "active"},
    "treatments": [{"id": "T1", "kind": "srs", "status": "given", "start": "2026-01-10", "end": "2026-01-10"}],
    "scans": [],
}
SCREENING_INPUT = {"type": "sclc", "stage": "IIIA", "seer_stage": "regional", "neuro_symptoms": False}
PROTOCOL_INPUT = {
    "purpose": "surveillance",
    "sequences": ["t1_pre_3d", "t1_post_3d", "t2"],
    "field_strength_t": 1.5,
    "scanner": "Skyra",
    "baseline": None,
}


def test_gpa_round_trip_gives_the_score_band_and_median():
    status, out = cli("gpa", GPA_INPUT)
    assert status == 0
    assert (out["variant"], out["score"], out["band"], out["median_survival_months"]) == (
        "nsclc-adeno-2017",
        4.0,
        "3.5-4.0",
        46.8,
    )
    assert out["points"]["egfr_alk"] == 1.0 and "JAMA Oncol" in out["source"]


def test_gpa_auto_round_trip_chooses_the_variant_from_the_primary():
    factors = {**GPA_INPUT["factors"], "pd_l1_pct": 50}
    status, out = cli("gpa", {"variant": "auto", "primary": {"type": "nsclc_adeno"}, "factors": factors})
    assert status == 0
    assert (out["variant"], out["score"]) == ("nsclc-adeno-2022", 4.0)
    assert out["companion"]["variant"] == "nsclc-adeno-2017"


def test_rano_round_trip_scores_baseline_then_partial_response():
    status, out = cli("rano", RANO_INPUT)
    assert status == 0
    assert [a["category"] for a in out["assessments"]] == ["baseline", "PR"]
    assert out["targets"] == ["L1"]


def test_schedule_round_trip_lists_the_follow_up_and_the_necrosis_window():
    status, out = cli("schedule", SCHEDULE_INPUT)
    assert status == 0
    followup = [item for item in out["due_items"] if item["kind"] == "followup_mri"]
    assert [(i["trigger"], i["due_from"], i["due_by"], i["state"]) for i in followup] == [
        ("T1", "2026-03-10", "2026-04-10", "upcoming")
    ]
    assert {"kind": "radiation_necrosis", "trigger": "T1", "from": "2026-01-10", "to": "2029-01-10"}.items() <= (
        next(w for w in out["watch_windows"] if w["kind"] == "radiation_necrosis").items()
    )


def test_screening_round_trip_gives_recommendation_and_lifetime_risk():
    status, out = cli("screening", SCREENING_INPUT)
    assert status == 0
    assert (out["recommendation"], out["lifetime_risk_pct"]) == ("screen", 14.6)
    assert out["reasons"]


def test_protocol_round_trip_gives_compliance_and_advice():
    status, out = cli("protocol", PROTOCOL_INPUT)
    assert status == 0
    assert (out["compliant"], out["missing"]) == (True, [])
    assert any("3 T rather than 1.5 T" in text for text in out["advice"])


@pytest.mark.parametrize(
    ("command", "payload", "field"),
    [
        ("gpa", {**GPA_INPUT, "factors": {**GPA_INPUT["factors"], "kps": 85}}, "factors.kps"),
        ("gpa", {**GPA_INPUT, "variant": "gpa-1999"}, "variant"),
        ("rano", {**RANO_INPUT, "timepoints": [{**RANO_INPUT["timepoints"][0], "lesions": {"L1": 200}}]}, "timepoints"),
        ("schedule", {**SCHEDULE_INPUT, "now": "2026-02-01T09:00:00"}, "now"),
        ("screening", {**SCREENING_INPUT, "stage": "VI"}, "stage"),
        ("protocol", {**PROTOCOL_INPUT, "sequences": ["t1_post_3d", "t1w"]}, "sequences[1]"),
    ],
)
def test_a_bad_field_exits_2_with_an_error_naming_the_field(command, payload, field):
    status, out = cli(command, payload)
    assert status == 2
    assert out["field"].startswith(field) and field in out["error"]


@pytest.mark.parametrize("command", ["gpa", "rano", "schedule", "screening", "protocol"])
def test_invalid_json_exits_2_with_an_error_naming_the_input(command):
    status, out = cli(command, '{"variant": ')
    assert status == 2
    assert out["field"] == "input" and "JSON" in out["error"]


@pytest.mark.parametrize("command", ["gpa", "rano", "schedule", "screening", "protocol"])
def test_a_json_value_that_is_not_an_object_exits_2(command):
    status, out = cli(command, "[1, 2]")
    assert status == 2 and out["field"] == "input"


@pytest.mark.parametrize("args", [["prognosis"], [], ["gpa", "extra"]])
def test_an_unknown_command_exits_2_with_the_usage(args):
    status, out = cli(None, "{}", args=args)
    assert status == 2
    assert out["field"] == "command" and "gpa" in out["error"]


IMPORT_CHECK = """
import sys
import bmtrack.clinical
import bmtrack.clinical.cli
import bmtrack.clinical.gpa
import bmtrack.clinical.rano
import bmtrack.clinical.schedule
import bmtrack.clinical.screening
import bmtrack.clinical.protocol
print(sorted(name for name in sys.modules if name == "django" or name.startswith("django.")))
"""


def test_importing_the_clinical_core_leaves_django_unimported():
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK], capture_output=True, text=True, cwd=REPO, timeout=30, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_cli_starts_and_answers_in_well_under_a_second():
    cli("gpa", GPA_INPUT)  # warm the file cache and byte-code
    started = time.perf_counter()
    status, _ = cli("gpa", GPA_INPUT)
    elapsed = time.perf_counter() - started
    assert status == 0
    assert elapsed < 1.0, f"CLI took {elapsed:.2f} s"


def test_dates_far_outside_clinical_years_are_refused_naming_the_field():
    payload = {"now": "9999-12-30T12:00:00+00:00", "patient": {"status": "active"},
               "treatments": [{"id": "T1", "kind": "srs", "status": "given", "start": "9999-12-01", "end": None}],
               "scans": []}
    code, out = cli("schedule", payload)
    assert code == 2 and out["field"] == "now"


def test_an_absurdly_large_number_is_refused_not_a_crash():
    payload = {"timepoints": [{"date": "2026-01-05", "lesions": {"L1": 18}, "new_lesions": "none",
                               "non_target": "none", "steroid_mg": 10**400, "clinical": "stable"}]}
    code, out = cli("rano", payload)
    assert code == 2 and out["field"] == "timepoints[0].steroid_mg"
