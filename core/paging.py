"""One page of a list, each list on a page with its own address parameter.

Issue 17, point 9: every list is paged; nothing stops silently at a cap. A page that shows
several lists ("what is due") gives each its own parameter, so moving through one keeps
the others where they are (``query_without``).
"""

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

#: Rows on one page of a list beside a page's main list.
SIDE_PAGE_SIZE = 20


def page_of(items: Sequence[Any] | QuerySet[Any], number: str | int | None, per_page: int | None = None) -> Page[Any]:
    """The page ``number`` of the items (the first for a missing or bad number, the last past the end).

    ``per_page`` defaults to ``SIDE_PAGE_SIZE``, read when called.
    """
    return Paginator(items, per_page or SIDE_PAGE_SIZE).get_page(number)


class Counted(Sequence[Any]):
    """Rows whose number is already known, to be paged: the paginator reads the page's rows only, and
    does not count them in a query of its own (it asks ``len``). The programme's ended enrolments are
    counted with its cohorts (``programmes.selectors.programme_overview``)."""

    def __init__(self, rows: QuerySet[Any], count: int) -> None:
        self.rows = rows
        self.number = count

    def __len__(self) -> int:
        return self.number

    def __getitem__(self, index: Any) -> Any:
        return self.rows[index]


def query_without(query: QueryDict, param: str) -> str:
    """The address's parameters without ``param``, encoded, for the links of the list that ``param`` pages."""
    kept = query.copy()
    kept.pop(param, None)
    return kept.urlencode()
