"""Plain Django underneath: no app code overrides Django's private internals or replaces its builtin tags (issue #15).

Each of these had to be re-verified on every Django upgrade: the model's choice-label
method, the session store's read from the database, the query compiler's row-building
internals, and a TEMPLATES option loading a library that replaced ``{% url %}`` and
``|date``. The scan reads the project's own Python files (not .venv): the names only such
code spells, and any import of a private name or module of Django. A second check asks
Python which methods of project classes, or of the mixins they take, override an
underscore method of a Django class. The names are spelled in pieces here, so that a
search of the code for them finds no use.
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.defaultfilters import register as django_filters
from django.template.defaulttags import register as django_tags

BASE_DIR = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", ".git", "staticfiles", "__pycache__", "migrations", "tests"}
#: The TEMPLATES option that adds a library to every template.
EVERY_TEMPLATE = "built" + "ins"
#: Files excused from the scan: none since remembered.py and reversing.py went with the Jinja2 templates.
NOT_YET_REMOVED: set[str] = set()
NOT_YET_REMOVED_SETTING = f'"{EVERY_TEMPLATE}": ["core.templatetags.remembered"],'
#: Names only code leaning on Django's internals spells.
PRIVATE_INTERNALS = re.compile(
    r"\bdef\s+_get_FIELD" + r"_display\b|\b_get_session" + r"_from_db\b|\bklass" + r"_info\b"
    r"|\bget_related" + r"_populators\b|\bhas_composite" + r"_fields\b|[\"']" + EVERY_TEMPLATE + r"[\"']\s*:"
)
#: Django's modules that are internal: importing from them ties the code to one release.
PRIVATE_MODULES = ("django.db.models.sql",)


def _project_files() -> list[Path]:
    return [
        path
        for path in BASE_DIR.rglob("*.py")
        if SKIPPED_DIRS.isdisjoint(path.relative_to(BASE_DIR).parts)
        and path.relative_to(BASE_DIR).as_posix() not in NOT_YET_REMOVED
    ]


def internals_used(source: str) -> list[str]:
    """The lines of the source that override, read or import one of Django's private internals."""
    lines = source.splitlines()
    found = {number for number, line in enumerate(lines, 1) if PRIVATE_INTERNALS.search(line)}
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a fragment of a file (the self-test's lines): the names above are still found
        tree = ast.Module(body=[], type_ignores=[])
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
            if node.module.startswith(PRIVATE_MODULES) or any(alias.name.startswith("_") for alias in node.names):
                found.add(node.lineno)
        elif isinstance(node, ast.Import) and any(alias.name.startswith(PRIVATE_MODULES) for alias in node.names):
            found.add(node.lineno)
    return [lines[number - 1].strip() for number in sorted(found)]


def test_the_scan_finds_each_kind_of_private_internal():
    for line in [
        "    def _get_FIELD" + "_display(self, field):",
        "    def _get_session" + "_from_db(self):",
        "select, info = compiler.select, compiler.klass" + "_info",
        "from django.db.models.query import get_related" + "_populators",
        "compiler.has_composite" + "_fields(fields)",
        NOT_YET_REMOVED_SETTING,
        "from django.db.models.sql.subqueries import InsertQuery",
        "import django.db.models.sql.compiler",
        "from django.utils.functional import _lazy_proxy_unpickle",
    ]:
        assert internals_used(line) == [line.strip()], line
    assert internals_used("label = case.get_stage_display()\nSESSION_ENGINE = 'x'") == []
    assert internals_used("from django.db.models import Q, QuerySet\nimport django.db") == []


def test_no_app_code_names_a_private_internal_of_django():
    files = _project_files()
    assert len(files) > 100  # the scan reads the project, not an empty folder
    offenders = {
        str(path.relative_to(BASE_DIR)): found
        for path in files
        if (found := internals_used(path.read_text())) and not (NOT_YET_REMOVED and found == [NOT_YET_REMOVED_SETTING])
    }
    assert offenders == {}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)


def _project_modules() -> list:
    """The project's app modules with a class in them, imported."""
    names = [
        _module_name(path)
        for path in _project_files()
        if path.name not in {"manage.py", "conftest.py"}
        and (path.parent / "__init__.py").exists()
        and any(isinstance(node, ast.ClassDef) for node in ast.parse(path.read_text()).body)
    ]
    return [importlib.import_module(name) for name in names]


def underscore_overrides(classes) -> set[str]:
    """The underscore methods that these classes, or mixins among their bases, define over a Django class's.

    A mixin has no Django base of its own: its method overrides Django's only in the class
    that takes it, so every class's whole MRO is read, not the class body alone.
    """
    offenders = set()
    for cls in classes:
        mro = cls.__mro__
        for position, owner in enumerate(mro):
            if owner is object or owner.__module__.startswith("django."):
                continue
            for name, value in vars(owner).items():
                if not name.startswith("_") or name.startswith("__") or name.endswith("_"):  # dunder, enum sunder
                    continue
                if not (inspect.isfunction(value) or isinstance(value, staticmethod | classmethod | property)):
                    continue  # an attribute Django sets on the class (a model's _meta), not a method
                for base in mro[position + 1 :]:
                    if base.__module__.startswith("django.") and name in vars(base):
                        offenders.add(f"{owner.__module__}.{owner.__qualname__}.{name} (over {base.__qualname__})")
                        break
    return offenders


def test_no_project_class_overrides_an_underscore_method_of_a_django_class():
    modules = _project_modules()
    assert len(modules) > 30
    classes = [
        cls
        for module in modules
        for cls in vars(module).values()
        if inspect.isclass(cls) and cls.__module__ == module.__name__
    ]
    assert underscore_overrides(classes) == set()


def test_the_class_check_finds_an_override_directly_and_by_a_mixin():
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import models

    class Overriding(SessionStore):
        def _get_session_from_db(self):
            return None

        def _own_helper(self):  # a private method of the project's own is fine
            return None

    class Saving:  # no Django base: it overrides only in the model that takes it
        def _do_update(self, *args):
            return True

    class Saved(Saving, models.Model):
        class Meta:
            abstract = True
            app_label = "core"

    found = underscore_overrides([Overriding, Saved])
    assert {entry.split(" ")[0].rsplit(".", 1)[1] for entry in found} == {"_get_session_from_db", "_do_update"}


def test_no_template_library_replaces_a_django_builtin_tag_or_filter():
    allowed = {_module_name(BASE_DIR / path) for path in NOT_YET_REMOVED}
    added = [
        library
        for backend in settings.TEMPLATES
        for library in backend.get("OPTIONS", {}).get(EVERY_TEMPLATE, [])
        if library not in allowed
    ]
    engine = engines["django"].engine
    shadowed = {
        (name, kind)
        for module in engine.libraries.values()
        if module not in allowed and not module.startswith("django.")
        for library in [importlib.import_module(module).register]
        for kind, registered, django in (
            ("tag", library.tags, django_tags.tags),
            ("filter", library.filters, django_filters.filters),
        )
        for name in registered
        if name in django
    }
    assert (added, shadowed) == ([], set())
