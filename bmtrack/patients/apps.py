from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "bmtrack.patients"
    label = "patients"
    verbose_name = "Patients and clinical record"
