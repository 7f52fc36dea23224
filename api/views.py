"""The integration API (issue 23): events in from the prison system, reads out for a group member.

django-ninja builds the OpenAPI 3.1 description (``/api/openapi.json``) and the docs page
(``/api/docs``, Swagger UI from ninja's own static files, no CDN) from these operations.
Every answer other than a success is a JSON problem (RFC 9457 fields: type, title, status,
detail), so a client reads every refusal the same way. Who may call what is decided in
``access.api`` and ``access.policy``; the writes are the existing services (``api.services``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

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
    """An OAuth2 bearer token (a signed JWT) of an active client, carrying the operation's scope (or one of them).

    A batch of events takes a token with any of the events' scopes and checks each event's own.
    """

    def __init__(self, *scopes: str) -> None:
        super().__init__()
        self.scopes = scopes

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        try:
            claims = check(token)
        except TokenError as error:
            raise ApiProblem(401, "Invalid token", str(error)) from error
        client = rules.client_for(claims)
        if client is None:
            raise ApiProblem(401, "Unknown client", "The token's client is not known here, or not active.")
        if not any(rules.has_scope(client, claims, scope) for scope in self.scopes):
            raise ApiProblem(403, "Missing scope", f"This needs the scope {' or '.join(self.scopes)}.")
        return Caller(client, claims)


api = NinjaAPI(
    title="Overgang",
    version="1",
    description=(
        "Events from the prison system (intake, expected release date, release, transfer), each with an"
        " idempotency key, alone or many in one batch, and reads for a member of a responsibility group."
        " Bearer tokens are signed JWTs"
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
    return _respond(request, body)


def _respond(request: HttpRequest, body: Problem) -> HttpResponse:
    response = api.create_response(request, body.model_dump(), status=body.status)
    if body.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="overgang"'
    return response


def refusal(exc: Exception) -> Problem | None:
    """The problem an event's refusal answers with: the same for one event alone and for one in a batch."""
    if isinstance(exc, ApiProblem):
        return Problem(title=exc.title, status=exc.status, detail=exc.detail, errors=exc.errors)
    if isinstance(exc, DjangoValidationError):
        errors = (
            {field: [str(message) for message in messages] for field, messages in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"": [str(message) for message in exc.messages]}
        )
        return Problem(
            title="Refused", status=422, detail=" ".join(str(message) for message in exc.messages), errors=errors
        )
    if isinstance(exc, Http404):
        return Problem(title="Not found", status=404, detail="No case of this code is yours to see.")
    if isinstance(exc, PermissionDenied):
        return Problem(title="Not allowed", status=403)
    if isinstance(exc, ConcurrentEditError):
        return Problem(
            title="Changed meanwhile",
            status=409,
            detail="The case was changed by someone else; send the event again.",
        )
    if isinstance(exc, services.KeyReused):
        return Problem(title="Key used before", status=409, detail="This idempotency key came with another event.")
    return None


@api.exception_handler(ApiProblem)
@api.exception_handler(DjangoValidationError)
@api.exception_handler(Http404)
@api.exception_handler(PermissionDenied)
@api.exception_handler(ConcurrentEditError)
def on_refusal(request: HttpRequest, exc: Exception) -> HttpResponse:
    body = refusal(exc)
    assert body is not None  # registered only for the refusals it knows
    return _respond(request, body)


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


# --- Events in ---------------------------------------------------------------------------------

#: What applying an event does, given the agency's system user as the journal's actor.
Apply = Callable[[User], dict[str, Any]]


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


class NoticeAcknowledgedEvent(EventBody):
    notice_id: int = Field(
        ge=1, le=2**31 - 1, description="The number the notice was sent with (Idempotency-Key notice-<number>)."
    )
    acknowledged_at: datetime.datetime | None = Field(None, description="When it was read; empty: now.")


KeyHeader = Header(None, alias="Idempotency-Key", pattern=KEY)
EVENTS = BearerToken(Scope.EVENTS_WRITE)
NOTICES = BearerToken(Scope.NOTICES_ACKNOWLEDGE)
EVENT_RESPONSES: dict[int, Any] = {200: EventResult, **PROBLEMS}
#: The scope each kind of event needs, alone or in a batch.
EVENT_SCOPES: dict[str, str] = {
    EventKind.INTAKE: Scope.EVENTS_WRITE,
    EventKind.EXPECTED_RELEASE: Scope.EVENTS_WRITE,
    EventKind.RELEASED: Scope.EVENTS_WRITE,
    EventKind.TRANSFERRED: Scope.EVENTS_WRITE,
    EventKind.NOTICE_ACKNOWLEDGED: Scope.NOTICES_ACKNOWLEDGE,
}


def _key(header: str | None, body: EventBody) -> str:
    key = header or body.idempotency_key
    if not key:
        raise ApiProblem(422, "No idempotency key", "Send the Idempotency-Key header or the idempotency_key field.")
    return key


def _caller(request: HttpRequest) -> Caller:
    caller: Caller = request.auth  # type: ignore[attr-defined]  # set by ninja from BearerToken
    return caller


def _fields(body: EventBody) -> dict[str, Any]:
    """The body as its hash covers it: the key and the batch's kind left out, so both ways hash the same."""
    return body.model_dump(mode="json", exclude={"idempotency_key", "kind"})


def _receive(caller: Caller, kind: str, key: str, body: EventBody, apply: Apply) -> EventResult:
    try:
        outcome = services.event_receive(client=caller.client, key=key, kind=kind, body=_fields(body), apply=apply)
    except services.KeyReused as reused:
        raise ApiProblem(409, "Key used before", "This idempotency key came with another event.") from reused
    return EventResult(kind=kind, replayed=outcome.replayed, result=outcome.result)


def _event_case(caller: Caller, code: str) -> Case:
    case = rules.event_case(caller.client, code)
    if case is None:
        raise Http404
    return case


def _intake(caller: Caller, body: IntakeEvent) -> Apply:
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

    return apply


def _expected_release(caller: Caller, body: ExpectedReleaseEvent) -> Apply:
    def apply(actor: User) -> dict[str, Any]:
        case = _event_case(caller, body.case_code)
        return services.expected_release_change(actor=actor, case=case, expected_release=body.expected_release)

    return apply


def _released(caller: Caller, body: ReleasedEvent) -> Apply:
    def apply(actor: User) -> dict[str, Any]:
        case = _event_case(caller, body.case_code)
        return services.release_record(actor=actor, case=case, on=body.released_on, reason=body.reason)

    return apply


def _transferred(caller: Caller, body: TransferredEvent) -> Apply:
    def apply(actor: User) -> dict[str, Any]:
        case = _event_case(caller, body.case_code)
        return services.transfer_record(
            actor=actor, case=case, on=body.on, to_prison=body.to_prison, to_unit=body.to_unit, reason=body.reason
        )

    return apply


def _notice_acknowledged(caller: Caller, body: NoticeAcknowledgedEvent) -> Apply:
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

    return apply


@api.post("/events/intake", auth=EVENTS, response=EVENT_RESPONSES, url_name="event_intake", tags=["events"])
def event_intake(request: HttpRequest, body: IntakeEvent, idempotency_key: str | None = KeyHeader) -> EventResult:
    """An intake registered: the case is opened, and its lead handed to the officer named."""
    caller = _caller(request)
    return _receive(caller, EventKind.INTAKE, _key(idempotency_key, body), body, _intake(caller, body))


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
    caller = _caller(request)
    key = _key(idempotency_key, body)
    return _receive(caller, EventKind.EXPECTED_RELEASE, key, body, _expected_release(caller, body))


@api.post("/events/released", auth=EVENTS, response=EVENT_RESPONSES, url_name="event_released", tags=["events"])
def event_released(request: HttpRequest, body: ReleasedEvent, idempotency_key: str | None = KeyHeader) -> EventResult:
    """The person was released: the planned release is completed, or one at short notice recorded."""
    caller = _caller(request)
    return _receive(caller, EventKind.RELEASED, _key(idempotency_key, body), body, _released(caller, body))


@api.post("/events/transferred", auth=EVENTS, response=EVENT_RESPONSES, url_name="event_transferred", tags=["events"])
def event_transferred(
    request: HttpRequest, body: TransferredEvent, idempotency_key: str | None = KeyHeader
) -> EventResult:
    """The person moved (or will move) to another prison or unit: planned, and done once the lead is handed."""
    caller = _caller(request)
    return _receive(caller, EventKind.TRANSFERRED, _key(idempotency_key, body), body, _transferred(caller, body))


# --- Acknowledgements in, from NAV and the municipality --------------------------------------------


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
    caller = _caller(request)
    key = _key(idempotency_key, body)
    return _receive(caller, EventKind.NOTICE_ACKNOWLEDGED, key, body, _notice_acknowledged(caller, body))


# --- Many events in one request ------------------------------------------------------------------

#: The most events one batch may carry.
BATCH_MAX = 500
BATCH_KEY = Field(pattern=KEY, description="This event's own idempotency key (required in a batch).")


class IntakeItem(IntakeEvent):
    kind: Literal["intake"]
    idempotency_key: str = BATCH_KEY  # required here, optional alone


class ExpectedReleaseItem(ExpectedReleaseEvent):
    kind: Literal["expected_release"]
    idempotency_key: str = BATCH_KEY  # required here, optional alone


class ReleasedItem(ReleasedEvent):
    kind: Literal["released"]
    idempotency_key: str = BATCH_KEY  # required here, optional alone


class TransferredItem(TransferredEvent):
    kind: Literal["transferred"]
    idempotency_key: str = BATCH_KEY  # required here, optional alone


class NoticeAcknowledgedItem(NoticeAcknowledgedEvent):
    kind: Literal["notice_ack"]
    idempotency_key: str = BATCH_KEY  # required here, optional alone


BatchItem = Annotated[
    IntakeItem | ExpectedReleaseItem | ReleasedItem | TransferredItem | NoticeAcknowledgedItem,
    Field(discriminator="kind"),
]
#: How each kind in a batch is applied: as its own endpoint applies it.
APPLIERS: dict[str, Callable[[Caller, Any], Apply]] = {
    EventKind.INTAKE: _intake,
    EventKind.EXPECTED_RELEASE: _expected_release,
    EventKind.RELEASED: _released,
    EventKind.TRANSFERRED: _transferred,
    EventKind.NOTICE_ACKNOWLEDGED: _notice_acknowledged,
}


class EventBatch(Schema):
    events: list[BatchItem] = Field(min_length=1, max_length=BATCH_MAX)


class BatchEventResult(Schema):
    index: int = Field(description="The event's place in the batch, from 0.")
    idempotency_key: str
    kind: str
    status: int = Field(description="200 if applied or replayed; else the status its own endpoint answers with.")
    replayed: bool = Field(description="True if an event came before under this key: nothing changed now.")
    result: dict[str, Any] | None = Field(description="As its own endpoint answers; null if refused.")
    problem: Problem | None = Field(description="Why it was refused; null if applied or replayed.")


class BatchResult(Schema):
    applied: int
    replayed: int
    refused: int
    events: list[BatchEventResult]


BATCH = BearerToken(Scope.EVENTS_WRITE, Scope.NOTICES_ACKNOWLEDGE)


@api.post("/events/batch", auth=BATCH, response={200: BatchResult, **PROBLEMS}, url_name="event_batch", tags=["events"])
def event_batch(request: HttpRequest, body: EventBatch) -> BatchResult:
    """Many events in one request (up to 500), each with its own idempotency key and its own result.

    Each event is applied in order, by the same service as at its own address, with the same
    journal entries, in its own savepoint: one refused leaves nothing behind, and the others
    stand. Each needs the scope its own address needs (events.write; notices.acknowledge for
    an acknowledgement); an event without it is refused (403), as is one about a case of
    another prison (404). The answer is 200 with one result per event, in the batch's order;
    a batch that does not match this description is refused whole (422) and nothing applied.
    """
    caller = _caller(request)
    known = services.received_events(caller.client, [item.idempotency_key for item in body.events])
    system_user: list[User] = []

    def actor() -> User:
        if not system_user:
            system_user.append(services.agency_system_user(caller.client.agency))
        return system_user[0]

    results = []
    for index, item in enumerate(body.events):
        kind, key = item.kind, item.idempotency_key
        answer = BatchEventResult(
            index=index, idempotency_key=key, kind=kind, status=200, replayed=False, result=None, problem=None
        )
        try:
            if not rules.has_scope(caller.client, caller.claims, EVENT_SCOPES[kind]):
                raise ApiProblem(403, "Missing scope", f"This event needs the scope {EVENT_SCOPES[kind]}.")
            apply = APPLIERS[kind](caller, item)
            earlier = known.get(key)
            outcome = services.event_receive(
                client=caller.client,
                key=key,
                kind=kind,
                body=_fields(item),
                apply=apply,
                actor=actor() if earlier is None else None,
                known=known,
            )
        except Exception as exc:
            problem_body = refusal(exc)
            if problem_body is None:
                raise
            answer.status, answer.problem = problem_body.status, problem_body
        else:
            answer.replayed, answer.result = outcome.replayed, outcome.result
        results.append(answer)
    return BatchResult(
        applied=sum(1 for answer in results if answer.status == 200 and not answer.replayed),
        replayed=sum(1 for answer in results if answer.replayed),
        refused=sum(1 for answer in results if answer.status != 200),
        events=results,
    )


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
