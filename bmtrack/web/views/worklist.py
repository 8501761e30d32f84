"""The home page: the worklist, its filters (kept in the session) and the search (POST only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from bmtrack.core.clock import today as site_today
from bmtrack.core.clock import utcnow
from bmtrack.web.forms.items import WorklistFilterForm
from bmtrack.web.queries.review import awaiting_call
from bmtrack.web.queries.scope import Filters
from bmtrack.web.queries.worklist import KIND_CHOICES, build_worklist, search_hits
from bmtrack.web.views.common import is_htmx
from bmtrack.web.views.items import attach_forms

SESSION_KEY = "worklist_filters"
# "Today" (its rows due this week), "Due later", "Upcoming" and "Inside a watch window" show their
# first rows (the soonest deadlines; patients by name) and a "show all" link (htmx loads the whole section from
# ``worklist_section``; without JavaScript ``?show=<section>`` renders it in full), so the first paint
# stays small for a nurse with hundreds of patients. Overdue rows are always all shown; a search
# shows everything it found.
PREVIEW_ROWS = 5
DUE_PREVIEW_ROWS = 25
SECTIONS = ("today", "waiting", "due-later", "upcoming", "watching")
LIMIT_FOR = {"today": "due_limit", "waiting": "waiting_limit", "due-later": "open_limit", "upcoming": "upcoming_limit",
             "watching": "watch_limit"}  # build_worklist's
SECTION_TEMPLATES = {"today": "web/partials/worklist_today.html",
                     "waiting": "web/partials/worklist_waiting.html",
                     "due-later": "web/partials/worklist_due.html",
                     "upcoming": "web/partials/worklist_upcoming.html",
                     "watching": "web/partials/worklist_watching.html"}


def _preview(section: str) -> int:
    return DUE_PREVIEW_ROWS if section == "today" else PREVIEW_ROWS


def _filters(form) -> Filters:
    if not form.is_valid():
        return Filters()
    data = form.cleaned_data
    return Filters(team=data["team"], nurse=data["nurse"], kind=data["kind"] or "", q=data["q"].strip())


def _section_rows(work, expanded: set[str]) -> dict:
    """The rows shown of the collapsible sections: all of an expanded one, else the first few."""
    lists = {"today": work.this_week, "waiting": work.waiting, "due-later": work.due, "upcoming": work.upcoming,
             "watching": work.watching}
    shown = {section: rows if section in expanded else rows[:_preview(section)] for section, rows in lists.items()}
    # "Today" holds every overdue row and the rows due this week shown, in one order.
    this_week = {id(row) for row in shown.pop("today")}
    return {"today_rows": [row for row in work.today if row.section == "overdue" or id(row) in this_week],
            "this_week_rows": [row for row in work.this_week if id(row) in this_week],
            **{f"{section.replace('-', '_')}_rows": rows for section, rows in shown.items()}}


def _limits(expanded: set[str]) -> dict:
    """build_worklist's limits: none for an expanded section, the preview for the others."""
    return {LIMIT_FOR[section]: None if section in expanded else _preview(section) for section in SECTIONS}


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
    filters = _filters(form)
    if form.is_valid():
        data = form.cleaned_data
        if request.method == "POST":
            request.session[SESSION_KEY] = {"team": data["team"].pk if data["team"] else None,
                                            "nurse": data["nurse"].pk if data["nurse"] else None,
                                            "kind": data["kind"] or ""}
    now = utcnow()
    today = site_today(now)
    # A search shows everything it found; otherwise the long sections open on request only.
    expanded = set(SECTIONS) if filters.q else {request.GET.get("show", "")} & set(SECTIONS)
    work = build_worklist(request.user, filters, now, **_limits(expanded))
    attach_forms(work.overdue + work.this_week + work.waiting + work.due + work.upcoming, today)
    context = {"form": form, "work": work, "filters": filters, "hits": search_hits(request.user, filters),
               "today": today, "show_patient": True, **_section_rows(work, expanded)}
    if is_htmx(request):
        return render(request, "web/partials/worklist_body.html", context)
    # The reader's-call list is not filtered: it reuses the worklist's patients when they were not narrowed.
    awaiting = awaiting_call(request.user, None if filters.narrowed else work.patients)
    return render(request, "web/worklist.html", {**context, "awaiting_call": awaiting})


@login_required
@require_GET
def worklist_section(request, section):
    """One long section of the worklist in full ("show all"), with the filters kept in the session."""
    if section not in SECTIONS:
        raise Http404("No such section.")
    if not is_htmx(request):
        return redirect(f"{reverse('web:worklist')}?show={section}#{section}")
    now = utcnow()
    today = site_today(now)
    # Only this section's rows are built: the other sections' limits are 0.
    limits = {LIMIT_FOR[other]: None if other == section else 0 for other in SECTIONS}
    work = build_worklist(request.user, _filters(_stored_form(request)), now, **limits)
    attach_forms(work.overdue + work.this_week + work.waiting + work.due + work.upcoming, today)
    context = {"work": work, "today": today, "show_patient": True, "expanded": True,
               **_section_rows(work, {section})}
    return render(request, SECTION_TEMPLATES[section], context)
