"""Choice vocabularies; the ids match the clinical core's (docs/clinical/*.md)."""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class PatientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUPPORTIVE_CARE = "supportive_care", "Supportive care only"
    DISCHARGED = "discharged", "Discharged"
    DECEASED = "deceased", "Deceased"


class TumourType(models.TextChoices):
    NSCLC_ADENO = "nsclc_adeno", "NSCLC, adenocarcinoma"
    NSCLC_NONADENO = "nsclc_nonadeno", "NSCLC, non-adenocarcinoma"
    SCLC = "sclc", "Small-cell lung cancer"
    BREAST = "breast", "Breast"
    MELANOMA = "melanoma", "Melanoma"
    RENAL = "renal", "Renal cell"
    COLORECTAL = "colorectal", "Colorectal"
    GI_OTHER = "gi_other", "Other gastrointestinal"
    GYNAECOLOGICAL = "gynaecological", "Gynaecological"
    OTHER = "other", "Other"


class SeerStage(models.TextChoices):
    LOCAL = "local", "Local"
    REGIONAL = "regional", "Regional"
    METASTATIC = "metastatic", "Metastatic"


class Marker(models.TextChoices):
    EGFR = "egfr", "EGFR"
    ALK = "alk", "ALK"
    ROS1 = "ros1", "ROS1"
    PD_L1 = "pd_l1", "PD-L1"
    BRAF = "braf", "BRAF"
    HER2 = "her2", "HER2"
    ER = "er", "ER"
    PR = "pr", "PR"
    RAS = "ras", "RAS (KRAS/NRAS)"
    MET = "met", "MET"
    RET = "ret", "RET"
    NTRK = "ntrk", "NTRK"
    OTHER = "other", "Other"


class MarkerOutcome(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    EQUIVOCAL = "equivocal", "Equivocal"
    UNKNOWN = "unknown", "Unknown / failed"


class TreatmentKind(models.TextChoices):
    SURGERY = "surgery", "Surgery"
    SRS = "srs", "Stereotactic radiosurgery"
    FSRS = "fsrs", "Fractionated SRS"
    WBRT = "wbrt", "Whole-brain radiotherapy"
    LITT = "litt", "Laser interstitial thermal therapy"
    TT = "tt", "Targeted therapy"
    ICI = "ici", "Immune checkpoint inhibitor"
    CHEMO = "chemo", "Chemotherapy"
    OTHER = "other", "Other"


LOCAL_TREATMENTS = {
    TreatmentKind.SURGERY, TreatmentKind.SRS, TreatmentKind.FSRS, TreatmentKind.WBRT, TreatmentKind.LITT,
}
SYSTEMIC_TREATMENTS = {TreatmentKind.TT, TreatmentKind.ICI, TreatmentKind.CHEMO}
RADIOTHERAPY = {TreatmentKind.SRS, TreatmentKind.FSRS, TreatmentKind.WBRT}


class TreatmentStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    GIVEN = "given", "Given"
    STOPPED = "stopped", "Stopped"
    CANCELLED = "cancelled", "Cancelled"


class Modality(models.TextChoices):
    MRI = "mri", "MRI"
    CT = "ct", "CT"
    PET = "pet", "PET"


class Tracer(models.TextChoices):
    MET = "met", "11C-methionine (MET)"
    FET = "fet", "18F-FET"
    FDOPA = "fdopa", "18F-FDOPA"
    FDG = "fdg", "18F-FDG"


class ScanPurpose(models.TextChoices):
    SCREENING = "screening", "Screening"
    DIAGNOSIS = "diagnosis", "Diagnosis"
    POST_OPERATIVE = "post_operative", "Post-operative"
    SRS_PLANNING = "srs_planning", "SRS planning"
    SURVEILLANCE = "surveillance", "Surveillance"
    RESPONSE = "response", "Response evaluation"
    CONFIRMATION = "confirmation", "Confirmation"
    PROBLEM_SOLVING = "problem_solving", "Problem solving"


class Sequence(models.TextChoices):
    T1_PRE_3D = "t1_pre_3d", "3D T1 pre-contrast"
    T1_POST_3D = "t1_post_3d", "3D T1 post-contrast"
    T2 = "t2", "T2"
    FLAIR = "flair", "FLAIR"
    DWI = "dwi", "DWI"
    SWI = "swi", "SWI"
    DSC = "dsc", "DSC perfusion"
    DCE = "dce", "DCE perfusion"
    ASL = "asl", "ASL perfusion"
    MRS = "mrs", "MR spectroscopy"


FIELD_STRENGTHS = ((1.5, "1.5 T"), (3.0, "3 T"), (7.0, "7 T"))


class NewLesions(models.TextChoices):
    # record.md: the reader's call on a scan with a new lesion; blank until someone makes it.
    NOT_CALLED = "", "Not called yet"
    NONE = "none", "None"
    EQUIVOCAL = "equivocal", "Equivocal"
    DEFINITE = "definite", "Definite"


class NonTarget(models.TextChoices):
    NONE = "none", "None (absent or resolved)"
    PRESENT = "present", "Present, stable or improved"
    PROGRESSION = "progression", "Unequivocal progression"


class NeuroStatus(models.TextChoices):
    IMPROVED = "improved", "Improved"
    STABLE = "stable", "Stable"
    WORSE = "worse", "Worse"


class WorkupMethod(models.TextChoices):
    PERFUSION_MRI = "perfusion_mri", "Perfusion MRI"
    AMINO_ACID_PET = "amino_acid_pet", "Amino-acid PET"
    HISTOLOGY = "histology", "Histology"


class WorkupResult(models.TextChoices):
    PROGRESSION = "progression", "Progression (tumour)"
    TREATMENT_EFFECT = "treatment_effect", "Treatment effect (radiation necrosis, pseudoprogression)"


class GpaMoment(models.TextChoices):
    DIAGNOSIS = "diagnosis", "At diagnosis of brain metastases"
    CURRENT = "current", "Current"


class GpaStatus(models.TextChoices):
    SCORED = "scored", "Scored"
    NOT_SCORABLE = "not_scorable", "Not scorable"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class MeasurementRole(models.TextChoices):
    TARGET = "target", "Target"
    NON_TARGET = "non_target", "Non-target"


class MeasurementStatus(models.TextChoices):
    PENDING = "pending", "Awaiting lesion measurements"
    COMPLETE = "complete", "Measured"
    NOT_APPLICABLE = "not_applicable", "Not measured (not a response scan)"
