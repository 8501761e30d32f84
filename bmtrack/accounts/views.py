from __future__ import annotations

import base64
import io
import time

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from bmtrack.accounts.forms import CodeForm, ConfirmDeviceForm, LoginForm, ThrottledPasswordChangeForm
from bmtrack.core.redirects import same_site

# Who gave the right password and still owes the code: (user id, backend, next, when), for a few minutes.
_PENDING = "bmtrack_pending_sign_in"
PENDING_SECONDS = 300


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm
    success_url = "/"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if form.needs_code:
            # Signed in only after the code: until then the session holds who is half-way, nothing more.
            self.request.session.cycle_key()
            self.request.session[_PENDING] = {"user": user.pk, "backend": user.backend,
                                              "next": self.get_success_url(), "at": int(time.time())}
            return redirect("login_code")
        response = super().form_valid(form)
        device = getattr(user, "otp_device", None)
        if device is not None:
            otp_login(self.request, device)
        return response


@require_http_methods(["GET", "POST"])
def login_code(request):
    """Step two of signing in: the authenticator code (django-otp throttles wrong codes per device)."""
    pending = request.session.get(_PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(_PENDING, None)
        messages.error(request, "Sign in again: the code step timed out.")
        return redirect("login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(_PENDING, None)
        return redirect("login")
    form = CodeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        del request.session[_PENDING]
        auth_login(request, user, backend=pending["backend"])
        otp_login(request, user.otp_device)
        return redirect(same_site(request, pending["next"]))
    return render(request, "registration/login_code.html", {"form": form})


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _next_or_home(request) -> str:
    """Where enrolment leads back to (the admin sends its users here): a same-site path, else home."""
    return same_site(request, request.POST.get("next") or request.GET.get("next"))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up (or replace) a TOTP authenticator: scan the code, confirm with one token."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    pending, _ = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False,
                                                  defaults={"name": "authenticator"})
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if pending.verify_token(form.cleaned_data["token"].strip()):
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            otp_login(request, pending)
            messages.success(request, "Two-step sign-in is on.")
            return redirect(_next_or_home(request))
        form.add_error("token", "That code did not match. Check the time on your phone and try again.")
    return render(request, "accounts/two_factor.html", {
        "form": form, "confirmed": confirmed, "qr": _qr_data_uri(pending.config_url), "next": _next_or_home(request),
        "secret": base64.b32encode(pending.bin_key).decode(),
        "required": request.user.is_superuser,
    })
