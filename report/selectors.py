"""Scopes in words and from the query string; who may ask for which is ``access.insight``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Agency, Country
from accounts.regions import Region
from insight import scope_names
from insight.scopes import Scope
from programmes.models import Programme


def parse_scope(text: str) -> Scope | None:
    """The scope named «kind:key» if it exists; ``None`` for anything else (the view answers 404)."""
    scope = scope_names.parse(text)
    return scope if scope is not None and scope_names.country_of(scope) is not None else None


def scope_label(scope: Scope) -> str:
    """The scope in words: the country, region, prison (and unit), programme or agency by name."""
    if scope.kind == "programme":
        return _("Programme: %(name)s") % {"name": scope_names.label(scope)}
    return str(scope_names.label(scope))


def scope_choices(scopes: list[Scope]) -> list[tuple[str, str]]:
    """The scopes with their words for a choice, in two queries whatever their number."""
    agency_ids = {int(scope.key.partition(":")[0]) for scope in scopes if scope.kind in ("prison", "unit", "agency")}
    slugs = {scope.key for scope in scopes if scope.kind == "programme"}
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    programmes = dict(Programme.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    choices = []
    for scope in scopes:
        if scope.kind == "country":
            label = str(Country(scope.key).label) if scope.key in Country.values else scope.key
        elif scope.kind == "programme":
            label = _("Programme: %(name)s") % {"name": programmes.get(scope.key, scope.key)}
        elif scope.kind in ("prison", "unit", "agency"):
            pk, _sep, unit = scope.key.partition(":")
            name = agencies.get(int(pk), scope.key)
            label = f"{name}, {unit}" if unit else name
        elif scope.kind == "region" and scope.key in Region.values:
            label = str(Region(scope.key).label)
        else:
            label = str(scope)
        choices.append((str(scope), label))
    return choices
