from django.urls import path

from bmtrack.surveillance import views

app_name = "surveillance"

urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("health/", views.health, name="health"),
]
