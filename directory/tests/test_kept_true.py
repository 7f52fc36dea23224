"""Kept true (issue 21, point 5): an entry not checked for twelve months is flagged to its owner on what is due."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from directory.models import Service
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


def flagged(client, user) -> list[str]:
    client.force_login(user)
    return [service.name for service in client.get(reverse("timetable:due")).context["unchecked"]]


def test_the_owner_is_shown_the_entries_to_check_and_checking_one_clears_it(client, fri):
    frida = User.objects.get(username="frida.fri")
    assert flagged(client, frida) == []  # FRI was checked today (the demo's admin)
    in_a_year = timezone.now() + datetime.timedelta(days=366)
    with time_machine.travel(in_a_year, tick=False):
        assert flagged(client, frida) == [fri.name]
        response = client.post(reverse("directory:service_verify", kwargs={"service_id": fri.pk}))
        assert response.status_code == 302
        assert flagged(client, frida) == []
    assert JournalEntry.objects.filter(action="service.verify", object_id=str(fri.pk), actor=frida).exists()


def test_the_administrator_keeps_the_entries_nobody_else_keeps(client):
    admin = User.objects.get(username="admin")
    shown = flagged(client, admin)
    assert "Boligtjenesten i Drammen kommune" in shown and len(shown) == 20  # twenty at a time, never checked first
    assert not Service.objects.filter(name__in=shown, last_verified__isnull=False).exists()
    assert "FRI – fra fengsel til varig bolig" not in shown  # kept by FRI itself


def test_only_a_keeper_marks_an_entry_as_checked(client, personas, fri):
    before = Service.objects.get(pk=fri.pk).version
    for user in (personas.contact_officer, personas.nav_with_consent, personas.analyst):
        client.force_login(user)
        assert client.post(reverse("directory:service_verify", kwargs={"service_id": fri.pk})).status_code == 403
    client.force_login(personas.person)
    assert client.post(reverse("directory:service_verify", kwargs={"service_id": fri.pk})).status_code == 302
    assert Service.objects.get(pk=fri.pk).version == before


def test_an_edit_is_journaled_refused_when_stale_and_bad_input_changes_nothing(fri):
    from django.core.exceptions import ValidationError

    from core.errors import ConcurrentEditError
    from directory.selectors import SearchFilters, search
    from directory.services import service_update

    frida = User.objects.get(username="frida.fri")
    version = fri.version
    updated = service_update(actor=frida, service=fri, version=version, description="Bolig og sirkusskole.")
    assert updated.version == version + 1
    entry = JournalEntry.objects.get(action="service.update", object_id=str(fri.pk))
    assert entry.case_id is None and entry.new is not None
    assert entry.new["description"] == "Bolig og sirkusskole."
    assert fri.name in [s.name for s in search(SearchFilters(words="sirkusskole"))]  # the search text follows
    with pytest.raises(ConcurrentEditError):
        service_update(actor=frida, service=fri, version=version, description="Gammel versjon.")
    with pytest.raises(ValidationError):
        service_update(actor=frida, service=fri, version=version + 1, name=" ", setting="moon")
    fri.refresh_from_db()
    assert fri.description == "Bolig og sirkusskole." and fri.version == version + 1


def test_no_one_else_is_asked_to_check_an_entry(client, personas, fri):
    """Another agency's users, and a keeper whose account is closed, are flagged none of FRI's entries."""
    frida = User.objects.get(username="frida.fri")
    in_a_year = timezone.now() + datetime.timedelta(days=366)
    with time_machine.travel(in_a_year, tick=False):
        for user in (personas.contact_officer, personas.nav_with_consent, personas.analyst):
            assert fri.name not in flagged(client, user), user.username
        User.objects.filter(pk=frida.pk).update(is_active=False)
        from directory.selectors import unchecked_for_keeper

        frida.refresh_from_db()
        assert not unchecked_for_keeper(frida, timezone.localdate()).exists()
