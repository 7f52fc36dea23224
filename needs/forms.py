from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.audience import VolunteerItem
from core.forms import DateInput, DsForm, InRangeModelChoiceField, InRangeModelMultipleChoiceField
from needs.models import ConversationPart, Need, NeedStatus
from reference.models import Knot, LifeArea


def life_area_choices() -> list[Any]:
    """The active life areas grouped under their tangle, after a blank: a life area field's choices (one query)."""
    areas = LifeArea.objects.filter(active=True).select_related("tangle").order_by("tangle__code", "position")
    groups: dict[str, list[tuple[int, str]]] = {}
    for area in areas:
        groups.setdefault(f"{area.tangle.code}. {area.tangle.name}", []).append((area.pk, area.name))
    return [("", "---------"), *groups.items()]


class LifeAreaChoiceField(InRangeModelChoiceField):
    """Life areas grouped under their tangle."""

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=LifeArea.objects.none(), **kwargs)

    def set_choices(self, choices: list[Any] | None = None) -> None:
        """Offer the active life areas: ``choices`` if the caller read them already (``life_area_choices``)."""
        self.queryset = LifeArea.objects.filter(active=True)
        self.choices = life_area_choices() if choices is None else choices


class NeedsChoiceField(InRangeModelMultipleChoiceField):
    """Needs, each by its life area and its summary (or the person's own words)."""

    def label_from_instance(self, obj: Need) -> str:
        return f"{obj.life_area.name}: {obj.summary or obj.own_words}"


def life_area_field(form: DsForm) -> LifeAreaChoiceField:
    """The form's life area field, which it declares as a LifeAreaChoiceField."""
    field = form.fields["life_area"]
    if not isinstance(field, LifeAreaChoiceField):
        raise TypeError("life_area is not a LifeAreaChoiceField")
    return field


class NeedForm(DsForm):
    life_area = LifeAreaChoiceField(label=_("Life area"))
    knot = InRangeModelChoiceField(label=_("Knot (if known)"), queryset=Knot.objects.none(), required=False)
    own_words = forms.CharField(
        label=_("In the person's own words"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    acute = forms.BooleanField(label=_("Acute"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices, initial=NeedStatus.OPEN)
    private = forms.BooleanField(
        label=_("Keep private from the group"),
        required=False,
        help_text=_("Only the person and the contact officer will see it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, life_areas: list[Any] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        life_area_field(self).set_choices(life_areas)
        self.model_choice_field("knot").queryset = Knot.objects.all()  # what a choice is checked against
        self.choice_field("knot").choices = [
            ("", "---------"),
            *((knot.pk, f"{knot.code} {knot.name}") for knot in Knot.objects.order_by("code")),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("own_words") or "").strip() and not (data.get("summary") or "").strip():
            self.add_error("own_words", _("Write the need in the person's own words, or a summary, or both."))
        area, knot = data.get("life_area"), data.get("knot")
        if area and knot and knot.tangle_id != area.tangle_id:
            self.add_error("knot", _("The knot must belong to the same tangle as the life area."))
        return data


class ResourceForm(DsForm):
    life_area = LifeAreaChoiceField(label=_("Life area"), required=False)
    description = forms.CharField(label=_("Strength"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, life_areas: list[Any] | None = None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "resource_%s")  # shares the needs map with NeedForm: unique ids
        super().__init__(*args, **kwargs)
        life_area_field(self).set_choices(life_areas)


class ConversationForm(DsForm):
    part = forms.TypedChoiceField(
        label=_("Part"), choices=ConversationPart.choices, coerce=int, initial=ConversationPart.PART_1
    )
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    completed = forms.BooleanField(
        label=_("The conversation is completed"),
        required=False,
        help_text=_("Tick when every need has been discussed. Consent is asked at the end."),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "conversation_%s")  # shares the needs map with NeedForm: unique ids
        super().__init__(*args, **kwargs)


class VolunteerSharingForm(DsForm):
    """The person's choice of what the volunteers in their group see (seed 002); nothing is ticked by default."""

    needs = NeedsChoiceField(
        label=_("My needs volunteers may see"),
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items = forms.MultipleChoiceField(
        label=_("Other things volunteers may see"),
        choices=VolunteerItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, needs, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("needs").queryset = needs
