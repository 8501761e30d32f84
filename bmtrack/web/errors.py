"""Service errors back onto the form that caused them: the one mapper is ``bmtrack.core.forms``."""

from bmtrack.core.forms import apply_service_error

__all__ = ["apply_service_error"]
