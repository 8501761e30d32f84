from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "bmtrack.boards"
    label = "boards"
    verbose_name = "Tumour boards"
