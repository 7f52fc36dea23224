import pytest

from accounts.models import User
from cases.models import Case
from programmes.models import Enrolment, Programme


@pytest.fixture
def exit_programme(db) -> Programme:
    return Programme.objects.get(slug="exit")


@pytest.fixture
def emma(db) -> User:
    """The Exit adviser of the demo world."""
    return User.objects.get(username="emma.exit")


@pytest.fixture
def karl(db) -> User:
    """The contact officer of the Copenhagen cases."""
    return User.objects.get(username="karl.kontakt")


@pytest.fixture
def mikkel(db) -> Case:
    """A participant in the Exit programme (gang ties, wants out)."""
    return Case.objects.select_related("person", "institution").get(person__first_name="Mikkel")


@pytest.fixture
def yusuf(db) -> Case:
    """An applicant to the Exit programme, the intake conversation still to come."""
    return Case.objects.select_related("person", "institution").get(person__first_name="Yusuf")


@pytest.fixture
def yusuf_enrolment(yusuf) -> Enrolment:
    return Enrolment.objects.get(case=yusuf)


@pytest.fixture
def mikkel_enrolment(mikkel) -> Enrolment:
    return Enrolment.objects.get(case=mikkel)
