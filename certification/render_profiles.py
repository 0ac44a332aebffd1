"""The profile groups of the commission's profiles page, written in Python instead of the template engine.

Why not a template: the page shows one section per profile of the group and, in it, one table row per candidate
with four form fields (status, mark, absent reason, version) and a range fieldset per complete profile. Through the
template engine and the forms' BoundField/widget machinery this loop cost several times the whole rest of the page
(≈ 1 µs per template node, tens of µs per widget). Here each row is a few string operations.

The HTML is the one ``templates/certification/profiles.html`` used to produce, element for element: same ids,
classes, labels, aria-* attributes, French texts and escaping (stdlib ``html.escape`` is what Django's ``escape``
uses). The fields are written exactly as Django writes them for the page's forms (``ResultRowForm``, ``RangeForm``):
same attributes in the same order, including ``disabled``, ``aria-invalid`` and ``aria-describedby`` when a field
has errors. ``certification/tests/test_render_profiles.py`` compares every field to ``str(form[name])`` and the page
to its expected structure.

Fields are described by ``FieldState`` (html name, value before formatting, disabled, errors), built either from a
form (a submitted page shown again) or straight from the initial values (a plain GET: no form is built at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any, NamedTuple

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from certification.evaluation.forms import RangeForm, ResultRowForm
from certification.evaluation.services.profiles import NOT_ASSESSED
from lib.widgets import render_attrs


class FieldState(NamedTuple):
    name: str  # the html name (with the form's prefix)
    value: Any  # the value before the widget formats it (initial or submitted data)
    disabled: bool
    errors: Sequence[str] = ()


def field_states(form) -> dict[str, FieldState]:
    """The state of each field of a (bound or unbound) form, as BoundField would render it."""
    states = {}
    for name in form.fields:
        bound = form[name]
        states[name] = FieldState(bound.html_name, bound.value(), bound.field.disabled, list(bound.errors))
    return states


def row_states(prefix: str, initial: dict, disabled: bool) -> dict[str, FieldState]:
    """An unbound ``ResultRowForm`` with this prefix and initial values, without building it."""
    return {
        name: FieldState(f"{prefix}-{name}", initial.get(name), disabled)
        for name in ("status", "mark", "absent_reason", "version")
    }


def range_states(prefix: str, initial: dict, disabled: bool) -> dict[str, FieldState]:
    """An unbound ``RangeForm`` with this prefix and initial values, without building it."""
    return {name: FieldState(f"{prefix}-{name}", initial.get(name), disabled) for name in ("low", "high")}


class _FieldKind:
    """What does not change from one row to the next for a field: its widget, its static attributes, its tag."""

    def __init__(self, form_class, name: str):
        field = form_class.base_fields[name]
        self.widget = field.widget
        self.hidden = field.widget.is_hidden
        # BoundField.build_widget_attrs: widget attrs first, then required / disabled / aria-*, then the id.
        self.static = f"{render_attrs(field.widget.attrs)}"  # a plain str: SafeString's + is slower
        if field.required and field.widget.use_required_attribute(None):
            self.static += " required"
        self.input_type = getattr(field.widget, "input_type", None)
        # Select: each option written once, selected or not (django/forms/widgets/select_option.html).
        self.options = [
            (str(value), f'\n  <option value="{escape(str(value))}"', f">{escape(str(label))}</option>\n")
            for value, label in getattr(field, "choices", ())
        ]
        # The options with one of them selected (or none), by selected value: a handful of strings, written once.
        self.options_html = {value: self._options([value]) for value, _start, _end in self.options}

    def _options(self, selected: list[str]) -> str:
        options = []
        for value, start, end in self.options:
            if value in selected:
                options.append(f"{start} selected{end}")
                selected = ()  # only the first matching option is selected
            else:
                options.append(f"{start}{end}")
        return "".join(options)

    def render(self, state: FieldState, formatted: dict | None = None) -> str:
        """``formatted``: a dict kept for one page, remembering the localized values (« 12,5 ») already written."""
        name = escape(state.name)
        attrs = self.static
        if state.disabled:
            attrs += " disabled"
        if state.errors and not self.hidden:
            attrs += f' aria-invalid="true" aria-describedby="id_{name}_error"'
        attrs += f' id="id_{name}"'
        if self.options:
            selected = self.widget.format_value(state.value)
            options = self.options_html.get(selected[0]) if len(selected) == 1 else None
            if options is None:
                options = self._options(selected)
            return f'<select name="{name}"{attrs}>{options}\n</select>'
        if formatted is not None and self.widget.is_localized:
            # The same text gives the same localized text: number formatting is the costly part of a row.
            key = (type(state.value), str(state.value))
            value = formatted[key] if key in formatted else formatted.setdefault(key, self._value(state.value))
        else:
            value = self._value(state.value)
        return f'<input type="{self.input_type}" name="{name}"{value}{attrs}>'

    def _value(self, value) -> str:
        value = self.widget.format_value(value)
        return "" if value is None else f' value="{escape(str(value))}"'


STATUS = _FieldKind(ResultRowForm, "status")
MARK = _FieldKind(ResultRowForm, "mark")
ABSENT_REASON = _FieldKind(ResultRowForm, "absent_reason")
VERSION = _FieldKind(ResultRowForm, "version")
LOW = _FieldKind(RangeForm, "low")
HIGH = _FieldKind(RangeForm, "high")


def _errors(errors: Sequence[str]) -> str:
    if not errors:
        return ""
    # conditional_escape, as {{ error }} did: an error message marked safe is kept as it is.
    return "".join(f'<p class="error">{conditional_escape(error)}</p>' for error in errors)


def _field_errors(state: FieldState) -> str:
    """A field's errors under the id its ``aria-describedby`` names (``id_<name>_error``), read with the field."""
    if not state.errors:
        return ""
    messages = "".join(f"<p>{conditional_escape(error)}</p>" for error in state.errors)
    return f'<div class="error" id="id_{escape(state.name)}_error">{messages}</div>'


def _url_maker(name: str, commission_pk: int):
    """reverse() once per page: the candidate's id is the last path segment of these URLs."""
    marker = 987654321
    prefix, suffix = reverse(name, args=[commission_pk, marker]).rsplit(str(marker), 1)
    prefix, suffix = escape(prefix), escape(suffix)
    return lambda student_pk: f"{prefix}{student_pk}{suffix}"


_THEAD = (
    '<thead><tr><th scope="col">Candidat·e</th><th scope="col">Profil</th><th scope="col">Statut</th>'
    '<th scope="col">Note / 20</th><th scope="col">Motif d\'absence</th>'
    '<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>'
)


def _row(row, states, suggestion: str, is_responsible: bool, edit_url, reopen_url, formatted: dict) -> str:
    name = escape(str(row.student))
    pk = row.student.pk
    locked = row.locked
    head = [name]
    if row.student.candidate_number:
        head.append(f"<br><small>n° {escape(str(row.student.candidate_number))}</small>")
    if locked:
        head.append('\n<br><span class="tag tag-ok">verrouillé (fiche signée)</span>')
    if row.dossier_nv:
        head.append('\n<br><span class="tag tag-err">dossier NV</span>')
    elif row.conformity == "reserve":
        head.append('\n<br><span class="tag tag-warn">conformité réservée</span>')
    profile = (
        '<span class="tag tag-ok">fixé par la commission</span>'
        if row.edited
        else '<span class="tag tag-warn">proposé par la grille</span>'
    )
    if row.proposal_differs:
        profile += f"\n<br><small>la grille commune propose {escape(row.proposal_key)}</small>"
    status, mark, reason, version = states["status"], states["mark"], states["absent_reason"], states["version"]
    mark_id = f"id_{escape(mark.name)}"
    actions = f'<a href="{edit_url(pk)}">Profil et résultat<span class="visually-hidden"> de {name}</span></a>'
    if locked and is_responsible:
        actions += (
            f'\n<br><a href="{reopen_url(pk)}">Rouvrir<span class="visually-hidden"> le résultat de {name}</span></a>'
        )
    locked_class = ' class="locked"' if locked else ""
    suggestion_html = f'<small class="suggestion">{suggestion}</small>' if suggestion else ""
    return (
        f'<tr id="candidat-{pk}"{locked_class}>\n'
        f'<th scope="row">{"".join(head)}\n</th>\n'
        f"<td>{profile}\n</td>\n"
        f'<td>\n<label for="id_{escape(status.name)}" class="visually-hidden">Statut de {name}</label>'
        f"{STATUS.render(status)}\n{VERSION.render(version)}\n{_field_errors(status)}\n</td>\n"
        f'<td>\n<label for="{mark_id}" class="visually-hidden">Note sur 20 de {name}</label>'
        f"{MARK.render(mark, formatted)}\n"
        f"{suggestion_html}\n{_field_errors(mark)}\n</td>\n"
        f'<td>\n<label for="id_{escape(reason.name)}" class="visually-hidden">Motif d\'absence de {name}</label>'
        f"{ABSENT_REASON.render(reason)}\n{_field_errors(reason)}\n</td>\n"
        f"<td>\n{actions}\n</td>\n</tr>\n"
    )


def _range_fieldset(key: str, states, non_field_errors: Sequence[str], editable: bool, formatted: dict) -> str:
    low, high = states["low"], states["high"]
    hidden = f'<input type="hidden" name="plage" value="{escape(key)}">' if editable else ""
    return (
        '<fieldset class="range-fieldset">\n<legend>Notes que la commission se donne pour ce profil</legend>\n'
        f"{_errors(non_field_errors)}\n{hidden}\n"
        f'<label for="id_{escape(low.name)}">de</label> {LOW.render(low, formatted)}\n'
        f'<label for="id_{escape(high.name)}">à</label> {HIGH.render(high, formatted)} '
        '<span aria-hidden="true">/ 20</span>\n'
        f"{_field_errors(low)}\n{_field_errors(high)}\n</fieldset>\n"
    )


NOT_ASSESSED_LEVEL = '<span class="level level-not-assessed" title="non évaluée">NE</span>'


def _level_item(items: dict, order, code: str) -> str:
    if code == "?":
        level = '<span class="level">?</span>'
    elif code == NOT_ASSESSED:
        level = NOT_ASSESSED_LEVEL
    else:
        level = f'<span class="level grid-level" data-grid-level="{escape(code)}">{escape(code)}</span>'
    item = items[order, code] = f'<li><span class="competency-number">C{escape(str(order))}</span> {level}</li>'
    return item


def render_groups(
    page,
    *,
    commission_pk: int,
    editable: bool,
    is_responsible: bool,
    row_states_of,
    range_of,
) -> SafeString:
    """Every profile section of the page.

    ``row_states_of(row)`` gives the row's ``FieldState``s; ``range_of(group)`` gives ``(states, non-field errors)``
    for a complete profile's range fieldset, or ``None`` when the profile has none.
    """
    edit_url = _url_maker("certification:result_edit", commission_pk)
    reopen_url = _url_maker("certification:result_reopen", commission_pk)
    parts = []
    formatted: dict = {}  # see _FieldKind.render
    level_items: dict[tuple, str] = {}  # (compétence order, level code) → its <li>: a few, shared by the groups
    number = 0
    # An exam with a choice (E4 situation B): one part per shape (the compétences assessed), under its heading.
    shapes = page.shapes if page.has_choice else [None]
    for shape_number, shape in enumerate(shapes, start=1):
        groups = shape.groups if shape is not None else page.groups
        if shape is not None:
            count = shape.count
            parts.append(
                f'<section class="profile-shape" aria-labelledby="forme-{shape_number}">\n'
                f'<h2 id="forme-{shape_number}" class="profile-shape-heading">{escape(shape.heading)} '
                f"<small>({count} candidat{'' if count == 1 else 's'})</small></h2>\n"
            )
        for group in groups:
            number += 1
            parts.append(_group(group, number, shape is not None, level_items, formatted, editable, range_of))
            suggestion = escape(group.suggestion)
            parts.extend(
                _row(row, row_states_of(row), suggestion, is_responsible, edit_url, reopen_url, formatted)
                for row in group.rows
            )
            parts.append("</tbody>\n</table></div>\n")
            if editable:
                parts.append(_save_button(number, group.key))
            parts.append("</section>\n")
        if shape is not None:
            parts.append("</section>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


def _save_button(number: int, key: str) -> str:
    """A save at the end of each profile: the group's marks are saved without crossing the rest of the page (the
    button sends the whole form, so nothing typed elsewhere is lost; ``groupe`` only says where the user was)."""
    return (
        f'<p class="profile-save"><button type="submit" class="button" name="groupe" value="{number}">'
        "Enregistrer les plages et les notes"
        f'<span class="visually-hidden"> (profil {escape(key)})</span></button></p>\n'
    )


def _group(group, number: int, in_shape: bool, level_items: dict, formatted: dict, editable: bool, range_of) -> str:
    """A profile's section up to its table's body (the rows follow)."""
    key = escape(group.key)
    count = len(group.rows)
    heading = "h3" if in_shape else "h2"
    if group.complete:
        title = "Profil"
    elif group.pending:
        title = "Profil en attente"
    else:
        title = "Profil incomplet"
    levels = "".join(
        level_items.get((competency.order, code)) or _level_item(level_items, competency.order, code)
        for competency, code in group.levels
    )
    parts = [
        f'<section class="card profile-group{"" if group.complete else " profile-incomplete"}" '
        f'aria-labelledby="profil-{number}">\n'
        f'<{heading} id="profil-{number}">\n{title} <span class="profile-key">{key}</span>\n'
        f"<small>({count} candidat{'' if count == 1 else 's'})</small>\n</{heading}>\n"
        f'<ul class="profile-levels" aria-label="Niveau par compétence">\n{levels}\n</ul>\n'
    ]
    if group.pending:
        message = escape(group.pending_message)
        parts.append(
            f'<p class="help">{message[:1].upper()}{message[1:]} : le profil sera comparé à ceux de même forme '
            "une fois la fiche retenue enregistrée.</p>\n"
        )
    elif not group.complete:
        parts.append(
            '<p class="help">Une compétence évaluée au moins n\'est pas positionnée : complétez la grille commune ou '
            "arrêtez le profil sur la page du candidat.</p>\n"
        )
    if group.dominated:
        dominated = ", ".join(escape(other) for other in group.dominated)
        parts.append(f'<p class="help">Domine les profils : {dominated}.</p>\n')
    range_state = range_of(group)
    if range_state is not None:
        parts.append(_range_fieldset(group.key, *range_state, editable, formatted))
    parts.append(
        '<div class="table-wrap"><table class="table results-table">\n'
        f'<caption class="visually-hidden">Candidats du profil {key}</caption>\n{_THEAD}\n<tbody>\n'
    )
    return "".join(parts)
