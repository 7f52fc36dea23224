"""Two or more runs of ``deliver_notices`` at once deliver each notice once.

Separate processes against the live server's own database (``core.tests.live``), with a
real endpoint on 127.0.0.1 that counts the requests per notice.
"""

import subprocess
import sys
from collections import Counter

from notices.tests.conftest import Endpoint, serve


def test_concurrent_runs_deliver_each_notice_once(live_site):
    from core.tests.live import BASE_DIR, on_this_clock

    for endpoint in serve(Endpoint()):
        live_site.manage(
            "shell",
            "-c",
            "from django.db import transaction\n"
            "from accounts.models import Agency, AgencyKind\n"
            "from cases.models import Case\n"
            "from notices.models import Subscription\n"
            "from notices.services import enqueue_release_notices\n"
            "from accounts.services import system_user\n"
            f"url = {endpoint.url!r}\n"
            "for agency in Agency.objects.exclude(kind=AgencyKind.PRISON):\n"
            f"    secret = {endpoint.secret!r}\n"
            "    Subscription.objects.update_or_create(\n"
            "        agency=agency, defaults=dict(url=url, signing_secret=secret, active=True)\n"
            "    )\n"
            "with transaction.atomic():\n"
            "    for case in Case.objects.filter(released_on__isnull=True):\n"
            "        enqueue_release_notices(case, 'date_set', by=system_user())\n",
        )
        owed = int(
            live_site.manage(
                "shell",
                "-c",
                "from notices.models import Notice; print(Notice.objects.filter(delivered_at=None).count())",
            ).split()[-1]
        )
        assert owed > 2
        runs = [
            subprocess.Popen(
                [sys.executable, "manage.py", "deliver_notices"],
                cwd=BASE_DIR,
                env=on_this_clock(live_site.env),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0] * len(runs), outputs
        taken = [int(out.split("taken ")[1].split(",")[0]) for out, _err in outputs]
        assert sum(taken) == owed
        counts = Counter(endpoint.keys())
        assert len(counts) == owed and set(counts.values()) == {1}
        assert all(request.signed for request in endpoint.received)
        again = live_site.manage("deliver_notices")
        assert again.strip() == "taken 0, delivered 0, failed 0, gave up 0"
        left = live_site.manage(
            "shell", "-c", "from notices.models import Notice; print(Notice.objects.filter(delivered_at=None).count())"
        )
        assert left.split()[-1] == "0"
        # Leave the shared live site as it was found: no agency subscribed.
        live_site.manage(
            "shell", "-c", "from notices.models import Subscription; Subscription.objects.update(active=False)"
        )
