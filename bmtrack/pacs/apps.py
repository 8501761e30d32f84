from django.apps import AppConfig


class PacsConfig(AppConfig):
    name = "bmtrack.pacs"
    label = "pacs"
    verbose_name = "PACS connection"

    def ready(self):
        from django.conf import settings

        from bmtrack.core.health import register as register_check
        from bmtrack.core.periodic import Periodic, register
        from bmtrack.pacs.health import poll_status

        register_check("pacs_poll", poll_status)
        if settings.PACS_DICOMWEB_URL:
            register(Periodic("pacs poll", "pacs.poll", settings.PACS_POLL_SECONDS))
