from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django_otp import devices_for_user
from django_otp.forms import OTPAuthenticationFormMixin


class LoginForm(OTPAuthenticationFormMixin, AuthenticationForm):
    """Password, then the authenticator code for users who set up two-step sign-in.

    The code may come with the password (API-like clients, tests) or on the next page (``CodeForm``):
    a right password without a code sets ``needs_code`` and signs nobody in. Two-step sign-in is
    optional for most users and required for administrators (``RequireAdminOTPMiddleware`` and the
    OTP admin site enforce that part).
    """

    needs_code = False

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        required=False, label="Authenticator code", max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Only if you set up two-step sign-in.",
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        devices = list(devices_for_user(user, confirmed=True)) if user is not None else []
        if devices:
            # One authenticator per user (the set-up page replaces the old one): verify against it.
            if not self.cleaned_data.get("otp_device"):
                self.cleaned_data["otp_device"] = devices[0].persistent_id
            if self.cleaned_data.get("otp_token"):
                self.clean_otp(user)
            else:
                self.needs_code = True
        return cleaned


class CodeForm(OTPAuthenticationFormMixin, forms.Form):
    """The second step of signing in: the code of the authenticator of the user who gave the password."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label="Authenticator code", max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        devices = list(devices_for_user(self.user, confirmed=True))
        if devices and not cleaned.get("otp_device"):
            cleaned["otp_device"] = devices[0].persistent_id
        self.clean_otp(self.user)
        return cleaned


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through ``authenticate`` (so django-axes counts wrong guesses and
    locks the account and address out, as on the sign-in page), not by a bare ``check_password``."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old) is None:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old


class ConfirmDeviceForm(forms.Form):
    token = forms.CharField(label="Code from your authenticator app", max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
