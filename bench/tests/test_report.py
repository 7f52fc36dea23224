"""The report's verdicts per persona: what issue 18 is judged by (bench/report.py)."""

from bench.report import persona_section, persona_verdicts


def _size(floor: float, officer: float, person: float, person_queries: int) -> dict:
    def entry(p95: float) -> dict:
        return {"p50_ms": p95 / 2, "p95_ms": p95, "errors": 0}

    return {
        "open": {
            "pages": {"floor": entry(floor), "case_overview": entry(max(officer, person))},
            "by_persona": {
                "contact_officer": {"case_overview": entry(officer), "my_cases": entry(10)},
                "person": {"case_overview": entry(person), "my_road": entry(20)},
            },
        },
        "queries": {
            "case_overview@contact_officer": {"queries": 17, "min": 17, "max": 20},
            "case_overview@person": {"queries": person_queries},
            "my_road@person": {"queries": 4},
        },
    }


def test_a_page_heavy_for_staff_is_judged_for_the_person_on_its_own():
    results = {"sizes": {"500": _size(50, 95, 40, 12), "50000": _size(50, 80, 45, 12)}}
    verdicts = persona_verdicts(results)
    assert verdicts[("case_overview", "person")] == []
    assert verdicts[("case_overview", "contact_officer")] == ["500: 1.90 × floor", "50,000: 1.60 × floor"]
    assert verdicts[("my_road", "person")] == []  # the person's own page, though only they open it
    assert ("my_cases", "contact_officer") not in verdicts  # one persona opens it: the page's line says it
    assert "The person's pages: **every target met**." in "\n".join(persona_section(results))


def test_the_person_misses_when_their_count_moves_with_the_size():
    results = {"sizes": {"500": _size(50, 60, 40, 12), "50000": _size(50, 60, 45, 13)}}
    assert persona_verdicts(results)[("case_overview", "person")] == ["50,000: query counts differ"]
    assert "targets missed" in "\n".join(persona_section(results))


def test_no_split_no_section():
    assert persona_section({"sizes": {"500": {"open": {"pages": {}}}}}) == []
