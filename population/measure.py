"""Measure a generated population against its calibration (used by the test and the benchmark)."""

import datetime
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


def release_figures(cases) -> dict[str, float | int]:
    """The release shares of ``cases`` as ``calibration.READINESS``, ``NAV_NOTICE`` and ``HANDOVER_GAP`` state them.

    Keys: ``{planned|sudden}:{key}:{not_needed|before|after}`` for each checklist item (done on or before
    the day, or after it), ``{planned|sudden}:nav:{in_time|late|on_the_day_or_after|never}`` for the
    Norwegian releases (days from the first notice to NAV), ``{planned|sudden}:gap`` of the releases whose
    group held an incoming member, and ``...:n`` for each denominator.
    """
    from handover.models import Transition, TransitionKind, TransitionState
    from population.generator import INCOMING_ROLES, RELEASE_ITEMS
    from release.models import ReadinessItem, ReadinessState
    from timetable.models import NoticeRecipient, ReleaseNotice

    moves = Transition.objects.filter(
        case__in=cases.values("pk"), kind=TransitionKind.RELEASE, state=TransitionState.COMPLETED
    )
    rows = {
        pk: (case_id, day, sudden, gap, country)
        for pk, case_id, day, sudden, gap, country in moves.values_list(
            "pk", "case_id", "completed_on", "sudden", "handover_gap", "case__country"
        )
        if day is not None  # a completed transition has its day (a check constraint)
    }
    figures: dict[str, float | int] = {}
    tallies: dict[str, dict[str, int]] = {}

    def tally(group: str, name: str) -> None:
        tallies.setdefault(group, {}).setdefault(name, 0)
        tallies[group][name] += 1

    for transition_id, key, state, done_on in ReadinessItem.objects.filter(
        transition_id__in=list(rows), key__in=[str(key) for key in RELEASE_ITEMS]
    ).values_list("transition_id", "key", "state", "done_on"):
        _case, day, sudden, _gap, _country = rows[transition_id]
        group = f"{'sudden' if sudden else 'planned'}:{key}"
        if state == ReadinessState.NOT_NEEDED:
            tally(group, "not_needed")
        elif state == ReadinessState.DONE and done_on is not None:
            tally(group, "before" if done_on <= day else "after")
        else:
            tally(group, "missing")
    told: dict[int, datetime.date] = {}
    for case_id, day in ReleaseNotice.objects.filter(
        case_id__in=[case for case, *_rest in rows.values()], recipient=NoticeRecipient.NAV
    ).values_list("case_id", "told_on"):
        told[case_id] = min(day, told.get(case_id, day))
    held = set(
        Membership.objects.filter(
            case_id__in=[case for case, *_rest in rows.values()], role__in=INCOMING_ROLES, accepted_at__isnull=False
        ).values_list("case_id", "start_date")
    )
    starts: dict[int, datetime.date] = {}
    for case_id, start in held:
        starts[case_id] = min(start, starts.get(case_id, start))
    for case_id, day, sudden, gap, country in rows.values():
        kind = "sudden" if sudden else "planned"
        if country == "NO":
            first = told.get(case_id)
            if first is None:
                tally(f"{kind}:nav", "never")
            elif first >= day:
                tally(f"{kind}:nav", "on_the_day_or_after")
            else:
                tally(f"{kind}:nav", "in_time" if (day - first).days >= 56 else "late")
        if case_id in starts and starts[case_id] <= day:
            tally(f"{kind}:gap", "yes" if gap else "no")
    for group, counted in tallies.items():
        total = sum(counted.values())
        figures[f"{group}:n"] = total
        if group.endswith(":gap"):
            figures[group] = counted.get("yes", 0) / total
            continue
        for name, number in counted.items():
            figures[f"{group}:{name}"] = number / total
    return figures
