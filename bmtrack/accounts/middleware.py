from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect

# Paths an administrator may reach before confirming a second factor.
_ALLOWED = ("/accounts/", "/static/", "/health/")
# Paths with their own gate: the admin (staff and model permissions), the API (RolePermission), the
# calendar feed (its token), one's own account page.
_OWN_GATE = ("/admin/", "/api/", "/calendar/", "/account/")
# The permission every role that reads the record holds (roles.py); the API asks the same.
READ_RECORD = "patients.view_patient"


class RequireRoleMiddleware:
    """A signed-in user whose role does not read the record (a team member given no role yet, an
    administrator of accounts) is refused the web pages, as the API refuses them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(_ALLOWED + _OWN_GATE)
                and not user.has_perm(READ_RECORD)):
            raise PermissionDenied("Your account has no role that reads patient records. Ask an administrator.")
        return self.get_response(request)


class RequireAdminOTPMiddleware:
    """Administrators must sign in with a second factor before they see anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.is_superuser
                and not user.is_verified() and not request.path.startswith(_ALLOWED)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Administrators must sign in with two-step verification."},
                                    status=403)
            return redirect("two_factor")
        return self.get_response(request)
