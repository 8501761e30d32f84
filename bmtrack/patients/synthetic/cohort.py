"""Generate a synthetic cohort: staff and teams, then patients in chunks, in parallel processes.

1. Staff: ``nurses`` nurses (about 500 patients each by default), ``teams`` care teams, one
   physician per team; usernames and MRNs carry the seed so two cohorts can share a database.
2. Patients in chunks of ``chunk_size``: histories are built in Python (``histories``), ids are
   reserved from the tables' sequences, every table is written with ``COPY``, then the derived
   state (GPA, responses, due items, watch windows) is computed and copied (``derive``). One
   transaction per chunk: a failure loses that chunk only, and the patients it holds are complete.
3. ``ANALYZE`` (or ``VACUUM ANALYZE``) so the planner sees the new sizes at once.

Chunks run in a pool of ``workers`` forked processes, each with its own connection; every patient
draws from its own seeded generator, so the cohort is the same whatever the workers or chunking.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import connection, connections, transaction

from bmtrack.accounts.models import CareTeam, User
from bmtrack.accounts.roles import NURSE, PHYSICIAN, sync_role_groups
from bmtrack.core.clock import site_zone
from bmtrack.patients.models import (
    Lesion,
    MarkerResult,
    Measurement,
    Patient,
    PrimaryTumour,
    Scan,
    StatusObservation,
    Treatment,
)
from bmtrack.patients.synthetic.copying import CopyTable, reserve_ids
from bmtrack.patients.synthetic.derive import derive_patients
from bmtrack.patients.synthetic.histories import build_history

PATIENTS_PER_NURSE = 500
TABLES = ("patients_patient", "patients_primarytumour", "patients_markerresult", "patients_statusobservation",
          "patients_lesion", "patients_scan", "patients_measurement", "patients_treatment",
          "patients_treatment_lesions", "patients_gpaassessment", "patients_responseassessment",
          "surveillance_dueitem", "surveillance_watchwindow")


@dataclass(frozen=True)
class CohortSpec:
    patients: int
    seed: int
    now: dt.datetime
    nurses: int | None = None
    teams: int | None = None
    chunk_size: int = 1000
    workers: int = 1
    derive: bool = True

    @property
    def nurse_count(self) -> int:
        return self.nurses or max(1, math.ceil(self.patients / PATIENTS_PER_NURSE))

    @property
    def team_count(self) -> int:
        return self.teams or self.nurse_count

    @property
    def prefix(self) -> str:
        return f"SYN{self.seed}-"


def create_staff(spec: CohortSpec) -> list[tuple[int, int]]:
    """Teams, one physician per team, nurses spread over the teams; returns (team id, nurse id) per nurse."""
    sync_role_groups()
    tag = f"syn{spec.seed}"
    teams = CareTeam.objects.bulk_create(
        [CareTeam(name=f"Synthetic {spec.seed} team {t + 1:03d}") for t in range(spec.team_count)])
    physicians = User.objects.bulk_create([
        User(username=f"{tag}-physician-{t + 1:03d}", first_name="Physician", last_name=f"{t + 1:03d}",
             email=f"{tag}-physician-{t + 1:03d}@hospital.example", password="!synthetic")  # noqa: S106
        for t in range(spec.team_count)])
    nurses = User.objects.bulk_create([
        User(username=f"{tag}-nurse-{k + 1:04d}", first_name="Nurse", last_name=f"{k + 1:04d}",
             email=f"{tag}-nurse-{k + 1:04d}@hospital.example", password="!synthetic")  # noqa: S106
        for k in range(spec.nurse_count)])
    membership = CareTeam.members.through
    links = [membership(careteam_id=team.pk, user_id=doc.pk) for team, doc in zip(teams, physicians, strict=True)]
    links += [membership(careteam_id=teams[k % len(teams)].pk, user_id=nurse.pk) for k, nurse in enumerate(nurses)]
    membership.objects.bulk_create(links)
    for team, doc in zip(teams, physicians, strict=True):
        team.responsible_physician = doc
    CareTeam.objects.bulk_update(teams, ["responsible_physician"])
    groups = User.groups.through
    nurse_group, physician_group = Group.objects.get(name=NURSE), Group.objects.get(name=PHYSICIAN)
    groups.objects.bulk_create([groups(user_id=u.pk, group_id=nurse_group.pk) for u in nurses]
                               + [groups(user_id=u.pk, group_id=physician_group.pk) for u in physicians])
    return [(teams[k % len(teams)].pk, nurse.pk) for k, nurse in enumerate(nurses)]


def write_chunk(spec: CohortSpec, staff: list[tuple[int, int]], indices: range) -> dict:
    """Build, copy and derive one chunk of patients in one transaction. Returns counts and timings."""
    tz = site_zone()
    started = time.perf_counter()
    histories = [build_history(spec.seed, i, spec.now, tz, spec.prefix) for i in indices]
    built = time.perf_counter()
    counts: Counter = Counter()
    with transaction.atomic():
        counts.update(_copy_histories(spec, staff, histories))
        copied = time.perf_counter()
        if spec.derive:
            counts.update(derive_patients([h.patient["id"] for h in histories], spec.now))
    done = time.perf_counter()
    return {"counts": counts, "build_s": built - started, "copy_s": copied - built, "derive_s": done - copied}


def _copy_histories(spec: CohortSpec, staff, histories) -> dict[str, int]:
    now = spec.now
    n = len(histories)
    patient_ids = iter(reserve_ids(Patient, n))
    primary_ids = iter(reserve_ids(PrimaryTumour, n))
    lesion_ids = iter(reserve_ids(Lesion, sum(len(h.lesions) for h in histories)))
    scan_ids = iter(reserve_ids(Scan, sum(len(h.scans) for h in histories)))
    treatment_ids = iter(reserve_ids(Treatment, sum(len(h.treatments) for h in histories)))
    rows: dict[str, list[dict]] = {name: [] for name in ("patient", "primary", "marker", "observation", "lesion",
                                                         "scan", "measurement", "treatment", "treatment_lesion")}
    for h in histories:
        team_id, nurse_id = staff[h.index % len(staff)]
        pid = h.patient["id"] = next(patient_ids)
        rows["patient"].append({**h.patient, "care_team_id": team_id, "responsible_nurse_id": nurse_id})
        primary_id = next(primary_ids)
        rows["primary"].append({**h.primary, "id": primary_id, "patient_id": pid})
        rows["marker"].extend({**m, "primary_id": primary_id} for m in h.markers)
        rows["observation"].extend({**o, "patient_id": pid} for o in h.observations)
        lesion_by_label = {}
        for lesion in h.lesions:
            lesion_by_label[lesion["label"]] = lid = next(lesion_ids)
            rows["lesion"].append({**lesion, "id": lid, "patient_id": pid})
        for scan in h.scans:
            sid = next(scan_ids)
            rows["scan"].append({**scan, "id": sid, "patient_id": pid})
            rows["measurement"].extend({**m, "scan_id": sid, "lesion_id": lesion_by_label[m["lesion_key"]]}
                                       for m in scan["measurements"])
        for treatment in h.treatments:
            tid = next(treatment_ids)
            rows["treatment"].append({**treatment, "id": tid, "patient_id": pid})
            rows["treatment_lesion"].extend({"treatment_id": tid, "lesion_id": lesion_by_label[label]}
                                            for label in treatment["lesion_keys"])
    tables = [
        ("patients", Patient, "patient", True), ("primaries", PrimaryTumour, "primary", True),
        ("markers", MarkerResult, "marker", False), ("observations", StatusObservation, "observation", False),
        ("lesions", Lesion, "lesion", True), ("scans", Scan, "scan", True),
        ("measurements", Measurement, "measurement", False), ("treatments", Treatment, "treatment", True),
        ("treatment_lesions", Treatment.lesions.through, "treatment_lesion", False),
    ]
    return {name: CopyTable(model, now, with_id=with_id).copy(rows[key]) for name, model, key, with_id in tables}


def _run_chunk(args) -> dict:
    spec, staff, start, stop = args
    return write_chunk(spec, staff, range(start, stop))


def _close_connections() -> None:
    connections.close_all()


def generate(spec: CohortSpec, log=print) -> dict:
    """Generate the whole cohort; returns totals and per-phase timings (seconds)."""
    if Patient.objects.filter(mrn__startswith=spec.prefix).exists():
        raise ValueError(f"A cohort with seed {spec.seed} is already in this database (MRNs {spec.prefix}...).")
    started = time.perf_counter()
    with transaction.atomic():
        staff = create_staff(spec)
    chunks = [(spec, staff, start, min(start + spec.chunk_size, spec.patients))
              for start in range(0, spec.patients, spec.chunk_size)]
    totals: Counter = Counter()
    phases: Counter = Counter()
    done = 0
    if spec.workers > 1 and len(chunks) > 1:
        connections.close_all()  # a forked child must open its own connection
        with multiprocessing.get_context("fork").Pool(spec.workers, initializer=_close_connections) as pool:
            for result in pool.imap_unordered(_run_chunk, chunks):
                done = _tally(result, totals, phases, done, spec, started, log)
    else:
        for chunk in chunks:
            done = _tally(_run_chunk(chunk), totals, phases, done, spec, started, log)
    generated = time.perf_counter()
    return {"counts": dict(totals), "phases": dict(phases), "generate_s": generated - started,
            "nurses": spec.nurse_count, "teams": spec.team_count}


def _tally(result, totals, phases, done, spec, started, log) -> int:
    totals.update(result["counts"])
    for phase in ("build_s", "copy_s", "derive_s"):
        phases[phase] += result[phase]
    done += 1
    chunks = math.ceil(spec.patients / spec.chunk_size)
    if done == chunks or done % max(1, chunks // 10) == 0:
        log(f"  {min(done * spec.chunk_size, spec.patients):>8} patients  {time.perf_counter() - started:7.1f} s")
    return done


def analyze(vacuum: bool = False) -> float:
    """Refresh planner statistics (and the visibility map with ``vacuum``) of the tables written."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f'{"VACUUM ANALYZE" if vacuum else "ANALYZE"} "{table}"')
    return time.perf_counter() - started
