"""ASSURANCE #4, extended: another case's object under the viewer's own case code is as missing.

Every URL pattern that names an object besides the case code (a need, a measure, a
meeting, a membership, a transition, a readiness item, ...) is taken from the URL
resolver, so a new pattern is walked without a change here. For every persona, each
object argument is swapped in turn for an object of another case (one the persona sees,
and one they do not), under the persona's own case code, and requested with GET and with
a POST that would change the object. The answer must be the same as for an id that does
not exist (the same status and page: 404 where the persona may use the view), and
nothing in the database may change.
"""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from access.policy import cases_visible_to, reason_kinds_for
from access.tests.test_url_walk import all_patterns, outcome, without_tokens
from accounts.models import User
from achievements.models import Achievement
from applications.models import Application
from cases.models import CarryOver, Case, Membership
from handover.models import Transition, TransitionKind, TransitionState
from journal.models import AccessEvent
from meetings.models import Meeting, MeetingKind
from needs.models import Need
from obstacles.models import Obstacle
from outcomes.models import NewCharge
from ownwords.models import OwnWords
from personpages.listen import LISTEN_PAGES
from plans.models import Measure
from programmes.models import Enrolment, Programme
from reference.models import LifeArea
from release.models import ReadinessItem, ReadinessKey
from summons.models import ExistingGroup, ExistingKind, PreparationItem, Summons, Topic

pytestmark = pytest.mark.django_db

#: How to find the objects of a case that a URL argument names. A new kind of argument
#: fails the walk until it has a row here.
OBJECTS: dict[str, tuple[type[models.Model], str]] = {
    "need_id": (Need, "case"),
    "measure_id": (Measure, "case"),
    "meeting_id": (Meeting, "case"),
    "membership_id": (Membership, "case"),
    "transition_id": (Transition, "case"),
    "item_id": (ReadinessItem, "transition__case"),
    "carry_over_id": (CarryOver, "case"),
    "obstacle_id": (Obstacle, "case"),
    "application_id": (Application, "case"),
    "achievement_id": (Achievement, "case"),
    "enrolment_id": (Enrolment, "case"),
    "prep_item_id": (PreparationItem, "summons__case"),
    "existing_group_id": (ExistingGroup, "person__cases"),
    "words_id": (OwnWords, "case"),
    "charge_id": (NewCharge, "case"),
}
#: URL arguments that name no object of a case.
#: uidb64: the public password link, no case; slug: a programme, which is public (its view is its staff's).
#: service_id: a directory entry, public to staff. referral_id: a referral is read through the receiving agency
#: (access.directory), not through a case's code; its swaps across agencies and prisons are
#: directory/tests/test_referrals.py's.
#: page: the address of a person page read aloud (personpages.listen); its swaps are the last test's below.
#: provider: the name of an OpenID provider in the sign-in address, public (accounts/tests/test_oidc.py).
#: line_id: a line of the cost-benefit's assumptions (a country's or a programme's), no case's: the analyst
#: reads and edits every line, anyone else gets 404 for all (costbenefit/tests/test_views.py).
#: measurement_id: a measurement of a scope's indicators, aggregates of no case; another prison's
#: measurement is a 404 to a coordinator (insight/tests/test_views.py).
NOT_OBJECTS = frozenset(
    {"code", "token", "uidb64", "slug", "service_id", "referral_id", "page", "provider", "line_id", "measurement_id"}
)
#: How many objects of each kind each other case lends to the swap (the newest first).
PER_CASE = 2
#: Rows a refused request may still write: the read of the viewer's own case, and the session.
MAY_CHANGE = (AccessEvent, Session)


def object_patterns() -> list[tuple[str, object, list[str]]]:
    """Every named URL pattern with an argument that names an object, and those arguments."""
    found = []
    for name, pattern in all_patterns():
        if name.startswith("admin:"):
            continue
        arguments = sorted(set(pattern.argument_names) - NOT_OBJECTS)
        if arguments:
            found.append((name, pattern, arguments))
    return found


def objects_of(argument: str, case: Case) -> models.QuerySet:
    model, path = OBJECTS[argument]
    return model.objects.filter(**{path: case}).order_by("-pk")


@pytest.fixture
def equipped(db):
    """Give every case in the demo world one object of each kind, as its lead would add them."""
    today = timezone.localdate()
    now = timezone.now()
    area = LifeArea.objects.get(slug="housing")
    newcomer = User.objects.get(username="helge.helse")
    for case in Case.objects.select_related("lead__user", "institution"):
        lead = case.lead.user
        need = Need.objects.create(
            case=case, tangle_id=area.tangle_id, life_area=area, summary="Trenger bolig.", acute=True, recorded_by=lead
        )
        measure = Measure.objects.create(
            case=case,
            title="Søke kommunal bolig",
            responsible_agency=case.institution,
            responsible_user=lead,
            start_date=today,
            due_date=today + datetime.timedelta(days=30),
            requires_of_person="Møte opp.",
            status="started",
            started_on=today,
            proposed_by=lead,
        )
        measure.needs.set([need])
        for kind in (MeetingKind.GROUP, MeetingKind.HANDOVER_REVIEW):
            Meeting.objects.create(case=case, kind=kind, starts_at=now - datetime.timedelta(hours=1), booked_by=lead)
        if not case.memberships.filter(user=newcomer, end_date__isnull=True).exists():
            Membership.objects.create(
                case=case,
                user=newcomer,
                role=newcomer.role,
                agency=newcomer.agency,
                start_date=today - datetime.timedelta(days=3),
                accepted_at=now - datetime.timedelta(days=3),
                added_by=lead,
            )
        transition = Transition.objects.filter(case=case, state__in=["planned", "overlap"]).first()
        if transition is None:
            transition = Transition.objects.create(
                case=case,
                kind=TransitionKind.RELEASE,
                state=TransitionState.PLANNED,
                planned_date=today + datetime.timedelta(days=40),
                from_agency=case.institution,
                created_by=lead,
            )
        Obstacle.objects.create(
            case=case,
            source="group",
            logged_by=lead,
            logged_at=now,
            what_happened="Hindring",
            happened_on=today,
            stage="release",
        )
        Application.objects.create(
            case=case, kind="leave", applied_on=today, recorded_by=lead, decides=case.institution
        )
        Achievement.objects.create(
            person=case.person,
            case=case,
            kind="course",
            title="Kurs",
            issuer="Skolen",
            achieved_on=today,
            recorded_by=lead,
        )
        if not Enrolment.objects.filter(case=case).exists():
            Enrolment.objects.create(
                programme=Programme.objects.get(slug="tog"),
                case=case,
                application=Application.objects.create(
                    case=case, kind="programme", applied_on=today, recorded_by=lead, decides=case.institution
                ),
            )
        OwnWords.objects.create(case=case, kind="meeting", text="Kan vi snakke om bolig?", written_by=lead)
        NewCharge.objects.create(case=case, charged_on=today, recorded_by=lead)
        # A carry-over asked of the case's own history, so both its URLs have an object of the case.
        CarryOver.objects.create(case=case, earlier_case=case, asked_by=lead, holder_asked=True)
        summons = Summons.objects.filter(case=case).first() or Summons.objects.create(
            case=case,
            meet_at=now + datetime.timedelta(days=20),
            place="Fengsel",
            address="Gate 1",
            contact_name="Kontakt",
            contact_phone="1",
            language="nb",
            created_by=lead,
        )
        PreparationItem.objects.get_or_create(summons=summons, topic=Topic.NAV)
        existing = ExistingGroup.objects.create(
            person=case.person, municipality=case.home_municipality, kind=ExistingKind.INDIVIDUAL_PLAN, recorded_by=lead
        )
        existing.members.set([newcomer])
        if not transition.readiness_items.exists():
            for key in (ReadinessKey.HOUSING, ReadinessKey.INCOME):
                ReadinessItem.objects.create(transition=transition, key=key, owner=case.lead, updated_by=lead)


def own_case(user, jonas: Case) -> Case:
    """The case the persona works on: Jonas's if they see it, else their first; Jonas's for those who see none."""
    visible = cases_visible_to(user) if user is not None else Case.objects.none()
    if user is None or visible.filter(pk=jonas.pk).exists():
        return jonas
    return visible.order_by("pk").first() or jonas


def other_cases(user, own: Case) -> list[Case]:
    """Another case the persona sees (if any) and one they do not: the objects to swap in."""
    visible = cases_visible_to(user) if user is not None else Case.objects.none()
    others = Case.objects.exclude(pk=own.pk).order_by("pk")
    seen = others.filter(pk__in=visible.values("pk")).first()
    hidden = others.exclude(pk__in=visible.values("pk")).first()
    return [case for case in (seen, hidden) if case is not None]


def fingerprint() -> tuple[int, ...]:
    """The row count of every table a request could change, the journal's included, in one query."""
    tables = sorted(
        {
            table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not issubclass(model, MAY_CHANGE)
            for table in [model._meta.db_table]
        }
    )
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608 - model tables
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return tuple(cursor.fetchone())


def row(obj: models.Model) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def payload(obj: models.Model) -> dict:
    """A POST that would change the object if the view took it: its own values, new words and a next state."""
    data: dict = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.date):
            data[field.name] = value.isoformat()
        elif isinstance(value, str | int | bool) and not field.primary_key:
            data[field.name] = value
    for field in obj._meta.many_to_many:
        data[field.name] = [related.pk for related in getattr(obj, field.name).all()]
    today = timezone.localdate().isoformat()
    words = "IDOR – skal ikke lagres"
    data.update(
        {
            "version": getattr(obj, "version", 1),
            "status": "done" if isinstance(obj, Measure) else data.get("status", "open"),
            "state": "done",
            "reason": words,
            "text": words,
            "note": words,
            "minutes": words,
            "summary": words,
            "own_words": words,
            "description": words,
            "purpose": words,
            "on": today,
            "end_date": today,
            "present": "1",
            "with_person": "on",
            "person_attended": "on",
        }
    )
    return data


def masked(response, url: str) -> bytes:
    """The page without its CSRF tokens and without the requested address, which it echoes."""
    return without_tokens(response.content).replace(url.encode(), b"URL")


def test_another_cases_object_under_the_own_case_code_answers_as_missing(client, personas, case, equipped):
    patterns = object_patterns()
    assert len(patterns) >= 20, [name for name, _, _ in patterns]
    unknown = sorted({a for _, _, arguments in patterns for a in arguments} - set(OBJECTS))
    assert unknown == [], f"URL arguments with no row in OBJECTS: {unknown}"
    users = [("anonymous", None), *personas.items()]
    failures: list[str] = []
    swaps = refused_as_missing = 0
    for persona, user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        own = own_case(user, case)
        donors = other_cases(user, own)
        assert donors, persona
        for name, pattern, arguments in patterns:
            base = {argument: objects_of(argument, own).first() for argument in arguments}
            kwargs = {argument: obj.pk for argument, obj in base.items() if obj is not None}
            assert len(kwargs) == len(arguments), (name, own.code, "the own case lacks an object")
            if "code" in pattern.argument_names:
                kwargs["code"] = own.code
            for argument in arguments:
                model = OBJECTS[argument][0]
                missing_id = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 10_000
                missing_url = reverse(name, kwargs={**kwargs, argument: missing_id})
                strangers = [obj for donor in donors for obj in objects_of(argument, donor)[:PER_CASE]]
                assert strangers, (name, argument, persona)
                for method in ("get", "post"):
                    for stranger in strangers:
                        url = reverse(name, kwargs={**kwargs, argument: stranger.pk})
                        data = payload(stranger) if method == "post" else None
                        before, before_row = fingerprint(), row(stranger)
                        swapped = getattr(client, method)(url, data)
                        changed = fingerprint() != before or row(stranger) != before_row
                        nothing = getattr(client, method)(missing_url, data)
                        swaps += 1
                        where = f"{method.upper()} {url} as {persona} ({argument} of case {stranger_case(stranger)})"
                        if changed:
                            failures.append(f"{where}: the database changed")
                        if outcome(swapped) != outcome(nothing):
                            failures.append(f"{where}: {outcome(swapped)}, a missing id gives {outcome(nothing)}")
                        elif outcome(swapped) not in {"L", "403", "404", "405"}:
                            failures.append(f"{where}: {outcome(swapped)}")
                        elif masked(swapped, url) != masked(nothing, missing_url):
                            failures.append(f"{where}: the page differs from the one for a missing id")
                        else:
                            refused_as_missing += outcome(swapped) == "404"
    assert failures == [], "\n".join(failures)
    # Most swaps reach the object lookup (a persona who may use the view), so the 404s are the check's own.
    assert refused_as_missing > swaps / 4, (refused_as_missing, swaps)


def stranger_case(obj: models.Model) -> str:
    if isinstance(obj, ExistingGroup):  # the person's, not a case's: name the person
        return obj.person.first_name
    if isinstance(obj, PreparationItem):
        obj = obj.summons
    case = obj.transition.case if isinstance(obj, ReadinessItem) else obj.case
    return re.sub(r"\s+", " ", f"{case.person.first_name} {case.code}")


def listen(url: str) -> str:
    return reverse("listen", kwargs={"page": url.removeprefix("/")})


def test_the_sound_of_another_cases_page_answers_as_missing(client, personas, case, equipped):
    """Listen (issue 18, point 6): a person page read aloud with another case's code, or with another case's
    object under the own code, answers as a missing one does, and as the page itself does: no sound."""
    patterns = [(name, pattern) for name, pattern in all_patterns() if name in LISTEN_PAGES]
    patterns = [(name, pattern) for name, pattern in patterns if "code" in pattern.argument_names]
    assert len(patterns) >= 15
    failures: list[str] = []
    checked = as_missing = 0
    for persona, user in [("anonymous", None), *personas.items()]:
        client.logout()
        if user is not None:
            client.force_login(user)
        own = own_case(user, case)
        hidden = Case.objects.exclude(pk=own.pk)
        if user is not None:
            hidden = hidden.exclude(pk__in=cases_visible_to(user).values("pk"))
            if reason_kinds_for(user):  # prison staff may open their own prison's cases with a reason (own walk)
                hidden = hidden.exclude(institution_id=user.agency_id)
        stranger = hidden.order_by("pk").first()
        assert stranger is not None, persona
        for name, pattern in patterns:
            arguments = sorted(set(pattern.argument_names) - NOT_OBJECTS)
            theirs = {argument: objects_of(argument, stranger).first().pk for argument in arguments}
            tries = [  # (the page asked, the same page missing)
                (
                    reverse(name, kwargs={"code": stranger.code, **theirs}),
                    reverse(name, kwargs={"code": "nosuchcase234", **theirs}),
                )
            ]
            mine = {argument: objects_of(argument, own).first().pk for argument in arguments}
            for argument in arguments:
                missing_id = (OBJECTS[argument][0].objects.aggregate(top=models.Max("pk"))["top"] or 0) + 10_000
                tries.append(
                    (
                        reverse(name, kwargs={"code": own.code, **mine, argument: theirs[argument]}),
                        reverse(name, kwargs={"code": own.code, **mine, argument: missing_id}),
                    )
                )
            for url, missing_url in tries:
                heard, nothing, page = client.get(listen(url)), client.get(listen(missing_url)), client.get(url)
                checked += 1
                where = f"listen to {url} as {persona}"
                if not outcome(heard) == outcome(nothing) == outcome(page) in {"L", "403", "404"}:
                    failures.append(f"{where}: {outcome(heard)}, missing {outcome(nothing)}, page {outcome(page)}")
                elif masked(heard, listen(url)) != masked(nothing, listen(missing_url)):
                    failures.append(f"{where}: the page differs from the one for a missing case or object")
                else:
                    as_missing += outcome(heard) == "404"
    assert failures == [], "\n".join(failures)
    assert checked >= len(patterns) * 10
    assert as_missing > checked / 2, (as_missing, checked)  # most reach the case and object lookup
