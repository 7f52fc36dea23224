"""What a worker keeps of reference data (``core.kept``): read once, again when fresh, forgotten on a save."""

import pytest

from core.kept import Kept
from reference.models import Tangle


def counting() -> tuple[Kept[int], list[int]]:
    reads: list[int] = []

    def read() -> int:
        reads.append(len(reads) + 1)
        return reads[-1]

    return Kept(read), reads


def test_the_value_is_read_once_then_kept_until_asked_fresh_or_forgotten():
    kept, reads = counting()
    assert (kept(), kept()) == (1, 1)
    assert kept(fresh=True) == 2
    kept.forget()
    assert kept() == 3
    assert reads == [1, 2, 3]


def test_the_value_is_read_again_once_its_time_has_passed(monkeypatch):
    kept, reads = counting()
    kept()
    monkeypatch.setattr(kept, "seconds", -1.0)  # any time since the read is too long
    kept()
    assert reads == [1, 2]


@pytest.mark.django_db
def test_a_save_or_delete_of_a_watched_model_forgets_in_this_worker():
    kept, reads = counting()
    kept.forget_on_change(Tangle, uid="core.tests.test_kept")
    kept()
    tangle = Tangle.objects.order_by("pk")[0]
    tangle.save()
    assert kept() == 2
    Tangle.objects.create(code="KEPT", name_en="Kept", name_nb="Kept", name_da="Kept").delete()
    kept()
    assert reads == [1, 2, 3]
