"""The signed-in user's own settings: the calendar feed's secret address (create, see, replace, turn
off), an API token (make, replace, revoke; shown once) and a link to two-step sign-in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from bmtrack.accounts import api_tokens
from bmtrack.surveillance.feeds import feed_url, regenerate_token, revoke_token


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    if request.method == "POST":
        if request.POST.get("calendar") == "new":
            regenerate_token(request.user)
            messages.success(request, "Your calendar has a new address; the old one no longer works.")
        elif request.POST.get("calendar") == "off":
            revoke_token(request.user)
            messages.success(request, "Your calendar feed is off; its address no longer works.")
        elif request.POST.get("api_token") == "new":
            token = api_tokens.issue_token(request)
            # Shown once, on this answer only: it is never stored in the session or a message.
            return render(request, "web/account.html", _context(request, new_token=token.key))
        elif request.POST.get("api_token") == "off":
            api_tokens.revoke_token(request.user)
            messages.success(request, "Your API token is revoked.")
        return redirect("web:account")
    return render(request, "web/account.html", _context(request))


def _context(request, new_token: str | None = None) -> dict:
    token = Token.objects.filter(user=request.user).first()
    return {
        "new_token": new_token,
        "token_expires": api_tokens.expires_at(token) if token else None,
        "feed_url": feed_url(request.user),
        "two_factor": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
    }
