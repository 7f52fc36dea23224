"""The session and the signed-in user, read on every request."""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.backends import ModelBackend

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def test_a_live_session_is_read_and_an_expired_one_is_not(db):
    store = SessionStore()
    store["answer"] = 42
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"answer": 42}
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's own store: a new key on the next save
    assert SessionStore("no-such-session-key-at-all-0000000000").load() == {}


def test_the_backend_reads_the_user_with_their_agency_in_one_query(personas, django_assert_num_queries):
    backend = ModelBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(personas.contact_officer.pk)
        assert user == personas.contact_officer and user.agency.name == personas.contact_officer.agency.name
    assert backend.get_user(-1) is None
    personas.nav_with_consent.is_active = False
    personas.nav_with_consent.save(update_fields=["is_active"])
    assert backend.get_user(personas.nav_with_consent.pk) is None
