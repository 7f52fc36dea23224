"""The URL walk for those who look outside a standing membership (DOMAIN.md §5; issue 17, point 10).

Kept apart from ``test_url_walk.py`` (whose table is every other persona's contract) so the
two tables grow without touching each other; both must name every URL pattern. Personas,
around Jonas's case in Bergen:

- ``coordinator``: Bergen's reentry coordinator, no reason given: the unit, no case.
- ``coordinator_with_reason``: Bergen's reentry coordinator who opened Jonas's case with a reason: reads, never writes.
- ``emergency``: a Bergen contact officer outside the group, after an emergency access: reads, never writes.
- ``other_coordinator``: Oslo's reentry coordinator: Bergen's cases are a 404, as a missing one.
"""

import pytest
from django.urls import reverse

from access.models import Reason
from access.tests.test_url_walk import API_NAMESPACE, outcome, url_kwargs, walked_patterns, without_tokens
from accounts.models import Role, User
from cases.models import Case
from plans.models import Measure

pytestmark = pytest.mark.django_db

PERSONAS = ("coordinator", "coordinator_with_reason", "emergency", "other_coordinator")

# url name: outcomes in the order of PERSONAS (L: to login; otherwise the status)
#           coord  +reason emerg  other
TABLE = {
    "home": "302 302 302 302",
    "healthz": "200 200 200 200",
    "help": "200 200 200 200",
    "privacy": "200 200 200 200",
    "accessibility": "200 200 200 200",
    "login": "302 302 302 302",
    "logout": "405 405 405 405",
    "oidc_start": "404 404 404 404",  # no OpenID provider is configured in the walk
    "oidc_callback": "404 404 404 404",
    "password_reset_confirm": "200 200 200 200",
    "password_reset_complete": "200 200 200 200",
    "second_factor": "200 200 200 200",
    "second_factor_verify": "302 302 302 302",
    "second_factor_enrol": "302 302 302 302",
    "set_language": "302 302 302 302",
    "cases:caseload": "200 200 200 200",
    "cases:intake": "403 403 200 403",
    "cases:invitations": "200 200 200 200",
    "cases:unit": "200 200 403 200",
    "cases:invitation_accept": "405 405 405 405",
    "cases:invitation_decline": "405 405 405 405",
    "cases:overview": "404 200 200 404",
    "cases:group": "404 200 200 404",
    "cases:member_add": "404 403 403 404",
    "cases:member_end": "404 403 403 404",
    "cases:member_make_lead": "404 403 403 404",
    "cases:meeting_new": "404 403 403 404",
    "cases:follow_up_phase": "404 403 403 404",
    "cases:close": "404 403 403 404",
    "cases:carry_over_ask": "404 403 403 404",
    "cases:carry_over_person": "404 403 403 404",
    "cases:carry_over_holder": "404 403 403 404",
    "cases:changes": "404 403 403 404",
    "cases:access_log": "404 403 403 404",
    "cases:open_with_reason": "200 302 302 404",
    "needs:map": "404 200 200 404",
    "needs:add": "404 403 403 404",
    "needs:edit": "404 403 403 404",
    "needs:resource_add": "404 403 403 404",
    "needs:conversation_add": "404 403 403 404",
    "needs:volunteers": "404 403 403 404",
    "consent:page": "404 403 403 404",
    "consent:give": "404 403 403 404",
    "consent:withdraw": "404 403 403 404",
    "timetable:due": "200 200 200 200",
    "timetable:inbox": "200 200 200 200",
    "timetable:inbox_read": "405 405 405 405",
    "timetable:calendar": "200 200 200 200",
    "timetable:calendar_new": "405 405 405 405",
    "timetable:calendar_revoke": "405 405 405 405",
    "timetable:calendar_feed": "404 404 404 404",
    "timetable:case": "404 200 200 404",
    "timetable:release_notice": "404 403 403 404",
    "timetable:case_rule_set": "404 403 403 404",
    "plans:plan": "404 200 200 404",
    "plans:propose": "404 403 403 404",
    "plans:measure": "404 200 200 404",
    "plans:measure_edit": "404 403 403 404",
    "plans:measure_move": "404 405 405 404",
    "plans:note_add": "404 405 405 404",
    "plans:versions": "404 200 200 404",
    "plans:compare": "404 200 200 404",
    "meetings:list": "404 200 200 404",
    "meetings:detail": "404 200 200 404",
    "meetings:ics": "404 200 200 404",
    "meetings:attendance": "404 403 403 404",
    "meetings:minutes": "404 403 403 404",
    "meetings:decision": "404 403 403 404",
    "meetings:review_need": "404 403 403 404",
    "meetings:review_reassign": "404 403 403 404",
    "meetings:review_close": "404 403 403 404",
    "threads:thread": "404 403 403 404",
    "handover:page": "404 200 200 404",
    "handover:plan": "404 403 403 404",
    "handover:invite": "404 403 403 404",
    "handover:complete": "404 403 403 404",
    "handover:cancel": "404 403 403 404",
    "release:readiness": "404 200 200 404",
    "release:item_update": "404 403 403 404",
    "release:sudden": "404 403 403 404",
    "obstacles:case": "404 200 200 404",
    "obstacles:done": "404 405 405 404",
    "obstacles:unit": "200 200 403 200",
    "obstacles:code": "405 405 403 405",
    "obstacles:map": "200 200 200 200",
    "programmes:case": "404 403 403 404",
    "programmes:facts": "404 403 403 404",
    "programmes:apply": "404 403 403 404",
    "programmes:index": "200 200 200 200",
    "programmes:detail": "403 403 403 403",
    "programmes:enrolment": "404 404 404 404",
    "programmes:interview": "405 405 405 405",
    "programmes:decide": "405 405 405 405",
    "programmes:phase": "405 405 405 405",
    "programmes:close": "405 405 405 405",
    "obstacles:zones": "200 200 403 200",
    "obstacles:zones_csv": "200 200 403 200",
    # The report of benefits realisation: a coordinator's own prison (the first scope offered); the
    # other prison's figures are a 404 (report/tests/test_views.py).
    "report:page": "200 200 403 200",
    "report:pdf": "200 200 403 200",
    "report:csv": "200 200 403 200",
    # The cost-benefit's assumptions (issue 22): the analyst's alone; a coordinator, with a reason or not, 404.
    # The indicators (issue 22): a coordinator reads their prison's and country's figures (the
    # country's baseline in the walk); only the analyst takes or marks one. A reason opens no figure.
    "insight:index": "200 200 403 200",
    "insight:take": "403 403 403 403",
    "insight:measurement": "200 200 403 200",
    "insight:status": "405 405 403 405",
    "insight:baseline": "403 403 403 403",
    # The surveys (issue 22): only the person answers their own (those who read the case: 403);
    # staff answer their quarter's and type in paper forms; coordinators read the aggregates.
    "surveys:answer": "404 403 403 404",
    "surveys:staff": "200 200 200 200",
    "surveys:paper": "200 200 200 200",
    "surveys:paper_pdf": "200 200 200 200",
    "surveys:figures": "200 200 403 200",
    "costbenefit:index": "404 404 404 404",
    "costbenefit:start": "404 404 404 404",
    "costbenefit:line": "404 404 404 404",
    "costbenefit:edit": "404 404 404 404",
    "costbenefit:gain": "404 404 404 404",
    "applications:list": "404 200 200 404",
    "applications:add": "404 403 403 404",
    "applications:detail": "404 200 200 404",
    "applications:decide": "404 403 403 404",
    "achievements:list": "404 403 403 404",
    "achievements:add": "404 403 403 404",
    "achievements:edit": "404 403 403 404",
    "achievements:withdraw": "404 403 403 404",
    "achievements:pdf": "404 403 403 404",
    "outcomes:case": "404 403 403 404",
    "outcomes:follow_up": "404 403 403 404",
    "outcomes:charge_add": "404 403 403 404",
    "outcomes:charge_remove": "404 403 403 404",
    "personpages:road": "404 403 403 404",
    "personpages:plan_pdf": "404 403 403 404",
    "ownwords:need": "404 403 403 404",
    "ownwords:wish": "404 403 403 404",
    "ownwords:proposal": "404 403 403 404",
    "ownwords:meeting": "404 403 403 404",
    "ownwords:answered": "404 403 403 404",
    "directory:search": "200 200 200 200",
    "directory:service": "200 200 200 200",
    "directory:service_verify": "405 405 405 405",
    "directory:referrals": "200 200 200 200",
    "directory:referral": "404 404 404 404",
    "directory:referral_accept": "405 405 405 405",
    "directory:referral_decline": "405 405 405 405",
    "directory:measure_service": "404 403 403 404",
    "directory:refer": "404 405 405 404",
    "summons:register": "403 403 200 403",
    "summons:case": "404 403 403 404",
    "summons:send": "404 403 403 404",
    "summons:letter_pdf": "404 403 403 404",
    "summons:existing_add": "404 403 403 404",
    "summons:group_start": "404 403 403 404",
    "summons:mine": "404 403 403 404",
    "summons:tick": "404 403 403 404",
    "listen": "404 200 200 404",  # a measure's page read aloud (test_url_walk.url_kwargs): as the page answers
    "admin:index": "302 302 302 302",
    # The integration API: public description and docs, 401 to a browser session, events POST only.
    "api:openapi-json": "200 200 200 200",
    "api:openapi-view": "200 200 200 200",
    "api:api-root": "404 404 404 404",
    "api:event_intake": "405 405 405 405",
    "api:event_expected_release": "405 405 405 405",
    "api:event_released": "405 405 405 405",
    "api:event_transferred": "405 405 405 405",
    "api:event_notice_acknowledged": "405 405 405 405",
    "api:event_batch": "405 405 405 405",
    "api:cases": "401 401 401 401",
    "api:case": "401 401 401 401",
}


@pytest.fixture
def lookers(case) -> dict[str, User]:
    """The four personas; two of them have opened Jonas's case with a reason."""
    bergen = User.objects.get(username="tove.koordinator")
    with_reason = User.objects.create(
        username="tove.to", first_name="Tove", last_name="To", role=Role.REENTRY_COORDINATOR, agency=bergen.agency
    )
    emergency = User.objects.create(
        username="vakt.bergen", first_name="Vakt", last_name="Bergen", role=Role.CONTACT_OFFICER, agency=bergen.agency
    )
    from core.tests.second_factor import Client  # force_login passes the second factor for staff

    for user, reason in ((with_reason, Reason.STAND_IN), (emergency, Reason.HEALTH_OR_LIFE)):
        client = Client()
        client.force_login(user)
        url = reverse("cases:open_with_reason", kwargs={"code": case.code})
        assert client.post(url, {"reason": reason}).status_code == 302
    return {
        "coordinator": bergen,
        "coordinator_with_reason": with_reason,
        "emergency": emergency,
        "other_coordinator": User.objects.get(username="otto.koordinator"),
    }


def test_every_pattern_has_a_row():
    names = {name for name, _ in walked_patterns()}
    assert len(names) > 10
    assert sorted(names - set(TABLE)) == [], "URL patterns without a row in the table of looks with a reason"
    assert sorted(set(TABLE) - names) == [], "rows for URL patterns that no longer exist"


def test_walk_every_url_as_those_who_look_with_a_reason(client, lookers, case):
    unexpected = []
    visited = 0
    for name, pattern in walked_patterns():
        url = reverse(name, kwargs=url_kwargs(pattern, case) if pattern else {})
        expected = dict(zip(PERSONAS, TABLE[name].split(), strict=True))
        for persona in PERSONAS:
            client.force_login(lookers[persona])
            got = outcome(client.get(url))
            visited += 1
            if got != expected[persona]:
                unexpected.append(f"GET {name} as {persona}: expected {expected[persona]}, got {got}")
            if expected[persona] in {"403", "404"} and pattern is not None:
                posted = outcome(client.post(url, {}))
                if posted != expected[persona]:
                    unexpected.append(f"POST {name} as {persona}: expected {expected[persona]}, got {posted}")
    assert visited == len(walked_patterns()) * len(PERSONAS)
    assert unexpected == [], "\n".join(unexpected)


@pytest.mark.parametrize("persona", ["coordinator_with_reason", "emergency"])
def test_a_look_with_a_reason_cannot_move_a_measure_or_write_a_note(client, lookers, case, persona):
    """The two POST-only plan views answer GET with 405; posted with real data they refuse."""
    client.force_login(lookers[persona])
    measure = Measure.objects.filter(case=case, status="started").first()
    assert measure is not None
    for status in ("done", "cancelled", "chosen", "rejected"):
        url = reverse("plans:measure_move", kwargs={"code": case.code, "measure_id": measure.pk})
        assert client.post(url, {"status": status, "reason": "x"}).status_code == 403, status
    url = reverse("plans:note_add", kwargs={"code": case.code, "measure_id": measure.pk})
    assert client.post(url, {"text": "written by someone outside the group"}).status_code == 403
    measure.refresh_from_db()
    assert measure.status == "started"


def test_a_case_elsewhere_gives_the_same_404_as_a_missing_code_for_every_looker(client, lookers, other_case):
    """IDOR: every case URL with Oslo's case (for Oslo's coordinator: Bergen's) answers like a missing one."""
    missing = "nosuchcase234"
    checked = 0
    jonas = Case.objects.get(person__first_name="Jonas")
    for persona, user in lookers.items():
        client.force_login(user)
        hidden = jonas if persona == "other_coordinator" else other_case
        for name, pattern in walked_patterns():
            if pattern is None or "code" not in pattern.argument_names or name.startswith(f"{API_NAMESPACE}:"):
                continue
            kwargs = url_kwargs(pattern, hidden)
            theirs = client.get(reverse(name, kwargs=kwargs))
            nothing = client.get(reverse(name, kwargs={**kwargs, "code": missing}))
            assert theirs.status_code == nothing.status_code == 404, (name, persona)
            theirs_body = without_tokens(theirs.content).replace(hidden.code.encode(), b"CODE")
            nothing_body = without_tokens(nothing.content).replace(missing.encode(), b"CODE")
            assert theirs_body == nothing_body, (name, persona)
            checked += 1
    assert checked > 0
