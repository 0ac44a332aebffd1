"""The loops of the passeport page, written in Python instead of the template engine.

A passeport of 20 activities holds two matrices of critères × activities (about 360 cells), a data table per exam,
the timeline and the formative assessments: rendered by templates, that was over 10,000 nodes, a ``{% url %}`` per
link and a ``date`` filter per date, more than half of the page's CPU time. These functions write the same HTML
(elements, ids, classes, aria-*, French texts; only the whitespace between tags differs) with every value escaped,
and the page template (templates/passeport/passeport.html) keeps the layout and injects them.
passeport/tests/test_render_passeport.py checks them against the template they replace.
"""

import datetime
from collections.abc import Callable, Iterable
from html import escape  # what django.utils.html.escape does, without wrapping each value in a SafeString

from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

from passeport.selectors import CriterionRow, ExamMatrix, Passeport, PasseportAssessment, TimelineEntry

HIT = '<td class="hit">●<span class="visually-hidden"> mobilisé</span></td>'
MISS = '<td class="miss"><span class="visually-hidden">non</span></td>'
_PK = 918273645  # stands for the pk in a reversed URL, replaced per row


def url_maker(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks: reversed once, then formatted (the URL has only ``<int:pk>``)."""
    before, after = reverse(name, args=[_PK]).split(str(_PK))
    return lambda pk: f"{before}{pk}{after}"


def day(value: datetime.date | None) -> str:
    """The template's ``|date:"d/m/Y"``: "" for None."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def sections(p: Passeport, profile_charts: Iterable[tuple[ExamMatrix, str]]) -> dict[str, SafeString]:
    """The pre-rendered fragments the page template injects, by context name."""
    activity_url = url_maker("passeport:activity_detail")
    fiche_url = url_maker("passeport:fiche_edit")
    return {
        "timeline_html": timeline(p.timeline, activity_url, fiche_url),
        "matrices_html": matrices(p, activity_url),
        "profile_html": profiles(profile_charts),
        "assessments_html": assessments(p.assessments, activity_url, fiche_url),
    }


def timeline(entries: list[TimelineEntry], activity_url, fiche_url) -> SafeString:
    """``<ol class="timeline">``: one item per date, the activity (or the collective one) and its fiches."""
    if not entries:
        return mark_safe("")
    out = ['<ol class="timeline">\n']
    for entry in entries:
        out.append(f'<li>\n<p class="timeline-date">{day(entry.date)}</p>\n')
        a = entry.activity
        if a is not None:
            validated = '<span class="tag tag-ok">Validée en formation</span>' if a.validated else ""
            out.append(
                f'<p class="timeline-title"><span class="activity-number">A{entry.number}</span>\n'
                f'<a href="{activity_url(a.pk)}">{escape(a.title)}</a>\n{validated}</p>\n'
                f'<p class="help">{escape(a.setting_label)} — {escape(a.nature_label)}'
            )
            if a.organisation:
                out.append(f" — {escape(a.organisation)}")
            if a.end_date and a.end_date != a.start_date:
                out.append(f" — jusqu'au {day(a.end_date)}")
            out.append(f" — {a.evidence_count} preuve{_plural(a.evidence_count)}</p>\n")
        else:
            collective = escape(entry.fiches[0].activity_title)
            out.append(f'<p class="timeline-title">Activité collective : {collective}</p>\n')
        if entry.fiches:
            out.append('<ul class="fiches">\n')
            for f in entry.fiches:
                real = ", activité réelle vécue" if f.real_lived else ""
                out.append(
                    f'<li><a href="{fiche_url(f.pk)}">Fiche {escape(f.exam_code)} n° {f.number} – {escape(f.title)}</a>'
                    " "
                    f'<span class="help">({escape(f.kind_label)}{real})</span></li>\n'
                )
            out.append("</ul>\n")
        out.append("</li>\n")
    out.append("</ol>")
    return mark_safe("".join(out))  # noqa: S308 - every value above went through escape() or is a number/date


def matrices(p: Passeport, activity_url) -> SafeString:
    """One ``<section>`` per exam: the table of critères × activities with counts and the latest formative level."""
    head = "".join(
        f'<th scope="col" class="matrix-activity"><a href="{activity_url(a.pk)}">A{n}'
        f'<span class="visually-hidden"> – {escape(a.title)}</span></a></th>'
        for n, a in enumerate(p.activities, 1)
    )
    colspan = len(p.activities) + 4
    out = []
    for matrix in p.matrices:
        code = escape(matrix.exam.code)
        slug = escape(matrix.exam.code.lower())
        out.append(
            f'<section class="card" aria-labelledby="criteres-{slug}">\n'
            f'<h2 id="criteres-{slug}">Critères {code} mobilisés par les activités</h2>\n'
            '<p class="help">Colonnes A1, A2… : les activités numérotées comme dans la liste ci-dessus. ● : '
            "l'activité mobilise le critère. « Preuves » : fichiers joints aux activités qui le mobilisent.</p>\n"
            '<div class="table-wrap">\n<table class="table matrix">\n'
            f'<caption class="visually-hidden">{code} – {escape(matrix.exam.title)} : critères par activité</caption>\n'
            '<thead>\n<tr>\n<th scope="col">Critère</th>\n'
            f"{head}\n"
            '<th scope="col">Activités</th>\n<th scope="col">Preuves</th>\n'
            '<th scope="col">Dernier niveau formatif</th>\n</tr>\n</thead>\n'
        )
        for competency, rows in matrix.competencies:
            out.append(
                f'<tbody>\n<tr class="matrix-group"><th scope="rowgroup" colspan="{colspan}">'
                f"{escape(competency.title)}</th></tr>\n"
            )
            out.extend(_matrix_row(row) for row in rows)
            out.append("</tbody>\n")
        out.append("</table>\n</div>\n</section>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above went through escape() or is a number/date


def _matrix_row(row: CriterionRow) -> str:
    latest = row.latest
    if latest:
        level = latest.level
        last = (
            f'<span class="level level-{level.rank}">{escape(level.code)}</span> '
            f'<span class="help">le {day(latest.assessed_on)}</span>'
        )
    else:
        last = '<span class="help">non positionné</span>'
    cells = "".join([HIT if hit else MISS for hit in row.cells])
    return (
        f'<tr>\n<th scope="row">{row.criterion.number}. {escape(row.criterion.title)}</th>\n{cells}\n'
        f"<td>{row.activity_count}</td>\n<td>{row.evidence_count}</td>\n<td>{last}</td>\n</tr>\n"
    )


def profiles(profile_charts: Iterable[tuple[ExamMatrix, str]]) -> SafeString:
    """Per exam: the SVG profile chart and, folded under it, the same data as a table."""
    out = []
    for matrix, svg in profile_charts:
        code = escape(matrix.exam.code)
        out.append(
            f'<figure class="chart-figure">\n{svg}\n<figcaption>\n<details>\n'
            f"<summary>{code} : données du graphique sous forme de tableau</summary>\n"
            '<div class="table-wrap">\n<table class="table">\n'
            f'<caption class="visually-hidden">{code} : dernier niveau formatif par critère</caption>\n'
            '<thead><tr><th scope="col">Compétence</th><th scope="col">Critère</th><th scope="col">Dernier niveau</th>'
            '<th scope="col">Date</th><th scope="col">Positionnements</th></tr></thead>\n<tbody>\n'
        )
        for competency, rows in matrix.competencies:
            title = escape(competency.title)
            for row in rows:
                latest = row.latest
                if latest:
                    level = f"{escape(latest.level.code)} – {escape(latest.level.label)}"
                    on, count = day(latest.assessed_on) or "—", latest.count or 0
                else:
                    level, on, count = "non positionné", "—", 0
                out.append(
                    f'<tr><td>{title}</td><th scope="row">{row.criterion.number}. {escape(row.criterion.title)}</th>\n'
                    f"<td>{level}</td>\n<td>{on}</td><td>{count}</td></tr>\n"
                )
        out.append("</tbody>\n</table>\n</div>\n</details>\n</figcaption>\n</figure>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above went through escape() or is a number/date


def assessments(items: list[PasseportAssessment], activity_url, fiche_url) -> SafeString:
    """The formative assessments, latest first, with their positions and comment."""
    if not items:
        return mark_safe("<p>Aucune évaluation formative pour l'instant.</p>")
    out = []
    for a in items:
        if a.fiche_id:
            about = (
                f'<a href="{fiche_url(a.fiche_id)}">fiche {escape(a.fiche_exam_code)} n° {a.fiche_number} – '
                f"{escape(a.fiche_title)}</a>"
            )
        else:
            about = f'<a href="{activity_url(a.activity_id)}">{escape(a.activity_title)}</a>'
        positions = "".join(
            [
                f'<li><span class="level level-{level.rank}">{escape(level.code)}</span> {escape(exam_code)} – '
                f"{escape(title)}</li>"
                for exam_code, title, level in a.position_list
            ]
        )
        comment = f'<div class="comment">{linebreaks(a.comment, autoescape=True)}</div>\n' if a.comment else ""
        label = f'<span class="assessment-label">{escape(a.label)}</span> ' if a.label else ""
        out.append(
            '<article class="assessment">\n'
            f"<h3>{label}Le {day(a.assessed_on)} par {escape(a.assessor_name)} —\n{about}</h3>\n"
            f'<ul class="positions">{positions}</ul>\n{comment}</article>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above went through escape() or is a number/date
