from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DsForm
from surveys.questions import Answer, Moment, questions_for


class AnswersForm(DsForm):
    """The questions of one survey, each with yes, partly, no; any may be left without an answer."""

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in questions_for(kind):
            self.fields[question.key] = forms.ChoiceField(
                label=question.text, choices=Answer.choices, required=False, widget=forms.RadioSelect
            )

    def answers(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if key not in ("moment", "unit") and value}


class PaperForm(AnswersForm):
    """A paper form typed in by prison staff: when it was filled in, the unit if known, and the answers."""

    def __init__(self, *args, units: list[str], **kwargs) -> None:
        super().__init__(*args, kind="person", **kwargs)
        self.fields["moment"] = forms.ChoiceField(label=_("When was the form filled in?"), choices=Moment.choices)
        self.fields["unit"] = forms.ChoiceField(
            label=_("Unit"),
            help_text=_("Leave it empty if the form does not say."),
            choices=[("", "—"), *((unit, unit) for unit in units)],
            required=False,
        )
        self.order_fields(["moment", "unit"])
