from django.shortcuts import redirect

# Paths an administrator may reach before confirming a second factor.
_ALLOWED = ("/accounts/", "/static/", "/health/")


class RequireAdminOTPMiddleware:
    """Administrators must sign in with a second factor before they see anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.is_superuser
                and not user.is_verified() and not request.path.startswith(_ALLOWED)):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": "Administrators must sign in with two-step verification."},
                                    status=403)
            return redirect("two_factor")
        return self.get_response(request)
