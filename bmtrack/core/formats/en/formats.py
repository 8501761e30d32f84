"""Django's own date and time rendering in bmtrack's one format (``bmtrack.core.formatting``)."""

from django.conf.locale.en.formats import *  # noqa: F403  (input formats and number formats)

from bmtrack.core.formats.display import *  # noqa: F403
