"""Reads of what the person has achieved; ``access.achievements`` decides who reads which."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from access.achievements import achievement_filter, correctable_filter
from access.policy import CaseAccess
from achievements.models import Achievement


def achievements_for(access: CaseAccess) -> QuerySet[Achievement]:
    """What the viewer reads, newest first: the person all of theirs, staff and covered members the case's."""
    return Achievement.objects.filter(achievement_filter(access))


def achievement_to_correct(access: CaseAccess, achievement_id: int) -> Achievement:
    """One achievement of the viewer's own case that is not withdrawn; another case's, or a missing one, is 404."""
    achievement = (
        Achievement.objects.filter(correctable_filter(access), pk=achievement_id).select_related("case").first()
    )
    if achievement is None:
        raise Http404
    return achievement
