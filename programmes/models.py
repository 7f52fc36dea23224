"""Reentry programmes (DOMAIN.md §9; issue 20): EX/IN, TOG and the Exit programme as data.

A programme has an owner and partners, target-group criteria (each cited to its source),
an intake route, annual places, phases, the outcome measures it reports and its sources.
The programmes themselves are seeded by a data migration (``0002_seed_programmes``).

A person's way through a programme is an :class:`Enrolment`: one of the person's
applications (``applications.Application`` of kind "programme"), the intake conversation,
the decision (a refusal always has its reason, which the person reads), the waiting list,
the place, the phases with their dates and the closing (completed, or left early with a
reason).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Country
from applications.models import Application
from cases.models import Case, Membership


class PriorityRule(models.TextChoices):
    """How the waiting list is ordered before the date of acceptance."""

    NONE = "", _("By date only")
    GANG_TIES = "gang_ties", _("Gang ties first, then by date")


class Programme(models.Model):
    """One programme as its sources describe it."""

    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    #: The owner as the source names it (an agency of another installation need not exist here).
    owner = models.CharField(_("owner"), max_length=300)
    partners = models.JSONField(_("partners"), default=list, blank=True)
    #: The agency whose staff run the programme in this installation (set by an administrator).
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("agency")
    )
    summary = models.TextField(_("summary"), blank=True)
    intake_route = models.TextField(_("intake route"), blank=True)
    intake_citation = models.CharField(_("source of the intake route"), max_length=300, blank=True)
    #: Places a year (årspladser): how many participants the programme holds at a time.
    #: None where the source states no number: then no one waits for a place.
    annual_places = models.PositiveIntegerField(_("annual places"), null=True, blank=True)
    places_citation = models.CharField(_("source of the number of places"), max_length=300, blank=True)
    priority_rule = models.CharField(
        _("waiting-list order"), max_length=20, choices=PriorityRule.choices, blank=True, default=PriorityRule.NONE
    )
    priority_citation = models.CharField(_("source of the order"), max_length=300, blank=True)
    #: The home municipalities or districts the programme serves (its catchment).
    catchment = models.JSONField(_("catchment"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    @property
    def intake_route_label(self) -> str:
        """The intake route in the reader's language (an English msgid; plain text, escaped where shown)."""
        return gettext(self.intake_route) if self.intake_route else ""


class CriterionKind(models.TextChoices):
    MIN_AGE = "min_age", _("Minimum age")
    MAX_AGE = "max_age", _("Maximum age")
    HOME_MUNICIPALITY = "home_municipality", _("Home municipality or district")
    PRISON_IN = "prison_in", _("Serves in a prison in")
    EARLIER_SENTENCES = "earlier_sentences", _("Earlier sentences")
    NO_EXPULSION_ORDER = "no_expulsion_order", _("No expulsion order")
    MONTHS_BEFORE_PAROLE = "months_before_parole", _("Time left before two-thirds time")
    WANTS_TO_LEAVE_CRIME = "wants_to_leave_crime", _("Wants to leave crime")


class Criterion(models.Model):
    """One target-group criterion, with the source it comes from."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=30, choices=CriterionKind.choices)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    #: The places that meet a place criterion.
    values = models.JSONField(_("values"), default=list, blank=True)
    #: Broader places that may hold a match (Oslo holds Søndre Nordstrand): "not known", not "no".
    broader = models.JSONField(_("broader places"), default=list, blank=True)
    citation = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["programme", "position"]
        verbose_name = _("target-group criterion")
        verbose_name_plural = _("target-group criteria")
        constraints = [models.UniqueConstraint(fields=["programme", "position"], name="criterion_position_unique")]

    def __str__(self) -> str:
        return f"{self.programme.slug}: {self.kind}"


class Phase(models.Model):
    """One of the programme's phases, in order."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=40)
    #: An English msgid, shown translated.
    name = models.CharField(_("name"), max_length=100)
    #: Whether the phase is lived after release (the staff follow the person across the wall).
    after_release = models.BooleanField(default=False)
    citation = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "position"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["programme", "position"], name="phase_position_unique"),
            models.UniqueConstraint(fields=["programme", "key"], name="phase_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug}: {self.key}"

    @property
    def label(self) -> str:
        """The name in the reader's language (an English msgid; plain text, escaped where shown)."""
        return gettext(self.name)


class OutcomeMeasure(models.Model):
    """A measure the programme reports, per cohort, after a follow-up period."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="outcome_measures")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=40)
    #: An English msgid, shown translated.
    name = models.CharField(_("name"), max_length=200)
    #: Months after the programme ends that the measure is taken.
    follow_up_months = models.PositiveSmallIntegerField(_("follow-up in months"), default=0)
    #: The result the source reports, in per cent, if it reports one.
    reported_percent = models.PositiveSmallIntegerField(_("reported result (per cent)"), null=True, blank=True)
    citation = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["programme", "position"]
        verbose_name = _("outcome measure")
        verbose_name_plural = _("outcome measures")

    def __str__(self) -> str:
        return f"{self.programme.slug}: {self.key}"

    @property
    def label(self) -> str:
        """The name in the reader's language (an English msgid; plain text, escaped where shown)."""
        return gettext(self.name)


class Source(models.Model):
    """A public document the programme is described in (shown by title and year, never a file name)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        ordering = ["programme", "year", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class ProgrammeStaff(models.Model):
    """A user who works for a programme, from a day; removed at a moment (``ended_at``)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="programme_posts")
    #: The title the programme uses: miljøarbeider (EX/IN), TOG-konsulent, Exit-vejleder.
    title = models.CharField(_("title"), max_length=100)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("programme staff")
        verbose_name_plural = _("programme staff")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user"], condition=Q(ended_at__isnull=True), name="programme_staff_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.programme.slug})"


class Answer(models.TextChoices):
    UNKNOWN = "", _("Not known")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class ProgrammeFacts(models.Model):
    """What the programmes' criteria ask that the case does not record elsewhere, as the case's staff know it."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="programme_facts")
    expulsion_order = models.CharField(
        _("expulsion order after the sentence"), max_length=3, choices=Answer.choices, blank=True
    )
    gang_ties = models.CharField(
        _("ties to a gang or criminal group"), max_length=3, choices=Answer.choices, blank=True
    )
    wants_to_leave_crime = models.CharField(_("wants to leave crime"), max_length=3, choices=Answer.choices, blank=True)
    #: Earlier prison sentences, as far as known (None: not known); earlier cases here count too.
    earlier_sentences = models.PositiveSmallIntegerField(_("earlier prison sentences"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("facts for programmes")
        verbose_name_plural = _("facts for programmes")

    def __str__(self) -> str:
        return str(self.case_id)


class EnrolmentState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    WAITING = "waiting", _("Accepted, waiting for a place")
    PARTICIPANT = "participant", _("Participant")
    REFUSED = "refused", _("Refused")
    COMPLETED = "completed", _("Completed")
    LEFT_EARLY = "left_early", _("Left early")


#: An enrolment in one of these states holds or waits for the programme; a case has at most one per programme.
OPEN_STATES = (EnrolmentState.APPLIED, EnrolmentState.WAITING, EnrolmentState.PARTICIPANT)


class Enrolment(models.Model):
    """A person's way through one programme, from the application to the closing."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="enrolments")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="enrolment")
    state = models.CharField(_("state"), max_length=20, choices=EnrolmentState.choices, default=EnrolmentState.APPLIED)
    interview_on = models.DateField(_("intake conversation held on"), null=True, blank=True)
    interview_note = models.TextField(_("note from the intake conversation"), blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    #: The waiting-list rank the programme's priority rule gives (0 first), fixed at acceptance.
    priority = models.PositiveSmallIntegerField(default=0)
    place_from = models.DateField(_("place from"), null=True, blank=True)
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "priority", "accepted_on", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "case"],
                condition=Q(state__in=["applied", "waiting", "participant"]),
                name="enrolment_one_open_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(state="left_early") | ~Q(close_reason=""), name="enrolment_left_early_has_a_reason"
            ),
            models.CheckConstraint(
                condition=~Q(state="participant") | (Q(place_from__isnull=False) & Q(phase__isnull=False)),
                name="enrolment_participant_has_place_and_phase",
            ),
        ]
        indexes = [models.Index(fields=["programme", "state"], name="enrolment_programme_state")]

    def __str__(self) -> str:
        return f"{self.programme.slug}: {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class PhaseStep(models.Model):
    """A participant entered a phase on a day: the phases with their dates."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="steps")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("started on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("phase step")
        verbose_name_plural = _("phase steps")

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.phase_id} {self.started_on}"


class CatchmentCount(models.Model):
    """How many open cases of a programme's catchment may fit it, by status, at one moment (issue 20).

    Judging every open case of a catchment takes a third of a second at 50,000 cases and grows
    with the data, so the programme's view does not do it on each request: ``manage.py
    count_catchments`` counts each night (and the demo once), and the view reads the latest
    count in one query. Counts only: no case, no name (the programme is not in their groups).
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="catchment_counts")
    counted_at = models.DateTimeField()
    #: The open cases of the catchment that were judged.
    cases = models.PositiveIntegerField()
    #: Eligibility status (``programmes.eligibility.Status`` value) -> how many cases.
    by_status = models.JSONField()

    class Meta:
        verbose_name = _("catchment count")
        verbose_name_plural = _("catchment counts")
        indexes = [models.Index(fields=["programme", "-counted_at"], name="catchment_count_latest")]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.counted_at:%Y-%m-%d %H:%M}"
