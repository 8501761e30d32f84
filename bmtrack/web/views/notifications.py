from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bmtrack.surveillance import log


@login_required
def my_notifications(request):
    """What was sent to me, and what will be."""
    entries = list(log.for_user(request.user))[:200]
    return render(request, "web/notifications.html", {"entries": entries})
