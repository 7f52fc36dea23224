"""Reference data by id, kept per worker: the names the journal's changes refer to.

A change to a need names its tangle, life area and knot; a change to a measure its agency.
The journal's display (``journal.display.describe_changes``) read each of these with a query
of its own, so a meeting's agenda took 0 to 4 more queries as its changes named them (the
contact officer's meeting on the 50,000-case bench: 16 to 22 queries, now 16 with
``kept_reference``). These tables change only in the admin or by migration: a worker reads
each whole once (3 to 630 rows, one query each; the 630 agencies ~7 ms CPU, the others under
1 ms) and keeps it a minute (``core.kept``). The worker that saves or deletes a row forgets
that table at once (``reference.apps``), every other worker within the minute; an id not yet
kept (a row added since) reads the table again.

Only the fields a name is made of are read. The objects are kept, not their names, so a name
is said in the language active when it is asked for (``reference.models.Named.name``).
"""

import functools

from django.apps import apps
from django.db import models

from core.kept import Kept

#: The models kept, by label, with the fields their names are made of.
FIELDS = {
    "reference.tangle": ("name_en", "name_nb", "name_da"),
    "reference.knot": ("name_en", "name_nb", "name_da"),
    "reference.lifearea": ("name_en", "name_nb", "name_da"),
    "accounts.agency": ("name",),
}


def read_table(label: str) -> dict[str, models.Model]:
    """The table's rows by id as text, with the fields their names are made of."""
    model = apps.get_model(label)
    # Unordered: the rows are looked up by id (the life areas' order would join their tangle).
    return {str(row.pk): row for row in model._default_manager.order_by().only(*FIELDS[label])}


#: Each table as this worker keeps it, by label.
TABLES = {label: Kept(functools.partial(read_table, label)) for label in FIELDS}


def kept(model: type[models.Model]) -> bool:
    """Whether this module keeps the model's rows."""
    return model._meta.label_lower in FIELDS


def by_id(model: type[models.Model], ids: set[str]) -> dict[str, models.Model]:
    """The model's rows by id as text, with at least these ids where they exist; no query most times."""
    table = TABLES[model._meta.label_lower]
    rows = table()
    return rows if ids <= rows.keys() else table(fresh=True)


def forget() -> None:
    """Read every table again when next asked (the tests' rows are rolled back without a signal)."""
    for table in TABLES.values():
        table.forget()
