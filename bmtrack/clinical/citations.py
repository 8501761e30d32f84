"""Human citations: the publications behind bmtrack's rules, and one function that turns a rule's
``source`` (as the clinical core writes it: "seed review, ref 57: ...", "docs/clinical/gpa.md, ...")
into what a reader can look up (authors, journal, year).

Pure data and string work, no Django. The bibliographic records are those of docs/clinical/README.md
("Sources"), gpa.md, rano-bm.md, schedule.md and screening.md. The API keeps the raw ``source`` strings
(its contract); pages, the board packet and emails show ``cite(source)``.

The seed review (docs/clinical/README.md: "the review of the imaging of brain metastases that bmtrack's
rules were first drawn from") is identified here as Derks SHAE, van der Veldt AAM, Smits M, "Brain
metastases: the role of clinical imaging", Br J Radiol 2022;95:20210944: its sections ("Screening for
brain metastases", "Conventional MRI", "Treatment-related effects") and quotations match the pages.
The clinical lead is to confirm it (README.md: "to be completed by the clinical lead").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Sourced:
    """A piece of advice or a reason, with the rule source it comes from (``cite(source)`` shows it)."""

    text: str
    source: str

    def __str__(self) -> str:
        return f"{self.text} ({self.source})"


@dataclass(frozen=True)
class Publication:
    short: str  # "Lin et al., Lancet Oncol 2015": what a summary line shows
    full: str  # the bibliographic record
    pattern: str  # how the clinical core's source strings name it (regular expression)


PUBLICATIONS: dict[str, Publication] = {
    "seed": Publication(
        "Derks et al., Br J Radiol 2022",
        "Derks SHAE, van der Veldt AAM, Smits M. Brain metastases: the role of clinical imaging. "
        "Br J Radiol 2022;95:20210944.",
        r"\b(?:the )?seed(?: review)?\b|Derks",
    ),
    "rano_bm": Publication(
        "Lin et al., Lancet Oncol 2015",
        "Lin NU et al. Response assessment criteria for brain metastases: proposal from the RANO group. "
        "Lancet Oncol 2015;16:e270–e278.",
        r"RANO-BM|\bLin\b",
    ),
    "irano": Publication(
        "Okada et al., Lancet Oncol 2015",
        "Okada H et al. Immunotherapy response assessment in neuro-oncology: a report of the RANO working "
        "group. Lancet Oncol 2015;16:e534–e542.",
        r"\biRANO\b|Okada",
    ),
    "kaufmann": Publication(
        "Kaufmann et al., Neuro-Oncology 2020",
        "Kaufmann TJ et al. Consensus recommendations for a standardized brain tumour imaging protocol in "
        "brain metastases. Neuro-Oncology 2020.",
        r"Kaufmann",
    ),
    "gpa_2008": Publication(
        "Sperduto et al., Int J Radiat Oncol Biol Phys 2008",
        "Sperduto PW et al. The original Graded Prognostic Assessment (1,960 RTOG patients). "
        "Int J Radiat Oncol Biol Phys 2008;70:510–514.",
        r"IJROBP 2008",
    ),
    "ds_gpa_2012": Publication(
        "Sperduto et al., J Clin Oncol 2012",
        "Sperduto PW et al. The diagnosis-specific GPA. J Clin Oncol 2012;30:419–425.",
        r"J(?:ournal of )?\s?Clin(?:ical)? Oncol(?:ogy)? 2012|JCO 2012",
    ),
    "breast_2012": Publication(
        "Sperduto et al., Int J Radiat Oncol Biol Phys 2012",
        "Sperduto PW et al. Breast cancer GPA by tumour subtype. Int J Radiat Oncol Biol Phys "
        "2012;82:2111–2117.",
        r"IJROBP 2012",
    ),
    "lung_mol_2017": Publication(
        "Sperduto et al., JAMA Oncol 2017",
        "Sperduto PW et al. Lung cancer GPA with molecular markers (Lung-molGPA). JAMA Oncol 2017;3:827–831.",
        r"JAMA Oncol 2017",
    ),
    "melanoma_2017": Publication(
        "Sperduto et al., Int J Radiat Oncol Biol Phys 2017",
        "Sperduto PW et al. Melanoma GPA with molecular markers (Melanoma-molGPA). Int J Radiat Oncol Biol "
        "Phys 2017;99:812–816.",
        r"IJROBP 2017;99:812",
    ),
    "renal_2018": Publication(
        "Sperduto et al., 2018 (Renal GPA)",
        "Sperduto PW et al. Renal cell carcinoma GPA with haemoglobin (2018); ASTRO abstract Int J Radiat "
        "Oncol Biol Phys 2017;99(2S):S169.",
        r"Sperduto et al\., 2018",
    ),
    "gi_2019": Publication(
        "Sperduto et al., Clin Transl Radiat Oncol 2019",
        "Sperduto PW et al. Gastrointestinal cancers GPA. Clin Transl Radiat Oncol 2019;18:39–45.",
        r"Clin Transl Radiat Oncol 2019",
    ),
    "breast_2020": Publication(
        "Sperduto et al., Int J Radiat Oncol Biol Phys 2020",
        "Sperduto PW et al. Updated breast cancer GPA. Int J Radiat Oncol Biol Phys 2020;107:334–343.",
        r"IJROBP 2020",
    ),
    "lung_2022": Publication(
        "Sperduto et al., Int J Radiat Oncol Biol Phys 2022",
        "Sperduto PW et al. Updated NSCLC GPA with PD-L1 and the first SCLC GPA. Int J Radiat Oncol Biol "
        "Phys 2022;114:60–74.",
        r"IJROBP 2022",
    ),
}

# The publications behind each page of docs/clinical/, for a source that names only the page.
PAGES: dict[str, tuple[str, ...]] = {
    "schedule": ("seed", "irano", "rano_bm"),
    "screening": ("seed", "kaufmann"),
    "rano-bm": ("rano_bm", "irano"),
    "gpa": ("gpa_2008", "ds_gpa_2012", "lung_2022", "breast_2020"),
    "record": ("rano_bm", "irano"),
}

JOURNALS = {"IJROBP": "Int J Radiat Oncol Biol Phys", "JCO": "J Clin Oncol"}


@dataclass(frozen=True)
class Citation:
    summary: str  # "Derks et al., Br J Radiol 2022; Okada et al., Lancet Oncol 2015"
    text: str  # the source in words, quotation kept: 'Derks et al., Br J Radiol 2022, reference 57: "..."'
    references: tuple[str, ...]  # the full records, in order of first mention

    def __str__(self) -> str:
        return self.text


_PAGE = re.compile(
    r"(?:(?:docs|shared)/clinical/)?\b(?P<page>schedule|screening|rano-bm|gpa|record|README)\.md"
    r"(?:(?:,|:)\s*(?P<section>[^;()]*))?"
)
_REFS = re.compile(r"\brefs?\.? (?=\d)")
_SEED = re.compile(r"\b(?:the )?seed review's\b|\b(?:the )?seed(?: review)?\b", re.IGNORECASE)


def _mentioned(text: str) -> list[str]:
    found = []
    for key, publication in PUBLICATIONS.items():
        match = re.search(publication.pattern, text)
        if match:
            found.append((match.start(), key))
    return [key for _, key in sorted(found)]


def _tidy(text: str) -> str:
    text = re.sub(r"\s*;\s*(?:;\s*)+", "; ", text)
    text = re.sub(r"\(\s*;?\s*\)", "", text)
    text = re.sub(r"\s{2,}", " ", text)
    return text.strip(" ;,")


# The sources are a few dozen fixed strings, each shown on many rows: cite each once.
@lru_cache(maxsize=512)
def cite(source: str | None) -> Citation:
    """The source of a rule as a reader looks it up: file names become the publications behind that
    page, "seed review, ref 57" becomes "Derks et al., Br J Radiol 2022, reference 57"."""
    raw = (source or "").strip()
    if not raw:
        return Citation("", "", ())
    keys = _mentioned(_PAGE.sub("", raw))
    named = bool(keys)  # the text names its publication: a page reference adds nothing a reader can use

    def page(match: re.Match) -> str:
        if named:
            return ""
        behind = PAGES.get(match["page"], ())
        keys.extend(behind)
        return "; ".join(PUBLICATIONS[key].short for key in behind)

    text = _PAGE.sub(page, raw)
    seed = PUBLICATIONS["seed"].short
    text = _SEED.sub(lambda m: f"{seed}'s" if m[0].endswith("'s") else seed, text)
    text = _REFS.sub(lambda m: "references " if m[0].startswith("refs") else "reference ", text)
    for abbreviation, journal in JOURNALS.items():
        text = re.sub(rf"\b{abbreviation}\b", journal, text)
    text = _tidy(text)
    keys = list(dict.fromkeys(keys))
    return Citation(
        summary="; ".join(PUBLICATIONS[key].short for key in keys) or text,
        text=text,
        references=tuple(PUBLICATIONS[key].full for key in keys),
    )


def cite_text(source: str | None) -> str:
    """One line for plain-text output (emails): the source in words."""
    return cite(source).text
