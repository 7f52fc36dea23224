"""Measure a generated population against its calibration (used by the test and the benchmark)."""

import statistics
from dataclasses import dataclass

from django.db.models import Count

from cases.models import Case, LegalStatus, Membership
from needs.models import Need
from population.generator import FIRST_NAMES


@dataclass(frozen=True)
class Figures:
    cases: int
    men: float
    under_25: float
    remand: float
    citizens: float
    sentence_mean_years: float
    sentence_median_years: float
    needs_per_case: float
    members_per_case: float

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


MALE_NAMES = frozenset(name for (_origin, man), names in FIRST_NAMES.items() if man for name in names)
FEMALE_NAMES = frozenset(name for (_origin, man), names in FIRST_NAMES.items() if not man for name in names)


def is_citizen(national_id: str) -> bool:
    """A citizen has an ordinary number; others a D-number (day + 40) or, in Denmark, none."""
    return bool(national_id) and int(national_id[0]) < 4


def measure(cases=None) -> Figures:
    """Return the calibration figures of the given cases (default: every case)."""
    cases = cases if cases is not None else Case.objects.all()
    rows = list(
        cases.values_list("person__first_name", "person__birth_date", "person__national_id", "intake_date").order_by()
    )
    statuses = list(cases.values_list("legal_status", "sentence_days").order_by())
    total = len(rows)
    men = sum(1 for first, *_ in rows if first in MALE_NAMES and first not in FEMALE_NAMES)
    young = sum(1 for _first, born, _nid, intake in rows if (intake - born).days < 25 * 365.25)
    citizens = sum(1 for _first, _born, national_id, _intake in rows if is_citizen(national_id))
    remand = sum(1 for status, _days in statuses if status == LegalStatus.REMAND)
    sentences = [days / 365 for status, days in statuses if status == LegalStatus.SENTENCED and days]
    ids = cases.values("pk")
    return Figures(
        cases=total,
        men=men / total,
        under_25=young / total,
        remand=remand / total,
        citizens=citizens / total,
        sentence_mean_years=statistics.fmean(sentences),
        sentence_median_years=statistics.median(sentences),
        needs_per_case=Need.objects.filter(case__in=ids).count() / total,
        members_per_case=Membership.objects.filter(case__in=ids).aggregate(n=Count("pk"))["n"] / total,
    )


def outcome_figures(cases, today) -> dict[str, float | int]:
    """The outcome shares of the released cases among ``cases`` (``outcomes.cohorts``), by group.

    "participant": cases with a place in a programme; "other": the rest. For each: how many
    releases have passed their three months, year and two years, and the share in work or
    education, with no new charge, and with a new sentence.
    """
    from outcomes.cohorts import PERIOD_BY_KEY, count, releases_of
    from programmes.models import Enrolment

    placed = set(
        Enrolment.objects.filter(case__in=cases.values("pk"), place_from__isnull=False).values_list(
            "case_id", flat=True
        )
    )
    figures: dict[str, float | int] = {}
    items = releases_of(cases)
    for group, chosen in (
        ("participant", [r for r in items if r.case_id in placed]),
        ("other", [r for r in items if r.case_id not in placed]),
    ):
        for key, name in (("3m", "work_or_education_3m"), ("1y", "no_new_charge_1y"), ("2y", "new_sentence_2y")):
            counted = count(chosen, PERIOD_BY_KEY[key], today)
            figures[f"{group}:{name}"] = counted.numerator / counted.denominator if counted.denominator else 0.0
            figures[f"{group}:{name}:n"] = counted.denominator
    return figures
