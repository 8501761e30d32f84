from django.urls import path

from bmtrack.pacs import views

app_name = "pacs"

urlpatterns = [
    path("studies/", views.queue, name="queue"),
    path("studies/<uuid:public_id>/assign/", views.assign, name="assign"),
    path("studies/<uuid:public_id>/ignore/", views.ignore, name="ignore"),
    path("studies/<uuid:public_id>/retry/", views.retry, name="retry"),
    path("measurements/", views.drafts, name="drafts"),
    path("measurements/<uuid:public_id>/", views.draft, name="draft"),
]
