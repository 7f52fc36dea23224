"""Writes of the cost-benefit's assumptions: a new version, never a change to an old one.

Each write checks its input again (the form did too), refuses a stale edit (the version it
began from is no longer the current one), and journals who changed what, from what, in the
same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.insight import may_edit_assumptions
from accounts.models import User
from core.errors import ConcurrentEditError
from costbenefit.models import MAX_AMOUNT, Assumptions, AssumptionVersion, Currency
from journal.services import record_change, snapshot
from programmes.models import Programme

#: What a version says, as the journal keeps it (old and new).
VERSION_FIELDS = (
    "number",
    "value_per_success",
    "value_source",
    "cost_per_participant",
    "cost_source",
    "comparison_percent",
    "comparison_source",
    "currency",
    "note",
)
#: The values an edit sets; an edit that changes none of them is refused.
VALUES = VERSION_FIELDS[1:-1]
SOURCE_LENGTH = 500


@dataclass(frozen=True)
class AssumptionValues:
    """The values of one version, as an analyst gives them."""

    value_per_success: Decimal
    value_source: str
    cost_per_participant: Decimal
    cost_source: str
    comparison_percent: Decimal
    comparison_source: str
    currency: str


def _amount(value: object, field: str, *, top: Decimal, places: int) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give a number.")}) from None
    if not amount.is_finite() or amount < 0 or amount > top:
        raise ValidationError({field: _("Give a number from 0 to %(top)s.") % {"top": f"{top:,.0f}".replace(",", " ")}})
    if amount != round(amount, places):
        raise ValidationError({field: _("Give at most %(places)d decimals.") % {"places": places}})
    return amount


def _source(value: str, field: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError({field: _("Name the source: a report or an analysis and its year.")})
    if len(text) > SOURCE_LENGTH:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": SOURCE_LENGTH}})
    return text


def _checked(values: AssumptionValues) -> AssumptionValues:
    """The values as a version may hold them, or a ValidationError naming each field that is wrong."""
    errors: dict[str, list[str]] = {}
    amounts: dict[str, Decimal] = {}
    sources: dict[str, str] = {}
    for name, top, places in (
        ("value_per_success", MAX_AMOUNT, 0),
        ("cost_per_participant", MAX_AMOUNT, 0),
        ("comparison_percent", Decimal(100), 2),
    ):
        try:
            amounts[name] = _amount(getattr(values, name), name, top=top, places=places)
        except ValidationError as error:
            errors.update(error.message_dict)
    for name in ("value_source", "cost_source", "comparison_source"):
        try:
            sources[name] = _source(getattr(values, name), name)
        except ValidationError as error:
            errors.update(error.message_dict)
    if values.currency not in Currency.values:
        errors["currency"] = [_("Choose a currency from the list.")]
    if errors:
        raise ValidationError(errors)
    return AssumptionValues(
        value_per_success=amounts["value_per_success"],
        value_source=sources["value_source"],
        cost_per_participant=amounts["cost_per_participant"],
        cost_source=sources["cost_source"],
        comparison_percent=amounts["comparison_percent"],
        comparison_source=sources["comparison_source"],
        currency=values.currency,
    )


def _allowed(actor: User) -> None:
    if not may_edit_assumptions(actor):
        raise PermissionDenied


def assumptions_edit(
    *, actor: User, line: Assumptions, version: int, values: AssumptionValues, note: str = ""
) -> AssumptionVersion:
    """Make the line's next version from ``values`` (the analyst: ``access.insight.may_edit_assumptions``).

    ``version`` is the number the edit began from: if someone made a newer one meanwhile, nothing
    is written (``ConcurrentEditError``). An edit that changes no value is refused: a version says
    something new. The old version stays as it was.
    """
    _allowed(actor)
    checked = _checked(values)
    why = " ".join((note or "").split())
    if len(why) > SOURCE_LENGTH:
        raise ValidationError({"note": _("At most %(max)d characters.") % {"max": SOURCE_LENGTH}})
    with transaction.atomic():
        current = Assumptions.objects.select_for_update().get(pk=line.pk)
        if current.version != version:
            raise ConcurrentEditError(current)
        previous = AssumptionVersion.objects.get(line=current, number=current.version)
        if all(getattr(previous, name) == getattr(checked, name) for name in VALUES):
            raise ValidationError(_("Nothing was changed: change a value or a source to make a new version."))
        new = AssumptionVersion(
            line=current,
            number=current.version + 1,
            note=why,
            made_by=actor,
            made_at=timezone.now(),
            **{name: getattr(checked, name) for name in VALUES},
        )
        new.full_clean()
        new.save(force_insert=True)
        current.version = new.number
        current.save(update_fields=["version"])
        record_change(
            actor=actor,
            action="assumptions.edit",
            obj=current,
            case=None,
            old=snapshot(previous, VERSION_FIELDS),
            new=snapshot(new, VERSION_FIELDS),
        )
    return new


def assumptions_start(*, actor: User, programme: Programme) -> Assumptions:
    """Give a programme a line of its own, starting from its country's current values (the analyst).

    The programme's gain is then worked out with its own line (``selectors.line_for``); its first
    version says where its values came from, and the analyst changes them with ``assumptions_edit``.
    """
    _allowed(actor)
    with transaction.atomic():
        country = (
            Assumptions.objects.select_for_update().filter(country=programme.country, programme__isnull=True).first()
        )
        if country is None:
            raise ValidationError({"programme": _("The programme's country has no assumptions to start from.")})
        if Assumptions.objects.filter(programme=programme).exists():
            raise ValidationError({"programme": _("The programme has its own assumptions already.")})
        start = AssumptionVersion.objects.get(line=country, number=country.version)
        line = Assumptions(country=programme.country, programme=programme, version=1)
        line.full_clean()
        line.save(force_insert=True)
        first = AssumptionVersion(
            line=line,
            number=1,
            note=_("Started from the country's assumptions, version %(number)d.") % {"number": start.number},
            made_by=actor,
            made_at=timezone.now(),
            **{name: getattr(start, name) for name in VALUES},
        )
        first.full_clean()
        first.save(force_insert=True)
        record_change(
            actor=actor,
            action="assumptions.start",
            obj=line,
            case=None,
            old=None,
            new={"programme": programme.slug, **snapshot(first, VERSION_FIELDS)},
        )
    return line
