"""A FHIR R4 Bundle (as exported by ``export.py``, or mCODE-shaped from another system) → a new patient.

0. Whole or nothing: a bundle is refused (400, naming the entry) rather than imported in part: two
   entries with one id, a tumour size that no ImagingStudy of the bundle produced, text longer than
   its field (never cut), an MRN that is blank or holds control characters.

1. The bundle is parsed with fhir.resources (R4B models); any structural error is a 400 naming
   its path (``entry[3].resource.birthDate``).
2. Resources are read into bmtrack's plain fields: bmtrack's own codings first (lossless round trip),
   else the standard codes (SNOMED CT, LOINC, DICOM, v2-0203).
3. The record is written through the services only, in one transaction, in the order the rules
   need: patient, primaries with markers, lesions, status, scans with measurements, treatments,
   work-up results, and the patient's status last. A service's error is a 400 naming the entry and the field;
   nothing is saved. Derived data (RANO-BM, GPA, due items) is recomputed, not imported.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.api.fhir import codes as c
from bmtrack.api.fhir.reading import (
    BundleError,
    choice,
    code_in,
    extension,
    extensions,
    notes_text,
    parse_bundle,
    profiles,
    quantity_value,
    read_day,
    read_decimal,
    read_moment,
    reverse,
)
from bmtrack.patients import services
from bmtrack.patients.models import Lesion, Patient
from bmtrack.patients.models.choices import (
    SYSTEMIC_TREATMENTS,
    Marker,
    MarkerOutcome,
    MeasurementRole,
    MeasurementStatus,
    NeuroStatus,
    NewLesions,
    NonTarget,
    PatientStatus,
    ScanPurpose,
    Sequence,
    Sex,
    Tracer,
    TreatmentKind,
    TumourType,
)

SUPPORTED = {"Patient", "Condition", "Observation", "BodyStructure", "ImagingStudy", "Procedure",
             "MedicationRequest", "MedicationAdministration"}


# --- the import ------------------------------------------------------------------------------------


class Importer:
    def __init__(self, entries: list[dict], *, care_team, user, responsible_nurse=None):
        self.user = user
        self.care_team = care_team
        self.responsible_nurse = responsible_nurse
        self.items: list[tuple[int, dict]] = []  # (entry index, resource)
        self.by_ref: dict[str, tuple[int, dict]] = {}
        self.counts: Counter = Counter()
        self.ignored: Counter = Counter()
        for index, entry in enumerate(entries):
            resource = entry.get("resource")
            if not isinstance(resource, dict):
                continue
            kind = resource.get("resourceType")
            if kind not in SUPPORTED:
                self.ignored[kind or "unknown"] += 1
                continue
            self.items.append((index, resource))
            keys = [entry["fullUrl"]] if entry.get("fullUrl") else []
            if resource.get("id"):
                keys.append(f"{kind}/{resource['id']}")
            for key in keys:
                if key in self.by_ref:
                    raise BundleError(f"entry[{index}].resource.id",
                                      f"{key} is also entry[{self.by_ref[key][0]}]: each resource once.")
                self.by_ref[key] = (index, resource)

    # --- plumbing ---

    def of_type(self, kind: str) -> list[tuple[int, dict]]:
        return [(i, r) for i, r in self.items if r["resourceType"] == kind]

    def resolve(self, reference: dict | None) -> tuple[int, dict] | None:
        ref = (reference or {}).get("reference")
        if not ref:
            return None
        if ref in self.by_ref:
            return self.by_ref[ref]
        # An absolute URL ending in Type/id.
        parts = ref.rstrip("/").split("/")
        return self.by_ref.get("/".join(parts[-2:])) if len(parts) >= 2 else None

    def call(self, index: int, resource_type: str, function, /, *args, **kwargs):
        """A service call whose field-named errors are reported at the entry they came from."""
        try:
            return function(*args, **kwargs)
        except ValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            raise ValidationError({f"entry[{index}].{resource_type}.{field}": messages
                                   for field, messages in detail.items()}) from None

    # --- classification ---

    @staticmethod
    def is_secondary(resource: dict) -> bool:
        return (c.PROFILE["secondary"] in profiles(resource)
                or code_in(resource.get("code"), c.SNOMED) == c.BRAIN_METASTASIS[0])

    @staticmethod
    def is_marker(resource: dict) -> bool:
        code = resource.get("code")
        return (c.PROFILE["tumor_marker"] in profiles(resource) or code_in(code, c.SYS_MARKER) is not None
                or code_in(code, c.LOINC) in {pair[0] for pair in c.MARKER_LOINC.values()})

    @staticmethod
    def is_tumour_size(resource: dict) -> bool:
        return code_in(resource.get("code"), c.LOINC) == c.TUMOR_SIZE[0]

    @staticmethod
    def status_fact(resource: dict) -> str | None:
        code = resource.get("code")
        loinc = code_in(code, c.LOINC)
        if loinc == c.KPS[0]:
            return "kps"
        if loinc == c.HAEMOGLOBIN[0]:
            return "haemoglobin_g_dl"
        own = code_in(code, c.SYS_STATUS)
        return next((name for name, value in c.STATUS_CODES.items() if value == own), None)

    # --- the steps ---

    def run(self) -> Patient:
        patients = self.of_type("Patient")
        if len(patients) != 1:
            raise BundleError("entry", "The bundle must hold exactly one Patient.")
        with transaction.atomic():
            index, resource = patients[0]
            patient_fields, status, deceased_on = self.read_patient(index, resource)
            self.patient = self.call(index, "Patient", services.create_patient, user=self.user, **patient_fields)
            self.counts["patients"] += 1
            self.import_primaries()
            self.import_lesions()
            self.import_status()
            self.import_scans()
            self.import_treatments()
            self.import_workups()
            if status != PatientStatus.ACTIVE:
                self.patient = self.call(index, "Patient", services.set_patient_status, self.patient, status,
                                         deceased_on=deceased_on, user=self.user)
        return self.patient

    def read_patient(self, index: int, r: dict):
        path = f"entry[{index}].resource"
        mrn = None
        for identifier in r.get("identifier") or []:
            if identifier.get("system") == c.SYS_MRN or code_in(identifier.get("type"), c.V2_0203) == "MR":
                mrn = identifier.get("value")
                break
        if not isinstance(mrn, str) or not mrn.strip():
            raise BundleError(f"{path}.identifier", "The patient needs an MRN (an identifier of type MR).")
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in mrn) or mrn != mrn.strip():
            raise BundleError(f"{path}.identifier", "The MRN holds spaces at its ends or invisible characters.")
        names = r.get("name") or [{}]
        name = next((n for n in names if n.get("use") in (None, "official", "usual")), names[0])
        fields = {
            "mrn": mrn,
            "given_name": " ".join(name.get("given") or []),
            "family_name": name.get("family") or "",
            "birth_date": read_day(r.get("birthDate"), f"{path}.birthDate", required=True),
            "sex": choice(r.get("gender"), Sex.values, Sex.UNKNOWN),
            "care_team": self.care_team,
            "responsible_nurse": self.responsible_nurse,
        }
        last_contact = extension(r, c.EXT_LAST_CONTACT)
        if last_contact:
            fields["last_contact_on"] = read_day(last_contact.get("valueDate"), f"{path}.extension")
        status_ext = extension(r, c.EXT_PATIENT_STATUS)
        status = choice((status_ext or {}).get("valueCode"), PatientStatus.values, PatientStatus.ACTIVE)
        deceased_on = read_day(r.get("deceasedDateTime"), f"{path}.deceasedDateTime")
        if deceased_on or r.get("deceasedBoolean"):
            status = PatientStatus.DECEASED
        return fields, status, deceased_on

    def import_primaries(self) -> None:
        conditions = self.of_type("Condition")
        primaries = [(i, r) for i, r in conditions if not self.is_secondary(r)]
        secondaries = [(i, r) for i, r in conditions if self.is_secondary(r)]
        markers = [(i, r) for i, r in self.of_type("Observation") if self.is_marker(r)]
        for index, r in primaries:
            path = f"entry[{index}].resource"
            code = r.get("code")
            tumour_type = code_in(code, c.SYS_TUMOUR_TYPE)
            if tumour_type not in TumourType.values:
                tumour_type = reverse(c.TUMOUR_SNOMED, code_in(code, c.SNOMED)) or TumourType.OTHER
            fields = {
                "type": tumour_type,
                "diagnosed_on": read_day(r.get("onsetDateTime") or r.get("recordedDate"), f"{path}.onsetDateTime",
                                         required=True),
                "stage": "", "seer_stage": "", "histology": "",
            }
            for stage in r.get("stage") or []:
                summary = stage.get("summary")
                if code_in(summary, c.SYS_AJCC_STAGE):
                    fields["stage"] = code_in(summary, c.SYS_AJCC_STAGE)
                elif code_in(summary, c.SYS_SEER_STAGE):
                    fields["seer_stage"] = code_in(summary, c.SYS_SEER_STAGE)
                elif "ajcc" in ((stage.get("type") or {}).get("text") or "").lower() and summary:
                    fields["stage"] = summary.get("text") or ""
            histology = extension(r, c.EXT_HISTOLOGY)
            if histology:
                fields["histology"] = histology.get("valueString") or ""
            refs = self._refs_to(index)
            own_secondaries = [(i, s) for i, s in secondaries if any(
                self.resolve(e.get("valueReference")) is not None and self.resolve(e.get("valueReference"))[0] == index
                for e in extensions(s, c.EXT_RELATED_CONDITION))]
            if not own_secondaries and len(primaries) == 1:
                own_secondaries = secondaries
            for i, s in own_secondaries:
                day = read_day(s.get("onsetDateTime"), f"entry[{i}].resource.onsetDateTime")
                if day:
                    fields["brain_metastases_diagnosed_on"] = day
                count = extension(s, c.EXT_BRAIN_METASTASES_COUNT)
                if count and count.get("valuePositiveInt"):
                    fields["brain_metastases_count"] = count["valuePositiveInt"]
            own_markers = [(i, m) for i, m in markers
                           if any(f.get("reference") in refs for f in m.get("focus") or [])
                           or (len(primaries) == 1 and not m.get("focus"))]
            marker_fields = [self.read_marker(i, m) for i, m in own_markers]
            self.call(index, "Condition", services.record_primary, self.patient, user=self.user,
                      markers=marker_fields, **fields)
            self.counts["primaries"] += 1
            self.counts["markers"] += len(marker_fields)

    def _refs_to(self, index: int) -> set[str]:
        return {ref for ref, (i, _r) in self.by_ref.items() if i == index}

    def read_marker(self, index: int, r: dict) -> dict:
        path = f"entry[{index}].resource"
        code = r.get("code")
        marker = code_in(code, c.SYS_MARKER)
        if marker not in Marker.values:
            marker = reverse(c.MARKER_LOINC, code_in(code, c.LOINC)) or Marker.OTHER
        value = r.get("valueCodeableConcept")
        result = code_in(value, c.SYS_MARKER_OUTCOME)
        if result not in MarkerOutcome.values:
            result = reverse(c.OUTCOME_SNOMED, code_in(value, c.SNOMED)) or MarkerOutcome.UNKNOWN
        fields = {
            "marker": marker,
            "result": result,
            "tested_on": read_day(r.get("effectiveDateTime"), f"{path}.effectiveDateTime", required=True),
            "detail": notes_text(r),
        }
        for component in r.get("component") or []:
            if code_in(component.get("code"), c.SYS_MARKER) == c.MARKER_VALUE_PCT:
                fields["value_pct"] = quantity_value(component.get("valueQuantity"), f"{path}.component")
        return fields

    def import_lesions(self) -> None:
        self.lesion_labels: dict[int, str] = {}
        for index, r in self.of_type("BodyStructure"):
            path = f"entry[{index}].resource"
            identifiers = r.get("identifier") or []
            label = next((i.get("value") for i in identifiers if i.get("system") == c.SYS_LESION), None)
            label = label or next((i.get("value") for i in identifiers if i.get("value")), None)
            if not label:
                raise BundleError(f"{path}.identifier", "A lesion needs its label (an identifier).")
            first_seen = extension(r, c.EXT_FIRST_SEEN)
            self.call(index, "BodyStructure", services.add_lesion, self.patient, label,
                      (r.get("location") or {}).get("text") or "",
                      read_day((first_seen or {}).get("valueDate"), f"{path}.extension"))
            self.lesion_labels[index] = label.strip()
            self.counts["lesions"] += 1

    def import_status(self) -> None:
        observations = self.of_type("Observation")
        panels = [(i, r) for i, r in observations if code_in(r.get("code"), c.SYS_STATUS) == c.STATUS_PANEL]
        in_panel: set[int] = set()
        groups: list[tuple[int, dt.date, dict, str]] = []
        for index, r in panels:
            facts: dict = {}
            for member in r.get("hasMember") or []:
                found = self.resolve(member)
                if found is not None and self.status_fact(found[1]):
                    in_panel.add(found[0])
                    facts.update(self.read_fact(*found))
            day = read_day(r.get("effectiveDateTime"), f"entry[{index}].resource.effectiveDateTime", required=True)
            groups.append((index, day, facts, notes_text(r)))
        # Facts sent without a panel (another system's bundle): one observation per day.
        loose: dict[dt.date, tuple[int, dict]] = {}
        for index, r in observations:
            if index in in_panel or not self.status_fact(r):
                continue
            day = read_day(r.get("effectiveDateTime"), f"entry[{index}].resource.effectiveDateTime", required=True)
            first, facts = loose.setdefault(day, (index, {}))
            facts.update(self.read_fact(index, r))
        groups += [(index, day, facts, "") for day, (index, facts) in loose.items()]
        for index, day, facts, note in sorted(groups, key=lambda g: (g[1], g[0])):
            if not facts:
                continue
            self.call(index, "Observation", services.record_observation, self.patient, user=self.user,
                      observed_on=day, note=note, **facts)
            self.counts["observations"] += 1

    def read_fact(self, index: int, r: dict) -> dict:
        path = f"entry[{index}].resource"
        name = self.status_fact(r)
        if name == "kps":
            value = r.get("valueInteger")
            if value is None:
                value = quantity_value(r.get("valueQuantity"), f"{path}.valueQuantity")
            return {"kps": int(value) if value is not None else None}
        if name == "extracranial_metastases":
            return {name: r.get("valueBoolean")}
        if name == "dexamethasone_mg":
            return {name: quantity_value(r.get("valueQuantity"), f"{path}.valueQuantity")}
        if name == "haemoglobin_g_dl":
            return {name: quantity_value(r.get("valueQuantity"), f"{path}.valueQuantity",
                                         scale={"g/L": Decimal("0.1"), "mmol/L": Decimal("1.611")})}
        if name == "neuro_status":
            return {name: choice(code_in(r.get("valueCodeableConcept"), c.SYS_NEURO), NeuroStatus.values, "")}
        return {}

    def import_scans(self) -> None:
        sizes = [(i, r) for i, r in self.of_type("Observation") if self.is_tumour_size(r)]
        studies = []
        for index, r in self.of_type("ImagingStudy"):
            at = read_moment(r.get("started"), f"entry[{index}].resource.started", required=True)
            studies.append((at, index, r))
        # A tumour size read from no study of the bundle would be dropped, and its scan stored as measured
        # without it (a false RANO-BM baseline): refuse the bundle instead.
        study_refs = set().union(*(self._refs_to(index) for _, index, _ in studies)) if studies else set()
        for index, r in sizes:
            if not any(d.get("reference") in study_refs for d in r.get("derivedFrom") or []):
                raise BundleError(f"entry[{index}].resource.derivedFrom",
                                  "A tumour size must name the ImagingStudy of this bundle it was measured on.")
        for at, index, r in sorted(studies, key=lambda s: (s[0], s[1])):
            refs = self._refs_to(index)
            measurements = [self.read_measurement(i, m) for i, m in sizes
                            if any(d.get("reference") in refs for d in m.get("derivedFrom") or [])]
            fields = self.read_scan(index, r, at)
            if measurements or fields["modality"] != "mri":
                fields.pop("measurement_status", None)
            # Another system's record may lack the reader's call: the scan is then listed for
            # review (record.md 5), and the baseline is only final once the treatments are in.
            self.call(index, "ImagingStudy", services.record_scan, self.patient, user=self.user,
                      measurements=measurements, call_required=False, **fields)
            self.counts["scans"] += 1
            self.counts["measurements"] += len(measurements)

    def read_scan(self, index: int, r: dict, at: dt.datetime) -> dict:
        modality = next((reverse({k: (v,) for k, v in c.DICOM_MODALITY.items()}, m.get("code"))
                         for m in r.get("modality") or []), None) or "mri"
        fields: dict = {
            "at": at,
            "modality": modality,
            "purpose": choice(next((code_in(reason, c.SYS_SCAN_PURPOSE) for reason in r.get("reasonCode") or []),
                                   None), ScanPurpose.values, ScanPurpose.SURVEILLANCE),
            "sequences": [e.get("valueCode") for e in extensions(r, c.EXT_SEQUENCE)
                          if e.get("valueCode") in Sequence.values] if modality == "mri" else [],
            "report": notes_text(r),
            "study_uid": "", "accession": "",
        }
        tracer = extension(r, c.EXT_TRACER)
        if modality == "pet":
            fields["tracer"] = choice((tracer or {}).get("valueCode"), Tracer.values, "")
        strength = extension(r, c.EXT_FIELD_STRENGTH)
        if strength:
            fields["field_strength_t"] = read_decimal(strength.get("valueDecimal"),
                                                      f"entry[{index}].resource.extension")
        scanner = extension(r, c.EXT_SCANNER)
        if scanner:
            fields["scanner"] = scanner.get("valueString") or ""
        for identifier in r.get("identifier") or []:
            value = identifier.get("value") or ""
            if identifier.get("system") == c.DICOM_UID:
                fields["study_uid"] = value.removeprefix("urn:oid:")
            elif code_in(identifier.get("type"), c.V2_0203) == "ACSN":
                fields["accession"] = value
        for url, name, allowed in ((c.EXT_NEW_LESIONS, "new_lesions", NewLesions.values),
                                   (c.EXT_NON_TARGET, "non_target", NonTarget.values),
                                   (c.EXT_MEASUREMENT_STATUS, "measurement_status", MeasurementStatus.values)):
            found = extension(r, url)
            if found and found.get("valueCode") in allowed:
                fields[name] = found["valueCode"]
        baseline = extension(r, c.EXT_BASELINE)
        if baseline:
            fields["is_baseline"] = bool(baseline.get("valueBoolean"))
        return fields

    def read_measurement(self, index: int, r: dict) -> dict:
        path = f"entry[{index}].resource"
        lesion = next((self.resolve(f) for f in r.get("focus") or [] if self.resolve(f)), None)
        if lesion is None or lesion[0] not in self.lesion_labels:
            raise BundleError(f"{path}.focus", "A tumour size needs its lesion (a BodyStructure in the bundle).")
        fields: dict = {"lesion": self.lesion_labels[lesion[0]]}
        mm = {"mm": Decimal(1), "cm": Decimal(10)}
        for component in r.get("component") or []:
            code = code_in(component.get("code"), c.LOINC)
            if code == c.LONGEST_DIMENSION[0]:
                value = quantity_value(component.get("valueQuantity"), f"{path}.component", scale=mm)
                if value is not None and value == 0:
                    fields["disappeared"] = True
                else:
                    fields["longest_diameter_mm"] = value
            elif code == c.OTHER_DIMENSION[0]:
                fields["perpendicular_mm"] = quantity_value(component.get("valueQuantity"), f"{path}.component",
                                                            scale=mm)
        for url, name in ((c.EXT_ENHANCING, "enhancing"), (c.EXT_MEASURABLE, "measurable")):
            found = extension(r, url)
            if found and isinstance(found.get("valueBoolean"), bool):
                fields[name] = found["valueBoolean"]
        role = extension(r, c.EXT_RANO_ROLE)
        if role and role.get("valueCode") in MeasurementRole.values:
            fields["role"] = role["valueCode"]
        return fields

    def import_treatments(self) -> None:
        administrations = {}
        for _i, r in self.of_type("MedicationAdministration"):
            request = self.resolve(r.get("request"))
            if request is not None:
                administrations[request[0]] = r
        treatments = []
        for index, r in self.of_type("Procedure"):
            treatments.append((index, "Procedure", self.read_procedure(index, r)))
        for index, r in self.of_type("MedicationRequest"):
            treatments.append((index, "MedicationRequest", self.read_medication(index, r, administrations.get(index))))
        for index, kind, (fields, lesion_refs) in sorted(treatments, key=lambda t: (t[2][0]["start"], t[0])):
            lesions = list(Lesion.objects.filter(patient=self.patient, label__in=lesion_refs))
            self.call(index, kind, services.record_treatment, self.patient, lesions=lesions, user=self.user,
                      **fields)
            self.counts["treatments"] += 1

    def import_workups(self) -> None:
        """Work-up results (after the lesions and scans: the series is recomputed with them)."""
        for index, r in self.of_type("Observation"):
            if code_in(r.get("code"), c.SYS_WORKUP) != c.WORKUP_CODE:
                continue
            path = f"entry[{index}].resource"
            lesion = next((self.resolve(f) for f in r.get("focus") or [] if self.resolve(f)), None)
            fields = {
                "performed_on": read_day(r.get("effectiveDateTime"), f"{path}.effectiveDateTime", required=True),
                # An unknown code reaches the service as given, which names the field.
                "method": code_in(r.get("method"), c.SYS_WORKUP_METHOD) or "",
                "result": code_in(r.get("valueCodeableConcept"), c.SYS_WORKUP_RESULT) or "",
                "note": notes_text(r)[:500],
            }
            if lesion is not None and lesion[0] in self.lesion_labels:
                fields["lesion"] = self.patient.lesions.get(label=self.lesion_labels[lesion[0]])
            self.call(index, "Observation", services.record_workup, self.patient, user=self.user, **fields)
            self.counts["workups"] += 1

    def _lesions(self, r: dict) -> list[str]:
        labels = []
        for e in extensions(r, c.EXT_TREATED_LESION):
            found = self.resolve(e.get("valueReference"))
            if found is not None and found[0] in self.lesion_labels:
                labels.append(self.lesion_labels[found[0]])
        return labels

    def read_procedure(self, index: int, r: dict) -> tuple[dict, list[str]]:
        path = f"entry[{index}].resource"
        kind = code_in(r.get("code"), c.SYS_TREATMENT_KIND)
        if kind not in TreatmentKind.values or kind in SYSTEMIC_TREATMENTS:
            kinds = profiles(r)
            kind = (TreatmentKind.SURGERY if c.PROFILE["surgery"] in kinds
                    else TreatmentKind.SRS if c.PROFILE["radiotherapy"] in kinds else TreatmentKind.OTHER)
        period = r.get("performedPeriod") or {}
        start = read_moment(period.get("start") or r.get("performedDateTime"), f"{path}.performedPeriod.start",
                            required=True)
        fields: dict = {
            "kind": kind,
            "status": c.PROCEDURE_STATUS_BACK.get(r.get("status"), "given"),
            "start": start,
            "end": read_moment(period.get("end"), f"{path}.performedPeriod.end"),
            "note": notes_text(r),
        }
        sessions = extension(r, c.EXT_RT_SESSIONS)
        if sessions and sessions.get("valueUnsignedInt"):
            fields["fractions"] = sessions["valueUnsignedInt"]
        dose = extension(r, c.EXT_RT_DOSE)
        for part in (dose or {}).get("extension") or []:
            if part.get("url") == "totalDoseDelivered":
                fields["dose_gy"] = quantity_value(part.get("valueQuantity"), f"{path}.extension",
                                                   scale={"cGy": Decimal("0.01"), "Gy": Decimal(1)})
            elif part.get("url") == "fractionsDelivered" and part.get("valueUnsignedInt") and "fractions" not in fields:
                fields["fractions"] = part["valueUnsignedInt"]
        return fields, self._lesions(r)

    def read_medication(self, index: int, r: dict, administration: dict | None) -> tuple[dict, list[str]]:
        path = f"entry[{index}].resource"
        kind = next((code_in(cat, c.SYS_TREATMENT_KIND) for cat in r.get("category") or []
                     if code_in(cat, c.SYS_TREATMENT_KIND)), None)
        kind = kind if kind in SYSTEMIC_TREATMENTS else TreatmentKind.CHEMO
        medication = r.get("medicationCodeableConcept") or {}
        if code_in(medication, c.SYS_AGENT) == "unspecified":
            agent = ""
        else:
            agent = medication.get("text") or next(
                (cd.get("display") for cd in medication.get("coding") or [] if cd.get("display")), "")
        period = {}
        for dosage in r.get("dosageInstruction") or []:
            period = ((dosage.get("timing") or {}).get("repeat") or {}).get("boundsPeriod") or period
        if not period.get("start") and administration:
            period = administration.get("effectivePeriod") or {"start": administration.get("effectiveDateTime")}
        fields: dict = {
            "kind": kind,
            "status": c.REQUEST_STATUS_BACK.get(r.get("status"), "given"),
            "start": read_moment(period.get("start") or r.get("authoredOn"), f"{path}.dosageInstruction",
                                 required=True),
            "end": read_moment(period.get("end"), f"{path}.dosageInstruction"),
            "agent": agent,
            "note": notes_text(r),
        }
        line = extension(r, c.EXT_LINE)
        if line and line.get("valuePositiveInt"):
            fields["line"] = line["valuePositiveInt"]
        return fields, self._lesions(r)


def import_bundle(data, *, care_team, user, responsible_nurse=None) -> tuple[Patient, dict]:
    """Create a patient and their record from a Bundle; returns (patient, counts of what was created)."""
    importer = Importer(parse_bundle(data), care_team=care_team, user=user, responsible_nurse=responsible_nurse)
    patient = importer.run()
    return patient, {"created": dict(importer.counts), "ignored": dict(importer.ignored)}
