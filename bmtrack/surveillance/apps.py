from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "bmtrack.surveillance"
    label = "surveillance"
    verbose_name = "Surveillance"
