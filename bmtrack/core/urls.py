from django.urls import path

from bmtrack.core import views

urlpatterns = [
    path("health/", views.health, name="health"),
]
