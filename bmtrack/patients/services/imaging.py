from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from bmtrack.clinical import rano as rano_rules
from bmtrack.clinical import record as record_rules
from bmtrack.core.clock import local_date, utcnow
from bmtrack.core.formatting import fmt_date
from bmtrack.core.validation import FieldErrors
from bmtrack.patients.models import Lesion, Measurement, Patient, Scan
from bmtrack.patients.models.choices import MeasurementRole, MeasurementStatus, Modality, NewLesions, Sequence
from bmtrack.patients.models.imaging import MAX_DIAMETER_MM
from bmtrack.patients.services.assessments import record_facts
from bmtrack.patients.services.common import (
    FUTURE_TOLERANCE,
    check_day,
    correct,
    lock_patient,
    refresh_derived,
    require_aware,
    validated_save,
    with_history,
)

SCAN_FIELDS = {"at", "modality", "tracer", "purpose", "field_strength_t", "scanner", "sequences", "study_uid",
               "accession", "new_lesions", "non_target", "is_baseline", "measurement_status", "report"}
PERPENDICULAR_MESSAGE = "The perpendicular diameter must be above 0 and not exceed the longest."
# Far above any brain MRI read (RANO-BM follows at most 5 targets; miliary disease is counted, not measured
# lesion by lesion), far below the 5,000 rows that took seconds to validate and a page to draw.
MAX_MEASUREMENTS_PER_SCAN = 100
# A radiology report runs to a few pages; megabytes are not a report.
MAX_REPORT_CHARS = 20_000
MEASUREMENT_FIELDS = {"longest_diameter_mm", "perpendicular_mm", "disappeared", "enhancing", "measurable", "role"}
CALL_NEEDED_MESSAGE = ("A lesion that was not on the baseline MRI is measured on this scan: give the reader's call "
                       "on new lesions (none, equivocal or definite).")
TARGET_MESSAGE = (f"A target must be measurable and enhancing, with a longest diameter of at least "
                  f"{rano_rules.MEASURABLE_MM} mm on the baseline MRI (RANO-BM).")
TOO_MANY_TARGETS_MESSAGE = f"At most {rano_rules.MAX_TARGETS} targets per scan (RANO-BM)."


def _check_scan(scan: Scan, now: dt.datetime) -> None:
    require_aware(scan.at, "at")
    if scan.at is None:
        raise ValidationError({"at": "This field cannot be blank."})
    errors = FieldErrors()  # every field's refusal at once, not only the first
    if scan.at > now + FUTURE_TOLERANCE:
        errors.add("at", "A scan cannot be in the future.")
    elif local_date(scan.at) < scan.patient.birth_date:
        errors.add("at", "A scan cannot be before the patient's birth.")
    else:
        # Read from the row: the caller's patient object may predate a status change.
        died = Patient.objects.filter(pk=scan.patient_id).values_list("deceased_on", flat=True).first()
        if died is not None and local_date(scan.at) > died:
            errors.add("at", f"A scan cannot be after the patient's death ({fmt_date(died)}).")
    if not isinstance(scan.sequences, list) or any(s not in Sequence.values for s in scan.sequences):
        errors.add("sequences", f"Use sequence ids from: {', '.join(Sequence.values)}.")
    elif scan.modality != Modality.MRI and scan.sequences:
        errors.add("sequences", "Sequences apply to MRI only.")
    if len(scan.report or "") > MAX_REPORT_CHARS:
        errors.add("report", f"Keep the report under {MAX_REPORT_CHARS} characters.")
    errors.raise_all()
    scan.sequences = sorted(set(scan.sequences), key=Sequence.values.index)


def record_scan(patient: Patient, *, measurements: Iterable[Mapping] = (), user=None,
                now: dt.datetime | None = None, call_required: bool = True, **fields) -> Scan:
    """A scan, optionally with its lesion measurements, in one transaction.

    ``measurements`` items hold ``lesion`` (a Lesion or a new label string, with optional
    ``location``) and Measurement fields. Recording an MRI fulfils the items it matches.
    A scan measuring a lesion absent at its series' baseline needs the reader's call
    (``new_lesions``); only an import of another system's record (``call_required=False``) may
    leave it to the review list (record.md 5).
    """
    now = now or utcnow()
    unknown = set(fields) - SCAN_FIELDS
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    measurements = list(measurements)
    scan = Scan(patient=patient, **fields)
    if scan.modality != Modality.MRI:
        scan.measurement_status = MeasurementStatus.NOT_APPLICABLE
    elif measurements:
        scan.measurement_status = MeasurementStatus.COMPLETE
    _check_scan(scan, now)
    with transaction.atomic():
        lock_patient(patient.pk)
        validated_save(scan, user)
        saved = _save_measurements(scan, measurements)
        if saved:
            _check_reader_inputs(scan, saved, call_required=call_required)
        refresh_derived(patient, now, user=user)
    return scan


def update_scan(scan: Scan, *, user=None, now: dt.datetime | None = None, **changes) -> Scan:
    """Correct a scan, e.g. the reader's new-lesion call (its history keeps the earlier call).
    A correction may not leave a scan that measures a new lesion without a call."""
    with transaction.atomic():
        scan = correct(scan, changes, SCAN_FIELDS, _check_scan, user=user, now=now or utcnow())
        _check_reader_inputs(scan, [])
    return scan


def record_measurements(scan: Scan, measurements: Iterable[Mapping], *, user=None,
                        now: dt.datetime | None = None, replace: bool = True,
                        new_lesions: str | None = None) -> list[Measurement]:
    """Enter (or re-enter) the lesion measurements of a scan; marks the scan measured.
    ``new_lesions``: the reader's call, given with the measurements (None keeps the scan's)."""
    now = now or utcnow()
    measurements = list(measurements)
    if new_lesions is not None and new_lesions not in NewLesions.values:
        raise ValidationError({"new_lesions": f"Choose one of: {', '.join(v for v in NewLesions.values if v)}."})
    with transaction.atomic():
        lock_patient(scan.patient_id)
        scan = Scan.objects.select_for_update().select_related("patient").get(pk=scan.pk)
        if scan.modality != Modality.MRI:
            raise ValidationError({"measurements": "Lesion measurements are taken on MRI."})
        if replace:
            scan.measurements.all().delete()
        saved = _save_measurements(scan, measurements)
        scan.measurement_status = MeasurementStatus.COMPLETE
        fields = ["measurement_status"]
        if new_lesions is not None and new_lesions != scan.new_lesions:
            scan.new_lesions = new_lesions
            fields.append("new_lesions")
        if getattr(user, "pk", None):
            scan._history_user = user
        scan.save(update_fields=fields)
        _check_reader_inputs(scan, saved)
        refresh_derived(scan.patient, now, user=user)
    return saved


LESION_FIELDS = {"label", "location", "first_seen_on"}


def add_lesion(patient: Patient, label: str, location: str = "", first_seen_on: dt.date | None = None, *,
               user=None, now: dt.datetime | None = None) -> Lesion:
    lesion = Lesion(patient=patient, label=label.strip(), location=location, first_seen_on=first_seen_on)
    with transaction.atomic():
        lock_patient(patient.pk)  # two new lesions named alike at once: the second is refused, not a 500
        _check_lesion(lesion, now or utcnow())
        return validated_save(lesion, user)


def update_lesion(lesion: Lesion, *, user=None, now: dt.datetime | None = None, **changes) -> Lesion:
    """Correct a lesion's label, location or first-seen date. Its measurements follow it (they
    refer to the lesion, not to its label); the response series is recomputed."""
    if isinstance(changes.get("label"), str):
        changes["label"] = changes["label"].strip()
    return correct(lesion, changes, LESION_FIELDS, _check_lesion, user=user, now=now or utcnow())


def _check_lesion(lesion: Lesion, now: dt.datetime) -> None:
    if not lesion.label:
        raise ValidationError({"label": "Give the lesion a label, e.g. L1."})
    if Lesion.objects.filter(patient_id=lesion.patient_id, label=lesion.label).exclude(pk=lesion.pk).exists():
        raise ValidationError({"label": f"This patient already has a lesion {lesion.label}."})
    # A new lesion's day is its scan's, which may run a little ahead of our clock.
    check_day(lesion.first_seen_on, "first_seen_on", "First-seen date", birth_date=lesion.patient.birth_date,
              latest=local_date(now + FUTURE_TOLERANCE))


def _save_measurements(scan: Scan, measurements: list[Mapping]) -> list[Measurement]:
    if len(measurements) > MAX_MEASUREMENTS_PER_SCAN:
        raise ValidationError(
            {"measurements": f"At most {MAX_MEASUREMENTS_PER_SCAN} lesions are measured on one scan."})
    saved = []
    # Lesions measured on this scan already (kept when measurements are added rather than replaced).
    seen = set(scan.measurements.values_list("lesion_id", flat=True)) if measurements and scan.pk else set()
    # One query for the patient's lesions, not one per measured label.
    by_label = {lesion.label: lesion for lesion in Lesion.objects.filter(patient=scan.patient)} if measurements else {}
    for index, raw in enumerate(measurements):
        prefix = f"measurements[{index}]"
        data = dict(raw)
        lesion = data.pop("lesion", None)
        location = data.pop("location", "")
        unknown = set(data) - MEASUREMENT_FIELDS
        if unknown:
            raise ValidationError({f"{prefix}.{name}": "Unknown field." for name in sorted(unknown)})
        if isinstance(lesion, str):
            label = lesion.strip()
            if not label:
                raise ValidationError({f"{prefix}.lesion": "Give the lesion a label, e.g. L1."})
            lesion = by_label.get(label)
            if lesion is None:
                lesion = by_label[label] = add_lesion(scan.patient, label, location, local_date(scan.at))
        if not isinstance(lesion, Lesion):
            raise ValidationError({f"{prefix}.lesion": "Choose a lesion or give a new label."})
        if lesion.patient_id != scan.patient_id:
            raise ValidationError({f"{prefix}.lesion": "This lesion belongs to another patient."})
        if lesion.pk in seen:
            raise ValidationError({f"{prefix}.lesion": f"{lesion.label} is already measured on this scan."})
        seen.add(lesion.pk)
        _check_diameter(data, prefix)
        measurement = Measurement(lesion=lesion, scan=scan, **data)
        try:
            # Lesion and scan are known rows, and the checks above cover the constraints (which the
            # database still enforces): field validation only, so a scan of 13 lesions stays cheap.
            measurement.full_clean(exclude=["lesion", "scan"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError({f"{prefix}.{k}": v for k, v in exc.message_dict.items()}) from None
        longest, perpendicular = measurement.longest_diameter_mm, measurement.perpendicular_mm
        if perpendicular is not None and (longest is None or perpendicular > longest):
            raise ValidationError({f"{prefix}.perpendicular_mm": PERPENDICULAR_MESSAGE})
        saved.append(measurement)
    if saved:
        _check_carried(scan, seen | set(Measurement.objects.filter(scan=scan).values_list("lesion_id", flat=True)))
    # One INSERT for the measurements and one for their history rows.
    return bulk_create_with_history(saved, Measurement) if saved else saved


def _check_carried(scan: Scan, measured: set[int]) -> None:
    """A measured MRI continues the RANO-BM series: every lesion measured on the previous measured
    MRI is measured again or marked gone (docs/clinical/rano-bm.md, "Measurable disease and
    targets": the targets are followed at every timepoint), whichever way the scan arrives."""
    previous = (Scan.objects.filter(patient_id=scan.patient_id, modality=Modality.MRI, at__lt=scan.at,
                                    measurement_status=MeasurementStatus.COMPLETE)
                .exclude(pk=scan.pk).order_by("-at", "-pk").first())
    if previous is None:
        return
    missing = sorted(Measurement.objects.filter(scan=previous).exclude(lesion_id__in=measured)
                     .values_list("lesion__label", flat=True))
    if missing:
        raise ValidationError({"measurements": (
            f"Measure {', '.join(missing)} again, or mark {'it' if len(missing) == 1 else 'them'} gone: "
            f"{'it was' if len(missing) == 1 else 'they were'} measured on the previous MRI "
            f"({fmt_date(local_date(previous.at))}).")})


def _check_reader_inputs(scan: Scan, saved: list[Measurement], *, call_required: bool = True) -> None:
    """The reader's inputs against the series the scan now belongs to (record.md, via
    ``clinical.record.rano_series``): a scan measuring a lesion absent at the baseline needs the
    call; on the baseline MRI a ``target`` is measurable, enhancing and at least 10 mm; at most 5
    targets on any scan. (Later scans keep their targets whatever their size: rano-bm.md, "a target
    that shrinks below 10 mm is still measured".) ``saved`` are the measurements just written,
    in input order, so an error names the row it came from."""
    targets = [i for i, m in enumerate(saved) if m.role == MeasurementRole.TARGET]
    on_scan = scan.measurements.filter(role=MeasurementRole.TARGET).count() if saved else 0
    if on_scan > rano_rules.MAX_TARGETS:
        # Name the first row past the limit (rows added to a scan's earlier ones count after them).
        key = (f"measurements[{targets[max(0, len(targets) - (on_scan - rano_rules.MAX_TARGETS))]}].role"
               if targets else "measurements")
        raise ValidationError({key: TOO_MANY_TARGETS_MESSAGE})
    facts = record_facts(with_history(scan.patient))
    series = record_rules.rano_series(facts.scans, facts.treatments, facts.observations, facts.workups)
    if series is None or scan.pk not in series.scan_ids:
        return
    if series.scan_ids[0] == scan.pk:
        for index in targets:
            m = saved[index]
            if not (m.measurable and m.enhancing) or m.disappeared \
                    or m.longest_diameter_mm < rano_rules.MEASURABLE_MM:
                raise ValidationError({f"measurements[{index}].role": TARGET_MESSAGE})
    if call_required and record_rules.NEW_LESION_CALL_NEEDED in series.flags.get(scan.pk, ()):
        raise ValidationError({"new_lesions": CALL_NEEDED_MESSAGE})


def _check_diameter(data: dict, prefix: str) -> None:
    if data.get("disappeared"):
        if data.get("longest_diameter_mm") not in (None, "", 0, Decimal(0)):
            raise ValidationError({f"{prefix}.longest_diameter_mm": "A disappeared lesion has no diameter."})
        data["longest_diameter_mm"] = None
        data["perpendicular_mm"] = None
        return
    value = data.get("longest_diameter_mm")
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({f"{prefix}.longest_diameter_mm": "Give the longest diameter in mm."}) from None
    if not value.is_finite() or value <= 0 or value > MAX_DIAMETER_MM:
        raise ValidationError(
            {f"{prefix}.longest_diameter_mm": f"Longest diameter must be above 0 and at most {MAX_DIAMETER_MM} mm "
                                              "(mark a lesion that is gone as disappeared)."}
        )
    data["longest_diameter_mm"] = value.quantize(Decimal("0.1"))
