"""The rubric blocks of the fiche editor, written in Python rather than with a template.

An E4 fiche has 28 rubrics (recto and one verso), more with each verso added, and every one of them is a block with
its label, note, textarea, refused text and comments. Rendered with ``{% include %}`` per rubric and Django's widget
templates, those blocks cost more than half of the page (about 15 ms of CPU a request). This module writes the same
HTML (the former templates/passeport/fiche_rubric_edit.html and fiche_rubric_comments.html: same elements, ids,
classes, texts, escaping) with f-strings whose every value goes through ``e`` (lib.widgets.escape_html: Django's
``conditional_escape`` without its lazy-string wrapper, several times cheaper than ``format_html`` per value);
passeport/tests/test_render_fiche.py compares it with the former template. The textareas are lib.widgets.Textarea,
which write Django's textarea HTML directly.

The read-only page (fiche_read.html) still uses the templates: it has no form widget and is read far less often.
"""

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from lib.widgets import escape_html as e

COMMENT_DATE = "d/m/Y à H:i"
RESOLVED_CLASS = ' class="is-resolved"'
RESOLVED_TAG = ' <span class="tag tag-ok">résolu</span>'


def render_editor_parts(parts: list[dict]) -> SafeString:
    """The recto and versos of the editor's form: ``<section>`` per part, ``<fieldset>`` per official section."""
    out = []
    for part in parts:
        anchor = e(part["anchor"])
        out.append(
            f'<section class="fiche-part" id="{anchor}" aria-labelledby="{anchor}-titre">\n'
            f'<h2 id="{anchor}-titre">{e(part["title"])}</h2>\n'
        )
        for section in part["sections"]:
            out.append(f'<fieldset class="fiche-section">\n<legend>{e(section["title"])}</legend>\n')
            out.extend(_rubric(item) for item in section["items"])
            out.append("</fieldset>\n")
        out.append("</section>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped by e()


def _rubric(item: dict) -> str:
    rubric = item["rubric"]
    html = [f'<div class="field fiche-rubric" id="{e(item["block_id"])}">\n']
    if item["group_start"]:
        html.append(f'<p class="fiche-group">{e(rubric.group)}</p>\n')
    field = item["field"]
    if field is not None:
        html.append(f'<label for="{e(field.id_for_label)}">{e(rubric.label)}</label>\n')
        if rubric.note:
            html.append(f'<p class="help" id="{e(item["anchor"])}_note">{e(rubric.note)}</p>\n')
        html.append(f"{e(field)}\n")
        html.extend(f'<p class="error">{e(error)}</p>\n' for error in field.errors)
    else:
        html.append(
            f'<p class="fiche-label">{e(rubric.label)}</p>\n'
            f'<div class="fiche-text" id="{e(item["anchor"])}">{e(item["text"] or "(rubrique vide)")}</div>\n'
        )
    if item["rejected"] is not None:
        html.append(_rejected(item))
    if item["comments"]:
        html.append(_comments(item["comments"]))
    html.append("</div>\n")
    return "".join(html)


def _rejected(item: dict) -> str:
    anchor = e(item["anchor"])
    empty_note = "" if item["rejected"] else '<p class="help">(vous aviez vidé cette rubrique)</p>\n'
    return (
        '<details class="fiche-rejected" open>\n'
        f"<summary>Votre texte non enregistré pour « {e(item['rubric'].label)} »</summary>\n"
        f'<div class="fiche-text" id="{anchor}_rejete">{e(item["rejected"])}</div>\n'
        f"{empty_note}"
        f'<button type="button" class="button button-secondary" data-restore-from="{anchor}_rejete" '
        f'data-restore-to="{anchor}" hidden>Reprendre mon texte dans cette rubrique</button>\n'
        "</details>\n"
    )


def _comments(comments: list) -> str:
    """templates/passeport/includes/fiche_rubric_comments.html (the editor never shows the staff's comment form)."""
    rows = []
    for comment in comments:
        resolved = comment.resolved_at is not None
        created = date_filter(template_localtime(comment.created_at), COMMENT_DATE)
        rows.append(
            ("<li" + RESOLVED_CLASS if resolved else "<li")
            + f'><span class="fiche-comment-meta">{e(comment.author.display_name)}, le {e(created)}'
            + (RESOLVED_TAG if resolved else "")
            + f" :</span> {linebreaksbr(comment.text)}</li>\n"
        )
    return (
        '<div class="fiche-comments">\n'
        '<p class="fiche-comments-title">Commentaires de l\'équipe pédagogique</p>\n'
        f"<ul>\n{''.join(rows)}</ul>\n</div>\n"
    )
