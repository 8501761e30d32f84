"""One patient's record as a FHIR R4 Bundle (type ``collection``), following HL7 mCODE where it fits.

| bmtrack                         | FHIR R4 resource (mCODE profile)                                  |
|---------------------------------|-------------------------------------------------------------------|
| Patient                         | Patient (CancerPatient)                                           |
| PrimaryTumour                   | Condition (PrimaryCancerCondition)                                |
| brain metastases of a primary   | Condition (SecondaryCancerCondition, body site brain)             |
| MarkerResult                    | Observation (TumorMarkerTest)                                     |
| Lesion                          | BodyStructure (Tumor)                                             |
| Treatment: surgery              | Procedure (CancerRelatedSurgicalProcedure)                        |
| Treatment: SRS, FSRS, WBRT      | Procedure (RadiotherapyCourseSummary)                             |
| Treatment: LITT, other          | Procedure                                                         |
| Treatment: TT, ICI, chemo       | MedicationRequest (+ MedicationAdministration once given)         |
| Scan                            | ImagingStudy                                                      |
| Measurement                     | Observation (TumorSize), focus the lesion, derived from the study |
| ResponseAssessment (RANO-BM)    | Observation (CancerDiseaseStatus), evidence imaging               |
| StatusObservation               | Observation panel with KPS (KarnofskyPerformanceStatus), Hb, ...  |

Resource ids are UUIDs derived from the patient's public id and the row (stable across exports,
never an integer key); references are ``urn:uuid:`` full URLs, so the bundle also works as the
entries of a transaction. Derived data (RANO-BM) is exported for readers and recomputed on import.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from fhir.resources.R4B.bundle import Bundle

from bmtrack.api.fhir import codes as c
from bmtrack.core.clock import site_zone, utcnow
from bmtrack.patients.models import Patient
from bmtrack.patients.models.choices import RADIOTHERAPY, SYSTEMIC_TREATMENTS, TreatmentKind

NAMESPACE = uuid.UUID("7d1c6a4e-2f0b-4c55-9a43-3c8f6f3b1a10")


def coding(system: str, code: str, display: str | None = None) -> dict:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(*codings: dict, text: str | None = None) -> dict:
    out: dict = {"coding": list(codings)} if codings else {}
    if text:
        out["text"] = text
    return out


def snomed(pair: tuple[str, str]) -> dict:
    return coding(c.SNOMED, pair[0], pair[1])


def loinc(pair: tuple[str, str]) -> dict:
    return coding(c.LOINC, pair[0], pair[1])


def number(value: Decimal | float | int) -> int | float:
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def quantity(value, unit: str) -> dict:
    return {"value": number(value), "unit": unit, "system": c.UCUM, "code": unit}


def instant(moment: dt.datetime) -> str:
    return moment.astimezone(site_zone()).isoformat()


def ext(url: str, **value) -> dict:
    return {"url": url, **value}


class Exporter:
    def __init__(self, patient: Patient):
        self.patient = patient
        self.entries: list[dict] = []
        self.lesion_refs: dict[int, str] = {}
        self.scan_refs: dict[int, str] = {}
        self.primary_refs: dict[int, str] = {}
        self.secondary_ref: str | None = None

    # --- plumbing ---------------------------------------------------------------------------

    def ref(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.patient.public_id}/{key}')}"

    def add(self, key: str, resource: dict) -> str:
        full_url = self.patient_url if key == "patient" else self.ref(key)
        resource = {"resourceType": resource.pop("resourceType"), "id": full_url.removeprefix("urn:uuid:"),
                    **resource}
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url

    @property
    def patient_url(self) -> str:
        return f"urn:uuid:{self.patient.public_id}"

    def subject(self) -> dict:
        return {"reference": self.patient_url}

    # --- resources ---------------------------------------------------------------------------

    def bundle(self, now: dt.datetime | None = None) -> dict:
        p = self.patient
        self.add_patient()
        primaries = list(p.primaries.prefetch_related("markers").order_by("diagnosed_on", "pk"))
        for primary in primaries:
            self.add_primary(primary)
        for primary in primaries:
            self.add_secondary(primary)
        for lesion in p.lesions.order_by("label"):
            self.add_lesion(lesion)
        for obs in p.observations.order_by("observed_on", "pk"):
            self.add_status(obs)
        scans = list(p.scans.prefetch_related("measurements__lesion").order_by("at", "pk"))
        for scan in scans:
            self.add_scan(scan)
        for treatment in p.treatments.prefetch_related("lesions").order_by("start", "pk"):
            self.add_treatment(treatment)
        for workup in p.workups.select_related("lesion").order_by("performed_on", "pk"):
            self.add_workup(workup)
        for response in p.responses.select_related("scan").order_by("scan__at", "pk"):
            self.add_response(response)
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": instant(now or utcnow()),
            "entry": self.entries,
        }

    def add_patient(self) -> None:
        p = self.patient
        resource: dict = {
            "resourceType": "Patient",
            "meta": {"profile": [c.PROFILE["patient"]]},
            "extension": [ext(c.EXT_PATIENT_STATUS, valueCode=p.status)],
            "identifier": [{
                "use": "usual",
                "type": concept(coding(c.V2_0203, "MR", "Medical record number")),
                "system": c.SYS_MRN,
                "value": p.mrn,
            }],
            "name": [{"family": p.family_name, "given": [p.given_name]}],
            "gender": p.sex,
            "birthDate": p.birth_date.isoformat(),
        }
        if p.last_contact_on:
            resource["extension"].append(ext(c.EXT_LAST_CONTACT, valueDate=p.last_contact_on.isoformat()))
        if p.deceased_on:
            resource["deceasedDateTime"] = p.deceased_on.isoformat()
        self.add("patient", resource)

    def add_primary(self, primary) -> None:
        standard = c.TUMOUR_SNOMED.get(primary.type, c.MALIGNANT_NEOPLASM)
        resource: dict = {
            "resourceType": "Condition",
            "meta": {"profile": [c.PROFILE["primary"]]},
            "clinicalStatus": concept(coding(c.CONDITION_CLINICAL, "active")),
            "category": [concept(coding(c.CONDITION_CATEGORY, "problem-list-item"))],
            "code": concept(snomed(standard), coding(c.SYS_TUMOUR_TYPE, primary.type, primary.get_type_display()),
                            text=primary.get_type_display()),
            "subject": self.subject(),
            "onsetDateTime": primary.diagnosed_on.isoformat(),
        }
        if primary.histology:
            resource["extension"] = [ext(c.EXT_HISTOLOGY, valueString=primary.histology)]
        stages = []
        if primary.stage:
            stages.append({"summary": concept(coding(c.SYS_AJCC_STAGE, primary.stage), text=primary.stage),
                           "type": concept(text="AJCC stage group")})
        if primary.seer_stage:
            stages.append({"summary": concept(coding(c.SYS_SEER_STAGE, primary.seer_stage),
                                              text=primary.get_seer_stage_display()),
                           "type": concept(text="SEER summary stage")})
        if stages:
            resource["stage"] = stages
        self.primary_refs[primary.pk] = self.add(f"primary/{primary.pk}", resource)
        for marker in sorted(primary.markers.all(), key=lambda m: (m.tested_on, m.marker, m.pk)):
            self.add_marker(primary, marker)

    def add_marker(self, primary, marker) -> None:
        codings = [coding(c.SYS_MARKER, marker.marker, marker.get_marker_display())]
        if marker.marker in c.MARKER_LOINC:
            codings.insert(0, loinc(c.MARKER_LOINC[marker.marker]))
        resource: dict = {
            "resourceType": "Observation",
            "meta": {"profile": [c.PROFILE["tumor_marker"]]},
            "status": "final",
            "category": [concept(coding(c.OBSERVATION_CATEGORY, "laboratory"))],
            "code": concept(*codings, text=marker.get_marker_display()),
            "subject": self.subject(),
            "focus": [{"reference": self.primary_refs[primary.pk]}],
            "effectiveDateTime": marker.tested_on.isoformat(),
            "valueCodeableConcept": concept(snomed(c.OUTCOME_SNOMED[marker.result]),
                                            coding(c.SYS_MARKER_OUTCOME, marker.result)),
        }
        if marker.value_pct is not None:
            resource["component"] = [{
                "code": concept(coding(c.SYS_MARKER, c.MARKER_VALUE_PCT, "Percentage")),
                "valueQuantity": quantity(marker.value_pct, "%"),
            }]
        if marker.detail:
            resource["note"] = [{"text": marker.detail}]
        self.add(f"marker/{marker.pk}", resource)

    def add_secondary(self, primary) -> None:
        resource: dict = {
            "resourceType": "Condition",
            "meta": {"profile": [c.PROFILE["secondary"]]},
            "extension": [ext(c.EXT_RELATED_CONDITION, valueReference={"reference": self.primary_refs[primary.pk]})],
            "clinicalStatus": concept(coding(c.CONDITION_CLINICAL, "active")),
            "category": [concept(coding(c.CONDITION_CATEGORY, "problem-list-item"))],
            "code": concept(snomed(c.BRAIN_METASTASIS), text="Brain metastases"),
            "bodySite": [concept(snomed(c.BRAIN))],
            "subject": self.subject(),
        }
        if primary.brain_metastases_diagnosed_on:
            resource["onsetDateTime"] = primary.brain_metastases_diagnosed_on.isoformat()
        if primary.brain_metastases_count:
            resource["extension"].append(ext(c.EXT_BRAIN_METASTASES_COUNT,
                                             valuePositiveInt=primary.brain_metastases_count))
        url = self.add(f"secondary/{primary.pk}", resource)
        if self.secondary_ref is None or primary.brain_metastases_diagnosed_on:
            self.secondary_ref = url

    def add_lesion(self, lesion) -> None:
        resource: dict = {
            "resourceType": "BodyStructure",
            "meta": {"profile": [c.PROFILE["tumor"]]},
            "identifier": [{"system": c.SYS_LESION, "value": lesion.label}],
            "morphology": concept(snomed(c.METASTATIC_NEOPLASM)),
            "location": concept(snomed(c.BRAIN), text=lesion.location or None),
            "patient": self.subject(),
        }
        extensions = []
        if self.secondary_ref:
            extensions.append(ext(c.EXT_RELATED_CONDITION, valueReference={"reference": self.secondary_ref}))
        if lesion.first_seen_on:
            extensions.append(ext(c.EXT_FIRST_SEEN, valueDate=lesion.first_seen_on.isoformat()))
        if extensions:
            resource["extension"] = extensions
        self.lesion_refs[lesion.pk] = self.add(f"lesion/{lesion.pk}", resource)

    def add_status(self, obs) -> None:
        members = []
        day = obs.observed_on.isoformat()

        def member(name: str, code: dict, **value) -> None:
            resource: dict = {
                "resourceType": "Observation",
                "status": "final",
                "category": [concept(coding(c.OBSERVATION_CATEGORY,
                                            "laboratory" if name == "haemoglobin_g_dl" else "exam"))],
                "code": concept(code),
                "subject": self.subject(),
                "effectiveDateTime": day,
                **value,
            }
            if name == "kps":
                resource["meta"] = {"profile": [c.PROFILE["kps"]]}
            members.append({"reference": self.add(f"status/{obs.pk}/{name}", resource)})

        if obs.kps is not None:
            member("kps", loinc(c.KPS), valueInteger=obs.kps)
        if obs.extracranial_metastases is not None:
            member("extracranial_metastases", coding(c.SYS_STATUS, c.STATUS_CODES["extracranial_metastases"],
                                                     "Extracranial metastases present"),
                   valueBoolean=obs.extracranial_metastases)
        if obs.dexamethasone_mg is not None:
            member("dexamethasone_mg", coding(c.SYS_STATUS, c.STATUS_CODES["dexamethasone_mg"],
                                              "Dexamethasone dose per day"),
                   valueQuantity=quantity(obs.dexamethasone_mg, "mg/d"))
        if obs.haemoglobin_g_dl is not None:
            member("haemoglobin_g_dl", loinc(c.HAEMOGLOBIN), valueQuantity=quantity(obs.haemoglobin_g_dl, "g/dL"))
        if obs.neuro_status:
            member("neuro_status", coding(c.SYS_STATUS, c.STATUS_CODES["neuro_status"], "Neurological status"),
                   valueCodeableConcept=concept(coding(c.SYS_NEURO, obs.neuro_status, obs.get_neuro_status_display())))
        panel: dict = {
            "resourceType": "Observation",
            "status": "final",
            "code": concept(coding(c.SYS_STATUS, c.STATUS_PANEL, "Status at one contact"), text="Patient status"),
            "subject": self.subject(),
            "effectiveDateTime": day,
            "hasMember": members,
        }
        if obs.note:
            panel["note"] = [{"text": obs.note}]
        self.add(f"status/{obs.pk}", panel)

    def add_scan(self, scan) -> None:
        extensions = [ext(c.EXT_SEQUENCE, valueCode=seq) for seq in scan.sequences or []]
        if scan.tracer:
            extensions.append(ext(c.EXT_TRACER, valueCode=scan.tracer))
        if scan.field_strength_t is not None:
            extensions.append(ext(c.EXT_FIELD_STRENGTH, valueDecimal=number(scan.field_strength_t)))
        if scan.scanner:
            extensions.append(ext(c.EXT_SCANNER, valueString=scan.scanner))
        if scan.new_lesions:  # blank: the reader has not called it yet (record.md)
            extensions.append(ext(c.EXT_NEW_LESIONS, valueCode=scan.new_lesions))
        extensions += [
            ext(c.EXT_NON_TARGET, valueCode=scan.non_target),
            ext(c.EXT_BASELINE, valueBoolean=scan.is_baseline),
            ext(c.EXT_MEASUREMENT_STATUS, valueCode=scan.measurement_status),
        ]
        identifiers = []
        if scan.study_uid:
            identifiers.append({"system": c.DICOM_UID, "value": f"urn:oid:{scan.study_uid}"})
        if scan.accession:
            identifiers.append({"type": concept(coding(c.V2_0203, "ACSN", "Accession ID")), "value": scan.accession})
        resource: dict = {
            "resourceType": "ImagingStudy",
            "extension": extensions,
            "status": "available",
            "modality": [coding(c.DICOM_DCM, c.DICOM_MODALITY[scan.modality])],
            "subject": self.subject(),
            "started": instant(scan.at),
            "reasonCode": [concept(coding(c.SYS_SCAN_PURPOSE, scan.purpose, scan.get_purpose_display()))],
        }
        if identifiers:
            resource["identifier"] = identifiers
        if scan.report:
            resource["note"] = [{"text": scan.report}]
        self.scan_refs[scan.pk] = self.add(f"scan/{scan.pk}", resource)
        for measurement in sorted(scan.measurements.all(), key=lambda m: (m.lesion.label, m.pk)):
            self.add_measurement(scan, measurement)

    def add_measurement(self, scan, m) -> None:
        components = [{"code": concept(loinc(c.LONGEST_DIMENSION)),
                       "valueQuantity": quantity(0 if m.disappeared else m.longest_diameter_mm, "mm")}]
        if m.perpendicular_mm is not None:
            components.append({"code": concept(loinc(c.OTHER_DIMENSION)),
                               "valueQuantity": quantity(m.perpendicular_mm, "mm")})
        extensions = [ext(c.EXT_ENHANCING, valueBoolean=m.enhancing), ext(c.EXT_MEASURABLE, valueBoolean=m.measurable)]
        if m.role:
            extensions.append(ext(c.EXT_RANO_ROLE, valueCode=m.role))
        self.add(f"measurement/{m.pk}", {
            "resourceType": "Observation",
            "meta": {"profile": [c.PROFILE["tumor_size"]]},
            "extension": extensions,
            "status": "final",
            "category": [concept(coding(c.OBSERVATION_CATEGORY, "imaging"))],
            "code": concept(loinc(c.TUMOR_SIZE)),
            "subject": self.subject(),
            "focus": [{"reference": self.lesion_refs[m.lesion_id]}],
            "effectiveDateTime": instant(scan.at),
            "derivedFrom": [{"reference": self.scan_refs[scan.pk]}],
            "component": components,
        })

    def add_treatment(self, t) -> None:
        extensions = [ext(c.EXT_TREATED_LESION, valueReference={"reference": self.lesion_refs[lesion.pk]})
                      for lesion in sorted(t.lesions.all(), key=lambda lesion: lesion.label)]
        kind = coding(c.SYS_TREATMENT_KIND, t.kind, t.get_kind_display())
        period = {"start": instant(t.start)}
        if t.end:
            period["end"] = instant(t.end)
        notes = [{"text": t.note}] if t.note else None
        if t.kind in SYSTEMIC_TREATMENTS:
            self.add_medication(t, kind, period, extensions, notes)
            return
        resource: dict = {
            "resourceType": "Procedure",
            "status": c.PROCEDURE_STATUS[t.status],
            "subject": self.subject(),
            "performedPeriod": period,
            "bodySite": [concept(snomed(c.BRAIN))],
        }
        if self.secondary_ref:
            resource["reasonReference"] = [{"reference": self.secondary_ref}]
        if t.kind == TreatmentKind.SURGERY:
            resource["meta"] = {"profile": [c.PROFILE["surgery"]]}
            resource["code"] = concept(snomed(c.SURGICAL_PROCEDURE), kind, text=t.get_kind_display())
        elif t.kind in RADIOTHERAPY:
            resource["meta"] = {"profile": [c.PROFILE["radiotherapy"]]}
            resource["code"] = concept(snomed(c.RADIOTHERAPY_COURSE), kind, text=t.get_kind_display())
            extensions.append(ext(c.EXT_RT_MODALITY_TECHNIQUE, extension=[
                ext("modality", valueCodeableConcept=concept(snomed(c.EXTERNAL_BEAM_PHOTONS))),
                ext("technique", valueCodeableConcept=concept(kind)),
            ]))
            if t.fractions:
                extensions.append(ext(c.EXT_RT_SESSIONS, valueUnsignedInt=t.fractions))
            if t.dose_gy is not None:
                dose = [ext("totalDoseDelivered", valueQuantity=quantity(Decimal(t.dose_gy) * 100, "cGy"))]
                if t.fractions:
                    dose.append(ext("fractionsDelivered", valueUnsignedInt=t.fractions))
                extensions.append(ext(c.EXT_RT_DOSE, extension=dose))
        else:
            resource["code"] = concept(kind, text=t.get_kind_display())
        if extensions:
            resource["extension"] = extensions
        if notes:
            resource["note"] = notes
        self.add(f"treatment/{t.pk}", resource)

    def add_medication(self, t, kind: dict, period: dict, extensions: list, notes) -> None:
        medication = (concept(text=t.agent) if t.agent
                      else concept(coding(c.SYS_AGENT, "unspecified", "Agent not recorded")))
        if t.line:
            extensions = [*extensions, ext(c.EXT_LINE, valuePositiveInt=t.line)]
        if t.status == "given":
            status = "completed" if t.end else "active"
        else:
            status = {"planned": "draft", "stopped": "stopped", "cancelled": "cancelled"}[t.status]
        request: dict = {
            "resourceType": "MedicationRequest",
            "meta": {"profile": [c.PROFILE["medication_request"]]},
            "status": status,
            "intent": "order",
            "category": [concept(kind)],
            "medicationCodeableConcept": medication,
            "subject": self.subject(),
            "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": period}}}],
        }
        if extensions:
            request["extension"] = extensions
        if self.secondary_ref:
            request["reasonReference"] = [{"reference": self.secondary_ref}]
        if notes:
            request["note"] = notes
        request_url = self.add(f"treatment/{t.pk}", request)
        if t.status in ("given", "stopped"):
            self.add(f"treatment/{t.pk}/administration", {
                "resourceType": "MedicationAdministration",
                "meta": {"profile": [c.PROFILE["medication_administration"]]},
                "status": "stopped" if t.status == "stopped" else ("completed" if t.end else "in-progress"),
                "category": concept(kind),
                "medicationCodeableConcept": medication,
                "subject": self.subject(),
                "effectivePeriod": period,
                "request": {"reference": request_url},
            })

    def add_workup(self, w) -> None:
        """A reader's work-up result: an Observation whose ``method`` is how it was examined
        (perfusion MRI, amino-acid PET, histology) and whose value is the result. Part of the
        record (unlike the derived RANO-BM disease status), so an import brings it back."""
        resource: dict = {
            "resourceType": "Observation",
            "status": "final",
            "code": concept(coding(c.SYS_WORKUP, c.WORKUP_CODE, "Work-up of an enlarging treated lesion")),
            "subject": self.subject(),
            "effectiveDateTime": w.performed_on.isoformat(),
            "method": concept(coding(c.SYS_WORKUP_METHOD, w.method, w.get_method_display())),
            "valueCodeableConcept": concept(coding(c.SYS_WORKUP_RESULT, w.result, w.get_result_display())),
        }
        if w.lesion_id:
            resource["focus"] = [{"reference": self.lesion_refs[w.lesion_id]}]
        if w.note:
            resource["note"] = [{"text": w.note}]
        self.add(f"workup/{w.pk}", resource)

    def add_response(self, r) -> None:
        if r.category == "baseline":
            return
        value = concept(snomed(c.RANO_SNOMED[r.category]), coding(c.SYS_RANO, r.category, f"RANO-BM {r.category}"),
                        text=f"RANO-BM {r.category}")
        resource: dict = {
            "resourceType": "Observation",
            "meta": {"profile": [c.PROFILE["disease_status"]]},
            "extension": [ext(c.EXT_EVIDENCE_TYPE, valueCodeableConcept=concept(snomed(c.IMAGING_EVIDENCE)))],
            "status": "final",
            "code": concept(loinc(c.DISEASE_STATUS)),
            "subject": self.subject(),
            "effectiveDateTime": instant(r.scan.at),
            "valueCodeableConcept": value,
            "derivedFrom": [{"reference": self.scan_refs[r.scan_id]}],
        }
        if self.secondary_ref:
            resource["focus"] = [{"reference": self.secondary_ref}]
        if r.reasons:
            resource["note"] = [{"text": reason} for reason in r.reasons]
        self.add(f"response/{r.pk}", resource)


def export_patient(patient: Patient, now: dt.datetime | None = None) -> dict:
    """The patient's Bundle as JSON-ready data, checked by fhir.resources (R4B models) before it leaves."""
    data = Exporter(patient).bundle(now)
    Bundle.model_validate(data)
    return data
