"""Code systems, profiles and extensions of the FHIR R4 mapping (HL7 mCODE where it fits).

Every coded element carries bmtrack's own coding (``urn:bmtrack:...``) beside the standard one, so
an import reads back exactly what was exported; a bundle from another system is read through the
standard codes (SNOMED CT, LOINC, UCUM, DICOM, v2-0203) where bmtrack knows them.

mCODE canonical URLs are version-less (valid for STU2 to STU4). SNOMED CT and LOINC codes below are
the common ones for these concepts; a terminologist should confirm them before a production feed.
"""

from __future__ import annotations

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PROFILE = {
    "patient": MCODE + "mcode-cancer-patient",
    "primary": MCODE + "mcode-primary-cancer-condition",
    "secondary": MCODE + "mcode-secondary-cancer-condition",
    "surgery": MCODE + "mcode-cancer-related-surgical-procedure",
    "radiotherapy": MCODE + "mcode-radiotherapy-course-summary",
    "medication_request": MCODE + "mcode-cancer-related-medication-request",
    "medication_administration": MCODE + "mcode-cancer-related-medication-administration",
    "tumor": MCODE + "mcode-tumor",
    "tumor_size": MCODE + "mcode-tumor-size",
    "tumor_marker": MCODE + "mcode-tumor-marker-test",
    "disease_status": MCODE + "mcode-cancer-disease-status",
    "kps": MCODE + "mcode-karnofsky-performance-status",
}
EXT_RELATED_CONDITION = MCODE + "mcode-related-condition"
EXT_RT_SESSIONS = MCODE + "mcode-radiotherapy-sessions"
EXT_RT_DOSE = MCODE + "mcode-radiotherapy-dose-delivered-to-volume"
EXT_RT_MODALITY_TECHNIQUE = MCODE + "mcode-radiotherapy-modality-and-technique"
EXT_EVIDENCE_TYPE = MCODE + "mcode-cancer-disease-status-evidence-type"

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
DICOM_DCM = "http://dicom.nema.org/resources/ontology/DCM"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DICOM_UID = "urn:dicom:uid"

# bmtrack's own code systems and extensions (URNs: stable, and not pretending to be resolvable).
BM = "urn:bmtrack:"
SYS_MRN = BM + "mrn"
SYS_LESION = BM + "lesion"
SYS_TUMOUR_TYPE = BM + "tumour-type"
SYS_SEER_STAGE = BM + "seer-stage"
SYS_AJCC_STAGE = BM + "ajcc-stage"
SYS_MARKER = BM + "marker"
SYS_MARKER_OUTCOME = BM + "marker-outcome"
SYS_TREATMENT_KIND = BM + "treatment-kind"
SYS_TREATMENT_STATUS = BM + "treatment-status"
SYS_AGENT = BM + "agent"
SYS_SCAN_PURPOSE = BM + "scan-purpose"
SYS_STATUS = BM + "status-fact"
SYS_NEURO = BM + "neuro-status"
SYS_RANO = BM + "rano-bm-category"
SYS_WORKUP = BM + "workup"  # the Observation's code: a reader's work-up result (rano-bm.md)
SYS_WORKUP_METHOD = BM + "workup-method"
SYS_WORKUP_RESULT = BM + "workup-result"
WORKUP_CODE = "workup-result"
EXT = BM + "fhir:extension:"
EXT_PATIENT_STATUS = EXT + "patient-status"
EXT_LAST_CONTACT = EXT + "last-contact"
EXT_HISTOLOGY = EXT + "histology"
EXT_FIRST_SEEN = EXT + "lesion-first-seen"
EXT_TREATED_LESION = EXT + "treated-lesion"
EXT_LINE = EXT + "line-of-therapy"
EXT_TRACER = EXT + "pet-tracer"
EXT_FIELD_STRENGTH = EXT + "field-strength-tesla"
EXT_SCANNER = EXT + "scanner"
EXT_SEQUENCE = EXT + "mri-sequence"
EXT_NEW_LESIONS = EXT + "rano-new-lesions"
EXT_NON_TARGET = EXT + "rano-non-target"
EXT_BASELINE = EXT + "rano-baseline"
EXT_MEASUREMENT_STATUS = EXT + "measurement-status"
EXT_ENHANCING = EXT + "enhancing"
EXT_MEASURABLE = EXT + "measurable"
EXT_RANO_ROLE = EXT + "rano-role"
EXT_BRAIN_METASTASES_COUNT = EXT + "brain-metastases-count-at-diagnosis"

# --- conditions --------------------------------------------------------------------------------
TUMOUR_SNOMED = {
    "nsclc_adeno": ("254626006", "Adenocarcinoma of lung"),
    "nsclc_nonadeno": ("254637007", "Non-small cell lung cancer"),
    "sclc": ("254632001", "Small cell carcinoma of lung"),
    "breast": ("254837009", "Malignant neoplasm of breast"),
    "melanoma": ("372244006", "Malignant melanoma"),
    "renal": ("93849006", "Primary malignant neoplasm of kidney"),
    "colorectal": ("363406005", "Malignant neoplasm of colon"),
}
MALIGNANT_NEOPLASM = ("363346000", "Malignant neoplastic disease")
BRAIN_METASTASIS = ("94225005", "Secondary malignant neoplasm of brain")
BRAIN = ("12738006", "Brain structure")
METASTATIC_NEOPLASM = ("14799000", "Neoplasm, metastatic")

# --- procedures and medications ------------------------------------------------------------------
SURGICAL_PROCEDURE = ("387713003", "Surgical procedure")
RADIOTHERAPY_COURSE = ("1217123003", "Radiotherapy course of treatment")
EXTERNAL_BEAM_PHOTONS = ("1156506007", "External beam radiation therapy using photons")
PROCEDURE_STATUS = {"planned": "preparation", "given": "completed", "stopped": "stopped", "cancelled": "not-done"}
PROCEDURE_STATUS_BACK = {"preparation": "planned", "completed": "given", "in-progress": "given",
                         "stopped": "stopped", "not-done": "cancelled"}
REQUEST_STATUS_BACK = {"draft": "planned", "on-hold": "planned", "active": "given", "completed": "given",
                       "stopped": "stopped", "cancelled": "cancelled"}

# --- observations -----------------------------------------------------------------------------------
TUMOR_SIZE = ("21889-1", "Size Tumor")
LONGEST_DIMENSION = ("33728-7", "Size.maximum dimension in Tumor")
OTHER_DIMENSION = ("33729-5", "Size additional dimension in Tumor")
DISEASE_STATUS = ("97509-4", "Cancer disease progression")
IMAGING_EVIDENCE = ("363679005", "Imaging")
KPS = ("89243-0", "Karnofsky Performance Status score")
HAEMOGLOBIN = ("718-7", "Hemoglobin [Mass/volume] in Blood")
STATUS_PANEL = "status-observation"
STATUS_CODES = {
    "extracranial_metastases": "extracranial-metastases",
    "dexamethasone_mg": "dexamethasone-mg-per-day",
    "neuro_status": "neurological-status",
}
MARKER_LOINC = {
    "er": ("16112-5", "Estrogen receptor [Interpretation] in Tissue"),
    "pr": ("16113-3", "Progesterone receptor [Interpretation] in Tissue"),
    "her2": ("48676-1", "HER2 [Interpretation] in Tissue"),
}
MARKER_VALUE_PCT = "value-pct"
OUTCOME_SNOMED = {
    "positive": ("10828004", "Positive"),
    "negative": ("260385009", "Negative"),
    "equivocal": ("42425007", "Equivocal"),
    "unknown": ("261665006", "Unknown"),
}
# RANO-BM category → mCODE disease status (ConditionStatusTrendVS, SNOMED CT).
RANO_SNOMED = {
    "CR": ("268910001", "Patient's condition improved"),
    "PR": ("268910001", "Patient's condition improved"),
    "SD": ("359746009", "Patient's condition stable"),
    "non-CR/non-PD": ("359746009", "Patient's condition stable"),
    "PD": ("271299001", "Patient's condition worsened"),
    "unconfirmed PD": ("709137006", "Patient condition undetermined"),
    "NE": ("709137006", "Patient condition undetermined"),
}
DICOM_MODALITY = {"mri": "MR", "ct": "CT", "pet": "PT"}
