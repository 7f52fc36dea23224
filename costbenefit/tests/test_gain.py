"""The gain: its formula, its interval, what it shows, and which assumptions a scope uses."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Agency, AgencyKind, Country
from costbenefit.gain import NONE_FOLLOWED, TOO_FEW, gain, gain_with, wilson
from costbenefit.models import Assumptions, AssumptionVersion
from insight.registry import Count
from insight.scopes import Scope

pytestmark = pytest.mark.django_db


def assumptions(value=1_000_000, cost=0, comparison=0, currency="NOK") -> AssumptionVersion:
    """A version in memory: the gain reads only its values."""
    return AssumptionVersion(
        number=1,
        value_per_success=Decimal(value),
        cost_per_participant=Decimal(cost),
        comparison_percent=Decimal(comparison),
        currency=currency,
        made_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [
        # Known figures: Newcombe (1998), table I, and the closed form at 0 and n.
        (Count(81, 263), 0.2553, 0.3662),
        (Count(15, 148), 0.0624, 0.1605),
        (Count(0, 20), 0.0, 0.1611),
        (Count(0, 10), 0.0, 0.2775),
        (Count(10, 10), 0.7225, 1.0),
        (Count(40, 100), 0.3094, 0.4980),
    ],
)
def test_the_wilson_interval_gives_the_published_figures(count, low, high):
    got_low, got_high = wilson(count)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def test_no_interval_for_nobody():
    with pytest.raises(ValueError):
        wilson(Count(0, 0))


def test_the_seeded_danish_assumptions_give_the_memos_gain_at_its_success_rate():
    """Seed 003: up to DKK 298,000 per participant, computed at a 40 % success rate."""
    denmark = Assumptions.objects.get(country=Country.DENMARK, programme__isnull=True)
    version = AssumptionVersion.objects.get(line=denmark, number=denmark.version)
    worked_out = gain_with(version, participants=100, success=Count(40, 100))
    assert worked_out.central is not None
    assert worked_out.central.per_participant == Decimal(298_000)
    assert worked_out.central.total == Decimal(29_800_000)
    assert worked_out.assumptions == version


def test_the_formula_counts_only_success_beyond_the_comparison_and_takes_the_cost_off():
    # (0.50 - 0.20) x 1,000,000 - 100,000 = 200,000 per participant
    worked_out = gain_with(assumptions(1_000_000, 100_000, 20), participants=30, success=Count(50, 100))
    assert worked_out.central is not None
    assert worked_out.central.share == Decimal("0.5")
    assert worked_out.central.per_participant == Decimal(200_000)
    assert worked_out.central.total == Decimal(6_000_000)


def test_low_and_high_are_the_gain_at_the_ends_of_the_interval():
    worked_out = gain_with(assumptions(1_000_000, 0, 0), participants=10, success=Count(40, 100))
    assert worked_out.low is not None and worked_out.high is not None and worked_out.central is not None
    low, high = wilson(Count(40, 100))
    assert worked_out.low.per_participant == Decimal(round(low * 1_000_000))
    assert worked_out.high.per_participant == Decimal(round(high * 1_000_000))
    assert worked_out.low.per_participant < worked_out.central.per_participant < worked_out.high.per_participant


def test_the_gain_is_a_loss_when_the_success_does_not_pay_the_cost():
    worked_out = gain_with(assumptions(100_000, 50_000, 30), participants=20, success=Count(20, 50))
    assert worked_out.central is not None
    assert worked_out.central.per_participant == Decimal(-40_000)  # (0.4 - 0.3) x 100,000 - 50,000


@pytest.mark.parametrize(
    ("success", "why"),
    [
        (Count(0, 0), NONE_FOLLOWED),
        (Count(5, 9), TOO_FEW),  # fewer than 10 followed up: no share
        (Count(3, 20), TOO_FEW),  # 3 succeeded: the share would give the small count back
        (Count(18, 20), TOO_FEW),  # 2 did not
    ],
)
def test_a_share_of_too_few_is_not_shown_and_says_why(success, why):
    worked_out = gain_with(assumptions(), participants=20, success=success)
    assert not worked_out.shown
    assert worked_out.low is None and worked_out.central is None and worked_out.high is None
    assert worked_out.why_hidden == why


@pytest.mark.parametrize("success", [Count(0, 10), Count(10, 10), Count(5, 10), Count(15, 20)])
def test_a_share_of_ten_or_more_with_five_on_each_side_or_none_is_shown(success):
    assert gain_with(assumptions(), participants=20, success=success).shown


def test_the_total_of_fewer_than_five_participants_is_not_shown():
    """The total divided by the gain per participant would give the number back."""
    worked_out = gain_with(assumptions(), participants=3, success=Count(20, 50))
    assert worked_out.participants.hidden and worked_out.participants.small
    assert worked_out.central is not None and worked_out.central.total is None
    assert worked_out.central.per_participant == Decimal(400_000)


@pytest.mark.parametrize(
    ("participants", "success"), [(-1, Count(1, 2)), (5, Count(3, 2)), (5, Count(-1, 2)), (5, Count(1, -2))]
)
def test_impossible_figures_are_refused(participants, success):
    with pytest.raises(ValueError):
        gain_with(assumptions(), participants=participants, success=success)


def test_a_scope_uses_its_programmes_line_else_its_countrys():
    exit_line = Assumptions.objects.get(programme__slug="exit")
    denmark = Assumptions.objects.get(country=Country.DENMARK, programme__isnull=True)
    norway = Assumptions.objects.get(country=Country.NORWAY, programme__isnull=True)
    prison = Agency.objects.filter(kind=AgencyKind.PRISON, country=Country.NORWAY).first()
    assert prison is not None
    cases = {
        Scope("programme", "exit"): exit_line,
        Scope("programme", "tog"): norway,  # TOG has no line of its own: Norway's
        Scope("country", "DK"): denmark,
        Scope("prison", str(prison.pk)): norway,
        Scope("unit", f"{prison.pk}:A"): norway,
        Scope("agency", str(prison.pk)): norway,
    }
    for scope, line in cases.items():
        worked_out = gain(scope, participants=10, success=Count(40, 100))
        assert worked_out is not None, scope
        assert worked_out.assumptions.line_id == line.pk, scope


@pytest.mark.parametrize("scope", [Scope("country", "SE"), Scope("prison", "999999"), Scope("programme", "nosuch")])
def test_a_scope_no_assumptions_cover_has_no_gain(scope):
    assert gain(scope, participants=10, success=Count(40, 100)) is None
