"""Scopes in words and from the query string; who may ask for which is ``access.insight``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from insight import scope_names
from insight.scopes import Scope


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
    return scope_names.choices(scopes)
