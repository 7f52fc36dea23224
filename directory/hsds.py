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
from django.db import IntegrityError, transaction
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
from journal.services import record_change

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


def _canonical(value: Any) -> Any:
    """The record with each list of objects in the order of their ids, to compare two records."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_canonical(item) for item in value]
        if all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in items):
            return sorted(items, key=lambda item: item["id"])
        return items
    return value


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
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            errors.append(f"{name}: a whole number")
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
    extension = record.get("x_overgang") or {}
    if extension.get("setting", Setting.BOTH) not in Setting.values:
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


def _sync_children(model: Any, service: Service, wanted: dict[str, dict[str, Any]]) -> bool:
    """Make the service's rows of ``model`` exactly ``wanted`` (by id); whether anything changed."""
    changed = False
    existing = {str(row.id): row for row in model.objects.filter(service=service)}
    for key, row in existing.items():
        if key not in wanted:
            row.delete()
            changed = True
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            model.objects.create(id=uuid.UUID(key), service=service, **values)
            changed = True
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            changed = True
    return changed


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return None


def _import_one(record: dict[str, Any], terms: dict[str, TaxonomyTerm], actor: User) -> str:
    """Write one checked record; "created", "changed" or "unchanged"."""
    org_data = record["organization"]
    organization, org_created = Organization.objects.get_or_create(
        id=uuid.UUID(org_data["id"]), defaults={"name": org_data["name"]}
    )
    org_values = {
        "name": org_data["name"],
        "alternate_name": _text(org_data.get("alternate_name")),
        "description": _text(org_data.get("description")),
        "email": _text(org_data.get("email")),
        "website": _text(org_data.get("website")),
        "legal_status": _text(org_data.get("legal_status")),
    }
    touched = org_created
    if any(getattr(organization, name) != value for name, value in org_values.items()):
        for name, value in org_values.items():
            setattr(organization, name, value)
        organization.save()
        touched = True
    extension = record.get("x_overgang") or {}
    values = {
        "organization": organization,
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
        "last_verified": datetime.date.fromisoformat(record["assured_date"]) if record.get("assured_date") else None,
        "setting": extension.get("setting", Setting.BOTH),
        "country": extension.get("country", "NO"),
        "source": _text(extension.get("source")),
    }
    service = Service.objects.filter(id=uuid.UUID(record["id"])).first()
    created = service is None
    if service is None:
        service = Service(id=uuid.UUID(record["id"]), **values)
        service.full_clean(exclude=["search_text"])
        service.save()
    elif any(getattr(service, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(service, name, value)
        service.version += 1
        service.full_clean(exclude=["search_text"])
        service.save()
        touched = True
    touched |= _sync_children(
        ServiceArea,
        service,
        {
            a["id"]: {"name": a["name"], "description": _text(a.get("description"))}
            for a in record.get("service_areas") or []
        },
    )
    touched |= _sync_children(
        Phone,
        service,
        {
            p["id"]: {
                "number": p["number"],
                "type": _text(p.get("type")) or "voice",
                "description": _text(p.get("description")),
            }
            for p in record.get("phones") or []
        },
    )
    touched |= _sync_children(
        Contact,
        service,
        {
            c["id"]: {
                "name": _text(c.get("name")),
                "title": _text(c.get("title")),
                "department": _text(c.get("department")),
                "email": _text(c.get("email")),
            }
            for c in record.get("contacts") or []
        },
    )
    touched |= _sync_children(
        Schedule,
        service,
        {
            s["id"]: {
                "freq": _text(s.get("freq")) or "WEEKLY",
                "byday": s["byday"],
                "opens_at": datetime.time.fromisoformat(s["opens_at"]),
                "closes_at": datetime.time.fromisoformat(s["closes_at"]),
                "valid_from": datetime.date.fromisoformat(s["valid_from"]) if s.get("valid_from") else None,
                "valid_to": datetime.date.fromisoformat(s["valid_to"]) if s.get("valid_to") else None,
                "description": _text(s.get("description")),
            }
            for s in record.get("schedules") or []
        },
    )
    for link in record.get("service_at_locations") or []:
        data = link["location"]
        address = (data.get("addresses") or [{}])[0] or {}
        location_values = {
            "organization": organization,
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
            "country": _text(address.get("country")) or values["country"],
        }
        location = Location.objects.filter(id=uuid.UUID(data["id"])).first()
        if location is None:
            location = Location.objects.create(id=uuid.UUID(data["id"]), **location_values)
            touched = True
        elif any(getattr(location, name) != value for name, value in location_values.items()):
            for name, value in location_values.items():
                setattr(location, name, value)
            location.save()
            touched = True
        if not ServiceAtLocation.objects.filter(service=service, location=location).exists():
            ServiceAtLocation.objects.create(
                id=uuid.UUID(link["id"]), service=service, location=location, description=_text(link.get("description"))
            )
            touched = True
    wanted_terms = {terms[a["taxonomy_term"]["code"]] for a in record.get("attributes") or []}
    if set(service.taxonomy_terms.all()) != wanted_terms:
        service.taxonomy_terms.set(list(wanted_terms))
        touched = True
    if created or touched:
        service.search_text = search_text(
            service.name,
            service.alternate_name,
            service.description,
            service.eligibility_description,
            service.application_process,
            organization.name,
            *service.service_areas.values_list("name", flat=True),
            *(
                name
                for term in service.taxonomy_terms.select_related("life_area")
                if term.life_area is not None
                for name in (term.life_area.name_nb, term.life_area.name_da, term.life_area.name_en)
            ),
        )
        service.save(update_fields=["search_text"])
        record_change(
            actor=actor,
            action="service.import",
            obj=service,
            case=None,
            old=None if created else {"version": service.version},
            new={"name": service.name, "status": service.status},
        )
    return "created" if created else ("changed" if touched else "unchanged")


def import_services(
    data: Any, *, actor: User, progress: Callable[[int, int], None] | None = None, every: int = 500
) -> ImportReport:
    """Import an HSDS 3.0 service list (``export``'s shape); each record stands or falls alone.

    The records go in batches of ``every``, one transaction each with a savepoint per record, so a
    rejected record undoes only itself (and a database is not synced once per record). A record
    that reads exactly as its service exports today is unchanged without a write; any other goes
    through ``_import_one``, which also finds it unchanged if only its form differs (an empty
    field left out, say). ``progress`` hears of each batch done.
    """
    report = ImportReport()
    contents = data.get("contents") if isinstance(data, dict) else data
    if not isinstance(contents, list):
        report.rejected.append((0, "", ["the file holds no list of services (contents)"]))
        return report
    terms = {term.code: term for term in TaxonomyTerm.objects.all()}
    total = len(contents)
    for start in range(0, total, every):
        batch = contents[start : start + every]
        ids = [record["id"] for record in batch if isinstance(record, dict) and _is_uuid(record.get("id"))]
        current = {str(service.id): _canonical(service_record(service)) for service in _exported().filter(id__in=ids)}
        with transaction.atomic():
            for index, record in enumerate(batch, start=start):
                errors = schema_errors(record) or check_record(record, terms)
                if errors:
                    identifier = str(record.get("id", "")) if isinstance(record, dict) else ""
                    report.rejected.append((index, identifier, errors))
                    continue
                if current.get(record["id"]) == _canonical(record):
                    report.unchanged += 1
                    continue
                try:
                    with transaction.atomic():
                        outcome = _import_one(record, terms, actor)
                except (ValidationError, IntegrityError) as error:
                    report.rejected.append((index, str(record.get("id", "")), _messages(error)))
                else:
                    setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None:
            progress(min(start + every, total), total)
    return report


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in error.message_dict.items()]
        return [str(message) for message in error.messages]
    return ["an identifier is already used by another record"]
