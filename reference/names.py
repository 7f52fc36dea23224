"""Reference data by id, kept per worker: the names the journal's changes refer to.

A change to a need names its tangle, life area and knot; a change to a measure its agency.
The journal's display (``journal.display.describe_changes``) read each of these with a query
of its own, so a meeting's agenda took 0 to 4 more queries as its changes named them (the
contact officer's meeting on the 50,000-case bench: 16 to 22 queries, now 16 with
``kept_reference``). These tables change only in the admin or by migration: a worker reads
each whole once (3 to 630 rows, one query each; the 630 agencies ~7 ms CPU, the others under
1 ms) and keeps it for ``KEPT`` seconds. The worker that saves or deletes a row forgets at
once (``reference.apps``), every other worker within that time; an id not yet kept (a row added
since) reads the table again.

Only the fields a name is made of are read. The objects are kept, not their names, so a name
is said in the language active when it is asked for (``reference.models.Named.name``).
"""

import time

from django.db import models

#: How long a worker keeps a table it read, in seconds (as the directory keeps its taxonomy).
KEPT = 60.0

#: The models kept, by label, with the fields their names are made of.
FIELDS = {
    "reference.tangle": ("name_en", "name_nb", "name_da"),
    "reference.knot": ("name_en", "name_nb", "name_da"),
    "reference.lifearea": ("name_en", "name_nb", "name_da"),
    "accounts.agency": ("name",),
}

_kept: dict[str, tuple[float, dict[str, models.Model]]] = {}


def kept(model: type[models.Model]) -> bool:
    """Whether this module keeps the model's rows."""
    return model._meta.label_lower in FIELDS


def by_id(model: type[models.Model], ids: set[str]) -> dict[str, models.Model]:
    """The model's rows by id as text, with at least these ids where they exist; no query most times."""
    label = model._meta.label_lower
    now = time.monotonic()
    read_at, rows = _kept.get(label, (0.0, {}))
    if not rows or now - read_at > KEPT or not ids <= rows.keys():
        # Unordered: the rows are looked up by id (the life areas' order would join their tangle).
        rows = {str(row.pk): row for row in model._default_manager.order_by().only(*FIELDS[label])}
        _kept[label] = (now, rows)
    return rows


def forget(**_signal: object) -> None:
    """Read the tables again when next asked: a tangle, knot, life area or agency was saved or deleted."""
    _kept.clear()
