"""The prison service's regions (issue 22: a scope between a prison and a country).

Norway: the correctional service's five regions (Kriminalomsorgen: region nord, vest, sørvest,
sør and øst, since the reorganisation of 2019). Denmark: the Prison and Probation Service's areas
(Kriminalforsorgen: Hovedstaden, Sjælland, Syddanmark, Midt- og Nordjylland). A prison's region is
stored on its ``Agency.region``; ``region_for`` places a prison by its municipality, for the demo
world and the generated population.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Country


class Region(models.TextChoices):
    NO_NORD = "no-nord", _("Region North (Norway)")
    NO_VEST = "no-vest", _("Region West (Norway)")
    NO_SORVEST = "no-sorvest", _("Region South-West (Norway)")
    NO_SOR = "no-sor", _("Region South (Norway)")
    NO_OST = "no-ost", _("Region East (Norway)")
    DK_HOVEDSTADEN = "dk-hovedstaden", _("Area Capital (Denmark)")
    DK_SJAELLAND = "dk-sjaelland", _("Area Zealand (Denmark)")
    DK_SYDDANMARK = "dk-syddanmark", _("Area Southern Denmark (Denmark)")
    DK_MIDTNORD = "dk-midtnord", _("Area Central and North Jutland (Denmark)")


#: The country each region belongs to.
COUNTRY_OF: dict[str, str] = {
    region: Country.NORWAY if region.startswith("no-") else Country.DENMARK for region in Region.values
}

_TOWNS = {
    Region.NO_NORD: ("Tromsø", "Bodø", "Harstad", "Alta", "Trondheim", "Steinkjer"),
    Region.NO_VEST: ("Bergen", "Ålesund", "Molde"),
    Region.NO_SORVEST: ("Stavanger", "Haugesund", "Kristiansand", "Arendal"),
    Region.NO_SOR: ("Skien", "Drammen", "Larvik", "Tønsberg"),
    Region.NO_OST: ("Oslo", "Fredrikstad", "Hamar", "Halden", "Kongsvinger", "Lillehammer", "Gjøvik", "Sarpsborg"),
    Region.DK_HOVEDSTADEN: ("København",),
    Region.DK_SJAELLAND: ("Roskilde", "Næstved", "Køge", "Slagelse", "Holbæk"),
    Region.DK_SYDDANMARK: ("Odense", "Esbjerg", "Kolding", "Vejle", "Fredericia", "Svendborg", "Nyborg", "Sønderborg"),
    Region.DK_MIDTNORD: (
        "Aarhus",
        "Aalborg",
        "Randers",
        "Horsens",
        "Herning",
        "Silkeborg",
        "Viborg",
        "Holstebro",
        "Hjørring",
        "Frederikshavn",
    ),
}
_BY_TOWN: dict[tuple[str, str], str] = {
    (COUNTRY_OF[region], town): str(region) for region, towns in _TOWNS.items() for town in towns
}
#: Where a prison in a town not listed goes: the capital's region.
_DEFAULT: dict[str, str] = {Country.NORWAY: Region.NO_OST, Country.DENMARK: Region.DK_HOVEDSTADEN}


def region_for(country: str, municipality: str) -> str:
    """The region of a prison in this country and municipality ("" for a country with no regions here)."""
    found = _BY_TOWN.get((country, municipality))
    if found is not None:
        return found
    default = _DEFAULT.get(country)
    return str(default) if default is not None else ""
