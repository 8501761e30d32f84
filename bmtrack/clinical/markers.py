"""Reading molecular and receptor results into the factor values the GPA tables use.

Source: docs/clinical/gpa.md, Conventions: ``egfr_alk`` is positive when EGFR *or* ALK is
positive; breast ``subtype`` is basal (triple-negative), luminal_a (ER/PR+ HER2−), her2
(ER/PR− HER2+), luminal_b (ER/PR+ HER2+). Unknown molecular markers score as negative in the
tables, but that is the GPA's business: here unknown stays ``unknown``.
"""

from __future__ import annotations

POSITIVE, NEGATIVE, UNKNOWN = "positive", "negative", "unknown"


def egfr_alk(egfr: str | None, alk: str | None) -> str:
    """``positive`` if either is positive; ``negative`` only when both were tested negative."""
    if POSITIVE in (egfr, alk):
        return POSITIVE
    if egfr == NEGATIVE and alk == NEGATIVE:
        return NEGATIVE
    return UNKNOWN


def breast_subtype(er: str | None, pr: str | None, her2: str | None) -> str | None:
    """The breast subtype of gpa.md, or None when a receptor needed to decide is unknown.

    Hormone-receptor positive means ER *or* PR positive; negative needs both negative.
    """
    if her2 not in (POSITIVE, NEGATIVE):
        return None
    if POSITIVE in (er, pr):
        hormone = True
    elif er == NEGATIVE and pr == NEGATIVE:
        hormone = False
    else:
        return None
    if hormone:
        return "luminal_b" if her2 == POSITIVE else "luminal_a"
    return "her2" if her2 == POSITIVE else "basal"


def marker_value(result: str | None) -> str:
    """A stored marker outcome as the tables read it (equivocal and failed tests are unknown)."""
    return result if result in (POSITIVE, NEGATIVE) else UNKNOWN
