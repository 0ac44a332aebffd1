"""The compétence sections of the grid pages (a member's grid, the agreed grid), written in Python.

Why not a template: a section is a table with a line per critère and five radio buttons per line, each with its
hidden label; through the template engine (templates/certification/grid_section.html, kept as the readable
reference) the 11 lines of an E4 grid cost about ten milliseconds, more than everything else on a page that jury
members reload at every save. This module writes the same HTML (same elements, ids, classes, labels, French texts
and escaping; only the whitespace between tags differs), and certification/tests/test_render_grid.py compares it
with the template's output.

Every value coming from the database or the user goes through ``escape`` (or ``linebreaksbr``, which escapes too);
the fixed markup is literal. The sections are the ``CompetencySection`` / ``LineRow`` objects built by the views.
"""

from collections.abc import Iterable

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from referentiel.models import Level

PREFILLED = '<span class="tag tag-ok">pré-rempli : tous les membres d’accord</span>'
NOT_POSITIONED = '<span class="help">non positionné</span>'


NOT_ASSESSED_TAG = '<span class="tag">non évaluée</span>'


def render_sections(
    sections: Iterable,
    *,
    levels: list[Level],
    commission_pk: int,
    student_pk: int,
    agreed_mode: bool,
    not_assessed: Iterable = (),
    not_assessed_note: str = "",
) -> SafeString:
    """Every section of a grid page, in order (grid_section.html for each, ``agreed_mode`` as in the include).

    ``not_assessed``: the compétences the candidate is not assessed on (E4 situation B: the compétence of the fiche
    not chosen), each written in its place as a « non évaluée » section without any field.
    """
    sections = sorted([*sections, *not_assessed], key=lambda item: _competency_of(item).order)
    level_cells = [(level.code, escape(level.code), escape(level.label)) for level in levels]
    heads = "".join(
        f'<th scope="col" class="grid-level-head"><abbr title="{label}">{code}</abbr></th>'
        for _raw, code, label in level_cells
    )
    thead = (
        '<thead><tr><th scope="col">Critère</th>'
        + ('<th scope="col">Positions des membres</th>' if agreed_mode else "")
        + heads
        + '<th scope="col" class="grid-level-head">Non positionné</th></tr></thead>'
    )
    parts: list[str] = []
    for section in sections:
        if not hasattr(section, "competency"):
            parts.append(_not_assessed(section, not_assessed_note))
            continue
        competency = section.competency
        title = escape(competency.title)
        anchor = f"competence-{escape(competency.pk)}"
        evidence = escape(reverse("certification:grid_evidence", args=[commission_pk, student_pk, competency.pk]))
        parts.append(
            f'<section class="card grid-section" aria-labelledby="{anchor}">\n'
            f'<h2 id="{anchor}">{title}</h2>\n'
            f'<p class="grid-evidence-link"><a href="{evidence}">Dossier, fiches, évaluations formatives, stages et '
            f'commentaires<span class="visually-hidden"> pour « {title} »</span></a></p>\n'
            '<div class="table-wrap">\n<table class="table grid-table">\n'
            f'<caption class="visually-hidden">{title} : positionnement par critère</caption>\n'
            f"{thead}\n<tbody>\n"
        )
        for row in section.lines:
            parts.append(_row(row, level_cells, agreed_mode))
        parts.append("</tbody>\n</table>\n</div>\n")
        if section.member_comments:
            comments = "".join(
                f"<li>{escape(who.user.display_name)} : {linebreaksbr(text, autoescape=True)}</li>"
                for who, text in section.member_comments
            )
            parts.append(
                '<div class="grid-member-comments"><p><strong>Commentaires des membres</strong></p>\n'
                f"<ul>{comments}</ul>\n</div>\n"
            )
        name = escape(section.comment_name)
        whose = " de la commission" if agreed_mode else ""
        parts.append(
            '<div class="field">\n'
            f'<label for="id_{name}">Commentaire{whose} – {title}</label>\n'
            f'<textarea name="{name}" id="id_{name}" rows="3" maxlength="5000">{escape(section.comment)}</textarea>\n'
        )
        if section.saved_comment is not None:
            saved = escape(section.saved_comment or "(vide)")
            parts.append(f'<p class="grid-conflict-saved">Enregistré entre-temps : {saved}</p>\n')
        parts.append("</div>\n</section>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


def _competency_of(item):
    return getattr(item, "competency", item)


def _not_assessed(competency, note: str) -> str:
    """A compétence the candidate is not assessed on: its title and critères, marked « non évaluée », no field."""
    title = escape(competency.title)
    anchor = f"competence-{escape(competency.pk)}"
    lines = "".join(
        f"<li>{escape(criterion.number)} – {escape(criterion.title)}</li>" for criterion in competency.criteria
    )
    return (
        f'<section class="card grid-section grid-not-assessed" aria-labelledby="{anchor}">\n'
        f'<h2 id="{anchor}">{title} {NOT_ASSESSED_TAG}</h2>\n'
        f'<p class="help">{escape(note)}</p>\n'
        f'<ul class="grid-not-assessed-lines">{lines}</ul>\n</section>\n'
    )


def _row(row, level_cells: list[tuple[str, str, str]], agreed_mode: bool) -> str:
    criterion = row.criterion
    number, title = escape(criterion.number), escape(criterion.title)
    name = escape(row.field_name)
    agreed = row.agreed
    disagreement = agreed is not None and agreed.disagreement
    group_id = f"critere-{escape(criterion.pk)}"
    head = [f'<span id="{group_id}">{number} – {title}</span>']
    if row.indicators:
        head.append(f'<span class="grid-indicators">({escape(row.indicators)})</span>')
    if disagreement:
        codes = " / ".join(escape(code) for code in agreed.distinct_codes)
        head.append(f'<span class="tag tag-err">Désaccord : {codes}</span>')
    if row.prefilled:
        head.append(PREFILLED)
    if row.saved:
        head.append(
            f'<span class="grid-conflict-saved">Enregistré entre-temps : <strong>{escape(row.saved)}</strong></span>'
        )
    cells = [
        '<tr class="grid-disagreement">' if disagreement else "<tr>",
        f'<th scope="row">{" ".join(head)}</th>',
    ]
    if agreed_mode:
        positions = "".join(
            f"<li>{escape(position.member.user.display_name)} : {_position_level(position.level)}</li>"
            for position in (agreed.positions if agreed is not None else ())
        )
        cells.append(f'<td><ul class="grid-member-levels">{positions}</ul></td>')
    chosen = row.chosen
    which = f"critère {number} {title}"
    # One group per critère (RGAA 11.5/11.6): a cell spanning the level columns holds the radios, labelled by the
    # critère's text in the row heading.
    cells.append(
        f'<td colspan="{len(level_cells) + 1}" class="grid-choices">'
        f'<div role="radiogroup" aria-labelledby="{group_id}" class="grid-radios">'
    )
    for raw, code, label in level_cells:
        checked = " checked" if chosen == raw else ""
        cells.append(
            f'<label class="grid-choice grid-level" data-grid-level="{code}"><input type="radio" name="{name}" '
            f'value="{code}"{checked}><span class="visually-hidden">{label} – {which}</span></label>'
        )
    checked = "" if chosen else " checked"
    cells.append(
        f'<label class="grid-choice"><input type="radio" name="{name}" value=""{checked}>'
        f'<span class="visually-hidden">Non positionné – {which}</span></label></div></td>'
    )
    cells.append("</tr>\n")
    return "".join(cells)


def _position_level(level: Level | None) -> str:
    if level is None:
        return NOT_POSITIONED
    code = escape(level.code)
    return f'<span class="grid-level" data-grid-level="{code}">{code}</span>'
