"""Generated HSDS 3.0 services for the benchmark (issue 21, "Measured"); no Django needed here.

Ten towns, five services to an organization, each service with one life area, one phone, one
schedule, one service area and one place to go: the shape of a real directory's entries.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("0b7c1e36-5a0d-4a53-8a3e-6f0d0c2f9d41")
CITIES = ["Drammen", "Asker", "Bergen", "Trondheim", "Bodø", "Haugesund", "Tromsø", "Oslo", "Skien", "Hamar"]


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def generate(count: int, codes: list[str]) -> dict:
    """``count`` services in HSDS 3.0 JSON, five to an organization and its office, each with one of ``codes``."""
    contents = []
    for n in range(count):
        org = n // 5  # five services per organization, all in its city
        city = CITIES[org % len(CITIES)]
        code = codes[n % len(codes)]
        location = _id("location", org)
        contents.append(
            {
                "id": _id("service", n),
                "name": f"Tjeneste {n} i {city}",
                "description": f"Hjelp med {code} for deg som kommer ut fra fengsel, i {city}.",
                "status": "active",
                "organization": {
                    "id": _id("organization", org),
                    "name": f"Organisasjon {org}",
                    "description": f"Organisasjon {org} i {city}.",
                },
                "service_areas": [{"id": _id("area", n), "service_id": _id("service", n), "name": city}],
                "phones": [{"id": _id("phone", n), "service_id": _id("service", n), "number": f"+47 {10000000 + n}"}],
                "schedules": [
                    {
                        "id": _id("schedule", n),
                        "service_id": _id("service", n),
                        "freq": "WEEKLY",
                        "byday": "MO,TU,WE,TH,FR",
                        "opens_at": "09:00",
                        "closes_at": "15:00",
                    }
                ],
                "service_at_locations": [
                    {
                        "id": _id("sal", n),
                        "service_id": _id("service", n),
                        "location_id": location,
                        "location": {
                            "id": location,
                            "location_type": "physical",
                            "name": f"Kontor {org}",
                            "addresses": [
                                {
                                    "id": _id("address", org),
                                    "location_id": location,
                                    "address_1": f"Storgata {org % 200 + 1}",
                                    "city": city,
                                    "state_province": "",
                                    "postal_code": "3000",
                                    "country": "NO",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
                "attributes": [
                    {
                        "id": _id("attribute", n),
                        "link_id": _id("service", n),
                        "link_type": "service",
                        "link_entity": "service",
                        "taxonomy_term_id": _id("term", code),
                        "taxonomy_term": {"id": _id("term", code), "code": code, "name": code, "description": code},
                    }
                ],
                "x_overgang": {"setting": "outside", "country": "NO", "source": "bench"},
            }
        )
    return {"hsds_version": "3.0", "total_items": count, "contents": contents}
