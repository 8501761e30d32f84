"""The Django admin as bmtrack's: branded, its apps in the order staff use them, and open to the roles
that work in it.

1. ``site_header`` / ``site_title``: "bmtrack administration".
2. Apps in working order (the record, surveillance, boards, the PACS, then accounts and the access
   log), the rest (Django's, the scheduler's) after them by name; models by name within an app.
3. Who may enter: staff, and the data manager and administrator roles (``roles.py``) even when
   nobody ticked "staff status"; what each then sees is still its role's model permissions.
4. With two-step sign-in required (``BMTRACK_ADMIN_REQUIRES_2FA``: ``OTPAdminSite`` on top), a
   signed-in user who may enter but has not confirmed a device in this session is sent to the
   enrolment page (``two_factor``), which brings her back to the admin, instead of the admin's
   own sign-in form asking for a code she does not have yet.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from bmtrack.accounts.roles import works_in_admin

APP_ORDER = ("patients", "surveillance", "boards", "pacs", "accounts", "core")


class BmtrackAdminSite(admin.AdminSite):
    site_header = "bmtrack administration"
    site_title = "bmtrack administration"
    index_title = "Records, surveillance, boards and accounts"

    def has_permission(self, request):
        return works_in_admin(request.user)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)

        def rank(app):
            label = app["app_label"]
            return (APP_ORDER.index(label) if label in APP_ORDER else len(APP_ORDER), app["name"].lower())

        apps.sort(key=rank)
        for app in apps:
            app["models"].sort(key=lambda model: model["name"].lower())
        return apps


class BmtrackOTPAdminSite(OTPAdminSite, BmtrackAdminSite):
    """``BmtrackAdminSite`` that also asks for a confirmed device (django-otp's ``is_verified``)."""

    site_header = BmtrackAdminSite.site_header
    site_title = BmtrackAdminSite.site_title
    index_title = BmtrackAdminSite.index_title

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and works_in_admin(user) and not user.is_verified():
            target = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': target})}")
        return super().login(request, extra_context)
