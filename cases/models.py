"""The person, their case (forløp), its responsibility group and its meetings (DOMAIN.md §3)."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Agency, Country, Role, SecurityLevel
from cases.identity import DigestField, EncryptedTextField
from cases.sentence import Term

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_case_code() -> str:
    """Return a random, non-sequential case code for URLs (about 64 bits of entropy)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(13))


class Person(models.Model):
    """The person serving the sentence; may have several cases over time."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    # Never shown in URLs, logs or the journal; validated by checksum on input; encrypted at
    # rest and found by its keyed hash (cases.identity), so no dump or backup holds it.
    national_id = EncryptedTextField(_("national identity number"), blank=True)
    national_id_hash = DigestField(_("national identity number (keyed hash)"), source="national_id")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("login"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_hash"], condition=~Q(national_id_hash=""), name="person_national_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class LegalStatus(models.TextChoices):
    REMAND = "remand", _("Remand")
    SENTENCED = "sentenced", _("Sentenced")
    COMMUNITY = "community", _("Sentence in the community")


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    UNDERSTAND_NEEDS = "understand_needs", _("Understand needs")
    MAKE_PLAN = "make_plan", _("Make a plan")
    CARRY_OUT = "carry_out", _("Carry out the plan")
    HANDOVER = "handover", _("Hand over responsibility")
    AFTER_RELEASE = "after_release", _("After release")
    CLOSED = "closed", _("Closed")


class FollowUpPhase(models.TextChoices):
    """After release (TOG, seed 002 ch. 3): reporting duty, then closure, then voluntary aftercare."""

    REPORTING_DUTY = "reporting_duty", _("Reporting duty")
    CLOSING = "closing", _("Closing the follow-up")
    AFTERCARE = "aftercare", _("Voluntary aftercare")


class Case(models.Model):
    """One person's course through one sentence."""

    code = models.CharField(_("code"), max_length=16, unique=True, default=new_case_code, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person"))
    institution = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="cases", verbose_name=_("institution")
    )
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    security_level = models.CharField(_("security level"), max_length=10, choices=SecurityLevel.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices)
    intake_date = models.DateField(_("intake date"))
    sentence_start = models.DateField(_("sentence start"), null=True, blank=True)
    # The term as the judgment states it (issue 17, point 4); ``sentence_days`` is the same
    # term counted by the calendar from ``sentence_start`` (``cases.sentence.Term``), kept so
    # that the rules and the road read one number.
    sentence_years = models.PositiveSmallIntegerField(_("sentence: years"), default=0)
    sentence_months = models.PositiveSmallIntegerField(_("sentence: months"), default=0)
    sentence_term_days = models.PositiveIntegerField(_("sentence: days"), default=0)
    sentence_days = models.PositiveIntegerField(_("sentence length in days"), null=True, blank=True)
    remand_days = models.PositiveIntegerField(_("days on remand"), default=0)
    isolation_days = models.PositiveIntegerField(_("days in full isolation on remand"), default=0)
    expected_release = models.DateField(_("expected release date"), null=True, blank=True)
    home_municipality = models.CharField(_("home municipality"), max_length=100)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.UNDERSTAND_NEEDS)
    previous_case = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("earlier case")
    )
    # The one accountable lead. A single column, so never two; once set the database
    # refuses to clear it or to end the lead's membership while the case is open
    # (migration 0003), so never none. Changed only by cases.services.lead_hand_over.
    lead = models.ForeignKey(
        "Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead")
    )
    follow_up_phase = models.CharField(
        _("follow-up after release"), max_length=20, choices=FollowUpPhase.choices, blank=True
    )
    released_on = models.DateField(_("released on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.TextField(_("reason for closing"), blank=True)
    anonymise_on = models.DateField(_("to be anonymised on"), null=True, blank=True)
    # Set once, by retention.services when the case's personal data were removed (never cleared).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # The viewer's role in the case, as shown on their caseload (cases.selectors): not a column.
    my_role_label: StrOrPromise

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["institution", "stage"], name="case_institution_stage"),
            # A country's cases from the index alone (the country's reentry map joins them to the obstacles).
            models.Index(fields=["country", "id"], name="case_country"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="closed")
                | (Q(closed_on__isnull=False) & Q(anonymise_on__isnull=False) & ~Q(closing_reason="")),
                name="case_closed_with_reason_and_anonymisation_date",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def stage_on(self, day: datetime.date) -> str:
        """The stage on the day: the stored one, which the services keep (``cases.stage``).

        Only the intake day arriving moves a case without a write: from preparation to
        understanding needs. ``stage_now`` is the same rule for querysets.
        """
        if self.stage == Stage.PREPARATION and self.intake_date <= day:
            return Stage.UNDERSTAND_NEEDS
        return self.stage

    @property
    def sentence_term(self):
        """The sentence as the judgment states it (``cases.sentence.Term``)."""
        return Term(self.sentence_years, self.sentence_months, self.sentence_term_days)

    @property
    def stage_label(self) -> StrOrPromise:
        """The stage today, in the reader's language; every page shows this one."""
        return Stage(self.stage_on(timezone.localdate())).label


#: The case's fields its journal entries record (old and new values).
CASE_FIELDS = [
    "code",
    "person",
    "institution",
    "unit",
    "security_level",
    "country",
    "legal_status",
    "intake_date",
    "sentence_start",
    "sentence_years",
    "sentence_months",
    "sentence_term_days",
    "sentence_days",
    "remand_days",
    "isolation_days",
    "expected_release",
    "home_municipality",
    "stage",
    "follow_up_phase",
    "released_on",
    "closed_on",
    "closing_reason",
    "anonymise_on",
]


def stage_now(today: datetime.date | None = None) -> models.Case:
    """Return the expression, on Case querysets, of ``Case.stage_on(today)``."""
    today = today or timezone.localdate()
    return models.Case(
        models.When(
            Q(stage=Stage.PREPARATION, intake_date__lte=today), then=models.Value(Stage.UNDERSTAND_NEEDS.value)
        ),
        default=F("stage"),
        output_field=models.CharField(),
    )


def membership_is_open(today=None) -> Q:
    """Return the condition for memberships not ended: none ended by an act, none past its last day.

    A removal, a declined or withdrawn invitation and a closed case set ``ended_at`` to the
    moment, so access ends on the next request, not at midnight; ``end_date`` is the last
    day, which may also be planned ahead when a member is added.
    """
    today = today or timezone.localdate()
    return Q(ended_at__isnull=True) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def membership_is_current(today=None) -> Q:
    """Return the condition for memberships that count now: accepted, started, not ended."""
    today = today or timezone.localdate()
    return Q(accepted_at__isnull=False) & Q(start_date__lte=today) & membership_is_open(today)


class Membership(models.Model):
    """A user's place in a case's responsibility group: an access grant that never vanishes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("case"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role in the group"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # The moment an act ended the membership (removal, withdrawal, closure); from then on
    # it grants nothing, though ``end_date`` is that same day.
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=Q(end_date__isnull=True), name="membership_one_open_per_user"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["user", "end_date"], name="membership_user_end")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def role_label(self) -> str:
        """The role as the member's country names it (a Danish jobcentre adviser, not a NAV adviser)."""
        from accounts.country_names import role_label

        return role_label(self.role, self.agency.country if self.agency_id else None)

    def counts_on(self, day) -> bool:
        """``membership_is_current`` on a loaded row: accepted, started by ``day``, not ended."""
        return (
            self.accepted_at is not None
            and self.ended_at is None
            and self.start_date <= day
            and (self.end_date is None or self.end_date >= day)
        )

    @property
    def is_lead(self) -> bool:
        """Whether this membership is the case's lead; querysets annotate it as ``leads`` (``lead_flag``)."""
        if "leads" in self.__dict__:
            return bool(self.__dict__["leads"])
        return self.case.lead_id == self.pk


def lead_flag() -> ExpressionWrapper:
    """Return an expression for Membership querysets: whether the row is its case's lead.

    Annotate it as ``leads``: the name ``is_lead`` is the model's property, which reads it.
    """
    return ExpressionWrapper(Q(case__lead_id=F("pk")), output_field=models.BooleanField())


class Answer(models.TextChoices):
    WAITING = "", _("Not answered yet")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class CarryOver(models.Model):
    """A request to start a new case from the person's earlier case (a new sentence).

    Nothing of the earlier case reaches the new one until the person has agreed and, while
    the earlier case is still open, the staff who run it have agreed too (issue 16, hole 1).
    A private need never travels. Every read of the earlier case is an access event the
    person sees.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="carry_overs", verbose_name=_("case"))
    earlier_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("earlier case"))
    needs_and_plan = models.BooleanField(_("the open needs and the unfinished plan"), default=True)
    group = models.BooleanField(_("the group"), default=False)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    person_answer = models.CharField(_("the person's answer"), max_length=3, choices=Answer.choices, blank=True)
    person_answered_at = models.DateTimeField(null=True, blank=True)
    # Whether the staff of the earlier case must agree: they must while it is open.
    holder_asked = models.BooleanField(default=True)
    holder_answer = models.CharField(_("the earlier case's answer"), max_length=3, choices=Answer.choices, blank=True)
    holder_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_answered_at = models.DateTimeField(null=True, blank=True)
    holder_reason = models.TextField(_("reason"), blank=True)
    carried_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("carry-over from an earlier case")
        verbose_name_plural = _("carry-overs from an earlier case")
        constraints = [
            models.CheckConstraint(
                condition=Q(needs_and_plan=True) | Q(group=True), name="carry_over_asks_for_something"
            ),
            models.CheckConstraint(
                condition=~Q(holder_answer="no") | ~Q(holder_reason=""), name="carry_over_refusal_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.earlier_case_id} -> {self.case_id}"

    @property
    def declined(self) -> bool:
        return Answer.NO in {self.person_answer, self.holder_answer}

    @property
    def waiting_for_person(self) -> bool:
        return not self.declined and self.carried_out_at is None and self.person_answer == Answer.WAITING

    @property
    def waiting_for_holder(self) -> bool:
        return (
            not self.declined
            and self.carried_out_at is None
            and self.holder_asked
            and self.holder_answer == Answer.WAITING
        )

    @property
    def agreed(self) -> bool:
        return self.person_answer == Answer.YES and (not self.holder_asked or self.holder_answer == Answer.YES)
