"""Scopes as the pages name them (issue 22): read from a query string, checked to exist, labelled.

A scope is written "kind:key" ("country:NO", "region:no-vest", "prison:12", "unit:12:A",
"programme:exit", "agency:7"). ``parse`` reads the form only; ``country_of`` says which
country an existing scope lies in (None when it does not exist), which the access rules
(access/insight.py) read.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from accounts.models import Agency, AgencyKind, Country
from accounts.regions import COUNTRY_OF, Region
from cases.models import Case
from insight.scopes import Kind, Scope
from programmes.models import Programme

KINDS: tuple[Kind, ...] = ("unit", "prison", "region", "country", "programme", "agency")


def parse(text: str | None) -> Scope | None:
    """The scope a "kind:key" text names, or None when it is not of that form."""
    kind, _, key = (text or "").partition(":")
    if kind not in KINDS or not key or len(key) > 120:
        return None
    if kind in ("prison", "agency") and not key.isdigit():
        return None
    if kind == "unit":
        prison, _, unit = key.partition(":")
        if not prison.isdigit() or not unit:
            return None
    return Scope(kind, key)


def _prison(key: str) -> Agency | None:
    if not key.isdigit():
        return None
    return Agency.objects.filter(pk=int(key), kind=AgencyKind.PRISON).first()


def country_of(scope: Scope) -> str | None:
    """The country the scope lies in, or None when no such scope exists."""
    if scope.kind == "country":
        return scope.key if scope.key in Country.values else None
    if scope.kind == "region":
        return str(COUNTRY_OF[scope.key]) if scope.key in COUNTRY_OF else None
    if scope.kind == "prison":
        prison = _prison(scope.key)
        return prison.country if prison is not None else None
    if scope.kind == "unit":
        key, _, unit = scope.key.partition(":")
        prison = _prison(key)
        if prison is None or not Case.objects.filter(institution=prison, unit=unit).exists():
            return None
        return prison.country
    if scope.kind == "programme":
        programme = Programme.objects.filter(slug=scope.key).first()
        return programme.country if programme is not None else None
    if scope.kind == "agency":
        agency = Agency.objects.filter(pk=int(scope.key)).first() if scope.key.isdigit() else None
        return agency.country if agency is not None else None
    return None


def label(scope: Scope) -> StrOrPromise:
    """The scope in words: the country, region, prison, unit, programme or agency by its name."""
    if scope.kind == "country" and scope.key in Country.values:
        return Country(scope.key).label
    if scope.kind == "region" and scope.key in Region.values:
        return Region(scope.key).label
    if scope.kind in ("prison", "agency") and scope.key.isdigit():
        agency = Agency.objects.filter(pk=int(scope.key)).first()
        return agency.name if agency is not None else scope.key
    if scope.kind == "unit":
        key, _, unit = scope.key.partition(":")
        prison = _prison(key)
        return format_lazy("{}, {}", prison.name if prison is not None else key, unit)
    if scope.kind == "programme":
        programme = Programme.objects.filter(slug=scope.key).first()
        return programme.name if programme is not None else scope.key
    return str(scope)


def choices(scopes: list[Scope]) -> list[tuple[str, str]]:
    """Each scope as «kind:key» with its words, for a page's chooser: two queries, whatever their number.

    The same words as ``label`` reads one by one; a programme says it is one («Programme: Exit»),
    beside the prisons and regions of the same list.
    """
    agency_ids = {
        int(scope.key.partition(":")[0])
        for scope in scopes
        if scope.kind in ("prison", "unit", "agency") and scope.key.partition(":")[0].isdigit()
    }
    slugs = {scope.key for scope in scopes if scope.kind == "programme"}
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    programmes = dict(Programme.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    found = []
    for scope in scopes:
        if scope.kind == "country" and scope.key in Country.values:
            words = str(Country(scope.key).label)
        elif scope.kind == "region" and scope.key in Region.values:
            words = str(Region(scope.key).label)
        elif scope.kind == "programme":
            words = _("Programme: %(name)s") % {"name": programmes.get(scope.key, scope.key)}
        elif scope.kind in ("prison", "unit", "agency") and scope.key.partition(":")[0].isdigit():
            pk, _sep, unit = scope.key.partition(":")
            name = agencies.get(int(pk), scope.key)
            words = f"{name}, {unit}" if unit else name
        else:
            words = str(scope)
        found.append((str(scope), words))
    return found


def named_scopes(country: str | None) -> list[Scope]:
    """The countries, regions, prisons and programmes (of one country, or of all), for the page's chooser."""
    countries = [country] if country else list(Country.values)
    scopes = [Scope("country", code) for code in countries if code in (Country.NORWAY, Country.DENMARK)]
    scopes += [Scope("region", region) for region in Region.values if COUNTRY_OF[region] in countries]
    prisons = Agency.objects.filter(kind=AgencyKind.PRISON, country__in=countries).order_by("name")
    scopes += [Scope("prison", str(pk)) for pk in prisons.values_list("pk", flat=True)]
    programmes = Programme.objects.filter(country__in=countries).order_by("name")
    scopes += [Scope("programme", slug) for slug in programmes.values_list("slug", flat=True)]
    return scopes
