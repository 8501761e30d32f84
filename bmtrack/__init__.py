"""bmtrack: longitudinal surveillance of patients with brain metastases.

The package root imports nothing, so that ``bmtrack.clinical`` stays usable without Django; the
Celery app is loaded by ``bmtrack.core.apps.CoreConfig.ready``.
"""
