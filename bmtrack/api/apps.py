from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bmtrack.api"
    label = "api"
    verbose_name = "REST API"
