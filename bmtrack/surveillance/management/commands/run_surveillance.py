"""Run the surveillance jobs by hand, in this process: sweep, digests, sender (all by default)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from bmtrack.core.clock import utcnow
from bmtrack.core.heartbeat import beat


class Command(BaseCommand):
    help = "Run the surveillance sweep, the digest scheduler and the email sender once, in this process."

    def add_arguments(self, parser):
        parser.add_argument("--sweep", action="store_true", help="Move items whose time has come.")
        parser.add_argument("--digests", action="store_true", help="Owe today's digests whose hour has come.")
        parser.add_argument("--send", action="store_true", help="Send the emails owed.")
        parser.add_argument("--replan-all", action="store_true",
                            help="Re-plan every patient from the record (after a rule change).")
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many emails.")

    def handle(self, *args, sweep=False, digests=False, send=False, replan_all=False, limit=None, **options):
        if not (sweep or digests or send or replan_all):
            sweep = digests = send = True
        now = utcnow()
        if replan_all:
            self._replan_all(now)
        if sweep:
            from bmtrack.surveillance.sweep import sweep as run_sweep

            counts = run_sweep(now)
            beat("sweep", **counts)
            self.stdout.write(f"sweep: {counts}")
        if digests:
            from bmtrack.surveillance.digests import schedule_digests

            self.stdout.write(f"digests: {schedule_digests(now)}")
        if send:
            from bmtrack.surveillance.outbox import send_pending

            counts = send_pending(now=now, limit=limit)
            beat("outbox", **counts)
            self.stdout.write(f"outbox: {counts}")

    def _replan_all(self, now: dt.datetime) -> None:
        from django.db import transaction

        from bmtrack.patients.models import Patient
        from bmtrack.surveillance.services import replan_patient

        total = 0
        for pk in Patient.objects.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                patient = Patient.objects.select_for_update().select_related("care_team").get(pk=pk)
                replan_patient(patient, now=now)
            total += 1
        self.stdout.write(f"replanned: {total} patients")
