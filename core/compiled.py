"""Querysets whose SQL is built once per process and database connection, then run with new values.

Turning a queryset into SQL costs Django more CPU than PostgreSQL spends running the
statement: the access decision every case page starts with took about 2.6 ms to compile
and 0.2 ms to run (bench/notes.md). For the few statements every request runs, a
``CompiledQuery`` builds the queryset once with marker values, remembers where the markers
sit among the SQL parameters, and on each call runs the same SQL with this call's values.
Rows become model instances as Django's own ``ModelIterable`` makes them, so
``select_related`` objects and annotations are there as usual.

A value must reach the SQL as it is: a lookup that transforms it (``icontains``, ``pk__gt=
value + 1``) is refused when the query is first compiled, and so is a day read inside the
build, which would stay that day. A list of ids (``__in``) is widened to each call's length.
Only the SQL text is kept, never a row, so nothing read from the database outlives its request.
``CompiledInsert`` does the same for the rows every request writes (the access events).
"""

from __future__ import annotations

import datetime
import functools
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.subqueries import InsertQuery

#: A date as SQLite's backend passes it (text); PostgreSQL's passes the date itself.
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d(\.\d+)?)?")
_SMALLEST_BIGINT, _LARGEST_BIGINT = -(2**63), 2**63 - 1
_MARKER_INT = -7_310_000_000
_MARKER_TEXT = "\u2042overgang-compiled-marker-{}\u2042"


def _marker(name: str, kind: type, number: int) -> Any:
    """A value no real call passes, of the type the parameter takes."""
    if kind is int:
        return _MARKER_INT - number
    if kind is str:
        return _MARKER_TEXT.format(name)
    if kind is datetime.date:
        return datetime.date(1001, 1, 1 + number)
    if kind is datetime.datetime:
        return datetime.datetime(1001, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=number)
    if kind is list:  # of ids, for ``__in``: one marker, widened to the call's length when run
        return [_MARKER_INT - number]
    raise TypeError(f"No marker for a parameter of type {kind.__name__}")


@dataclass(frozen=True)
class _Reading:
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    related_populators: list
    annotations: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, str]  # position in params: parameter name
    compiler: SQLCompiler
    #: The SQL split at its placeholders, where a list is among the values (None otherwise).
    pieces: tuple[str, ...] | None = None

    @functools.cached_property
    def _converters(self) -> tuple[list, dict, bool]:
        compiler = self.compiler
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return fields, compiler.get_converters(fields), compiler.has_composite_fields(fields)

    def converted(self, rows: list):
        """The rows' values as Python's, as the compiler's ``results_iter`` makes them.

        The converters of each column are worked out once, not for every call.
        """
        compiler = self.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        fields, converters, composite = self._converters
        if converters:
            rows = compiler.apply_converters(rows, converters)
        if composite:
            rows = compiler.composite_fields_to_tuples(rows, fields)
        return rows

    @functools.cached_property
    def reading(self) -> _Reading:
        """How a row becomes a model instance, worked out once."""
        compiler = self.compiler
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Reading(
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[column[0].target.attname for column in select[start:end]],
            related_populators=get_related_populators(klass_info, select, compiler.connection.alias),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )

    def statement(self, values: dict[str, Any], adapt: Callable[[Any], Any]) -> tuple[str, list]:
        """The SQL and parameters for these values; a list widens its one placeholder to its length."""
        if self.pieces is None:
            params = list(self.params)
            for position, name in self.slots.items():
                params[position] = adapt(values[name])
            return self.sql, params
        sql, params = [self.pieces[0]], []
        for position, param in enumerate(self.params):
            name = self.slots.get(position)
            value = param if name is None else values[name]
            if isinstance(value, list):
                sql.append(", ".join(["%s"] * len(value)))
                params.extend(value)
            else:
                sql.append("%s")
                params.append(param if name is None else adapt(value))
            sql.append(self.pieces[position + 1])
        return "".join(sql), params


class CompiledQuery:
    """A queryset built by ``build(**values)``, compiled once per connection and run with new values.

    ``parameters`` names each value and its type (int, str, date, datetime, or list: of ids,
    for an ``__in`` lookup). ``build`` must use
    each value only as a plain parameter, never in Python logic, since it runs once; a value
    it does not use at all (a role's query that needs no day) is allowed.
    """

    def __init__(self, build: Callable[..., QuerySet], **parameters: type) -> None:
        self.build = build
        self.parameters = parameters
        self._by_connection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compiled(self, connection) -> _Compiled:
        compiled = self._by_connection.get(connection)
        if compiled is None:
            compiled = self._by_connection[connection] = self._compile(connection)
        return compiled

    def _compile(self, connection) -> _Compiled:
        markers = {name: _marker(name, kind, number) for number, (name, kind) in enumerate(self.parameters.items())}
        queryset = self.build(**markers)
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # .none(), or a condition that can match nothing: no SQL to run
            return _Compiled("", (), {}, compiler)
        adapted = {name: self._adapt(connection, value) for name, value in markers.items()}
        # A list's marker stands for the list's one element among the parameters.
        expected = {name: value[0] if isinstance(value, list) else value for name, value in adapted.items()}
        slots = {}
        for position, param in enumerate(params):
            names = [name for name, value in expected.items() if type(param) is type(value) and param == value]
            if names:
                slots[position] = names[0]
            elif any(isinstance(param, str) and str(value) in param for value in expected.values()) or (
                type(param) is int and abs(param - _MARKER_INT) < 1_000_000
            ):
                raise ValueError(f"A marker was transformed by its lookup: {param!r}")
            elif isinstance(param, datetime.date) or (isinstance(param, str) and _ISO_DAY.fullmatch(param)):
                # A day or time read inside build (timezone.localdate()) would be frozen in the SQL.
                raise ValueError(f"A date in the SQL is not a parameter: {param!r}")
        pieces = None
        if list in self.parameters.values():
            pieces = tuple(sql.split("%s"))
            if len(pieces) != len(params) + 1:
                raise ValueError("The SQL has a %s that is not a placeholder")
        return _Compiled(sql, tuple(params), slots, compiler, pieces)

    @staticmethod
    def _adapt(connection, value: Any) -> Any:
        """The value as the compiler puts it among the parameters (a backend may turn a date into text)."""
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return connection.ops.adapt_datefield_value(value)
        return value

    def all(self, using: str = "default", **values: Any) -> list:
        """Run the SQL with these values and return the model instances, as ``list(queryset)`` would."""
        values = self._without_impossible_ids(values)
        if self._any_empty_list(values):
            return list(self.build(**values))
        compiled, rows = self._run(using, values)
        if compiled is None:
            return []
        return list(self._instances(compiled, rows, using))

    def _without_impossible_ids(self, values: dict[str, Any]) -> dict[str, Any]:
        """A number no column holds matches no row, in a list as alone: it is left out."""
        if list not in self.parameters.values():
            return values
        return {
            name: [n for n in value if _SMALLEST_BIGINT <= n <= _LARGEST_BIGINT]
            if self.parameters.get(name) is list
            else value
            for name, value in values.items()
        }

    def _any_empty_list(self, values: dict[str, Any]) -> bool:
        """An empty list has no SQL of the compiled shape (``IN ()``); the queryset itself decides then."""
        return any(kind is list and not values.get(name) for name, kind in self.parameters.items())

    def _run(self, using: str, values: dict[str, Any]) -> tuple[_Compiled | None, list]:
        """The compiled statement and its rows; None where no row can match (no query is sent)."""
        if values.keys() != self.parameters.keys():
            raise TypeError(f"Expected the values {sorted(self.parameters)}, got {sorted(values)}")
        numbers = [values[name] for name, kind in self.parameters.items() if kind is int]
        if any(not _SMALLEST_BIGINT <= number <= _LARGEST_BIGINT for number in numbers):
            return None, []  # no column holds such a number (a queryset answers the same, with no query)
        connection = connections[using]
        compiled = self._compiled(connection)
        if not compiled.sql:
            return None, []
        sql, params = compiled.statement(values, lambda value: self._adapt(connection, value))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return compiled, cursor.fetchall()

    def rows(self, using: str = "default", **values: Any) -> list[tuple]:
        """Run the SQL of a ``values_list`` queryset and return its tuples, as ``list(queryset)`` would."""
        values = self._without_impossible_ids(values)
        if self._any_empty_list(values):
            return [tuple(row) for row in self.build(**values)]
        compiled, rows = self._run(using, values)
        if compiled is None:
            return []
        return [tuple(row) for row in compiled.converted(rows)]

    def first(self, using: str = "default", **values: Any):
        """The first instance, or None; ``build`` should slice its queryset to one row."""
        found = self.all(using=using, **values)
        return found[0] if found else None

    @staticmethod
    def _instances(compiled: _Compiled, rows: list, using: str):
        """Model instances from rows, as django.db.models.query.ModelIterable makes them."""
        reading = compiled.reading
        for row in compiled.converted(rows):
            instance = reading.model.from_db(using, reading.init_list, row[reading.start : reading.end])
            for populator in reading.related_populators:
                populator.populate(row, instance)
            for attribute, position in reading.annotations:
                setattr(instance, attribute, row[position])
            yield instance


class CompiledQueries:
    """One ``CompiledQuery`` per kind of caller, for a query whose shape depends on the kind.

    ``build(kind, **values)`` takes the kind first (a role, what hides needs from a viewer);
    ``queries[kind]`` is that kind's compiled query. The kinds are few, so each is kept.
    """

    def __init__(self, build: Callable[..., QuerySet], **parameters: type) -> None:
        self.build = build
        self.parameters = parameters
        self._by_kind: dict[Any, CompiledQuery] = {}

    def __getitem__(self, kind: Any) -> CompiledQuery:
        query = self._by_kind.get(kind)
        if query is None:
            query = self._by_kind[kind] = CompiledQuery(functools.partial(self.build, kind), **self.parameters)
        return query


class CompiledInsert:
    """Rows of one model inserted with the ORM's own INSERT statement, built once per connection.

    ``bulk_create`` builds its statement for every call; the access event every page writes
    spent more CPU there than PostgreSQL spent storing it (bench/notes.md). Values are
    prepared for the database by each field, as ``bulk_create`` prepares them; a field's
    ``pre_save`` (``auto_now_add``) is not run, so such a value must be given.
    """

    def __init__(self, model: type[Model], fields: tuple[str, ...]) -> None:
        self.model = model
        self.fields = tuple(model._meta.get_field(name) for name in fields)
        self._by_connection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _sql(self, connection) -> str:
        sql = self._by_connection.get(connection)
        if sql is None:
            query = InsertQuery(self.model)
            query.insert_values(self.fields, [self.model()], raw=True)
            (sql, params), *more = query.get_compiler(connection=connection).as_sql()
            if more or len(params) != len(self.fields):
                raise ValueError(f"The INSERT into {self.model._meta.db_table} is not one row of its fields")
            sql = self._by_connection[connection] = sql
        return sql

    def run(self, rows: list[tuple], using: str = "default") -> None:
        """Insert these rows, each a tuple of values in the order of ``fields``, in one round trip."""
        if not rows:
            return
        connection = connections[using]
        sql = self._sql(connection)
        prepared = [
            [field.get_db_prep_save(value, connection) for field, value in zip(self.fields, row, strict=True)]
            for row in rows
        ]
        with connection.cursor() as cursor:
            if len(prepared) == 1:
                cursor.execute(sql, prepared[0])
            else:
                cursor.executemany(sql, prepared)
