"""The timetable (kjøreplan, DOMAIN.md §7): rule sets as data, deadlines, reminders, feeds.

A rule set is versioned data; each rule names what is due (a kind the system knows how
to check), the date it hangs on (its anchor), an offset in days, weeks, months or working
days, the role that owns it and the source it comes from. The arithmetic that turns rules
and case facts into dates lives in one module, :mod:`timetable.engine`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Country, Role
from cases.models import Case
from timetable.sources import in_words


class Anchor(models.TextChoices):
    """The case dates a rule can hang on."""

    INTAKE = "intake", _("intake")
    SENTENCE_START = "sentence_start", _("start of the sentence")
    NEEDS_CONVERSATION = "needs_conversation", _("the needs conversation")
    LATEST_PLAN_REVIEW = "latest_plan_review", _("the latest plan review")
    PAROLE = "parole", _("expected parole")
    RELEASE = "release", _("expected release")
    PROBATION_JOINED = "probation_joined", _("probation receiving the case")
    RELEASED = "released", _("the release")


class OffsetUnit(models.TextChoices):
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")
    WORKING_DAYS = "working_days", _("working days")


class DeadlineKind(models.TextChoices):
    """What is due. The engine knows how each kind is met; the rules say when it is due."""

    NEEDS_CONVERSATION = "needs_conversation", _("Needs conversation, part 1")
    HOUSING_CONVERSATION = "housing_conversation", _("Housing situation clarified in a conversation")
    PROPOSALS = "proposals", _("Proposals for measures from the group")
    INCOMING_ACTORS_JOIN = "incoming_actors_join", _("Probation or the municipality joins the group")
    NAV_TOLD_OF_RELEASE = "nav_told_of_release", _("NAV told of the release date")
    MUNICIPALITY_TOLD_OF_RELEASE = "municipality_told_of_release", _("Home municipality told of the release date")
    ACTION_PLAN = "action_plan", _("Intake conversation and action plan")
    PLAN_REVISION = "plan_revision", _("Plan revised")
    MUNICIPALITY_CONTACTED = "municipality_contacted", _("Municipality contacted")
    PROBATION_INVOLVED = "probation_involved", _("Probation involved in planning the parole")
    BENEFITS_READY = "benefits_ready", _("Economic benefits ready at release")
    PAROLE_ACTION_PLAN = "parole_action_plan", _("Probation's action plan for the parole period")
    PROBATION_CONTACTS_MUNICIPALITY = "probation_contacts_municipality", _("Probation contacts the municipality")
    EXECUTION_PLAN = "execution_plan", _("Execution plan")
    OUTCOME_FOLLOW_UP = "outcome_follow_up", _("Situation three months after release written down")


class RuleSet(models.Model):
    """A versioned set of deadline rules for one jurisdiction; a new version is a new row."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    source = models.CharField(_("source"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    is_country_default = models.BooleanField(_("default for the country"), default=False)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["country", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version_unique"),
            models.UniqueConstraint(
                fields=["country"], condition=Q(is_country_default=True), name="ruleset_one_default_per_country"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_name} (v{self.version})"

    @property
    def local_name(self) -> str:
        """The name in the reader's language (timetable.sources)."""
        return in_words(self.name)

    @property
    def local_source(self) -> str:
        """The source in the reader's language: the report's title and year, never a file of ours."""
        return in_words(self.source)


class Rule(models.Model):
    """One deadline: what is due, when (anchor and offset), who owns it, and its source."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="rules", verbose_name=_("rule set"))
    code = models.SlugField(_("code"), max_length=60)
    kind = models.CharField(_("what is due"), max_length=40, choices=DeadlineKind.choices)
    anchor = models.CharField(_("anchor date"), max_length=30, choices=Anchor.choices)
    offset = models.IntegerField(_("offset"), help_text=_("Negative: before the anchor date."))
    unit = models.CharField(_("unit"), max_length=20, choices=OffsetUnit.choices)
    owner_role = models.CharField(_("owning role"), max_length=30, choices=Role.choices)
    citation = models.CharField(_("source"), max_length=300)
    min_sentence_days = models.PositiveIntegerField(_("applies from sentence length (days)"), null=True, blank=True)
    max_sentence_days = models.PositiveIntegerField(_("applies up to sentence length (days)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["rule_set", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_unique_in_set")]

    def __str__(self) -> str:
        return f"{self.rule_set.code} v{self.rule_set.version}: {self.code}"

    @property
    def local_citation(self) -> str:
        """The source in the reader's language (timetable.sources)."""
        return in_words(self.citation)


class InstitutionRuleSet(models.Model):
    """The rule set an institution's cases follow unless a case overrides it."""

    institution = models.OneToOneField(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule set"))
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("institution's rule set")
        verbose_name_plural = _("institutions' rule sets")

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.rule_set_id}"


class CaseRuleSet(models.Model):
    """A case's own choice of rule set, overriding its institution's."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule set"))
    reason = models.CharField(_("reason"), max_length=300)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case's rule set")
        verbose_name_plural = _("cases' rule sets")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.rule_set_id}"


class NoticeRecipient(models.TextChoices):
    NAV = "nav", _("NAV")
    MUNICIPALITY = "municipality", _("Home municipality")


class ReleaseNotice(models.Model):
    """NAV or the home municipality was told of a release date (seed 001: never on the day)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="release_notices", verbose_name=_("case"))
    recipient = models.CharField(_("told"), max_length=20, choices=NoticeRecipient.choices)
    release_date = models.DateField(_("release date told"))
    told_on = models.DateField(_("told on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    # The receiver's name as the case's country calls it (NAV, jobcenter), set by timetable.selectors.
    receiver: str

    class Meta:
        verbose_name = _("release notice")
        verbose_name_plural = _("release notices")
        ordering = ["-told_on", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.release_date}"


class DeadlineState(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


OPEN_STATES = (DeadlineState.UPCOMING, DeadlineState.DUE_TODAY, DeadlineState.OVERDUE)


class Deadline(models.Model):
    """One case's deadline as last computed by the nightly pass; reminders hang on it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("case"))
    code = models.SlugField(_("rule code"), max_length=60)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule"))
    kind = models.CharField(_("what is due"), max_length=40, choices=DeadlineKind.choices)
    owner_role = models.CharField(_("owning role"), max_length=30, choices=Role.choices)
    due_date = models.DateField(_("due"), null=True)
    state = models.CharField(_("state"), max_length=20, choices=DeadlineState.choices)
    met_on = models.DateField(_("met on"), null=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="deadline_one_per_rule_code")]
        indexes = [models.Index(fields=["state", "due_date"], name="deadline_state_due")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.code} {self.due_date}"


class ReminderPhase(models.TextChoices):
    BEFORE = "before", _("Coming up")
    DUE = "due", _("Due")


class ReminderAlert(models.TextChoices):
    """Why the lead of the case is told that a reminder's e-mail did not (surely) go out."""

    FAILED = "failed", _("The e-mail could not be sent")
    UNKNOWN = "unknown", _("The e-mail may not have been sent")


class Reminder(models.Model):
    """One reminder to one person about one deadline and due date; also the in-app inbox.

    The row is inserted first; its unique constraint makes it the one reminder for its
    recipient, deadline, due date and phase. Its e-mail is then sent in three steps:
    ``sending_since`` is set by a conditional UPDATE (only one run can win it), the
    e-mail is sent, ``sent_at`` is set. A failed send clears ``sending_since`` for the
    next run to retry, up to a limit; a row left sending by a crashed run is never sent
    again (the e-mail may have gone out), and both end in an ``alert`` the lead sees.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("recipient")
    )
    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="reminders")
    due_date = models.DateField(_("due"))
    phase = models.CharField(_("reminder"), max_length=10, choices=ReminderPhase.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    #: Set while one run sends the e-mail; left set if that run died before it could mark it.
    sending_since = models.DateTimeField(_("e-mail being sent since"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts to send the e-mail"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    alert = models.CharField(_("alert"), max_length=10, choices=ReminderAlert.choices, blank=True)
    alerted_at = models.DateTimeField(_("alert raised"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "deadline", "due_date", "phase"], name="reminder_once_per_item_and_due_date"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="reminder_inbox"),
            models.Index(
                fields=["id"],
                condition=Q(sent_at__isnull=True, sending_since__isnull=True, alert=""),
                name="reminder_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}:{self.deadline_id} {self.due_date} {self.phase}"


class CalendarFeed(models.Model):
    """A private calendar subscription; only a hash of its secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds", verbose_name=_("user")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_one_active")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
