from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bmtrack.core.clock import utcnow
from bmtrack.pacs.selectors import pacs_figures
from bmtrack.web.charts.bars import hbars, week_bars
from bmtrack.web.queries.dashboard import PERIOD_DAYS, build_dashboard
from bmtrack.web.queries.scope import teams_for


@login_required
def dashboard(request):
    """Team figures. ``?team=<id>`` picks one of the user's teams (an id, never patient data)."""
    teams = list(teams_for(request.user))
    team = None
    wanted = request.GET.get("team", "")
    if wanted.isdigit():
        team = next((t for t in teams if t.pk == int(wanted)), None)
    now = utcnow()
    board = build_dashboard(request.user, now, team)
    return render(request, "web/dashboard.html", {
        "board": board, "teams": teams, "team": team, "period_days": PERIOD_DAYS,
        "weeks_chart": week_bars(board.weeks),
        "kind_chart": hbars([(c.label, c.count) for c in board.overdue_by_kind]),
        "nurse_chart": hbars([(c.label, c.count) for c in board.overdue_by_nurse]),
        "pacs": pacs_figures(request.user, now),
    })
