from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bmtrack.core"
    label = "core"
    verbose_name = "bmtrack core"

    def ready(self):
        # Load the Celery app so that @shared_task binds to it in every process (web, worker, beat).
        from bmtrack.celery import app  # noqa: F401

        # Registers the ``__any_of`` lookup (patients.scoping lists ids with it).
        from bmtrack.core import lookups  # noqa: F401
