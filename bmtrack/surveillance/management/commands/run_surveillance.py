"""Run the surveillance jobs by hand, in this process: sweep, digests, sender (all by default).

``--replan-all`` recomputes, for every patient, everything derived from the record: the GPA and
RANO-BM assessments and the surveillance plan (``plan.replan_all``: batches, one transaction per
patient with its row locked). Run it after an upgrade that changes a clinical rule (README).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from bmtrack.core.clock import utcnow
from bmtrack.core.heartbeat import beat
from bmtrack.surveillance import digests as digest_jobs
from bmtrack.surveillance import outbox, plan
from bmtrack.surveillance import sweep as sweeping


class Command(BaseCommand):
    help = "Run the surveillance sweep, the digest scheduler and the email sender once, in this process."

    def add_arguments(self, parser):
        parser.add_argument("--sweep", action="store_true", help="Move items whose time has come.")
        parser.add_argument("--digests", action="store_true", help="Owe today's digests whose hour has come.")
        parser.add_argument("--send", action="store_true", help="Send the emails owed.")
        parser.add_argument("--replan-all", action="store_true",
                            help="Recompute every patient's GPA, RANO-BM and plan from the record (after a rule "
                                 "change or an upgrade).")
        parser.add_argument("--batch-size", type=int, default=200, help="Patients read per batch (--replan-all).")
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many emails.")

    def handle(self, *args, sweep=False, digests=False, send=False, replan_all=False, batch_size=200, limit=None,
               **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be positive.")
        if not (sweep or digests or send or replan_all):
            sweep = digests = send = True
        now = utcnow()
        if replan_all:
            counts = plan.replan_all(now=now, batch_size=batch_size, log=self.stdout.write)
            self.stdout.write(f"replanned: {counts['patients']} patients (GPA, RANO-BM and plan); items "
                              f"created {counts['created']}, updated {counts['updated']}, closed {counts['closed']}")
            if counts["failed"]:
                raise CommandError(f"{counts['failed']} patients could not be recomputed (see the log); "
                                   "the others were.")
        if sweep:
            counts = sweeping.sweep(now)
            beat("sweep", **counts)
            self.stdout.write(f"sweep: {counts}")
        if digests:
            self.stdout.write(f"digests: {digest_jobs.schedule_digests(now)}")
        if send:
            counts = outbox.send_pending(now=now, limit=limit)
            beat("outbox", **counts)
            self.stdout.write(f"outbox: {counts}")

