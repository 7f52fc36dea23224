"""Roles in each country's own terms (issue 17, point 5); notices: timetable.engine.notice_receiver.

A Danish case has no NAV: the income after release is the municipality's, through its
jobcentre (jobcenter), and probation is Kriminalforsorgen i Frihed (KIF), the names the God
Løsladelse release timetable uses (Ramsbøl and Rasmussen 2009, as NIBR report 2011:20 sums
it up: "kommunen ofte ved sosialtjenesten eller jobcenteret"; "KIF skal trekkes inn").
Sweden's are Arbetsförmedlingen and Frivården. In a Norwegian case NAV is NAV, in every language.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from accounts.models import Country, Role

ROLES: dict[str, dict[str, StrOrPromise]] = {
    Country.NORWAY: {Role.NAV: pgettext_lazy("Norway", "NAV adviser")},
    Country.DENMARK: {
        Role.NAV: _("Jobcentre adviser"),
        Role.PROBATION: _("KIF officer (Kriminalforsorgen i Frihed)"),
    },
    Country.SWEDEN: {
        Role.NAV: _("Arbetsförmedlingen adviser"),
        Role.PROBATION: _("Probation officer (Frivården)"),
    },
}


def role_label(role: str, country: str | None) -> str:
    """A role's name as the country says it: a Danish "NAV adviser" works at a jobcentre."""
    return str(ROLES.get(country or "", {}).get(role) or Role(role).label)
