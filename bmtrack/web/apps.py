from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bmtrack.web"
    label = "web"
    verbose_name = "Nurse web app"
