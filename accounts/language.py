"""Which language a user reads Overgang in (issue 17, point 5).

An explicit choice wins and is kept on the user (``User.language``, set through the language
menu). Until the user chooses, the language follows the country of the user's agency, so a
Danish prison's staff start in Danish; the person, who belongs to no agency, follows the
country of the prison of their latest case. Swedish has no catalogue yet: Swedish agencies
start in English, the language a Swede reads most surely of the three.
"""

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from accounts.models import Country, User

COUNTRY_LANGUAGES = {Country.NORWAY: "nb", Country.DENMARK: "da", Country.SWEDEN: "en"}
#: The session remembers the person's country language, read once per session.
SESSION_KEY = "overgang_country_language"


def country_language(country: str | None) -> str:
    return COUNTRY_LANGUAGES.get(country, settings.LANGUAGE_CODE)


def language_for(user: User, session: SessionBase | None = None) -> str:
    """The language to speak to the user in: their own choice, else their country's (no query for staff)."""
    if user.language:
        return user.language
    if user.agency_id is not None:
        return country_language(user.agency.country)
    if session is not None and SESSION_KEY in session:
        return session[SESSION_KEY]
    from cases.models import Case

    country = (
        Case.objects.filter(person__user=user)
        .order_by("-intake_date", "-id")
        .values_list("institution__country", flat=True)
        .first()
    )
    language = country_language(country)
    if session is not None:
        session[SESSION_KEY] = language
    return language
