"""Django's database sessions, read with SQL built once per connection.

Every request reads its session; building that one small query cost more CPU than
running it (core.compiled). Writing, expiry and everything else is Django's.
"""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import router
from django.db.models import QuerySet
from django.utils import timezone

from core.compiled import CompiledQuery


def _live_session(session_key: str, now: datetime.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


LIVE_SESSION = CompiledQuery(_live_session, session_key=str, now=datetime.datetime)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        using = router.db_for_read(Session)
        session = LIVE_SESSION.first(using=using, session_key=self.session_key, now=timezone.now())
        if session is None:
            self._session_key = None
        return session
