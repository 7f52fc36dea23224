"""Who sees the person's own pages: the road in plain words, the plan to print (issue 18).

- The person, always (their own case).
- The case's prison staff and the case's lead: they print the plan for the person and see
  what the person reads.
- Nobody else: a covered member works with the case's pages; a look with a reason reads
  the staff pages, not these.

Where the person goes instead of a staff page is ``access.staff_pages``.
"""

from __future__ import annotations

from access.applications import Viewer


def sees_person_pages(access: Viewer) -> bool:
    return access.is_person or access.runs_the_case
