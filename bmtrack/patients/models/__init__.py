from bmtrack.patients.models.assessments import GPAAssessment, ResponseAssessment
from bmtrack.patients.models.facts import StatusObservation
from bmtrack.patients.models.imaging import Lesion, Measurement, Scan, WorkupResult
from bmtrack.patients.models.patient import Patient
from bmtrack.patients.models.treatment import Treatment
from bmtrack.patients.models.tumour import MarkerResult, PrimaryTumour

__all__ = [
    "GPAAssessment",
    "Lesion",
    "MarkerResult",
    "Measurement",
    "Patient",
    "PrimaryTumour",
    "ResponseAssessment",
    "Scan",
    "StatusObservation",
    "Treatment",
    "WorkupResult",
]
