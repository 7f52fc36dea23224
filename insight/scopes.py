"""What an indicator is counted over (issue 22, point 1): a unit, a prison, a region, a country,
a programme or an agency. ``cases_in`` gives the cases of a scope; every indicator counts
within it, so that the same scope means the same cases everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet

from cases.models import Case

Kind = Literal["unit", "prison", "region", "country", "programme", "agency"]


@dataclass(frozen=True)
class Scope:
    """``key``: the prison's pk and the unit's name as "pk:unit" for a unit; the agency's pk for
    a prison or an agency; the region's code; "NO" or "DK" for a country; the programme's slug."""

    kind: Kind
    key: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


def cases_in(scope: Scope) -> QuerySet[Case]:
    """The cases a scope counts: those held in its prison(s), or followed by its programme or agency."""
    if scope.kind == "country":
        return Case.objects.filter(country=scope.key)
    if scope.kind == "prison":
        return Case.objects.filter(institution_id=int(scope.key))
    if scope.kind == "unit":
        prison, _, unit = scope.key.partition(":")
        return Case.objects.filter(institution_id=int(prison), unit=unit)
    if scope.kind == "programme":
        return Case.objects.filter(enrolments__programme__slug=scope.key).distinct()
    if scope.kind == "agency":
        return Case.objects.filter(memberships__agency_id=int(scope.key)).distinct()
    if scope.kind == "region":
        return Case.objects.filter(institution__region=scope.key)
    raise ValueError(f"No such scope: {scope}")
