"""Users and the agencies they work for (DOMAIN.md §2)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    NORWAY = "NO", _("Norway")
    DENMARK = "DK", _("Denmark")
    SWEDEN = "SE", _("Sweden")


class AgencyKind(models.TextChoices):
    PRISON = "prison", _("Prison")
    PROBATION = "probation", _("Probation office")
    NAV = "nav", _("NAV office")
    MUNICIPALITY = "municipality", _("Municipal service")
    HEALTH = "health", _("Health service")
    SCHOOL = "school", _("School")
    NGO = "ngo", _("Voluntary organisation")


class SecurityLevel(models.TextChoices):
    HIGH = "high", _("High security")
    LOW = "low", _("Low security")


class Agency(models.Model):
    """An organisation unit: a prison, a probation office, a NAV office, an NGO, ..."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.NORWAY)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    security_level = models.CharField(_("security level"), max_length=10, choices=SecurityLevel.choices, blank=True)
    #: A prison's region (``accounts.regions.Region``); empty for other agencies (issue 22: the region scope).
    # db_default: the code before the field inserts agencies without it (make migration-lint).
    region = models.CharField(_("region"), max_length=20, blank=True, db_index=True, db_default="")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="prison", security_level__in=["high", "low"])
                | (~models.Q(kind="prison") & models.Q(security_level="")),
                name="agency_security_level_only_for_prisons",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_prison(self) -> bool:
        return self.kind == AgencyKind.PRISON


class Role(models.TextChoices):
    PERSON = "person", _("Person serving the sentence")
    CONTACT_OFFICER = "contact_officer", _("Contact officer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    REENTRY_COORDINATOR = "reentry_coordinator", _("Reentry coordinator")
    PROBATION = "probation", _("Probation officer")
    NAV = "nav", _("NAV adviser")
    MUNICIPALITY = "municipality", _("Municipal worker")
    HEALTH = "health", _("Health worker")
    SCHOOL = "school", _("School contact")
    VOLUNTEER = "volunteer", _("Volunteer or peer mentor")
    PROGRAMME_STAFF = "programme_staff", _("Programme staff")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


#: Roles held by prison-service staff, who are responsible for the case inside the walls.
PRISON_STAFF_ROLES = frozenset({Role.CONTACT_OFFICER, Role.SOCIAL_WORKER, Role.REENTRY_COORDINATOR})
#: Roles that may be members of a responsibility group.
GROUP_ROLES = frozenset(
    {
        Role.CONTACT_OFFICER,
        Role.SOCIAL_WORKER,
        Role.PROBATION,
        Role.NAV,
        Role.MUNICIPALITY,
        Role.HEALTH,
        Role.SCHOOL,
        Role.VOLUNTEER,
        Role.PROGRAMME_STAFF,
    }
)


#: What ``User.display_name`` reads: a list that shows users by name loads these only (``only``).
USER_NAME_FIELDS = ("username", "first_name", "last_name")


class User(AbstractUser):
    """A user of Overgang; staff belong to one agency, the person to none."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    #: The language the user chose in the language menu; empty until they choose (accounts.language).
    language = models.CharField(_("chosen language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ExternalIdentity(models.Model):
    """A user's account at an OpenID provider: the provider's stable subject for them.

    Sign-in through a provider finds the user by (issuer, subject), never by a name or an
    e-mail address. An administrator links staff; a person is linked at their first sign-in
    by the identity number the provider vouches for (accounts.services.oidc_user_for).
    """

    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="external_identities")
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
