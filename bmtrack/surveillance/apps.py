from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "bmtrack.surveillance"
    label = "surveillance"
    verbose_name = "Surveillance"

    def ready(self):
        from django.conf import settings

        from bmtrack.core.periodic import Periodic, register
        from bmtrack.patients import planning

        # Renderers register themselves with the outbox on import (every process sends).
        from bmtrack.surveillance import digests, notifications, plan  # noqa: F401

        # The patients' write services and synthetic cohort re-plan through this (patients sits below us).
        planning.register(planning.Planner(replan=plan.replan_patient, copy_new=plan.copy_new_plans))

        register(
            Periodic("surveillance sweep", "surveillance.sweep", settings.SWEEP_INTERVAL_MINUTES * 60),
            # Digests go out at each user's local hour: check every 15 minutes whose hour has come.
            Periodic("surveillance digests", "surveillance.schedule_digests", 15 * 60),
            # The sender is queued on commit by every enqueue; this is the safety net (broker down, retries).
            Periodic("surveillance outbox", "surveillance.send_outbox", 60),
        )
