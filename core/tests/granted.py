"""One helper the selector tests share: the access a test expects a user to have to a case."""

from access.policy import CaseAccess, access_by_code


def granted_access(user, case) -> CaseAccess:
    """The user's access to the case; the test fails here if the user has none."""
    found = access_by_code(user, case.code)
    assert found is not None, f"{user.username} should see {case.code}"
    return found
