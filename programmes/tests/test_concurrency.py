"""Two officers fill the programme's last place at once: exactly one gets it, the other goes to the list.

Two separate processes (two database connections) accept two applicants at the same
moment against the live server's database: SQLite, or PostgreSQL in the PostgreSQL pass,
where ``enrolment_decide`` locks the programme's row with ``select_for_update``. On SQLite
every transaction takes the write lock at its start (``transaction_mode`` IMMEDIATE), so
the second waits for the first and then finds the place taken. A file barrier lets both
processes start their transactions together; the outcome is asserted, never the timing.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from core.tests.live import BASE_DIR, on_this_clock

SETUP = """
import datetime, json
from django.utils import timezone
from accounts.models import User
from cases.models import LegalStatus
from cases.services import IntakeData, case_open
from programmes.models import Enrolment, EnrolmentState, Programme
from programmes.services import enrolment_apply, enrolment_interview, programme_facts_set
today = timezone.localdate()
karl, emma = User.objects.get(username="karl.kontakt"), User.objects.get(username="emma.exit")
programme = Programme.objects.get(slug="exit")
ids = []
for name in ("Ida", "Jakob"):
    data = IntakeData(first_name=name, last_name="Samtidig", birth_date=datetime.date(1997, 1, 1),
        home_municipality="København", legal_status=LegalStatus.SENTENCED, intake_date=today,
        sentence_start=today, sentence_days=400)
    case = case_open(actor=karl, data=data)
    programme_facts_set(actor=karl, case=case, expulsion_order="no", gang_ties="no", wants_to_leave_crime="yes",
        earlier_sentences=0, version=None)
    enrolment = enrolment_apply(actor=karl, case=case, programme=programme, by_person=False, person_agrees=True)
    enrolment = enrolment_interview(actor=emma, enrolment=enrolment, held_on=today, note="", version=enrolment.version)
    ids.append(enrolment.pk)
in_use = Enrolment.objects.filter(programme=programme, state=EnrolmentState.PARTICIPANT).count()
Programme.objects.filter(pk=programme.pk).update(annual_places=in_use + 1)  # one place left
print(json.dumps({"ids": ids, "places": in_use + 1}))
"""

ACCEPT = """
import json, time
from pathlib import Path
from django.utils import timezone
from accounts.models import User
from programmes.models import Enrolment
from programmes.services import enrolment_decide
emma = User.objects.get(username="emma.exit")
enrolment = Enrolment.objects.get(pk={pk})
barrier = Path({barrier!r})
(barrier / "{pk}").touch()
while len(list(barrier.iterdir())) < 2:
    time.sleep(0.005)
decided = enrolment_decide(actor=emma, enrolment=enrolment, accept=True, decided_on=timezone.localdate(),
    version=enrolment.version)
print(json.dumps({{"state": decided.state}}))
"""

RESULT = """
import json
from programmes.models import Enrolment, EnrolmentState, Programme
programme = Programme.objects.get(slug="exit")
print(json.dumps({"in_use": Enrolment.objects.filter(programme=programme, state=EnrolmentState.PARTICIPANT).count(),
    "places": programme.annual_places}))
"""


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_two_officers_filling_the_last_place_at_once_one_gets_it_the_other_waits(live_site):
    setup = _last_json(live_site.manage("shell", "-c", SETUP))
    barrier = Path(tempfile.mkdtemp(prefix="overgang-barrier-"))
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", ACCEPT.format(pk=pk, barrier=str(barrier))],
            cwd=BASE_DIR,
            env=on_this_clock(live_site.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pk in setup["ids"]
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], [err for _out, err in outputs]
    states = sorted(_last_json(out)["state"] for out, _err in outputs)
    assert states == ["participant", "waiting"]
    after = _last_json(live_site.manage("shell", "-c", RESULT))
    assert after["in_use"] == after["places"] == setup["places"]
