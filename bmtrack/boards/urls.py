from django.urls import path

from bmtrack.boards import views

app_name = "boards"

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendees/", views.meeting_attendees, name="meeting_attendees"),
    path("meetings/<int:pk>/suggestions/accept/", views.suggestion_accept, name="suggestion_accept"),
    path("meetings/<int:pk>/suggestions/dismiss/", views.suggestion_dismiss, name="suggestion_dismiss"),
    path("meetings/<int:pk>/suggestions/undismiss/", views.suggestion_undismiss, name="suggestion_undismiss"),
    path("meetings/<int:pk>/cases/add/", views.case_add, name="case_add"),
    path("meetings/<int:pk>/packet/", views.packet, name="packet"),
    path("meetings/<int:pk>/packet.pdf", views.packet_pdf, name="packet_pdf"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/move/", views.case_move, name="case_move"),
    path("cases/<int:pk>/remove/", views.case_remove, name="case_remove"),
]
