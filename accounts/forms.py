"""Forms of the sign-in's second factor (accounts.views)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.services import RECOVERY_CODE, TOTP_CODE, code_normalised


class CodeForm(forms.Form):
    """A code for the second factor: six digits from the app, or (``recovery=True``) a recovery code."""

    code = forms.CharField(label=_("Code"), max_length=20, strip=True)

    def __init__(self, *args: object, recovery: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.recovery = recovery

    def clean_code(self) -> str:
        code = code_normalised(self.cleaned_data["code"])
        if TOTP_CODE.fullmatch(code) or (self.recovery and RECOVERY_CODE.fullmatch(code)):
            return code
        if self.recovery:
            raise ValidationError(_("Write the six digits from the app, or one of your recovery codes."))
        raise ValidationError(_("Write the six digits the app shows."))
