"""``{% jinja "app/includes/name.jinja" key=value … %}``: a hot partial rendered by the Jinja2 engine (lib/jinja.py).

Like ``{% include … with … only %}``: the partial sees only the values passed. Its output is already escaped by
Jinja2's autoescape, so it is inserted as is.
"""

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def jinja(template_name: str, **context: object) -> SafeString:
    html = engines["jinja2"].get_template(template_name).render(context)
    return mark_safe(html)  # noqa: S308 - rendered by Jinja2 with autoescape on
