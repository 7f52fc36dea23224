"""The resource directory (DOMAIN.md §11; issue 21), modelled on Open Referral HSDS 3.0.

The tables and their field names follow HSDS 3.0 (organization, service, location,
service_at_location, contact, phone, schedule, service_area, taxonomy_term), so an export is
a plain mapping (``directory.hsds``). What Overgang adds to HSDS is named as such:

- ``Service.setting``: inside the walls, outside, or both (tilbakeføring.no lists "ressurser både
  innenfor og utenfor murene");
- ``Service.agency``: the Overgang agency whose users answer referrals to the service;
- ``Service.owner`` and ``Service.last_verified``: who keeps the entry true and when it was last
  checked (HSDS ``assured_date``);
- ``Service.source``: where the entry comes from, shown to users (a report and its year, a web page);
- ``Referral``: a measure's service asked to take the person on (closed loop: accepted or declined).

Our life areas are an HSDS taxonomy: one ``TaxonomyTerm`` per tangle and per life area
(``reference.models``), the life areas under their tangle.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Country
from reference.models import LifeArea, Tangle

#: The HSDS taxonomy our terms belong to (``taxonomy_term.taxonomy``).
TAXONOMY = "overgang-life-areas"
#: An entry not verified for this long is flagged to its owner (issue 21, point 5).
VERIFY_EVERY = datetime.timedelta(days=365)


class TaxonomyTerm(models.Model):
    """An HSDS taxonomy term: a tangle (top level) or a life area (under its tangle)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    tangle = models.OneToOneField(Tangle, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    life_area = models.OneToOneField(
        LifeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="directory_term"
    )
    taxonomy = models.CharField(_("taxonomy"), max_length=100, default=TAXONOMY)

    class Meta:
        ordering = ["code"]
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(tangle__isnull=True) | Q(life_area__isnull=True), name="term_is_a_tangle_or_a_life_area"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        named = self.life_area or self.tangle
        return named.name if named is not None else self.code


class Organization(models.Model):
    """An HSDS organization: who delivers services (a municipality, NAV, a foundation)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    legal_status = models.CharField(_("legal status"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    """HSDS 3.0 ``service.status``."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("No longer offered")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class Setting(models.TextChoices):
    """Where the service is offered: inside the walls, outside, or both (an Overgang extension)."""

    INSIDE = "inside", _("Inside the prison")
    OUTSIDE = "outside", _("Outside the prison")
    BOTH = "both", _("Inside and outside the prison")


class Service(models.Model):
    """An HSDS service: what an organisation offers, for whom, and how to be referred."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("what it offers"))
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    #: HSDS ``eligibility_description``: whom it is for.
    eligibility_description = models.TextField(_("whom it is for"), blank=True)
    #: HSDS ``application_process``: how to refer or apply.
    application_process = models.TextField(_("how to refer"), blank=True)
    fees_description = models.TextField(_("cost"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.NORWAY)
    setting = models.CharField(_("where it is offered"), max_length=10, choices=Setting.choices)
    taxonomy_terms = models.ManyToManyField(
        TaxonomyTerm, related_name="services", blank=True, verbose_name=_("life areas")
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_services",
        verbose_name=_("agency that answers referrals"),
    )
    owner = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_directory_services",
        verbose_name=_("kept up to date by"),
    )
    #: HSDS ``assured_date``: the day the entry was last checked; empty until someone has.
    last_verified = models.DateField(_("last checked"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    #: Every searchable word of the entry, lower-cased: the SQLite fallback searches it, PostgreSQL's
    #: full-text search builds its vector from it (``directory.selectors``); kept by the services.
    search_text = models.TextField(default="", editable=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ServiceStatus]), name="service_status_known"
            ),
            models.CheckConstraint(
                condition=Q(setting__in=[choice.value for choice in Setting]), name="service_setting_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def needs_verifying(self, today: datetime.date) -> bool:
        """Never checked, or not checked for twelve months: flagged to its owner."""
        return self.last_verified is None or self.last_verified + VERIFY_EVERY < today


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("A place to go")
    POSTAL = "postal", _("Postal address")
    VIRTUAL = "virtual", _("Online")


class Location(models.Model):
    """An HSDS location, with its address (HSDS ``address``, one per location here)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    #: HSDS ``transportation``: how to get there.
    transportation = models.TextField(_("how to get there"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    address_1 = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.NORWAY)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once")]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class ServiceArea(models.Model):
    """An HSDS service area: here, one municipality the service serves (``name``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(_("municipality"), max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="service_area_once")]
        indexes = [models.Index(fields=["name"], name="service_area_name")]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.title or self.email


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=40)
    type = models.CharField(max_length=20, default="voice")
    description = models.CharField(_("when to call"), max_length=200, blank=True)

    class Meta:
        ordering = ["number", "id"]

    def __str__(self) -> str:
        return self.number


class Weekday(models.TextChoices):
    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")


#: ``datetime.date.weekday()`` → the RFC 5545 day code HSDS ``byday`` uses.
WEEKDAY_CODES = [day.value for day in Weekday]


class Schedule(models.Model):
    """An HSDS schedule: weekly opening hours, local time (Norway and Denmark share a time zone)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    freq = models.CharField(max_length=10, default="WEEKLY")
    #: Comma-separated RFC 5545 day codes, e.g. "MO,TU,WE,TH,FR".
    byday = models.CharField(_("days"), max_length=30)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.CharField(_("opening hours"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="schedule_closes_after_open")
        ]

    def __str__(self) -> str:
        return self.description or f"{self.byday} {self.opens_at}-{self.closes_at}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Referral(models.Model):
    """A measure's service asked to take the person on, with what the person agreed to share.

    Answered by a user of the service's agency: accepted (they join the group as the measure's
    deliverer) or declined with a reason the contact officer and the person see.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    measure = models.ForeignKey("plans.Measure", on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    #: What the person agreed to share with the service, in the sender's words.
    shared = models.TextField(_("what the person agreed to share"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"))
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("why not"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="referral_decline_has_reason"
            ),
            models.UniqueConstraint(
                fields=["measure", "service"], condition=Q(status="sent"), name="referral_one_open_per_measure"
            ),
        ]
        indexes = [models.Index(fields=["service", "status"], name="referral_service_status")]

    def __str__(self) -> str:
        return f"{self.service} ← {self.measure_id}"
