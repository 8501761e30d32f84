"""The home page: the worklist, its filters (kept in the session) and the search (POST only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bmtrack.core.clock import today as site_today
from bmtrack.core.clock import utcnow
from bmtrack.web.forms.items import WorklistFilterForm
from bmtrack.web.queries.scope import Filters
from bmtrack.web.queries.worklist import KIND_CHOICES, build_worklist, search_hits
from bmtrack.web.views.common import is_htmx
from bmtrack.web.views.items import attach_forms

SESSION_KEY = "worklist_filters"


def _stored_form(request):
    stored = request.session.get(SESSION_KEY) or {}
    data = {"team": stored.get("team") or "", "nurse": stored.get("nurse") or "", "kind": stored.get("kind") or "",
            "q": ""}
    return WorklistFilterForm(data, user=request.user, kinds=KIND_CHOICES)


@login_required
@require_http_methods(["GET", "POST"])
def worklist(request):
    """POST carries the search term in the body, so no MRN or name ever lands in a URL or a log."""
    if request.method == "POST" and "reset" in request.POST:
        request.session.pop(SESSION_KEY, None)
        form = _stored_form(request)
    elif request.method == "POST":
        form = WorklistFilterForm(request.POST, user=request.user, kinds=KIND_CHOICES)
    else:
        form = _stored_form(request)
    filters = Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = Filters(team=data["team"], nurse=data["nurse"], kind=data["kind"] or "", q=data["q"].strip())
        if request.method == "POST":
            request.session[SESSION_KEY] = {"team": data["team"].pk if data["team"] else None,
                                            "nurse": data["nurse"].pk if data["nurse"] else None,
                                            "kind": data["kind"] or ""}
    now = utcnow()
    today = site_today(now)
    work = build_worklist(request.user, filters, now)
    attach_forms(work.overdue + work.this_week + work.upcoming, today)
    context = {"form": form, "work": work, "filters": filters, "hits": search_hits(request.user, filters),
               "today": today, "show_patient": True}
    if is_htmx(request):
        return render(request, "web/partials/worklist_body.html", context)
    return render(request, "web/worklist.html", context)
