"""The map's obstacles by code, as a table kept with every measurement (issue 22, point 6 and
"Measured": the report page serves from measurements). Registered from ``ObstaclesConfig.ready``.

Rows are the map's codes ("" for an obstacle not yet placed on the map), one column (""): how many
obstacles happened on days in the period, over the scope's cases. Suppressed when shown
(``report.fill.obstacle_section``), never when counted.
"""

from __future__ import annotations

import datetime

from django.db.models import Count as Rows

from insight.registry import Cell, Period, Table, TableCounts, register_table
from insight.scopes import Scope, cases_in
from obstacles.models import Obstacle


def by_code(scope: Scope, period: Period, today: datetime.date) -> TableCounts:
    """The scope's obstacles in the period by code (one query)."""
    found = (
        Obstacle.objects.filter(case__in=cases_in(scope), happened_on__range=(period.start, period.end))
        .values("challenge__code")
        .annotate(n=Rows("id"))
        .values_list("challenge__code", "n")
        .order_by()
    )
    return {(code or "", ""): n for code, n in found}


def by_code_by_cell(period: Period, today: datetime.date) -> dict[Cell, TableCounts]:
    """``by_code`` for every cell (a case's country and prison) at once (one query)."""
    rows = (
        Obstacle.objects.filter(happened_on__range=(period.start, period.end))
        .values_list("case__country", "case__institution_id", "challenge__code")
        .annotate(n=Rows("id"))
        .order_by()
    )
    cells: dict[Cell, TableCounts] = {}
    for country, prison, code, n in rows:
        cells.setdefault((country, prison), {})[(code or "", "")] = n
    return cells


BY_CODE = register_table(Table(key="obstacles.by_code", compute=by_code, grouped=by_code_by_cell))
