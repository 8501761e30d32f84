from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django_otp import devices_for_user
from django_otp.forms import OTPAuthenticationFormMixin


class LoginForm(OTPAuthenticationFormMixin, AuthenticationForm):
    """Password, then the authenticator code for users who set up two-step sign-in.

    Two-step sign-in is optional for most users and required for administrators (the
    ``RequireAdminOTPMiddleware`` and the OTP admin site enforce that part).
    """

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
            self.clean_otp(user)
        return cleaned


class ConfirmDeviceForm(forms.Form):
    token = forms.CharField(label="Code from your authenticator app", max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
