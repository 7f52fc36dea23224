"""The integration API (issue 23): events in from the prison system, reads out for a group member.

django-ninja builds the OpenAPI 3.1 description (``/api/openapi.json``) and the docs page
(``/api/docs``, Swagger UI from ninja's own static files, no CDN) from these operations.
Every answer other than a success is a JSON problem (RFC 9457 fields: type, title, status,
detail), so a client reads every refusal the same way. Who may call what is decided in
``access.api`` and ``access.policy``; the writes are the existing services (``api.services``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Header, NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from access import api as rules
from access.decorators import public
from access.policy import Ability, CaseAccess, case_for_user, cases_visible_to
from accounts.models import User
from api import services
from api.models import ApiClient, EventKind, Scope
from api.tokens import Claims, TokenError, check
from cases.models import Case, LegalStatus, Membership, membership_is_current
from cases.services import IntakeData
from core.errors import ConcurrentEditError
from journal.models import AccessPurpose
from journal.services import record_access
from needs.models import Need
from notices.models import Notice
from notices.services import acknowledge

#: No NUL (PostgreSQL refuses it in text) and no other control character in free text.
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
CODE = r"^[A-Za-z0-9-]{1,16}$"
KEY = r"^[\x21-\x7e]{1,200}$"
USERNAME = r"^[\w.@+-]{1,150}$"
#: Dates the services can count with (a sentence's end lies years after its start).
Day = Annotated[datetime.date, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2200, 12, 31))]


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: dict[str, list[str]] = {}


class ApiProblem(Exception):
    def __init__(self, status: int, title: str, detail: str = "", errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(title)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors or {}


@dataclass(frozen=True)
class Caller:
    client: ApiClient
    claims: Claims


class BearerToken(HttpBearer):
    """An OAuth2 bearer token (a signed JWT) of an active client, carrying the operation's scope."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        try:
            claims = check(token)
        except TokenError as error:
            raise ApiProblem(401, "Invalid token", str(error)) from error
        client = rules.client_for(claims)
        if client is None:
            raise ApiProblem(401, "Unknown client", "The token's client is not known here, or not active.")
        if not rules.has_scope(client, claims, self.scope):
            raise ApiProblem(403, "Missing scope", f"This needs the scope {self.scope}.")
        return Caller(client, claims)


api = NinjaAPI(
    title="Overgang",
    version="1",
    description=(
        "Events from the prison system (intake, expected release date, release, transfer), each with an"
        " idempotency key, and reads for a member of a responsibility group. Bearer tokens are signed JWTs"
        " from the configured issuer (Maskinporten, Entra ID) with the scopes overgang:events.write and"
        " overgang:cases.read."
    ),
    urls_namespace="api",
    docs_decorator=public,
)

PROBLEMS: dict[int, type[Problem]] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    422: Problem,
}


def problem(request: HttpRequest, status: int, title: str, detail: str = "", errors: Any = None) -> HttpResponse:
    body = Problem(title=title, status=status, detail=detail, errors=errors or {})
    response = api.create_response(request, body.model_dump(), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="overgang"'
    return response


@api.exception_handler(ApiProblem)
def on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem(request, exc.status, exc.title, exc.detail, exc.errors)


@api.exception_handler(AuthenticationError)
def on_no_token(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "No token", "Send an OAuth2 bearer token in the Authorization header.")


@api.exception_handler(HttpError)
def on_unreadable(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, "Bad request", str(exc))


@api.exception_handler(NinjaValidationError)
def on_bad_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        errors.setdefault(where, []).append(str(error.get("msg", "")))
    return problem(request, 422, "Invalid request", "The request does not match the API's description.", errors)


@api.exception_handler(DjangoValidationError)
def on_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = (
        {field: [str(message) for message in messages] for field, messages in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"": [str(message) for message in exc.messages]}
    )
    return problem(request, 422, "Refused", " ".join(str(message) for message in exc.messages), errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found", "No case of this code is yours to see.")


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, "Not allowed")


@api.exception_handler(ConcurrentEditError)
def on_concurrent(request: HttpRequest, exc: ConcurrentEditError) -> HttpResponse:
    return problem(request, 409, "Changed meanwhile", "The case was changed by someone else; send the event again.")


# --- Events in ---------------------------------------------------------------------------------


class EventResult(Schema):
    kind: str
    replayed: bool
    result: dict[str, Any]


class EventBody(Schema):
    idempotency_key: str | None = Field(None, pattern=KEY, description="Or the Idempotency-Key header.")


class IntakeEvent(EventBody):
    first_name: str = Field(min_length=1, max_length=100, pattern=TEXT)
    last_name: str = Field(min_length=1, max_length=100, pattern=TEXT)
    birth_date: Day
    national_id: str = Field("", max_length=20, pattern=r"^[0-9 -]*$")
    home_municipality: str = Field(min_length=1, max_length=100, pattern=TEXT)
    legal_status: LegalStatus
    intake_date: Day
    unit: str = Field("", max_length=100, pattern=TEXT)
    sentence_start: Day | None = None
    sentence_years: int = Field(0, ge=0, le=100)
    sentence_months: int = Field(0, ge=0, le=1200)
    sentence_days: int | None = Field(None, ge=0, le=36600)
    remand_days: int = Field(0, ge=0, le=36600)
    isolation_days: int = Field(0, ge=0, le=36600)
    expected_release: Day | None = None
    contact_officer: str = Field(pattern=USERNAME, description="The officer of your prison who leads the case.")


class ExpectedReleaseEvent(EventBody):
    case_code: str = Field(pattern=CODE)
    expected_release: Day | None


class ReleasedEvent(EventBody):
    case_code: str = Field(pattern=CODE)
    released_on: Day
    reason: str = Field("", max_length=1000, pattern=TEXT, description="Needed for a release at short notice.")


class TransferredEvent(EventBody):
    case_code: str = Field(pattern=CODE)
    on: Day
    to_prison: str = Field("", max_length=200, pattern=TEXT, description="The receiving prison's name; empty: a unit.")
    to_unit: str = Field("", max_length=100, pattern=TEXT)
    reason: str = Field("", max_length=1000, pattern=TEXT)


KeyHeader = Header(None, alias="Idempotency-Key", pattern=KEY)
EVENTS = BearerToken(Scope.EVENTS_WRITE)
EVENT_RESPONSES: dict[int, Any] = {200: EventResult, **PROBLEMS}


def _key(header: str | None, body: EventBody) -> str:
    key = header or body.idempotency_key
    if not key:
        raise ApiProblem(422, "No idempotency key", "Send the Idempotency-Key header or the idempotency_key field.")
    return key


def _receive(request: HttpRequest, kind: str, key: str, body: EventBody, apply: Any) -> EventResult:
    caller: Caller = request.auth  # type: ignore[attr-defined]  # set by ninja from BearerToken
    fields = body.model_dump(mode="json", exclude={"idempotency_key"})
    try:
        outcome = services.event_receive(client=caller.client, key=key, kind=kind, body=fields, apply=apply)
    except services.KeyReused as reused:
        raise ApiProblem(409, "Key used before", "This idempotency key came with another event.") from reused
    return EventResult(kind=kind, replayed=outcome.replayed, result=outcome.result)


def _event_case(request: HttpRequest, code: str) -> Case:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    case = rules.event_case(caller.client, code)
    if case is None:
        raise Http404
    return case


@api.post("/events/intake", auth=EVENTS, response=EVENT_RESPONSES, url_name="event_intake", tags=["events"])
def event_intake(request: HttpRequest, body: IntakeEvent, idempotency_key: str | None = KeyHeader) -> EventResult:
    """An intake registered: the case is opened, and its lead handed to the officer named."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    data = IntakeData(
        first_name=body.first_name,
        last_name=body.last_name,
        birth_date=body.birth_date,
        national_id=body.national_id,
        home_municipality=body.home_municipality,
        legal_status=body.legal_status,
        intake_date=body.intake_date,
        unit=body.unit,
        sentence_start=body.sentence_start,
        sentence_years=body.sentence_years,
        sentence_months=body.sentence_months,
        sentence_days=body.sentence_days,
        remand_days=body.remand_days,
        isolation_days=body.isolation_days,
        expected_release=body.expected_release,
    )

    def apply(actor: User) -> dict[str, Any]:
        return services.intake_register(
            actor=actor, client=caller.client, data=data, contact_officer=body.contact_officer
        )

    return _receive(request, EventKind.INTAKE, _key(idempotency_key, body), body, apply)


@api.post(
    "/events/expected-release",
    auth=EVENTS,
    response=EVENT_RESPONSES,
    url_name="event_expected_release",
    tags=["events"],
)
def event_expected_release(
    request: HttpRequest, body: ExpectedReleaseEvent, idempotency_key: str | None = KeyHeader
) -> EventResult:
    """The expected release date changed (or is no longer known: null)."""
    key = _key(idempotency_key, body)

    def apply(actor: User) -> dict[str, Any]:
        case = _event_case(request, body.case_code)
        return services.expected_release_change(actor=actor, case=case, expected_release=body.expected_release)

    return _receive(request, EventKind.EXPECTED_RELEASE, key, body, apply)


@api.post("/events/released", auth=EVENTS, response=EVENT_RESPONSES, url_name="event_released", tags=["events"])
def event_released(request: HttpRequest, body: ReleasedEvent, idempotency_key: str | None = KeyHeader) -> EventResult:
    """The person was released: the planned release is completed, or one at short notice recorded."""
    key = _key(idempotency_key, body)

    def apply(actor: User) -> dict[str, Any]:
        case = _event_case(request, body.case_code)
        return services.release_record(actor=actor, case=case, on=body.released_on, reason=body.reason)

    return _receive(request, EventKind.RELEASED, key, body, apply)


@api.post("/events/transferred", auth=EVENTS, response=EVENT_RESPONSES, url_name="event_transferred", tags=["events"])
def event_transferred(
    request: HttpRequest, body: TransferredEvent, idempotency_key: str | None = KeyHeader
) -> EventResult:
    """The person moved (or will move) to another prison or unit: planned, and done once the lead is handed."""
    key = _key(idempotency_key, body)

    def apply(actor: User) -> dict[str, Any]:
        case = _event_case(request, body.case_code)
        return services.transfer_record(
            actor=actor, case=case, on=body.on, to_prison=body.to_prison, to_unit=body.to_unit, reason=body.reason
        )

    return _receive(request, EventKind.TRANSFERRED, key, body, apply)


# --- Acknowledgements in, from NAV and the municipality --------------------------------------------

NOTICES = BearerToken(Scope.NOTICES_ACKNOWLEDGE)


class NoticeAcknowledgedEvent(EventBody):
    notice_id: int = Field(
        ge=1, le=2**31 - 1, description="The number the notice was sent with (Idempotency-Key notice-<number>)."
    )
    acknowledged_at: datetime.datetime | None = Field(None, description="When it was read; empty: now.")


@api.post(
    "/events/notice-acknowledged",
    auth=NOTICES,
    response=EVENT_RESPONSES,
    url_name="event_notice_acknowledged",
    tags=["events"],
)
def event_notice_acknowledged(
    request: HttpRequest, body: NoticeAcknowledgedEvent, idempotency_key: str | None = KeyHeader
) -> EventResult:
    """The agency a release notice was sent to acknowledges it; another agency's notice is not found."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    key = _key(idempotency_key, body)
    at = body.acknowledged_at or timezone.now()
    if timezone.is_naive(at):
        raise ApiProblem(422, "Invalid request", "Give the time with its offset from UTC.")

    def apply(actor: User) -> dict[str, Any]:
        try:
            notice = acknowledge(notice_id=body.notice_id, agency=caller.client.agency, at=at)
        except Notice.DoesNotExist as missing:
            raise ApiProblem(404, "Not found", "No notice of this number was sent to your agency.") from missing
        return {
            "notice_id": notice.pk,
            "acknowledged_at": at.isoformat() if notice.acknowledged_at is None else notice.acknowledged_at.isoformat(),
        }

    return _receive(request, EventKind.NOTICE_ACKNOWLEDGED, key, body, apply)


# --- Reads out, for a member of the group ----------------------------------------------------------

READS = BearerToken(Scope.CASES_READ)
ActingFor = Header(None, alias="X-Acting-For", pattern=USERNAME)


class CaseItem(Schema):
    code: str
    person: str
    stage: str


class NeedItem(Schema):
    life_area: str
    status: str
    acute: bool


class MemberItem(Schema):
    name: str
    role: str
    agency: str | None


class CaseDetail(Schema):
    code: str
    person: str
    stage: str
    institution: str
    intake_date: datetime.date | None = Field(description="Null if the member does not see the case's facts.")
    expected_release: datetime.date | None = Field(description="Null if unknown or not the member's to see.")
    released_on: datetime.date | None
    needs: list[NeedItem] | None = Field(description="Null if the member does not see the needs.")
    group: list[MemberItem] | None = Field(description="Null if the member does not see the group.")


def _member(request: HttpRequest, acting_for: str | None) -> User:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    username = acting_for or caller.claims.acting_for
    member = rules.acting_member(caller.client, username or "")
    if member is None:
        raise ApiProblem(
            403, "No member to act for", "Name a member of your own agency in X-Acting-For or the token's act claim."
        )
    return member


def _detail(access: CaseAccess) -> CaseDetail:
    case = access.case
    needs = None
    if access.can(Ability.VIEW_NEEDS):
        needs = [
            NeedItem(life_area=str(need.life_area), status=need.status, acute=need.acute)
            for need in Need.objects.filter(case=case).filter(access.needs_filter).select_related("life_area")
        ]
    group = None
    if access.sees_group:
        group = [
            MemberItem(
                name=member.user.display_name, role=member.role, agency=member.agency.name if member.agency else None
            )
            for member in Membership.objects.filter(membership_is_current(), case=case).select_related("user", "agency")
        ]
    return CaseDetail(
        code=case.code,
        person=f"{case.person.first_name} {case.person.last_name}",
        stage=case.stage,
        institution=case.institution.name,
        intake_date=case.intake_date if access.sees_case_facts else None,
        expected_release=case.expected_release if access.sees_release_date else None,
        released_on=case.released_on if access.sees_release_date else None,
        needs=needs,
        group=group,
    )


@api.get("/cases", auth=READS, response={200: list[CaseItem], **PROBLEMS}, url_name="cases", tags=["reads"])
def cases(request: HttpRequest, acting_for: str | None = ActingFor) -> list[CaseItem]:
    """The cases the member sees, as in their own list; each listed case an access event the person sees."""
    member = _member(request, acting_for)
    listed = list(cases_visible_to(member).select_related("person").order_by("code")[:500])
    if listed:
        record_access(
            viewer=member, case_ids=[case.pk for case in listed], purpose=AccessPurpose.CASELOAD, view="api:cases"
        )
    return [
        CaseItem(code=case.code, person=f"{case.person.first_name} {case.person.last_name}", stage=case.stage)
        for case in listed
    ]


@api.get("/cases/{code}", auth=READS, response={200: CaseDetail, **PROBLEMS}, url_name="case", tags=["reads"])
def case(
    request: HttpRequest, code: Annotated[str, Path(pattern=CODE)], acting_for: str | None = ActingFor
) -> CaseDetail:
    """One case as the member sees it (``access.policy``); the read is an access event the person sees."""
    member = _member(request, acting_for)
    return _detail(case_for_user(member, code, Ability.VIEW_CASE, "api:case"))
