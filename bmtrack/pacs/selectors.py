"""Figures of the PACS connection for the team dashboard (counts only, scoped to the user)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bmtrack.accounts.access import scope
from bmtrack.pacs.client import enabled
from bmtrack.pacs.health import poll_status
from bmtrack.pacs.models import DraftState, MeasurementDraft, PacsStudy, StudyState


@dataclass(frozen=True)
class PacsFigures:
    status: str
    last_success: str | None
    lag_minutes: int | None
    last_error: str
    to_resolve: int | None          # unmatched or failed studies (data managers only)
    drafts_to_confirm: int


def pacs_figures(user, now: dt.datetime) -> PacsFigures | None:
    if not enabled():
        return None
    status = poll_status(now)
    can_resolve = user.has_perm("pacs.change_pacsstudy")
    to_resolve = (PacsStudy.objects.filter(state__in=(StudyState.UNMATCHED, StudyState.FAILED)).count()
                  if can_resolve else None)
    drafts = scope(MeasurementDraft.objects.filter(state=DraftState.DRAFT), user, "scan__patient").count()
    lag = status.get("lag_seconds")
    return PacsFigures(status["status"], status.get("last"), lag // 60 if lag is not None else None,
                       status.get("last_error", ""), to_resolve, drafts)
