from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from bmtrack.accounts.admin_site import BmtrackAdminSite, BmtrackOTPAdminSite

# Branded and sorted (``accounts.admin_site``); with 2FA required the admin also asks for a confirmed
# TOTP device (django-otp) on top of the password.
admin.site.__class__ = BmtrackOTPAdminSite if settings.BMTRACK_ADMIN_REQUIRES_2FA else BmtrackAdminSite

urlpatterns = [
    path("accounts/", include("bmtrack.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("bmtrack.api.urls")),
    path("boards/", include("bmtrack.boards.urls")),
    path("pacs/", include("bmtrack.pacs.urls")),
    path("", include("bmtrack.web.feed_urls")),
    path("", include("bmtrack.web.urls")),
]
