"""Template helpers for forms: what the error banner at the top of a form lists."""

from django import template
from django.forms import BoundField, Form

register = template.Library()


@register.filter
def fields_in_error(form: Form) -> list[BoundField]:
    """The form's fields that carry an error, in the order of the form."""
    return [field for field in form if field.errors]
