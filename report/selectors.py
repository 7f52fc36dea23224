"""Scopes in words and from the query string; who may ask for which is ``access.insight``."""

from __future__ import annotations

from typing import cast, get_args

from django.utils.translation import gettext as _

from accounts.models import Agency, AgencyKind, Country
from insight.scopes import Kind, Scope
from programmes.models import Programme

#: The kinds a report can be asked for here ("region" comes with insight's regions, h22-insight).
KINDS = frozenset(get_args(Kind)) - {"region"}


def parse_scope(text: str) -> Scope | None:
    """The scope named «kind:key» if it exists; ``None`` for anything else (the view answers 404)."""
    kind, _sep, key = text.partition(":")
    if kind not in KINDS or not key:
        return None
    if kind == "country":
        return Scope("country", key) if key in Country.values else None
    if kind in ("prison", "unit"):
        prison, _sep, unit = key.partition(":")
        if not prison.isdigit() or not Agency.objects.filter(pk=int(prison), kind=AgencyKind.PRISON).exists():
            return None
        if kind == "unit" and not unit:
            return None
        return Scope(cast(Kind, kind), key) if kind == "unit" or not unit else None
    if kind == "agency":
        return Scope("agency", key) if key.isdigit() and Agency.objects.filter(pk=int(key)).exists() else None
    return Scope("programme", key) if Programme.objects.filter(slug=key).exists() else None


def scope_label(scope: Scope) -> str:
    """The scope in words: the country, the prison (and unit), the programme or the agency by name."""
    if scope.kind == "country":
        return str(Country(scope.key).label) if scope.key in Country.values else scope.key
    if scope.kind == "programme":
        name = Programme.objects.filter(slug=scope.key).values_list("name", flat=True).first()
        return _("Programme: %(name)s") % {"name": name or scope.key}
    if scope.kind in ("prison", "agency", "unit"):
        pk, _sep, unit = scope.key.partition(":")
        name = Agency.objects.filter(pk=int(pk)).values_list("name", flat=True).first() if pk.isdigit() else None
        label = name or scope.key
        return f"{label}, {unit}" if unit else label
    return str(scope)


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
        else:
            label = str(scope)
        choices.append((str(scope), label))
    return choices
