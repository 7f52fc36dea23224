"""What anonymisation removes from a case, model by model (DOMAIN §5), and what it keeps, with why.

Every model that reaches a case through its foreign keys and has a field of free words
(a text, a name, an address, a JSON snapshot) is listed here: each such field is either
scrubbed (``Rule.fields``) or kept with a reason (``Rule.kept``). ``retention.tests.test_registry``
fails when a model or a field is added that this file does not name, so no new text of a
case outlives it unnoticed.

Scrubbing replaces a non-empty text with ``MARK`` and leaves an empty one empty, so every
"a reason is given" constraint still holds and the pages say that something was there.
Codes, states, dates, numbers and every foreign key stay: the indicators count them.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Q, Value, When

#: What a removed text reads as.
MARK = "—"


def _scrub_texts(model: type[models.Model], ids: list[int], names: Iterable[str]) -> None:
    model._default_manager.filter(pk__in=ids).update(
        **{
            name: models.Case(
                When(Q(**{name: ""}), then=Value("")), default=Value(MARK), output_field=models.TextField()
            )
            for name in names
        }
    )


def _texts_left(model: type[models.Model], ids: list[int], names: Iterable[str]) -> int:
    left = Q()
    for name in names:
        left |= ~Q(**{name: ""}) & ~Q(**{name: MARK})
    return model._default_manager.filter(Q(pk__in=ids) & left).count() if names else 0


@dataclass(frozen=True)
class Rule:
    """One model's share of a case: how to find its rows, which fields to scrub, which to keep."""

    label: str
    #: The lookup from the model to the case's id, e.g. ``"meeting__case"``.
    to_case: str
    #: Free-text fields: a non-empty value becomes MARK.
    fields: tuple[str, ...] = ()
    #: Fields emptied outright (a link, an error message, a login).
    emptied: tuple[str, ...] = ()
    #: JSON lists of objects: these keys' string values become MARK (``PlanVersion.measures``).
    json_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Text-like fields kept, each with the reason.
    kept: dict[str, str] = field(default_factory=dict)
    #: Rows that follow the person from case to case (``to_case`` is then the lookup to the
    #: person): scrubbed with the person, when no case of theirs is kept any longer.
    per_person: bool = False

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def removed_fields(self) -> list[str]:
        return [*self.fields, *self.emptied, *self.json_keys]

    def ids_for(self, owner_id: int) -> list[int]:
        """The rows of one case (or, for a rule ``per_person``, of one person)."""
        return list(
            self.model._default_manager.filter(**{self.to_case: owner_id}).order_by("pk").values_list("pk", flat=True)
        )

    def scrub(self, ids: list[int]) -> None:
        """Remove this model's personal fields from these rows; doing it again changes nothing."""
        if self.fields:
            _scrub_texts(self.model, ids, self.fields)
        if self.emptied:
            self.model._default_manager.filter(pk__in=ids).update(**dict.fromkeys(self.emptied, ""))
        for name, keys in self.json_keys.items():
            for pk, rows in self.model._default_manager.filter(pk__in=ids).values_list("pk", name):
                scrubbed = _scrub_json(rows, keys)
                if scrubbed != rows:
                    self.model._default_manager.filter(pk=pk).update(**{name: scrubbed})

    def left(self, ids: list[int]) -> int:
        """How many of these rows still hold a value this rule removes (0 once scrubbed)."""
        count = _texts_left(self.model, ids, self.fields)
        if self.emptied:
            emptied = Q()
            for name in self.emptied:
                emptied |= ~Q(**{name: ""})
            count += self.model._default_manager.filter(Q(pk__in=ids) & emptied).count()
        for name, keys in self.json_keys.items():
            values = self.model._default_manager.filter(pk__in=ids).values_list(name, flat=True)
            count += len([rows for rows in values if _scrub_json(rows, keys) != rows])
        return count


def _scrub_json(rows: Any, keys: tuple[str, ...]) -> Any:
    if not isinstance(rows, list):
        return rows
    return [
        {key: (MARK if key in keys and isinstance(value, str) and value else value) for key, value in row.items()}
        if isinstance(row, dict)
        else row
        for row in rows
    ]


CODE = "a code from a fixed list or a key the system makes, not words of or about the person"
ORG = "the name of a unit or place of the service, which the indicators group by"

#: Every model of a case, in the order anonymisation scrubs them.
RULES: tuple[Rule, ...] = (
    Rule(
        "cases.case",
        "pk",
        fields=("closing_reason",),
        kept={
            "code": "the case's random code, no personal data",
            "unit": ORG,
            "home_municipality": "the catchment and the statistics count by municipality",
        },
    ),
    Rule("cases.membership", "case", fields=("purpose",)),
    Rule("cases.carryover", "case", fields=("holder_reason",)),
    Rule("access.reasonedaccess", "case", kept={"role": CODE}),
    Rule("needs.needsconversation", "case", fields=("note",)),
    Rule("needs.need", "case", fields=("own_words", "summary")),
    Rule("needs.resource", "case", fields=("description",)),
    Rule("needs.volunteersharing", "case", kept={"items": "the codes of what is shared, no words"}),
    Rule("consent.consent", "case", fields=("note", "withdrawal_note")),
    Rule("timetable.caseruleset", "case", fields=("reason",)),
    Rule("timetable.releasenotice", "case"),
    # Outcomes after release (issue 22): a code and dates only, which the outcome indicators count.
    Rule("outcomes.followup", "case"),
    Rule("outcomes.newcharge", "case"),
    Rule("timetable.deadline", "case", kept={"code": CODE}),
    Rule("timetable.reminder", "deadline__case", emptied=("last_error",)),
    # A release notice holds the case's code, its kind and dates, never words about the person; the
    # days of notice each agency got are counted from them. A delivery's error is the endpoint's answer.
    Rule("notices.notice", "case"),
    Rule("notices.delivery", "notice__case", emptied=("error",)),
    Rule(
        "plans.measure",
        "case",
        fields=("title", "description", "requires_of_person", "status_reason"),
    ),
    Rule("plans.deliverynote", "measure__case", fields=("text",)),
    Rule(
        "plans.planversion",
        "case",
        json_keys={"measures": ("title", "requires_of_person", "responsible_user")},
        kept={"cause": CODE},
    ),
    Rule("meetings.meeting", "case", fields=("place", "minutes"), emptied=("video_link",)),
    Rule("meetings.attendance", "meeting__case"),
    Rule("meetings.decision", "meeting__case", fields=("text",)),
    Rule("meetings.needreview", "meeting__case", fields=("note",)),
    Rule("meetings.measurehandover", "meeting__case", fields=("reason",)),
    Rule("threads.message", "case", fields=("body",)),
    Rule(
        "handover.transition",
        "case",
        fields=("reason", "early_reason", "cancel_reason"),
        kept={"to_unit": ORG},
    ),
    Rule("release.readinessitem", "transition__case", fields=("note",), kept={"key": CODE}),
    Rule("release.releasealert", "transition__case"),
    Rule(
        "obstacles.obstacle",
        "case",
        fields=("what_happened", "what_was_done", "explanation"),
        kept={
            "rule": CODE,
            "detection_key": "the system's key (rule, ids, release day), so a rerun logs nothing twice",
        },
    ),
    Rule("applications.application", "case", fields=("reason", "next_step")),
    # The person's achievements follow them to a newer case (issue 19): kept while one is.
    Rule(
        "achievements.achievement",
        "person",
        fields=("title", "issuer", "level", "description", "withdrawn_reason"),
        per_person=True,
    ),
    Rule("programmes.programmefacts", "case"),
    Rule("programmes.enrolment", "case", fields=("interview_note", "close_reason")),
    Rule("programmes.phasestep", "enrolment__case"),
    Rule("ownwords.ownwords", "case", fields=("text", "suits")),
    Rule(
        "summons.summons",
        "case",
        fields=("place", "address", "bring", "contact_name", "contact_phone", "contact_hours"),
    ),
    Rule("summons.preparationitem", "summons__case"),
    Rule("summons.groupstart", "case"),
    Rule("summons.existinggroup", "person", per_person=True, kept={"municipality": ORG}),
    Rule("directory.referral", "case", fields=("shared", "decline_reason")),
    # That the person took part in a survey, at which moment: no words, and never the answers
    # (surveys.Response holds those, tied to no case: anonymisation has nothing there to remove).
    Rule("surveys.participation", "case"),
)

BY_LABEL = {rule.label: rule for rule in RULES}

#: Models of a case that anonymisation handles apart from the rules, and how.
OUTSIDE = {
    "journal.journalentry": "the values of the case's entries are erased (journal.services.erase_values)",
    "journal.accessevent": "who looked, when, with which purpose, on which page: no content",
    "retention.deletionrecord": "the ledger itself: ids and field names only",
}


def coarse_birth_date(day: datetime.date) -> datetime.date:
    """A birth date kept only to its year (the first of January): an age band survives, the day does not."""
    return datetime.date(day.year, 1, 1)


@dataclass(frozen=True)
class PersonRule:
    """The person's own row and login, scrubbed when no case of theirs is still kept."""

    label: str
    fields: tuple[str, ...]
    apply: Callable[[list[int]], None]
    left: Callable[[list[int]], int]
    kept: dict[str, str] = field(default_factory=dict)


def _scrub_persons(ids: list[int]) -> None:
    person_model = apps.get_model("cases.person")
    for pk, born in person_model._default_manager.filter(pk__in=ids).values_list("pk", "birth_date"):
        person_model._default_manager.filter(pk=pk).update(
            first_name=MARK, last_name=MARK, birth_date=coarse_birth_date(born), national_id="", national_id_hash=""
        )


def _persons_left(ids: list[int]) -> int:
    person_model = apps.get_model("cases.person")
    rows = person_model._default_manager.filter(pk__in=ids).values_list(
        "first_name", "last_name", "birth_date", "national_id_hash"
    )
    return sum(
        1
        for first, last, born, digest in rows
        if (first, last) != (MARK, MARK) or born != coarse_birth_date(born) or digest
    )


def anonymous_username(pk: int) -> str:
    return f"anonymised-{pk}"


def _scrub_users(ids: list[int]) -> None:
    user_model = apps.get_model("accounts.user")
    for pk in ids:
        user_model._default_manager.filter(pk=pk).update(
            username=anonymous_username(pk),
            first_name="",
            last_name="",
            email="",
            is_active=False,
            password=make_password(None),
        )
    # The person's subjects at ID-porten or MitID: identifiers of them, gone with their login.
    apps.get_model("accounts.externalidentity")._default_manager.filter(user_id__in=ids).delete()


def _users_left(ids: list[int]) -> int:
    user_model = apps.get_model("accounts.user")
    identities = apps.get_model("accounts.externalidentity")._default_manager.filter(user_id__in=ids).count()
    return identities + sum(
        1
        for pk, username, first, last, email, active in user_model._default_manager.filter(pk__in=ids).values_list(
            "pk", "username", "first_name", "last_name", "email", "is_active"
        )
        if (username, first, last, email, active) != (anonymous_username(pk), "", "", "", False)
    )


PERSON = PersonRule(
    "cases.person",
    ("first_name", "last_name", "birth_date", "national_id", "national_id_hash"),
    _scrub_persons,
    _persons_left,
)
PERSON_USER = PersonRule(
    "accounts.user",
    ("username", "first_name", "last_name", "email", "password"),
    _scrub_users,
    _users_left,
    kept={"role": CODE, "language": CODE},
)
PERSON_RULES = {rule.label: rule for rule in (PERSON, PERSON_USER)}
