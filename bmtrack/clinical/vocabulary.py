"""Ids shared by several rules: MRI sequences and scan purposes.

Sources: docs/clinical/schedule.md ("MRI sequence ids") and screening.md ("Scan purpose ids").
"""

import re

SEQUENCES = ("t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi", "dsc", "dce", "asl", "mrs")
PURPOSES = (
    "screening",
    "diagnosis",
    "post_operative",
    "srs_planning",
    "surveillance",
    "response",
    "confirmation",
    "problem_solving",
)


# --- Words for people (pages, the board packet, emails). The API keeps the ids above and below. ---

# The response flags of bmtrack.clinical.rano and bmtrack.clinical.record (rano-bm.md, record.md).
FLAG_WORDS = {
    "steroid_increase": "steroid dose above baseline",
    "equivocal_new_lesion": "equivocal new lesion",
    "new_lesion": "definite new lesion",
    "missing_target": "a target lesion not measured",
    "pseudoprogression": "pseudoprogression (the earlier suspected progression was not confirmed)",
    "no_baseline_disease": "no disease at baseline",
    "possible_radiation_necrosis": "possible radiation necrosis: a treated lesion grew inside its window",
    "treatment_effect": "treatment effect (radiation necrosis), not tumour",
    "baseline_outside_window": "baseline MRI not within 4 weeks before a treatment",
    "new_lesion_call_needed": "new lesion awaiting the reader's call",
    "role_ignored": "a reader's target choice could not be used",
}

# Abbreviations a nurse or a family doctor may not know, written out where they are shown.
ABBREVIATIONS = {
    "ICI/TT": "immunotherapy or targeted therapy",
}

_FLAG_ID = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def flag_words(flags) -> list[str]:
    """Each flag id in words; an unknown id with its underscores as spaces (never shown raw)."""
    return [FLAG_WORDS.get(flag, str(flag).replace("_", " ")) for flag in flags or ()]


def plain_words(text) -> str:
    """A sentence with flag ids and abbreviations in words ("equivocal_new_lesion" -> "equivocal new
    lesion", "ICI/TT" -> "immunotherapy or targeted therapy")."""
    if not text:
        return ""
    text = str(text)
    for short, words in ABBREVIATIONS.items():
        text = text.replace(short, words)
    return _FLAG_ID.sub(lambda m: FLAG_WORDS.get(m[0], m[0].replace("_", " ")), text)
