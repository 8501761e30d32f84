"""The endpoints outside the signed-in app (calendar feed, health check), under their historical
``surveillance`` namespace so links and monitors configured against it keep working."""

from django.urls import path

from bmtrack.web.views import feeds

app_name = "surveillance"

urlpatterns = [
    path("calendar/<str:token>.ics", feeds.calendar_feed, name="calendar-feed"),
    path("health/", feeds.health, name="health"),
]
