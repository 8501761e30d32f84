"""The sweep: move the due items whose ``next_transition_at`` has passed, and nothing else.

1. One indexed query (``dueitem_next_transition_idx``) finds the items whose time has come; its
   cost follows the number of items that change, not the number of patients.
2. Items are claimed in small batches with ``SELECT ... FOR UPDATE SKIP LOCKED``: two sweeps at
   once (a doubled beat, a manual run) share the work instead of doing it twice, and an item a
   write is re-planning right now is left to that write.
3. Each batch is one transaction: the items' new states and the outbox rows they owe (urgent
   alerts, escalations; ``notifications.advance``) commit together, then the sender is queued.
   No clinical rule is re-run: time alone only moves an open item along upcoming → due → overdue
   (``clinical.schedule.state_at``); everything else changes through a write and its re-plan.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter

from django.db import connection, transaction
from simple_history.utils import bulk_update_with_history

from bmtrack.core.clock import utcnow
from bmtrack.surveillance.models import DueItem
from bmtrack.surveillance.notifications import advance

logger = logging.getLogger(__name__)
BATCH_SIZE = 200
# What advance() may change.
SWEPT_FIELDS = ["state", "overdue_since", "overdue_at", "alerted_at", "escalate_at", "escalated_at",
                "next_transition_at", "updated_at"]


def sweep(now: dt.datetime | None = None, *, batch_size: int = BATCH_SIZE, time_budget: float | None = None) -> dict:
    """Move every item whose time has come by ``now``; stop early (between batches) after ``time_budget`` s."""
    now = now or utcnow()
    started = time.monotonic()
    counts: Counter = Counter()
    seen: set[int] = set()
    while time_budget is None or time.monotonic() - started < time_budget:
        with transaction.atomic():
            due = (DueItem.objects.filter(next_transition_at__lte=now)
                   .select_related("patient__care_team__responsible_physician", "patient__responsible_nurse")
                   .order_by("next_transition_at", "pk"))
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            batch = list(due[:batch_size])
            if any(item.pk in seen for item in batch):
                # advance() always moves an item's wake-up past ``now``; never loop on one.
                logger.error("sweep: an item came back in the same run; stopping")
                break
            for item in batch:
                seen.add(item.pk)
                for event in advance(item, now):
                    counts[event] += 1
                item.updated_at = utcnow()
                counts["items"] += 1
            # One UPDATE and one history INSERT per batch, not per item.
            bulk_update_with_history(batch, DueItem, SWEPT_FIELDS, batch_size=batch_size,
                                     default_change_reason="sweep")
        if len(batch) < batch_size:
            break
    return dict(counts)
