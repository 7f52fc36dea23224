"""Exchange the directory as Open Referral HSDS 3.0 JSON (issue 21, point 6).

The export is one page of the HSDS 3.0 API's service list (``total_items`` ... ``contents``),
each service with its organization, service areas, service_at_locations (each with its location
and address), phones, schedules, contacts and attributes (our life areas as taxonomy terms). What
HSDS has no field for (inside or outside the walls, the country, the source) is kept under
``x_overgang``.

The import takes the same shape. Each record is checked before anything is written
(``check_record``: the fields HSDS 3.0 requires and their kinds, the enumerations, identifiers as
UUIDs, known taxonomy terms); a record that fails is reported with its reasons and skipped, the
others are written. A record is matched by its ``id``: a new one is created, a changed one updated,
an unchanged one left alone, so importing the same file twice changes nothing the second time.

Every record is first validated against Open Referral's HSDS 3.0 JSON schema for a service
(``directory/hsds_schema/compiled/service.json``, vendored from the specification's tag v3.0 with
its licence; see the README there), then against our own rules (``check_record``).
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import QuerySet
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs pinned

from accounts.models import User
from directory.models import (
    Contact,
    Location,
    LocationType,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Setting,
    TaxonomyTerm,
)
from directory.text import search_text
from journal.services import record_change, record_changes

HSDS_VERSION = "3.0"
SERVICE_SCHEMA = Path(__file__).resolve().parent / "hsds_schema" / "compiled" / "service.json"
ATTRIBUTE_NAMESPACE = uuid.UUID("6f1f9f7e-3a2b-4c55-9c1e-0b7a3c5d2e10")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _time(value: datetime.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _term(term: TaxonomyTerm) -> dict[str, Any]:
    return {
        "id": str(term.id),
        "code": term.code,
        "name": term.name,
        "description": term.name,
        "parent_id": str(term.parent_id) if term.parent_id else None,
        "taxonomy": term.taxonomy,
        "language": "nb",
    }


def _without_none(value: Any) -> Any:
    """HSDS 3.0 leaves out an optional field that has no value (the schema refuses null)."""
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def service_record(service: Service) -> dict[str, Any]:
    """One service as HSDS 3.0 JSON; the service's relations must be prefetched (``export``)."""
    return _without_none(_service_record(service))


def _service_record(service: Service) -> dict[str, Any]:
    organization = service.organization
    sid = str(service.id)
    return {
        "id": sid,
        "name": service.name,
        "alternate_name": service.alternate_name,
        "description": service.description,
        "url": service.url or None,
        "email": service.email or None,
        "status": service.status,
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "eligibility_description": service.eligibility_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "assured_date": _day(service.last_verified),
        "organization": {
            "id": str(organization.id),
            "name": organization.name,
            "alternate_name": organization.alternate_name,
            "description": organization.description,
            "email": organization.email or None,
            "website": organization.website or None,
            "legal_status": organization.legal_status,
        },
        "service_areas": [
            {"id": str(area.id), "service_id": sid, "name": area.name, "description": area.description}
            for area in service.service_areas.all()
        ],
        "service_at_locations": [
            {
                "id": str(link.id),
                "service_id": sid,
                "location_id": str(link.location_id),
                "description": link.description,
                "location": _location(link.location),
            }
            for link in service.service_at_locations.all()
        ],
        "phones": [
            {"id": str(p.id), "service_id": sid, "number": p.number, "type": p.type, "description": p.description}
            for p in service.phones.all()
        ],
        "schedules": [
            {
                "id": str(s.id),
                "service_id": sid,
                "freq": s.freq,
                "byday": s.byday,
                "opens_at": _time(s.opens_at),
                "closes_at": _time(s.closes_at),
                "valid_from": _day(s.valid_from),
                "valid_to": _day(s.valid_to),
                "description": s.description,
            }
            for s in service.schedules.all()
        ],
        "contacts": [
            {
                "id": str(c.id),
                "service_id": sid,
                "name": c.name,
                "title": c.title,
                "department": c.department,
                "email": c.email or None,
            }
            for c in service.contacts.all()
        ],
        "attributes": [
            {
                "id": str(uuid.uuid5(ATTRIBUTE_NAMESPACE, f"{sid}:{term.id}")),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": str(term.id),
                "taxonomy_term": _term(term),
            }
            for term in sorted(service.taxonomy_terms.all(), key=lambda t: t.code)
        ],
        "x_overgang": {"setting": service.setting, "country": service.country, "source": service.source},
    }


def _location(location: Location) -> dict[str, Any]:
    lid = str(location.id)
    return {
        "id": lid,
        "location_type": location.location_type,
        "organization_id": str(location.organization_id) if location.organization_id else None,
        "name": location.name,
        "description": location.description,
        "transportation": location.transportation,
        "url": location.url or None,
        "latitude": float(location.latitude) if location.latitude is not None else None,
        "longitude": float(location.longitude) if location.longitude is not None else None,
        "addresses": [
            {
                "id": str(uuid.uuid5(ATTRIBUTE_NAMESPACE, f"address:{lid}")),
                "location_id": lid,
                "address_1": location.address_1,
                "city": location.city,
                # Required by HSDS 3.0; Norway and Denmark have no state or province in an address.
                "state_province": "",
                "postal_code": location.postal_code,
                "country": location.country,
                "address_type": "physical",
            }
        ],
    }


def _exported() -> QuerySet[Service]:
    """The services with all that their records hold, in a fixed number of queries."""
    return (
        Service.objects.select_related("organization")
        .prefetch_related(
            "service_areas",
            "service_at_locations__location",
            "phones",
            "schedules",
            "contacts",
            "taxonomy_terms__life_area",
            "taxonomy_terms__tangle",
        )
        .order_by("name", "id")
    )


def export() -> dict[str, Any]:
    """The whole directory as one page of the HSDS 3.0 service list."""
    contents = [service_record(service) for service in _exported()]
    return {
        "hsds_version": HSDS_VERSION,
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


# ---------------------------------------------------------------------------------------
# The import


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_items(record: dict[str, Any], key: str, required: Iterable[str], errors: list[str]) -> None:
    items = record.get(key, [])
    if not isinstance(items, list):
        errors.append(f"{key}: must be a list")
        return
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(f"{key}[{index}]: must be an object")
            continue
        if not _is_uuid(item.get("id")):
            errors.append(f"{key}[{index}].id: must be a UUID")
        for name in required:
            if not isinstance(item.get(name), str) or not item[name].strip():
                errors.append(f"{key}[{index}].{name}: required")


@cache
def _limits(model: Any) -> dict[str, int]:
    """The longest text each of the model's fields holds (PostgreSQL refuses longer; SQLite would not)."""
    return {
        field.name: field.max_length
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField) and field.max_length
    }


def _check_lengths(model: Any, item: Any, where: str, errors: list[str]) -> None:
    if not isinstance(item, dict):
        return
    for name, limit in _limits(model).items():
        value = item.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors.append(f"{where}{name}: at most {limit} characters")


def _check_all_lengths(record: dict[str, Any], errors: list[str]) -> None:
    _check_lengths(Service, record, "", errors)
    _check_lengths(Organization, record.get("organization"), "organization.", errors)
    for key, model in (
        ("service_areas", ServiceArea),
        ("phones", Phone),
        ("contacts", Contact),
        ("schedules", Schedule),
    ):
        for index, item in enumerate(record.get(key) or []):
            _check_lengths(model, item, f"{key}[{index}].", errors)
    for index, link in enumerate(record.get("service_at_locations") or []):
        location = link.get("location") if isinstance(link, dict) else None
        where = f"service_at_locations[{index}].location."
        _check_lengths(Location, location, where, errors)
        for address in (location.get("addresses") or [])[:1] if isinstance(location, dict) else []:
            _check_lengths(Location, address, f"{where}addresses[0].", errors)


def check_record(record: Any, terms: dict[str, TaxonomyTerm]) -> list[str]:
    """Why this record cannot be imported; empty if it can."""
    if not isinstance(record, dict):
        return ["a service must be an object"]
    errors: list[str] = []
    if not _is_uuid(record.get("id")):
        errors.append("id: must be a UUID")
    for name in ("name", "description"):
        if not isinstance(record.get(name), str) or not record[name].strip():
            errors.append(f"{name}: required")
    if record.get("status") not in ServiceStatus.values:
        errors.append(f"status: one of {', '.join(ServiceStatus.values)}")
    organization = record.get("organization")
    if not isinstance(organization, dict):
        errors.append("organization: required")
    else:
        if not _is_uuid(organization.get("id")):
            errors.append("organization.id: must be a UUID")
        if not isinstance(organization.get("name"), str) or not organization["name"].strip():
            errors.append("organization.name: required")
    for name in ("minimum_age", "maximum_age"):
        value = record.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 150):
            errors.append(f"{name}: a whole number from 0 to 150")
    if record.get("assured_date") is not None:
        try:
            datetime.date.fromisoformat(record["assured_date"])
        except (TypeError, ValueError):
            errors.append("assured_date: a date (YYYY-MM-DD)")
    _check_items(record, "service_areas", ["name"], errors)
    _check_items(record, "phones", ["number"], errors)
    _check_items(record, "contacts", [], errors)
    _check_items(record, "schedules", ["byday", "opens_at", "closes_at"], errors)
    for index, schedule in enumerate(record.get("schedules") or []):
        if isinstance(schedule, dict):
            try:
                opens = datetime.time.fromisoformat(schedule.get("opens_at") or "")
                closes = datetime.time.fromisoformat(schedule.get("closes_at") or "")
                if closes <= opens:
                    errors.append(f"schedules[{index}]: closes_at must be after opens_at")
            except ValueError:
                errors.append(f"schedules[{index}]: opens_at and closes_at as HH:MM")
    _check_items(record, "service_at_locations", [], errors)
    for index, link in enumerate(record.get("service_at_locations") or []):
        location = link.get("location") if isinstance(link, dict) else None
        if not isinstance(location, dict) or not _is_uuid(location.get("id")):
            errors.append(f"service_at_locations[{index}].location: an object with a UUID id")
        elif location.get("location_type") not in LocationType.values:
            errors.append(
                f"service_at_locations[{index}].location.location_type: one of {', '.join(LocationType.values)}"
            )
    _check_items(record, "attributes", [], errors)
    for index, attribute in enumerate(record.get("attributes") or []):
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        code = term.get("code") if isinstance(term, dict) else None
        if code not in terms:
            errors.append(f"attributes[{index}].taxonomy_term: unknown term {code!r}")
    _check_all_lengths(record, errors)
    extension = record.get("x_overgang") or {}
    if not isinstance(extension, dict):
        errors.append("x_overgang: must be an object")
    elif extension.get("setting", Setting.BOTH) not in Setting.values:
        errors.append(f"x_overgang.setting: one of {', '.join(Setting.values)}")
    return errors


@cache
def service_validator() -> Draft202012Validator:
    """The vendored HSDS 3.0 schema of one service (self-contained, no ``$ref``), its formats checked too."""
    schema = json.loads(SERVICE_SCHEMA.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(record: Any) -> list[str]:
    """Where this record breaks the HSDS 3.0 service schema; empty if it does not."""
    errors = sorted(service_validator().iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path])
    return [
        f"HSDS 3.0 schema: {'.'.join(str(p) for p in error.absolute_path) or 'record'}: {error.message}"
        for error in errors
    ]


@dataclass
class ImportReport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, list[str]]] = field(default_factory=list)


def _differs(obj: Any, values: dict[str, Any]) -> list[str]:
    """The names of ``values`` that ``obj`` holds otherwise."""
    return [name for name, value in values.items() if getattr(obj, name) != value]


def _rows_differ(rows: Iterable[Any], wanted: dict[str, dict[str, Any]]) -> bool:
    """Whether ``rows`` are otherwise than ``wanted`` (by id)."""
    held = {str(row.id): row for row in rows}
    return held.keys() != wanted.keys() or any(_differs(held[key], values) for key, values in wanted.items())


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``obj``; whether any of them differed from what it held."""
    differ = _differs(obj, values)
    for name in differ:
        setattr(obj, name, values[name])
    return bool(differ)


@dataclass
class _Batch:
    """What a batch of records already has in the database, read in one query per table.

    The records are then compared and written without a read each: a record the database already
    holds exactly costs no query at all. An organization or location the batch creates joins it, so
    the next record naming it finds it.
    """

    organizations: dict[str, Organization]
    locations: dict[str, Location]
    services: dict[str, Service]

    @classmethod
    def read(cls, records: list[dict[str, Any]]) -> _Batch:
        locations = [link["location"]["id"] for record in records for link in record.get("service_at_locations") or []]
        services = (
            Service.objects.filter(id__in=[record["id"] for record in records])
            .prefetch_related("service_areas", "phones", "contacts", "schedules", "service_at_locations")
            .prefetch_related("taxonomy_terms")
        )
        return cls(
            organizations={
                str(key): row
                for key, row in Organization.objects.in_bulk([r["organization"]["id"] for r in records]).items()
            },
            locations={str(key): row for key, row in Location.objects.in_bulk(locations).items()},
            services={str(service.id): service for service in services},
        )

    def forget(self, record: dict[str, Any]) -> None:
        """A record's writes were rolled back: read its organization and locations again as they now stand."""
        self.services.pop(record["id"], None)
        org = record["organization"]["id"]
        self.organizations.pop(org, None)
        if (row := Organization.objects.filter(id=org).first()) is not None:
            self.organizations[org] = row
        for link in record.get("service_at_locations") or []:
            key = link["location"]["id"]
            self.locations.pop(key, None)
            if (location := Location.objects.filter(id=key).first()) is not None:
                self.locations[key] = location


def _sync_children(model: Any, service: Service, existing: Iterable[Any], wanted: dict[str, dict[str, Any]]) -> bool:
    """Make the service's rows of ``model`` (``existing``) exactly ``wanted`` (by id); whether anything changed."""
    rows = {str(row.id): row for row in existing}
    gone = [row.pk for key, row in rows.items() if key not in wanted]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    new = [model(id=uuid.UUID(key), service=service, **values) for key, values in wanted.items() if key not in rows]
    if new:
        model.objects.bulk_create(new)
    changed = bool(gone or new)
    for key, values in wanted.items():
        row = rows.get(key)
        if row is not None and _assign(row, values):
            row.save(update_fields=list(values))
            changed = True
    return changed


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return None


def _date(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _organization_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "alternate_name": _text(data.get("alternate_name")),
        "description": _text(data.get("description")),
        "email": _text(data.get("email")),
        "website": _text(data.get("website")),
        "legal_status": _text(data.get("legal_status")),
    }


def _location_values(data: dict[str, Any], organization: Organization, country: str) -> dict[str, Any]:
    address = (data.get("addresses") or [{}])[0] or {}
    return {
        "organization_id": organization.id,
        "location_type": data["location_type"],
        "name": _text(data.get("name")),
        "description": _text(data.get("description")),
        "transportation": _text(data.get("transportation")),
        "url": _text(data.get("url")),
        "latitude": _decimal(data.get("latitude")),
        "longitude": _decimal(data.get("longitude")),
        "address_1": _text(address.get("address_1")),
        "city": _text(address.get("city")),
        "postal_code": _text(address.get("postal_code")),
        "country": _text(address.get("country")) or country,
    }


def _upsert(
    model: Any, key: str, values: dict[str, Any], held: dict[str, Any], new: list[Any] | None
) -> tuple[Any, bool]:
    """The row ``key`` of ``held`` (what the batch read), created or brought up to ``values``; whether it was written.

    A row to create joins ``held``, so the next record naming it finds it; with ``new``, it is put
    there for one INSERT of them all instead of being saved now."""
    row = held.get(key)
    if row is None:
        row = held[key] = model(id=uuid.UUID(key), **values)
        if new is None:
            row.save(force_insert=True)
        else:
            new.append(row)
        return row, True
    if _assign(row, values):
        row.save(update_fields=list(values))
        return row, True
    return row, False


def _import_organization(
    record: dict[str, Any], batch: _Batch, new: list[Organization] | None = None
) -> tuple[Organization, bool]:
    """The record's organization, created or brought up to date; whether it was written."""
    data = record["organization"]
    return _upsert(Organization, data["id"], _organization_values(data), batch.organizations, new)


def _import_location(
    data: dict[str, Any], organization: Organization, country: str, batch: _Batch, new: list[Location] | None = None
) -> tuple[Location, bool]:
    """A location of the record, created or brought up to date; whether it was written."""
    return _upsert(Location, data["id"], _location_values(data, organization, country), batch.locations, new)


def _service_values(record: dict[str, Any], terms: dict[str, TaxonomyTerm]) -> dict[str, Any]:
    """The service's fields as the record gives them (without its organization and searchable text)."""
    extension = record.get("x_overgang") or {}
    return {
        "organization_id": uuid.UUID(record["organization"]["id"]),
        "name": record["name"],
        "alternate_name": _text(record.get("alternate_name")),
        "description": record["description"],
        "url": _text(record.get("url")),
        "email": _text(record.get("email")),
        "status": record["status"],
        "application_process": _text(record.get("application_process")),
        "fees_description": _text(record.get("fees_description")),
        "eligibility_description": _text(record.get("eligibility_description")),
        "minimum_age": record.get("minimum_age"),
        "maximum_age": record.get("maximum_age"),
        "last_verified": _date(record.get("assured_date")),
        "setting": extension.get("setting", Setting.BOTH),
        "country": extension.get("country", "NO"),
        "source": _text(extension.get("source")),
    }


def _children(record: dict[str, Any]) -> dict[Any, dict[str, dict[str, Any]]]:
    """The service's rows of each child table as the record gives them, by id."""
    return {
        ServiceArea: {
            a["id"]: {"name": a["name"], "description": _text(a.get("description"))}
            for a in record.get("service_areas") or []
        },
        Phone: {
            p["id"]: {
                "number": p["number"],
                "type": _text(p.get("type")) or "voice",
                "description": _text(p.get("description")),
            }
            for p in record.get("phones") or []
        },
        Contact: {
            c["id"]: {
                "name": _text(c.get("name")),
                "title": _text(c.get("title")),
                "department": _text(c.get("department")),
                "email": _text(c.get("email")),
            }
            for c in record.get("contacts") or []
        },
        Schedule: {
            s["id"]: {
                "freq": _text(s.get("freq")) or "WEEKLY",
                "byday": s["byday"],
                "opens_at": datetime.time.fromisoformat(s["opens_at"]),
                "closes_at": datetime.time.fromisoformat(s["closes_at"]),
                "valid_from": _date(s.get("valid_from")),
                "valid_to": _date(s.get("valid_to")),
                "description": _text(s.get("description")),
            }
            for s in record.get("schedules") or []
        },
    }


#: Each child table by the name of its rows on a service.
CHILD_TABLES = {ServiceArea: "service_areas", Phone: "phones", Contact: "contacts", Schedule: "schedules"}


def _terms(record: dict[str, Any], terms: dict[str, TaxonomyTerm]) -> set[TaxonomyTerm]:
    return {terms[a["taxonomy_term"]["code"]] for a in record.get("attributes") or []}


def _search_text(record: dict[str, Any], organization: Organization, wanted_terms: set[TaxonomyTerm]) -> str:
    """In the order ``directory.services.service_search_text`` reads them: areas by name, terms by code."""
    return search_text(
        record["name"],
        _text(record.get("alternate_name")),
        record["description"],
        _text(record.get("eligibility_description")),
        _text(record.get("application_process")),
        organization.name,
        *sorted(area["name"] for area in record.get("service_areas") or []),
        *(
            name
            for term in sorted(wanted_terms, key=lambda t: t.code)
            if term.life_area is not None
            for name in (term.life_area.name_nb, term.life_area.name_da, term.life_area.name_en)
        ),
    )


#: The fields are checked (lengths, choices, the e-mail and web address), but not against the
#: database: the organization is written with the record, the id was looked up with the batch, and
#: the two constraints only repeat the choices of status and setting.
SERVICE_CHECKS: dict[str, Any] = {"exclude": ["organization"], "validate_unique": False, "validate_constraints": False}


def _holds(record: dict[str, Any], terms: dict[str, TaxonomyTerm], batch: _Batch) -> bool:
    """Whether the database holds this record exactly, as its batch read it: then nothing is written."""
    service = batch.services.get(record["id"])
    organization = batch.organizations.get(record["organization"]["id"])
    if service is None or organization is None:
        return False
    values = _service_values(record, terms)
    if _differs(organization, _organization_values(record["organization"])) or _differs(service, values):
        return False
    if any(_rows_differ(getattr(service, CHILD_TABLES[m]).all(), wanted) for m, wanted in _children(record).items()):
        return False
    links: dict[str, dict[str, Any]] = {}
    for link in record.get("service_at_locations") or []:
        location = batch.locations.get(link["location"]["id"])
        if location is None or _differs(location, _location_values(link["location"], organization, values["country"])):
            return False
        links[link["id"]] = {"location_id": location.id, "description": _text(link.get("description"))}
    return not _rows_differ(service.service_at_locations.all(), links) and set(service.taxonomy_terms.all()) == _terms(
        record, terms
    )


def _import_one(record: dict[str, Any], terms: dict[str, TaxonomyTerm], actor: User, batch: _Batch) -> str:
    """Write one checked record against what its batch read; "created", "changed" or "unchanged"."""
    organization, touched = _import_organization(record, batch)
    values = _service_values(record, terms)
    wanted_terms = _terms(record, terms)
    text = _search_text(record, organization, wanted_terms)
    service = batch.services.get(record["id"])
    created = service is None
    old_version = None if service is None else service.version
    if service is None:
        service = Service(id=uuid.UUID(record["id"]), search_text=text, **values)
        service.full_clean(**SERVICE_CHECKS)
        service.save(force_insert=True)
    elif _assign(service, values):
        service.version += 1
        service.full_clean(**SERVICE_CHECKS)
        service.save()
        touched = True

    def existing(name: str) -> Iterable[Any]:
        return () if created else getattr(service, name).all()

    for model, wanted in _children(record).items():
        touched |= _sync_children(model, service, existing(CHILD_TABLES[model]), wanted)
    links: dict[str, dict[str, Any]] = {}
    for link in record.get("service_at_locations") or []:
        location, written = _import_location(link["location"], organization, values["country"], batch)
        touched |= written
        links[link["id"]] = {"location_id": location.id, "description": _text(link.get("description"))}
    touched |= _sync_children(ServiceAtLocation, service, existing("service_at_locations"), links)
    if created:
        Service.taxonomy_terms.through.objects.bulk_create(
            Service.taxonomy_terms.through(service=service, taxonomyterm=term) for term in wanted_terms
        )
    elif set(existing("taxonomy_terms")) != wanted_terms:
        service.taxonomy_terms.set(list(wanted_terms))
        touched = True
    if touched and service.search_text != text:
        service.search_text = text
        service.save(update_fields=["search_text"])
    if created or touched:
        record_change(
            actor=actor,
            action="service.import",
            obj=service,
            case=None,
            old=None if created else {"version": old_version},
            new={"name": service.name, "status": service.status, "version": service.version},
        )
    return "created" if created else ("changed" if touched else "unchanged")


def _create_all(
    records: list[tuple[int, dict[str, Any]]], terms: dict[str, TaxonomyTerm], actor: User, batch: _Batch
) -> tuple[int, list[tuple[int, str, list[str]]]]:
    """Create the batch's new services in one INSERT per table; how many, and the records refused.

    Each service is checked before anything is written; one that fails is refused alone. A clash
    only the database can see (an id a child of another service already has) raises, and the
    caller then writes the batch record by record.
    """
    refused: list[tuple[int, str, list[str]]] = []
    services: list[tuple[dict[str, Any], Service]] = []
    for index, record in records:
        service = Service(id=uuid.UUID(record["id"]), **_service_values(record, terms))
        try:
            service.full_clean(**SERVICE_CHECKS)
        except ValidationError as error:
            refused.append((index, record["id"], _messages(error)))
        else:
            services.append((record, service))
    children: dict[Any, list[Any]] = {model: [] for model in (*CHILD_TABLES, ServiceAtLocation)}
    links = []
    organizations: list[Organization] = []
    locations: list[Location] = []
    for record, service in services:
        organization, _written = _import_organization(record, batch, organizations)
        wanted_terms = _terms(record, terms)
        service.search_text = _search_text(record, organization, wanted_terms)
        for model, wanted in _children(record).items():
            children[model] += [model(id=uuid.UUID(key), service=service, **values) for key, values in wanted.items()]
        for link in record.get("service_at_locations") or []:
            location, _written = _import_location(link["location"], organization, service.country, batch, locations)
            children[ServiceAtLocation].append(
                ServiceAtLocation(
                    id=uuid.UUID(link["id"]),
                    service=service,
                    location_id=location.id,
                    description=_text(link.get("description")),
                )
            )
        links += [Service.taxonomy_terms.through(service=service, taxonomyterm=term) for term in wanted_terms]
    Organization.objects.bulk_create(organizations)
    Location.objects.bulk_create(locations)
    Service.objects.bulk_create([service for _record, service in services])
    for model, rows in children.items():
        model.objects.bulk_create(rows)
    Service.taxonomy_terms.through.objects.bulk_create(links)
    record_changes(
        actor=actor,
        action="service.import",
        changes=[
            (service, None, {"name": service.name, "status": service.status, "version": service.version})
            for _record, service in services
        ],
    )
    return len(services), refused


def _write_batch(
    checked: list[tuple[int, dict[str, Any]]], terms: dict[str, TaxonomyTerm], actor: User, report: ImportReport
) -> None:
    """Write a batch of checked records in one transaction, counting each outcome in ``report``.

    The new services go in together (``_create_all``). If the database refuses that, it is undone
    and every record of the batch is written alone, each in its savepoint, so a clash undoes only
    its own record and is reported with it.
    """
    batch = _Batch.read([record for _index, record in checked])
    new = [(index, record) for index, record in checked if record["id"] not in batch.services]
    with transaction.atomic():
        alone = checked
        if new:
            try:
                with transaction.atomic():
                    created, refused = _create_all(new, terms, actor, batch)
            except (IntegrityError, DataError):
                batch = _Batch.read([record for _index, record in checked])
            else:
                report.created += created
                report.rejected += refused
                alone = [(index, record) for index, record in checked if record["id"] in batch.services]
        for index, record in alone:
            if _holds(record, terms, batch):
                report.unchanged += 1
                continue
            try:
                with transaction.atomic():
                    outcome = _import_one(record, terms, actor, batch)
            except (ValidationError, IntegrityError, DataError) as error:
                report.rejected.append((index, record["id"], _messages(error)))
                batch.forget(record)
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)


def import_services(
    data: Any, *, actor: User, progress: Callable[[int, int], None] | None = None, every: int = 500
) -> ImportReport:
    """Import an HSDS 3.0 service list (``export``'s shape); each record stands or falls alone.

    The records go in batches of ``every``: each batch reads what the database holds of its records
    in one query per table (``_Batch``), then writes in one transaction with a savepoint per
    record, so a rejected record undoes only itself. A record the database holds exactly is
    unchanged without a write. A service that appears twice in the file is rejected the second
    time. ``progress`` hears of each batch done.
    """
    report = ImportReport()
    contents = data.get("contents") if isinstance(data, dict) else data
    if not isinstance(contents, list):
        report.rejected.append((0, "", ["the file holds no list of services (contents)"]))
        return report
    terms = {term.code: term for term in TaxonomyTerm.objects.select_related("life_area")}
    total = len(contents)
    seen: set[str] = set()
    for start in range(0, total, every):
        checked: list[tuple[int, dict[str, Any]]] = []
        for index, record in enumerate(contents[start : start + every], start=start):
            errors = schema_errors(record) or check_record(record, terms)
            if not errors and record["id"] in seen:
                errors = ["id: the file holds this service twice"]
            if errors:
                identifier = str(record.get("id", "")) if isinstance(record, dict) else ""
                report.rejected.append((index, identifier, errors))
                continue
            seen.add(record["id"])
            checked.append((index, record))
        _write_batch(checked, terms, actor, report)
        if progress is not None:
            progress(min(start + every, total), total)
    report.rejected.sort(key=lambda rejected: rejected[0])
    return report


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in error.message_dict.items()]
        return [str(message) for message in error.messages]
    if isinstance(error, DataError):
        return ["a value is too long or out of range for the database"]
    return ["an identifier is already used by another record"]
