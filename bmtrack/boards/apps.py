from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "bmtrack.boards"
    label = "boards"
    verbose_name = "Tumour boards"

    def ready(self):
        from bmtrack.boards import agenda, tasks  # noqa: F401  (registers the agenda renderer and the task)
        from bmtrack.core.periodic import Periodic, register

        # Hourly: the agenda goes out within the hour a meeting enters its notice period; the
        # outbox's unique key makes every further run a no-op for that attendee.
        register(Periodic("board agendas", "boards.enqueue_agendas", 3600))
