"""Shared test fixtures: the demo world is built once per test session, and every test
runs in a transaction that is rolled back, so each starts from the same world.

Transactional tests (``transaction=True``) are not used: flushing would meet the
journal's append-only triggers. Tests that need real concurrency or a real browser run
against a separate server process with its own database (see ``core/tests/live.py``).
"""

import os
from dataclasses import dataclass

import pytest
from hypothesis import settings as hypothesis_settings

from core.tests import sweep

# No timed assertion in a test: Hypothesis fails an example that takes over 200 ms by default,
# which a loaded machine turns into a failure of the code under test. Its examples run untimed.
hypothesis_settings.register_profile("overgang", deadline=None)
hypothesis_settings.load_profile("overgang")

pytest_plugins = ["core.tests.live"]

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Keep every test that uses the live server on one xdist worker (``make test`` runs two),
    and so every test that uses another server fixture (``sweep.LIVE_FIXTURES``) on one worker.

    ``live_site`` is per session, so per worker: in one group, one gunicorn and one Chromium
    serve them all, and the other worker runs the rest meanwhile (``--dist loadgroup``).

    On a day of CI's date sweep (``OVERGANG_SWEEP=k/n``) the live-server tests and the slow
    tests that do not turn on the day run on one of the n days each, and those that only repeat
    the real date's run (``sweep.real_date_only``: most browser tests too) on none (``core.tests.sweep``).
    With ``OVERGANG_NO_BROWSER=1`` (CI's run on PostgreSQL) the browser tests are left out.
    """
    live = set()
    for item in items:
        servers = sorted(sweep.LIVE_FIXTURES.intersection(getattr(item, "fixturenames", ())))
        if servers:  # one group per server fixture: one server per worker, on one worker
            item.add_marker(pytest.mark.xdist_group(servers[0]))
            live.add(item.nodeid)
    # The heaviest first (the live-server group, then the slow files, each file's tests together):
    # xdist hands out the rest as workers free up, so no worker is left with a long test at the end.
    items.sort(key=lambda item: -sweep.weight(item.nodeid.split("::")[0], item.nodeid in live))
    if sweep.browser_left_out():
        browser = [item for item in items if sweep.is_browser_file(item.nodeid.split("::")[0])]
        if browser:
            config.hook.pytest_deselected(items=browser)
            items[:] = [item for item in items if not sweep.is_browser_file(item.nodeid.split("::")[0])]
    day = sweep.sweep_day()
    if day is None:
        return
    dealt = sweep.deal(sweep.shared_files({nodeid.split("::")[0] for nodeid in live}), day[1])
    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        path = item.nodeid.split("::")[0]
        if sweep.real_date_only(path):
            left.append(item)
            continue
        shared = item.nodeid in live or path in sweep.SLOW_AND_DAY_FREE
        (left if shared and dealt[path] != day[0] else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_report_header(config):
    if sweep.browser_left_out():
        return "the browser tests (test_browser_*.py) are left out of this run (OVERGANG_NO_BROWSER=1)"
    day = sweep.sweep_day()
    if day is not None:
        return (
            f"date sweep, day {day[0]} of {day[1]}: the live-server tests and the slow day-free tests"
            f" of this day's share, none of the real date's only (core/tests/sweep.py);"
            f" {sweep.SWEEP_POLICY_WORLDS} policy worlds"
        )
    return None


@pytest.fixture(scope="session", autouse=True)
def jinja2_pages_report_their_context():
    """Give ``response.context`` for pages rendered by Jinja2, as Django's test setup does for its own templates.

    Django instruments only its own template language; this sends the same ``template_rendered``
    signal from the Jinja2 backend's public ``render``, for the tests only.
    """
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def instrumented(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return render(self, context, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backend.Template, "render", instrumented)
        yield


@pytest.fixture(autouse=True)
def each_test_reads_kept_reference_data_afresh():
    """Forget the reference data workers keep (``core.kept``): taxonomy, names, definitions, map codes, rule sets.

    A test's rows are rolled back without the signals that make a worker forget it, so a
    table kept from one test would otherwise be seen by the next.
    """
    from directory.selectors import forget_taxonomy
    from programmes.selectors import KEPT_DEFINITIONS
    from reference.names import forget
    from report.fill import KEPT_CHALLENGES
    from timetable.selectors import KEPT_RULE_SETS

    forget_taxonomy()
    forget()  # the reference data the journal's display keeps (reference.names), for the same reason
    KEPT_DEFINITIONS.forget()  # the programmes' criteria, phases and measures (their own view)
    KEPT_CHALLENGES.forget()  # the map's codes the report names
    KEPT_RULE_SETS.forget()  # the rule sets and their rules (every page of deadlines)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from core.demo import build_demo

    with django_db_blocker.unblock():
        build_demo(password=None)


@dataclass(frozen=True)
class Personas:
    """The personas of STYLE.md, around one case (Jonas's) in the demo world."""

    person: object
    contact_officer: object
    social_worker: object
    nav_with_consent: object
    municipal_without_consent: object
    volunteer: object
    outsider: object
    admin: object
    analyst: object

    def items(self) -> list[tuple[str, object]]:
        return [(name, getattr(self, name)) for name in self.__dataclass_fields__]


@pytest.fixture
def personas(db) -> Personas:
    from accounts.models import User

    users = {user.username: user for user in User.objects.select_related("agency")}
    return Personas(
        person=users["jonas"],
        contact_officer=users["kari.kontakt"],
        social_worker=users["sara.sosial"],
        nav_with_consent=users["nils.nav"],
        municipal_without_consent=users["mona.kommune"],
        volunteer=users["vera.frivillig"],
        outsider=users["olav.oslo"],
        admin=users["admin"],
        analyst=users["anna.analyse"],
    )


@pytest.fixture
def case(db):
    """Jonas's case: consent covers NAV, not the municipality; one need is private."""
    from cases.models import Case

    return Case.objects.select_related("person", "institution").get(person__first_name="Jonas")


@pytest.fixture
def other_case(db):
    """A case in another prison (Lars, Oslo fengsel)."""
    from cases.models import Case

    return Case.objects.get(person__first_name="Lars")


@pytest.fixture
def client():
    """pytest-django's client, whose ``force_login`` also passes the second factor for staff.

    ``client.force_login(user, second_factor=False)`` stops at the password step (the gate's tests).
    """
    from core.tests.second_factor import Client

    return Client()


@pytest.fixture
def client_for(client):
    """Return a function that logs the test client in as a user (or out, for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@dataclass(frozen=True)
class Denmark:
    """A Danish prison's case: its contact officer, a KIF officer, a jobcentre adviser and the person."""

    case: object
    contact_officer: object
    probation: object
    jobcentre: object
    person: object


@pytest.fixture
def denmark(db) -> Denmark:
    import datetime

    from django.utils import timezone

    from accounts.models import Agency, AgencyKind, Country, Role, SecurityLevel, User
    from cases.models import LegalStatus
    from cases.services import IntakeData, case_open, membership_add

    def agency(name, kind, **extra):
        return Agency.objects.create(name=name, kind=kind, country=Country.DENMARK, municipality="København", **extra)

    prison = agency("Vestre Fængsel", AgencyKind.PRISON, security_level=SecurityLevel.HIGH)
    kif = agency("KIF København", AgencyKind.PROBATION)
    jobcentre = agency("Jobcenter København", AgencyKind.NAV)
    officer = User.objects.create(
        username="dk.kontakt", first_name="Mette", last_name="Holm", role=Role.CONTACT_OFFICER, agency=prison
    )
    probation = User.objects.create(
        username="dk.kif", first_name="Søren", last_name="Lund", role=Role.PROBATION, agency=kif
    )
    adviser = User.objects.create(
        username="dk.job", first_name="Line", last_name="Berg", role=Role.NAV, agency=jobcentre
    )
    person = User.objects.create(username="dk.mads", first_name="Mads", last_name="Jensen", role=Role.PERSON)
    data = IntakeData(
        first_name="Mads",
        last_name="Jensen",
        birth_date=datetime.date(2003, 3, 3),
        home_municipality="København",
        legal_status=LegalStatus.REMAND,
        intake_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    case = case_open(actor=officer, data=data, person_user=person)
    for member in (probation, adviser):
        membership_add(actor=officer, case=case, user=member)
    return Denmark(case=case, contact_officer=officer, probation=probation, jobcentre=adviser, person=person)
