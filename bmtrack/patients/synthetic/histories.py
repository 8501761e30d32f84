"""One synthetic patient's clinical history, as plain rows (no database, no Django models).

The shapes follow ``docs/clinical/`` and ``bmtrack.patients.demo``: a primary with its markers,
brain metastases found on a diagnostic MRI, local treatment (resection with a post-operative MRI
and cavity SRS, SRS or fractionated SRS with a planning MRI and CT, WBRT for SCLC or many lesions),
systemic therapy by driver (TT for EGFR/ALK/BRAF/HER2, ICI for melanoma and PD-L1-high NSCLC,
chemotherapy otherwise), then follow-up MRIs every 2–3 months with lesion measurements, new
lesions treated by salvage SRS or WBRT, status facts at each visit, and death or discharge.

Each patient draws from its own ``random.Random(f"...:{seed}:{index}")``, so a patient is the same
whatever the chunking or the number of worker processes. Every row respects the model constraints
and the services' checks (no scan in the future or before birth, one measured MRI per calendar day
so RANO-BM dates increase, a lesion absent from the response baseline is reported as a new lesion).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from bmtrack.clinical.baseline import choose_baseline

DAY = dt.timedelta(days=1)
# History reaches back this far; 1 in ~1000 patients is a long survivor with ~30 scans.
MAX_HISTORY_DAYS = 5 * 365
LONG_SURVIVOR_EVERY = 997
SEQUENCES_ORDER = ("t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi", "dsc", "dce", "asl", "mrs")
FULL_PROTOCOL = ("t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi")
MRI_SCANNERS = (("Siemens Prisma 3T (MR2)", Decimal("3.0")), ("Philips Ingenia 1.5T (MR1)", Decimal("1.5")),
                ("GE Signa Premier 3T (MR3)", Decimal("3.0")))
CT_SCANNER = "Canon Aquilion ONE"
PET_SCANNER = "Siemens Biograph Vision"
LOCATIONS = ("left frontal", "right frontal", "left parietal", "right parietal", "left temporal",
             "right temporal", "left occipital", "right occipital", "left cerebellar", "right cerebellar",
             "cerebellar vermis", "pons", "left thalamus", "right insula", "corpus callosum")
GIVEN_F = ("Anna", "Carla", "Eva", "Femke", "Hanna", "Ilse", "Karin", "Marieke", "Olga", "Roos", "Sanne", "Vera",
           "Yara", "Anouk", "Chantal", "Esther", "Floor", "Heleen", "Jet", "Lotte", "Nadia", "Petra", "Maria", "Sofie")
GIVEN_M = ("Bram", "Daan", "Gert", "Joost", "Lars", "Nico", "Pim", "Quinten", "Tom", "Wim", "Bas", "Dirk", "Guus",
           "Ivo", "Koen", "Maarten", "Otto", "Rik", "Jan", "Pieter", "Sem", "Thijs", "Ahmed", "Youssef")
FAMILY = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
          "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
          "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Berg", "van Dijk",
          "Schouten", "Willems", "Hoekstra", "Koster", "Verbeek", "Prins", "Huisman", "Post", "Kuipers", "Veenstra",
          "Kramer", "van den Broek", "Scholten", "van Wijk", "El Amrani", "Yilmaz", "Nguyen", "Kowalski")


@dataclass(frozen=True)
class Profile:
    """Per primary: share of the cohort, sex, age at BM diagnosis, survival and time from primary to BM."""

    weight: float
    female: float
    age: tuple[float, float]
    median_survival_months: float
    primary_lead_months: tuple[float, float]
    p_new_lesions: float  # per follow-up interval
    histology: str


# Mix of brain-metastasis patients (docs/clinical/screening.md; lung about half, then breast, melanoma).
PROFILES: dict[str, Profile] = {
    "nsclc_adeno": Profile(0.30, 0.52, (64, 9), 20, (0, 18), 0.10, "adenocarcinoma"),
    "nsclc_nonadeno": Profile(0.10, 0.35, (67, 8), 12, (0, 12), 0.10, "squamous cell carcinoma"),
    "sclc": Profile(0.10, 0.45, (66, 8), 9, (0, 10), 0.14, "small-cell carcinoma"),
    "breast": Profile(0.17, 0.99, (55, 11), 20, (12, 96), 0.09, "invasive ductal carcinoma"),
    "melanoma": Profile(0.10, 0.42, (58, 13), 18, (6, 60), 0.12, "superficial spreading melanoma"),
    "renal": Profile(0.06, 0.33, (63, 9), 18, (6, 60), 0.06, "clear cell renal cell carcinoma"),
    "colorectal": Profile(0.05, 0.42, (64, 10), 10, (12, 48), 0.06, "adenocarcinoma"),
    "gi_other": Profile(0.03, 0.40, (65, 10), 8, (3, 24), 0.06, "oesophageal adenocarcinoma"),
    "gynaecological": Profile(0.03, 1.0, (60, 10), 12, (6, 48), 0.06, "high-grade serous carcinoma"),
    "other": Profile(0.06, 0.48, (63, 12), 10, (0, 36), 0.07, "carcinoma of unknown primary"),
}
TYPES = tuple(PROFILES)
WEIGHTS = tuple(p.weight for p in PROFILES.values())

# Systemic therapy by driver: (kind, agent), first and later lines.
SYSTEMIC = {
    "egfr": [("tt", "osimertinib"), ("chemo", "carboplatin + pemetrexed"), ("tt", "amivantamab + lazertinib")],
    "alk": [("tt", "alectinib"), ("tt", "lorlatinib"), ("chemo", "carboplatin + pemetrexed")],
    "pd_l1_high": [("ici", "pembrolizumab"), ("chemo", "carboplatin + pemetrexed"), ("chemo", "docetaxel")],
    "nsclc": [("ici", "pembrolizumab + carboplatin + pemetrexed"), ("chemo", "docetaxel")],
    "sclc": [("ici", "atezolizumab + carboplatin + etoposide"), ("chemo", "topotecan")],
    "braf": [("tt", "dabrafenib + trametinib"), ("ici", "ipilimumab + nivolumab")],
    "melanoma": [("ici", "ipilimumab + nivolumab"), ("ici", "nivolumab"), ("chemo", "dacarbazine")],
    "her2": [("tt", "tucatinib + trastuzumab + capecitabine"), ("tt", "trastuzumab deruxtecan")],
    "luminal": [("tt", "abemaciclib + fulvestrant"), ("chemo", "capecitabine")],
    "basal": [("chemo", "sacituzumab govitecan"), ("chemo", "carboplatin")],
    "renal": [("ici", "ipilimumab + nivolumab"), ("tt", "cabozantinib")],
    "other": [("chemo", "carboplatin + paclitaxel"), ("chemo", "FOLFIRI")],
}


@dataclass
class Lesion:
    label: str
    location: str
    first_seen_on: dt.date
    size: float  # mm; 0 when gone
    treated: str = ""  # "", "srs", "wbrt", "resected"
    treated_on: dt.date | None = None
    flare_left: int = 0  # remaining intervals of a pseudoprogression / radiation-necrosis flare


@dataclass
class History:
    """Rows of one patient; keys ending in ``_key`` link rows before ids exist."""

    index: int
    patient: dict
    primary: dict
    markers: list[dict] = field(default_factory=list)
    observations: list[dict] = field(default_factory=list)
    lesions: list[dict] = field(default_factory=list)
    scans: list[dict] = field(default_factory=list)  # each with "measurements": [dict with "lesion_key"]
    treatments: list[dict] = field(default_factory=list)  # each with "lesion_keys"


class _Builder:
    def __init__(self, seed: int, index: int, now: dt.datetime, tz: dt.tzinfo):
        self.rng = random.Random(f"bmtrack-synthetic:{seed}:{index}")
        self.index, self.now, self.tz = index, now, tz
        self.today = now.astimezone(tz).date()
        self.lesions: dict[str, Lesion] = {}
        self.mri_days: set[dt.date] = set()
        self.scans: list[dict] = []
        self.treatments: list[dict] = []
        self.observations: list[dict] = []
        self.scanner = self.rng.choice(MRI_SCANNERS)
        self.kps = 80
        # Systemic therapy: lines given so far, the current one, and whether the disease responds.
        self.line = 0
        self.systemic: dict | None = None
        self.responding = False

    # --- time ---
    def moment(self, day: dt.date, hour_from: int = 8, hour_to: int = 17) -> dt.datetime:
        minute = self.rng.choice((0, 10, 15, 20, 30, 40, 45, 50))
        moment = dt.datetime.combine(day, dt.time(self.rng.randint(hour_from, hour_to), minute), tzinfo=self.tz)
        return min(moment, self.now - dt.timedelta(minutes=5))

    # --- records ---
    def observe(self, day: dt.date, **facts) -> None:
        day = min(day, self.today)
        facts = {k: v for k, v in facts.items() if v is not None and v != ""}
        if facts:
            self.observations.append({"observed_on": day, "neuro_status": facts.pop("neuro_status", ""), **facts})

    def free_mri_day(self, day: dt.date, latest: dt.date) -> dt.date | None:
        while day in self.mri_days:
            day += DAY
        return day if day <= min(latest, self.today) else None

    def mri(self, day: dt.date, purpose: str, *, measured: bool = True, sequences=FULL_PROTOCOL,
            at: dt.datetime | None = None, new_lesions: str = "none", latest: dt.date | None = None) -> dict | None:
        day = self.free_mri_day(day, latest or self.today)
        if day is None:
            return None
        self.mri_days.add(day)
        at = at if at is not None and at.astimezone(self.tz).date() == day else self.moment(day)
        if at > self.now - dt.timedelta(minutes=5):
            return None
        scanner, field_t = self.scanner if self.rng.random() < 0.85 else self.rng.choice(MRI_SCANNERS)
        scan = self._scan(at, "mri", purpose, scanner=scanner, field_strength_t=field_t,
                          sequences=sorted(set(sequences), key=SEQUENCES_ORDER.index), new_lesions=new_lesions)
        if measured:
            scan["measurement_status"] = "complete"
            scan["measurements"] = [self._measurement(lesion) for lesion in self.lesions.values()]
            present = [le for le in self.lesions.values() if le.size > 0]
            scan["non_target"] = "present" if any(le.size < 10 for le in present) else "none"
        else:
            scan["measurement_status"] = "pending"
        return scan

    def _scan(self, at: dt.datetime, modality: str, purpose: str, **fields) -> dict:
        scan = {"at": at, "modality": modality, "purpose": purpose, "tracer": "", "field_strength_t": None,
                "scanner": "", "sequences": [], "new_lesions": "none", "non_target": "none", "is_baseline": False,
                "measurement_status": "not_applicable", "report": "", "measurements": [],
                "study_uid": f"2.25.{self.rng.getrandbits(120)}",
                "accession": f"ACC{self.rng.randint(10**8, 10**9 - 1)}", **fields}
        self.scans.append(scan)
        return scan

    def _measurement(self, lesion: Lesion) -> dict:
        if lesion.size <= 0:
            return {"lesion_key": lesion.label, "disappeared": True, "longest_diameter_mm": None,
                    "perpendicular_mm": None, "enhancing": False, "measurable": False, "role": ""}
        longest = Decimal(str(round(min(lesion.size, 150.0), 1)))
        perpendicular = (longest * Decimal(str(self.rng.uniform(0.55, 0.95)))).quantize(Decimal("0.1"))
        return {"lesion_key": lesion.label, "disappeared": False, "longest_diameter_mm": longest,
                "perpendicular_mm": perpendicular if perpendicular > 0 else None, "enhancing": True,
                "measurable": longest >= 10, "role": "target" if longest >= 10 else "non_target"}

    def ct(self, day: dt.date) -> None:
        if day <= self.today:
            self._scan(self.moment(day, 12, 16), "ct", "srs_planning", scanner=CT_SCANNER)

    def pet(self, day: dt.date) -> None:
        if day <= self.today:
            self._scan(self.moment(day, 9, 14), "pet", "problem_solving", tracer=self.rng.choice(("fet", "fet", "met")),
                       scanner=PET_SCANNER)

    def treat(self, kind: str, start: dt.datetime, end: dt.datetime | None, *, status: str = "given",
              lesions=(), **fields) -> dict:
        treatment = {"kind": kind, "status": status, "start": start, "end": end, "agent": "", "line": None,
                     "dose_gy": None, "fractions": None, "note": "", "lesion_keys": list(lesions), **fields}
        self.treatments.append(treatment)
        return treatment

    def new_lesion(self, day: dt.date, size: float) -> Lesion:
        label = f"L{len(self.lesions) + 1}"
        used = {le.location for le in self.lesions.values()}
        location = self.rng.choice([loc for loc in LOCATIONS if loc not in used] or list(LOCATIONS))
        lesion = Lesion(label, location, day, round(size, 1))
        self.lesions[label] = lesion
        return lesion

    def present(self) -> list[Lesion]:
        return [le for le in self.lesions.values() if le.size > 0]


def _weighted(rng: random.Random, pairs):
    roll, total = rng.random(), 0.0
    for value, weight in pairs:
        total += weight
        if roll < total:
            return value
    return pairs[-1][0]


def _markers(rng: random.Random, type_: str, tested_on: dt.date) -> tuple[list[dict], str]:
    """Marker rows and the driver that picks systemic therapy."""
    rows, driver = [], "other"

    def add(marker, result, value=None, detail=""):
        rows.append({"marker": marker, "result": result, "value_pct": value, "detail": detail, "tested_on": tested_on})

    if type_ == "nsclc_adeno":
        egfr = rng.random() < 0.22
        alk = not egfr and rng.random() < 0.07
        egfr_detail = rng.choice(("exon 19 deletion", "L858R")) if egfr else ""
        add("egfr", "positive" if egfr else "negative", detail=egfr_detail)
        add("alk", "positive" if alk else "negative", detail="EML4-ALK" if alk else "")
        pd_l1 = Decimal(rng.choice((0, 0, 1, 5, 10, 20, 30, 50, 60, 75, 80, 90)))
        add("pd_l1", "positive" if pd_l1 >= 1 else "negative", pd_l1)
        driver = "egfr" if egfr else "alk" if alk else "pd_l1_high" if pd_l1 >= 50 else "nsclc"
    elif type_ == "nsclc_nonadeno":
        pd_l1 = Decimal(rng.choice((0, 1, 5, 20, 50, 60, 80)))
        add("pd_l1", "positive" if pd_l1 >= 1 else "negative", pd_l1)
        driver = "pd_l1_high" if pd_l1 >= 50 else "nsclc"
    elif type_ == "sclc":
        driver = "sclc"
    elif type_ == "breast":
        subtype = _weighted(rng, (("her2", 0.35), ("basal", 0.30), ("luminal", 0.35)))
        hr_pos = subtype == "luminal" or (subtype == "her2" and rng.random() < 0.5)
        add("er", "positive" if hr_pos else "negative", Decimal(rng.choice((60, 80, 90, 95))) if hr_pos else None)
        add("pr", "positive" if hr_pos and rng.random() < 0.7 else "negative")
        add("her2", "positive" if subtype == "her2" else "negative", detail="IHC 3+" if subtype == "her2" else "")
        driver = subtype
    elif type_ == "melanoma":
        braf = rng.random() < 0.45
        add("braf", "positive" if braf else "negative", detail=rng.choice(("V600E", "V600K")) if braf else "")
        driver = "braf" if braf and rng.random() < 0.6 else "melanoma"
    elif type_ == "renal":
        driver = "renal"
    elif type_ == "colorectal":
        ras = rng.random() < 0.5
        add("ras", "positive" if ras else "negative", detail="KRAS G12D" if ras else "")
    return rows, driver


def build_history(seed: int, index: int, now: dt.datetime, tz: dt.tzinfo, mrn_prefix: str) -> History:
    """The whole record of patient ``index`` of the cohort ``seed``, as it stands at ``now``."""
    b = _Builder(seed, index, now, tz)
    rng, today = b.rng, b.today
    type_ = _weighted(rng, tuple(zip(TYPES, WEIGHTS, strict=True)))
    profile = PROFILES[type_]
    long_survivor = index % LONG_SURVIVOR_EVERY == 13
    back = rng.randint(int(6.3 * 365), int(6.8 * 365)) if long_survivor else rng.randint(1, MAX_HISTORY_DAYS)
    bm_day = today - dt.timedelta(days=back)
    female = rng.random() < profile.female
    age = max(25, min(92, round(rng.gauss(*profile.age))))
    birth = bm_day - dt.timedelta(days=age * 365 + rng.randint(0, 364))

    # Primary, diagnosed before the brain metastases (synchronous for a third of lung cancers).
    lead_months = rng.uniform(*profile.primary_lead_months)
    if type_ in ("nsclc_adeno", "nsclc_nonadeno", "sclc") and rng.random() < 0.35:
        lead_months = rng.uniform(0, 0.6)
    diagnosed_on = max(birth + dt.timedelta(days=365 * 18), bm_day - dt.timedelta(days=int(lead_months * 30.4)))
    synchronous = (bm_day - diagnosed_on).days < 60
    if synchronous:
        stage, seer = rng.choice(("IV", "IVA", "IVB")), "metastatic"
    else:
        stage, seer = _weighted(rng, ((("I", "local"), 0.2), (("II", "regional"), 0.35), (("III", "regional"), 0.45)))
        if type_ == "melanoma":
            stage = rng.choice(("IIIB", "IIIC", "IIID"))
    markers, driver = _markers(rng, type_, min(diagnosed_on + dt.timedelta(days=rng.randint(7, 21)), bm_day))

    # Survival from BM diagnosis (exponential around the type's median, longer with a driver).
    median = profile.median_survival_months * (1.8 if driver in ("egfr", "alk", "her2", "braf") else 1.0)
    survival_days = int(rng.expovariate(0.693 / (median * 30.4)))
    if long_survivor:
        survival_days = 10 * 365
    status, deceased_on, horizon = "active", None, today
    if bm_day + dt.timedelta(days=survival_days) < today:
        status, deceased_on = "deceased", min(today, bm_day + dt.timedelta(days=max(survival_days, 10)))
        horizon = deceased_on - dt.timedelta(days=rng.randint(5, 40))
    elif not long_survivor and rng.random() < 0.07 and back > 120:
        status, horizon = "supportive_care", today - dt.timedelta(days=rng.randint(0, min(back - 60, 120)))
    elif not long_survivor and rng.random() < 0.05 and back > 900:
        status, horizon = "discharged", today - dt.timedelta(days=rng.randint(30, 300))
    horizon = max(horizon, bm_day)

    # Brain metastases at diagnosis.
    count = _weighted(rng, ((1, 0.40), (2, 0.15), (3, 0.12), (4, 0.08), (5, 0.06), (6, 0.05), (8, 0.06),
                            (10, 0.03), (12, 0.05)))
    if type_ == "sclc":
        count = max(count, rng.choice((3, 5, 8, 12)))
    for _ in range(count):
        b.new_lesion(bm_day, min(45.0, max(3.0, rng.lognormvariate(2.45, 0.5))))
    symptomatic = max(le.size for le in b.lesions.values()) > 25 or rng.random() < 0.3
    b.kps = rng.choice((60, 70, 70, 80, 80, 80, 90, 90, 100)) if not symptomatic else rng.choice((50, 60, 70, 70, 80))
    dex = Decimal(rng.choice((4, 8, 8, 16))) if symptomatic else Decimal(0)
    b.observe(bm_day - dt.timedelta(days=rng.randint(0, 2)), kps=b.kps,
              extracranial_metastases=rng.random() < (0.75 if synchronous else 0.55), dexamethasone_mg=dex,
              haemoglobin_g_dl=Decimal(str(round(rng.uniform(9.5, 15.5), 1))),
              neuro_status="worse" if symptomatic else "stable")
    b.mri(bm_day, "diagnosis", at=b.moment(bm_day))

    _first_treatment(b, type_, driver, bm_day, horizon, status)
    _follow_up(b, type_, driver, profile, horizon, status)
    _mark_new_lesions(b)

    last_contact = max([o["observed_on"] for o in b.observations] + [s["at"].astimezone(tz).date() for s in b.scans])
    given = (GIVEN_F if female else GIVEN_M)[rng.randrange(len(GIVEN_F))]
    patient = {
        "public_id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "mrn": f"{mrn_prefix}{index:08d}", "given_name": given, "family_name": rng.choice(FAMILY),
        "birth_date": birth, "sex": "female" if female else "male", "status": status, "deceased_on": deceased_on,
        "last_contact_on": min(last_contact, today),
        # A mobile from Ofcom's range reserved for drama (07700 900000-900999), never a real line; from
        # the index, so the random stream (and every other field of the cohort) is unchanged.
        "phones": f"07700 900{index % 1000:03d}",
    }
    primary = {"type": type_, "diagnosed_on": diagnosed_on, "stage": stage, "seer_stage": seer,
               "histology": profile.histology, "brain_metastases_diagnosed_on": bm_day}
    lesions = [{"label": le.label, "location": le.location, "first_seen_on": le.first_seen_on}
               for le in b.lesions.values()]
    b.scans.sort(key=lambda s: s["at"])
    b.treatments.sort(key=lambda t: t["start"])
    b.observations.sort(key=lambda o: o["observed_on"])
    return History(index, patient, primary, markers, b.observations, lesions, b.scans, b.treatments)


def _radiosurgery(b: _Builder, day: dt.date, horizon: dt.date, targets: list[Lesion], status: str,
                  *, planning: bool = True) -> dict | None:
    """SRS (or fSRS for a lesion ≥ 25 mm) on ``day`` with its planning MRI and CT; planned if in the future."""
    rng = b.rng
    if day > b.today:
        if status != "active":
            return None
        kind = "fsrs" if max(le.size for le in targets) >= 25 else "srs"
        return b.treat(kind, dt.datetime.combine(day, dt.time(9, 0), tzinfo=b.tz), None, status="planned",
                       dose_gy=Decimal("24") if kind == "srs" else Decimal("27"), fractions=1 if kind == "srs" else 3)
    if day > horizon:
        return None
    if planning and rng.random() < 0.93:
        lead = 0 if rng.random() < 0.08 else rng.randint(1, 13)
        _grow(b, day - dt.timedelta(days=lead), factor=(1.0, 1.06))
        b.mri(day - dt.timedelta(days=lead), "srs_planning", sequences=("t1_pre_3d", "t1_post_3d", "t2"),
              latest=day)
    if rng.random() < 0.95:
        b.ct(day - dt.timedelta(days=rng.randint(0, 5)))
    start = b.moment(day, 8, 13)
    fsrs = max(le.size for le in targets) >= 25 and rng.random() < 0.8
    if fsrs:
        fractions = rng.choice((3, 5))
        end = min(start + dt.timedelta(days=fractions + rng.randint(0, 2)), b.now - dt.timedelta(minutes=5))
        treatment = b.treat("fsrs", start, max(end, start), lesions=[le.label for le in targets], fractions=fractions,
                            dose_gy=Decimal("27") if fractions == 3 else Decimal("30"))
    else:
        end = min(start + dt.timedelta(minutes=rng.randint(30, 90)), b.now - dt.timedelta(minutes=1))
        treatment = b.treat("srs", start, max(end, start), lesions=[le.label for le in targets], fractions=1,
                            dose_gy=Decimal(rng.choice(("18", "20", "21", "24"))))
    for le in targets:
        le.treated, le.treated_on = "srs", day
    return treatment


def _wbrt(b: _Builder, day: dt.date, horizon: dt.date) -> dict | None:
    if day > min(horizon, b.today):
        return None
    start = b.moment(day, 8, 12)
    fractions = b.rng.choice((5, 5, 10))
    days = fractions + 2 if fractions == 5 else fractions + 4  # five fractions a week
    end = min(start + dt.timedelta(days=days), b.now - dt.timedelta(hours=1))
    for le in b.present():
        le.treated, le.treated_on = "wbrt", day
    return b.treat("wbrt", start, max(start, end), fractions=fractions,
                   dose_gy=Decimal("20") if fractions == 5 else Decimal("30"))


def _first_treatment(b: _Builder, type_: str, driver: str, bm_day: dt.date, horizon: dt.date, status: str) -> None:
    rng = b.rng
    lesions = b.present()
    largest = max(lesions, key=lambda le: le.size)
    systemic_only = driver in ("egfr", "alk", "braf") and largest.size < 15 and rng.random() < 0.35
    if systemic_only:
        pass
    elif type_ == "sclc" or len(lesions) > 10:
        _wbrt(b, bm_day + dt.timedelta(days=rng.randint(5, 20)), horizon)
    elif (largest.size >= 25 and len(lesions) <= 3 and rng.random() < 0.8) or (
            len(lesions) == 1 and largest.size >= 15 and rng.random() < 0.15):
        day = bm_day + dt.timedelta(days=rng.randint(3, 14))
        if day <= min(horizon, b.today - DAY):
            start = b.moment(day, 8, 10)
            end = min(start + dt.timedelta(hours=rng.randint(2, 5)), b.now - dt.timedelta(hours=1))
            b.treat("surgery", start, max(start, end), lesions=[largest.label], note="Resection")
            largest.size, largest.treated, largest.treated_on = 0.0, "resected", day
            hours = rng.uniform(12, 46) if rng.random() < 0.8 else rng.uniform(48, 70) if rng.random() < 0.7 else (
                rng.uniform(74, 130))
            postop = end + dt.timedelta(hours=hours)
            if postop < b.now - dt.timedelta(minutes=5) and postop.astimezone(b.tz).date() <= horizon:
                b.mri(postop.astimezone(b.tz).date(), "post_operative", at=postop)
            others = b.present()
            cavity_day = day + dt.timedelta(days=rng.randint(21, 35))
            if _radiosurgery(b, cavity_day, horizon, [largest, *others], status) is not None:
                largest.treated = "resected"
    else:
        targets = lesions
        _radiosurgery(b, bm_day + dt.timedelta(days=rng.randint(4, 21)), horizon, targets, status,
                      planning=rng.random() < 0.7)
    _start_systemic(b, driver, bm_day + dt.timedelta(days=rng.randint(7, 40)), horizon)


def _start_systemic(b: _Builder, driver: str, day: dt.date, horizon: dt.date) -> None:
    lines = SYSTEMIC.get(driver, SYSTEMIC["other"])
    if b.line >= len(lines) or day > min(horizon, b.today - DAY):
        return
    if b.systemic is not None:
        b.systemic["status"] = "stopped"
        b.systemic["end"] = max(b.systemic["start"], b.moment(day - DAY, 9, 12))
    kind, agent = lines[b.line]
    b.line += 1
    b.systemic = b.treat(kind, b.moment(day, 9, 15), None, agent=agent, line=b.line)
    b.responding = b.rng.random() < (0.75 if kind == "tt" else 0.5 if kind == "ici" else 0.35)


def _grow(b: _Builder, day: dt.date, factor=(0.6, 1.35)) -> None:
    """Evolve every lesion up to ``day``: treated ones shrink (with the odd flare), others follow therapy."""
    rng = b.rng
    for le in b.lesions.values():
        if le.size <= 0:
            continue
        if le.flare_left:
            le.flare_left -= 1
            low, high = (1.15, 1.45) if le.flare_left else (0.55, 0.8)
        elif le.treated in ("srs", "wbrt"):
            low, high = 0.6, 0.97
            months = (day - le.treated_on).days / 30.4 if le.treated_on else 0
            if 3 < months < 18 and rng.random() < 0.02:
                le.flare_left = 2
                low, high = 1.2, 1.5
        elif b.responding:
            low, high = 0.65, 0.95
        else:
            low, high = 1.0, 1.3
        low, high = max(low, factor[0]), min(high, factor[1])
        size = le.size * rng.uniform(low, max(low, high))
        le.size = 0.0 if size < 2.5 else round(min(size, 95.0), 1)


def _follow_up(b: _Builder, type_: str, driver: str, profile: Profile, horizon: dt.date, status: str) -> None:
    """Serial MRIs every 2–3 months from the last treatment, with new lesions and salvage treatment."""
    rng = b.rng
    anchors = [t["end"] or t["start"] for t in b.treatments if t["status"] == "given"]
    last = max([a.astimezone(b.tz).date() for a in anchors] + [max(b.mri_days, default=b.today)])
    limit = min(horizon, b.today)
    while True:
        gap = rng.randint(56, 92) if rng.random() < 0.88 else rng.randint(93, 140)
        day = last + dt.timedelta(days=gap)
        if day > limit:
            break
        _grow(b, day)
        new = []
        if rng.random() < profile.p_new_lesions * (0.5 if b.responding else 1.0):
            new = [b.new_lesion(day, rng.uniform(4, 12)) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        worse = bool(new) and rng.random() < 0.3
        if worse:
            b.kps = max(40, b.kps - 10)
        elif rng.random() < 0.3:
            b.kps = max(40, min(100, b.kps + rng.choice((-10, 10))))
        b.observe(day - dt.timedelta(days=rng.randint(0, 6)), kps=b.kps,
                  dexamethasone_mg=Decimal(4) if worse else Decimal(0),
                  neuro_status="worse" if worse else rng.choice(("stable", "stable", "improved")),
                  haemoglobin_g_dl=Decimal(str(round(rng.uniform(9.0, 15.0), 1))) if rng.random() < 0.3 else None)
        flaring = any(le.flare_left for le in b.lesions.values())
        pending = status == "active" and (b.today - day).days < 14 and rng.random() < 0.4
        scan = b.mri(day, "problem_solving" if flaring else "surveillance", measured=not pending,
                     sequences=FULL_PROTOCOL + (("dsc",) if flaring else ()),
                     new_lesions="definite" if new else "none")
        if scan is None:
            break
        last = scan["at"].astimezone(b.tz).date()
        if flaring and rng.random() < 0.3:
            b.pet(last + dt.timedelta(days=rng.randint(5, 20)))
        if new or (not b.responding and rng.random() < 0.25):
            salvage = last + dt.timedelta(days=rng.randint(10, 30))
            present = b.present()
            if len(present) > 10 or (type_ == "sclc" and not any(t["kind"] == "wbrt" for t in b.treatments)):
                treatment = _wbrt(b, salvage, horizon)
            else:
                untreated = [le for le in present if le.treated not in ("srs", "wbrt")] or present
                treatment = _radiosurgery(b, salvage, horizon, untreated, status) if untreated else None
            if rng.random() < 0.5:
                _start_systemic(b, driver, salvage + dt.timedelta(days=rng.randint(3, 20)), horizon)
            if treatment is not None and treatment["status"] == "given":
                end = treatment["end"] or treatment["start"]
                last = max(last, end.astimezone(b.tz).date())
            elif treatment is not None:
                break


def _mark_new_lesions(b: _Builder) -> None:
    """A lesion present after the response baseline but not on it is reported as a new lesion.

    The baseline is chosen exactly as the services choose it (``clinical.baseline``), so RANO-BM
    never meets an unreported lesion (rano.py, bmtrack choice 2).
    """
    measured = sorted((s for s in b.scans if s["measurement_status"] == "complete"), key=lambda s: s["at"])
    if not measured:
        return
    starts = [t["start"].astimezone(b.tz).date() for t in b.treatments
              if t["status"] in ("given", "stopped") and t["kind"] != "other"]
    baseline = choose_baseline([(i, s["at"].astimezone(b.tz).date()) for i, s in enumerate(measured)], starts)
    known = {m["lesion_key"] for m in measured[baseline]["measurements"]}
    for scan in measured[baseline + 1:]:
        if scan["new_lesions"] == "none" and any(
            m["lesion_key"] not in known and not m["disappeared"] for m in scan["measurements"]
        ):
            scan["new_lesions"] = "definite"
