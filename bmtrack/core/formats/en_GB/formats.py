"""Django's own date and time rendering (admin, ``{{ value }}``, the ``date`` filter's default) in
bmtrack's one format: see ``bmtrack.core.formatting``."""

from django.conf.locale.en_GB.formats import *  # noqa: F403  (input formats and number formats)

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
