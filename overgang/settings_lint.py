"""The settings with the migration linter added (``make migration-lint``; issue 24, ASSURANCE #24).

django-migration-linter is a development tool: requirements-dev.txt installs it, production does
not, so the settings the site runs with never name it.
"""

from overgang.settings import *  # noqa: F403
from overgang.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_migration_linter"]
