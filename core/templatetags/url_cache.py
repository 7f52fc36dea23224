"""``{% url %}`` with each URL remembered once reversed (core.urls); a builtin, replacing Django's tag."""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url_tag
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from core.urls import remembered_reverse

register = template.Library()


class RememberedURLNode(URLNode):
    """Django's URLNode (``render`` is its, line by line), reversing through ``remembered_reverse``."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = remembered_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """``{% url %}`` exactly as Django parses it."""
    node = django_url_tag(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
