"""Form widgets that write their HTML directly instead of through the template engine.

Django renders every widget with templates (input.html, attrs.html, one select_option.html per option): about a
millisecond each. A page with a form row per candidate (the commission's profiles page: 30 candidates × 4 fields)
spent more time there than in everything else. These widgets produce exactly the HTML of Django's default templates
(lib/tests/test_widgets.py compares them) from the same context, so attributes, ids, aria-* and escaping are
unchanged; only the template machinery is skipped.
"""

import html

from django import forms
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def escape_html(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper (the same text, a few times cheaper per call).

    Returns a plain ``str``: join the pieces, then ``mark_safe`` the whole.
    """
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def render_attrs(attrs: dict) -> SafeString:
    """django/forms/widgets/attrs.html: `` name="value"``, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(" " + escape_html(name))
        else:
            parts.append(f' {escape_html(name)}="{escape_html(value)}"')
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def render_input(widget: dict) -> SafeString:
    """django/forms/widgets/input.html from a widget's context."""
    value = "" if widget["value"] is None else f' value="{escape_html(widget["value"])}"'
    return mark_safe(  # noqa: S308 - every part is escaped
        f'<input type="{escape_html(widget["type"])}" name="{escape_html(widget["name"])}"{value}'
        f"{render_attrs(widget['attrs'])}>"
    )


class DirectInputMixin:
    """django/forms/widgets/input.html (text, hidden, number… all include it)."""

    def _render(self, template_name, context, renderer=None):
        return render_input(context["widget"])


class TextInput(DirectInputMixin, forms.TextInput):
    pass


class HiddenInput(DirectInputMixin, forms.HiddenInput):
    pass


class Select(forms.Select):
    """django/forms/widgets/select.html and select_option.html, with the same line breaks (the option template ends
    with one)."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [f'<select name="{escape_html(widget["name"])}"{render_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape_html(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{escape_html(option["value"])}"{render_attrs(option["attrs"])}>'
                    f"{escape_html(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class Textarea(forms.Textarea):
    """django/forms/widgets/textarea.html: a line break after the opening tag, the value only if not empty."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        value = escape_html(widget["value"]) if widget["value"] else ""
        return mark_safe(  # noqa: S308 - every part is escaped
            f'<textarea name="{escape_html(widget["name"])}"{render_attrs(widget["attrs"])}>\n{value}</textarea>'
        )


class RadioSelect(forms.RadioSelect):
    """Each radio (django/forms/widgets/radio_option.html, rendered by ``{{ radio.tag }}`` or ``{{ radio }}``) is
    written directly; the whole group (``{{ field }}``, radio.html) still goes through the templates."""

    def _render(self, template_name, context, renderer=None):
        if template_name != self.option_template_name:
            return super()._render(template_name, context, renderer)  # type: ignore[misc]  # absent from the stubs
        widget = context["widget"]
        tag = render_input(widget)
        if not widget.get("wrap_label"):
            return tag
        label_for = format_html(' for="{}"', widget["attrs"]["id"]) if widget["attrs"].get("id") else ""
        # input.html ends with a line break, kept inside the label (the renderer only strips the whole output).
        return format_html("<label{}>{}\n {}</label>", label_for, tag, widget["label"])
