"""The adherence grid of a care team, on screen (a page at a time) and as CSV (every row).

The query string carries ids only (``team``, ``status``, ``page``), never patient data. The CSV
names patients by their pseudonymous public id and MRN (as the other exports), its cells are
guarded against formula injection (``core.admin.csv_cell``), and every patient in it is logged
as exported. It streams, a chunk of patients at a time (``queries.adherence.export_rows``).
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bmtrack.accounts.access import note_rows, teams_for
from bmtrack.core.admin import csv_cell
from bmtrack.core.audit import note_access
from bmtrack.core.clock import today, utcnow
from bmtrack.core.models import AccessLog
from bmtrack.patients.models import Patient
from bmtrack.web.queries.adherence import (
    LEGEND,
    PAGE_SIZE,
    STATUSES,
    build_grid,
    export_plan,
    export_rows,
    grid_patients,
)


def _filters(request) -> tuple[list, object, str]:
    teams = list(teams_for(request.user))
    wanted = request.GET.get("team", "")
    team = next((t for t in teams if wanted.isdigit() and t.pk == int(wanted)), None)
    status = request.GET.get("status", "active")
    return teams, team, status if status in STATUSES else "active"


@login_required
@require_GET
def adherence(request):
    """Patients (rows) by their expected scans (columns), ``PAGE_SIZE`` patients a page."""
    teams, team, status = _filters(request)
    now = utcnow()
    paginator = Paginator(grid_patients(request.user, team=team, status=status), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    grid = build_grid(page.object_list, now)
    note_rows([row.patient for row in grid.rows], "pk")
    query = {"status": status, **({"team": team.pk} if team else {})}
    return render(request, "web/adherence.html", {
        "grid": grid, "page": page, "teams": teams, "team": team, "status": status, "legend": LEGEND,
        "query": "&".join(f"{key}={value}" for key, value in query.items()),
    })


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def adherence_csv(request):
    """The same grid, all its rows (streamed in chunks): per timepoint its state and its date (ISO 8601)."""
    _, team, status = _filters(request)
    now = utcnow()
    patients, columns = export_plan(grid_patients(request.user, team=team, status=status))
    # Noted now: the access log is written when the view returns, before the rows stream out.
    for pk, public_id in patients:
        note_access(Patient(pk=pk, public_id=public_id), AccessLog.Action.EXPORT)
    rows = export_rows([pk for pk, _ in patients], columns, now)
    writer = csv.writer(_Echo())
    header = ["patient_public_id", "mrn", "care_team", "status"]
    for column in columns:
        header += [column.label, f"{column.label} date"]

    def lines():
        yield writer.writerow(header)
        for row in rows:
            patient = row.patient
            values = [patient.public_id, patient.mrn, patient.care_team.name if patient.care_team else "",
                      patient.status]
            for item in row.line:
                values += [item.words, item.date.isoformat() if item.date else ""] if item else ["", ""]
            yield writer.writerow([csv_cell(value) for value in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    # The file name names the day only: a downloaded file must not identify a patient or a team.
    response["Content-Disposition"] = f'attachment; filename="adherence-{today(now):%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response
