"""Nurse web app. Paths carry a patient's opaque ``public_id`` only; searches travel in POST bodies."""

from django.urls import path

from bmtrack.web.views import account, adherence, dashboard, entry, items, notifications, patients, scans, worklist

app_name = "web"

urlpatterns = [
    path("", worklist.worklist, name="worklist"),
    path("worklist/<str:section>/", worklist.worklist_section, name="worklist_section"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("adherence/", adherence.adherence, name="adherence"),
    path("adherence/export/", adherence.adherence_csv, name="adherence_csv"),
    path("notifications/", notifications.my_notifications, name="notifications"),
    path("account/", account.account, name="account"),
    path("patients/", patients.find, name="patients"),
    path("patients/new/", patients.new_patient, name="patient_new"),
    path("patients/<uuid:public_id>/", patients.patient, name="patient"),
    path("patients/<uuid:public_id>/scans/older/", patients.older_scans, name="older_scans"),
    path("patients/<uuid:public_id>/care-status/", patients.care_status, name="care_status"),
    path("patients/<uuid:public_id>/phones/", patients.phones, name="patient_phones"),
    path("patients/<uuid:public_id>/primaries/new/", entry.primary_new, name="primary_new"),
    path("patients/<uuid:public_id>/primaries/<int:primary_id>/", entry.primary_edit, name="primary_edit"),
    path("patients/<uuid:public_id>/primaries/advice/", entry.screening_advice, name="screening_advice"),
    path("patients/<uuid:public_id>/treatments/new/", entry.treatment_new, name="treatment_new"),
    path("patients/<uuid:public_id>/status/new/", entry.observation_new, name="observation_new"),
    path("patients/<uuid:public_id>/status/<int:observation_id>/", entry.observation_edit, name="observation_edit"),
    path("patients/<uuid:public_id>/scans/new/", scans.scan_new, name="scan_new"),
    path("patients/<uuid:public_id>/scans/protocol/", scans.protocol_check, name="protocol_check"),
    path("patients/<uuid:public_id>/scans/<int:scan_id>/measurements/", scans.measurements, name="measurements"),
    path("patients/<uuid:public_id>/scans/<int:scan_id>/call/", scans.scan_call, name="scan_call"),
    path("patients/<uuid:public_id>/workups/new/", entry.workup_new, name="workup_new"),
    path("patients/<uuid:public_id>/workups/<int:workup_id>/", entry.workup_edit, name="workup_edit"),
    path("patients/<uuid:public_id>/items/<int:item_id>/actions/", items.item_actions, name="item_actions"),
    path("patients/<uuid:public_id>/items/<int:item_id>/book/", items.book, name="item_book"),
    path("patients/<uuid:public_id>/items/<int:item_id>/waive/", items.waive, name="item_waive"),
    path("patients/<uuid:public_id>/items/<int:item_id>/unwaive/", items.unwaive, name="item_unwaive"),
    path("patients/<uuid:public_id>/items/<int:item_id>/contact/", items.contact, name="item_contact"),
]
