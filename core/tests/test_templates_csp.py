"""Nothing in a template that the security policy refuses (issue #17, point 13).

The Content-Security-Policy (core.middleware) allows styles and scripts from our own static
files only (``style-src 'self'``, ``script-src 'self'``): a ``style=`` attribute, a
``<style>`` element, an inline ``<script>`` or an ``on…=`` handler is refused by the browser,
which then logs an error and drops the spacing or the behaviour. So no template has one. A
``<script>`` is allowed only with a ``src`` (a file under static/) or with a nonce.
"""

import re
from pathlib import Path

from django.conf import settings

from core.middleware import CONTENT_SECURITY_POLICY

SKIPPED = {".venv", "node_modules", "staticfiles", ".git"}
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*\sstyle\s*=", re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.DOTALL)


def jinja2_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path for path in base.rglob("jinja2/**/*.html") if not SKIPPED.intersection(path.relative_to(base).parts)
    )


def refused(source: str) -> list[str]:
    """What the browser would refuse to run or apply in this template's source."""
    found = [f"style attribute: {match.group(0)[:80]!r}" for match in STYLE_ATTRIBUTE.finditer(source)]
    found += [f"<style> element: {match.group(0)!r}" for match in STYLE_ELEMENT.finditer(source)]
    found += [f"event handler: {match.group(0)[:80]!r}" for match in EVENT_HANDLER.finditer(source)]
    for match in SCRIPT.finditer(source):
        attributes = match.group(1)
        if not re.search(r"\ssrc\s*=", attributes) and not re.search(r"\snonce\s*=", attributes):
            found.append(f"inline script: {match.group(0)!r}")
    return found


def test_the_scan_finds_what_the_policy_refuses():
    """The scan itself: each kind of inline code is found, a script file is not."""
    assert "style-src 'self'" in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert len(refused('<div class="x"\n  style="margin: 0">')) == 1
    assert len(refused("<style>p {}</style>")) == 1
    assert len(refused('<script>alert(1)</script><button onclick="go()">')) == 2
    assert refused('<script src="/static/js/overgang.js" defer></script><p data-style="x">') == []


def test_no_template_has_inline_styles_or_scripts():
    templates = jinja2_templates()
    assert len(templates) > 40, templates  # the scan finds the project's templates
    problems = {
        str(path.relative_to(settings.BASE_DIR)): found for path in templates if (found := refused(path.read_text()))
    }
    assert problems == {}
