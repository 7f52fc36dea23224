"""Which language a user reads Overgang in (issue 17, point 5).

An explicit choice wins and is kept on the user (``User.language``, set through the language
menu). Until the user chooses, the language follows the country of the user's agency, so a
Danish prison's staff start in Danish; the person, who belongs to no agency, follows the
country of the prison of their latest case. Norway speaks the site's own language
(``LANGUAGE_CODE``, Norwegian bokmål). Swedish has no catalogue yet: Swedish agencies start
in English, which a Swede reads more surely than Norwegian or Danish public-service words.
"""

from django.conf import settings

from accounts.models import Country, User

COUNTRY_LANGUAGES: dict[str, str] = {Country.DENMARK: "da", Country.SWEDEN: "en"}


def country_language(country: str | None) -> str:
    return COUNTRY_LANGUAGES.get(country or "", settings.LANGUAGE_CODE)


NOT_LOADED = object()


def language_for(user: User) -> str:
    """The language to speak to the user in: their own choice, else their country's.

    No query for a user loaded by the login backend (accounts.backends), which brings the
    agency and, for the person, the country of their latest case in the user's own query.
    """
    if user.language:
        return user.language
    if user.agency is not None:
        return country_language(user.agency.country)
    # Annotated by accounts.backends. Read through getattr, not the instance's __dict__: the
    # request's user is a lazy object whose own __dict__ never holds the user's attributes.
    country = getattr(user, "case_country", NOT_LOADED)
    if country is not NOT_LOADED:
        return country_language(country if isinstance(country, str) else None)
    from cases.models import Case

    country = (
        Case.objects.filter(person__user=user)
        .order_by("-intake_date", "-id")
        .values_list("institution__country", flat=True)
        .first()
    )
    return country_language(country)
