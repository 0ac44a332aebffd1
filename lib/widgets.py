"""Form widgets that write their HTML directly instead of through the template engine.

Django renders every widget with templates (input.html, attrs.html, one select_option.html per option): about a
millisecond each. A page with a form row per candidate (the commission's profiles page: 30 candidates × 4 fields)
spent more time there than in everything else. These widgets produce exactly the HTML of Django's default templates
(lib/tests/test_widgets.py compares them) from the same context, so attributes, ids, aria-* and escaping are
unchanged; only the template machinery is skipped.
"""

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def render_attrs(attrs: dict) -> SafeString:
    """django/forms/widgets/attrs.html: `` name="value"``, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(" " + conditional_escape(name))
        else:
            parts.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class DirectInputMixin:
    """django/forms/widgets/input.html (text, hidden, number… all include it)."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, render_attrs(widget["attrs"])
        )


class TextInput(DirectInputMixin, forms.TextInput):
    pass


class HiddenInput(DirectInputMixin, forms.HiddenInput):
    pass


class Select(forms.Select):
    """django/forms/widgets/select.html and select_option.html, with the same line breaks (the option template ends
    with one)."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], render_attrs(widget["attrs"]))]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        option["value"],
                        render_attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))
        parts.append(mark_safe("\n</select>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
