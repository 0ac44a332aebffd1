"""The student's passeport (traces, critères, gaps, formative profile) and the cohort overview."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_follow_student, get_cohort_for_user
from passeport import charts, selectors, selectors_cohort
from passeport.permissions import get_passeport_student_for_user


@login_required
def my_passeport(request: HttpRequest) -> HttpResponse:
    student = getattr(request.user, "student", None)
    if student is None:
        raise Http404
    return redirect("passeport:passeport", student_pk=student.pk)


@login_required
def passeport(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    student = get_passeport_student_for_user(request.user, student_pk)
    data = selectors.passeport_for(student)
    context = {
        "student": student,
        "p": data,
        "profile_charts": [(matrix, _profile_chart(matrix, data.levels)) for matrix in data.matrices],
        "is_owner": student.user_id == request.user.pk,
        "can_follow": can_follow_student(request.user, student),
    }
    return render(request, "passeport/passeport.html", context)


def _profile_chart(matrix: selectors.ExamMatrix, levels) -> charts.ProfileChart:
    groups = [
        (
            competency.title,
            [
                charts.ProfileItem(f"{r.criterion.number}. {r.criterion.title}", r.latest.level if r.latest else None)
                for r in rows
            ],
        )
        for competency, rows in matrix.competencies
    ]
    positioned = sum(1 for r in matrix.rows if r.latest)
    return charts.profile_chart(
        chart_id=f"profil-{matrix.exam.code.lower()}",
        title=f"{matrix.exam.code} : dernier niveau formatif par critère",
        desc=(
            f"{positioned} critère(s) sur {len(matrix.rows)} positionné(s). Barre plus longue = niveau plus élevé "
            "(TI, I, S, TS). Le tableau des critères donne les mêmes informations."
        ),
        groups=groups,
        levels=levels,
    )


@login_required
def cohort_overview(request: AuthenticatedHttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = get_cohort_for_user(request.user, cohort_pk)
    sort, order = request.GET.get("tri", "nom"), request.GET.get("ordre", "asc")
    data = selectors_cohort.cohort_overview(cohort, sort=sort, order=order)
    context = {
        "cohort": cohort,
        "o": data,
        "headers": _headers(data),
        "heatmap": _heatmap(data),
    }
    return render(request, "passeport/cohort_overview.html", context)


def _short(exam, competency) -> str:
    return f"{exam.code}·C{competency.order}"


def _headers(data: selectors_cohort.CohortOverview) -> list[dict]:
    """Sortable column headers: a link that sorts (or reverses the sort) and the aria-sort of the active one."""
    keys = [("nom", "Étudiant·e", "")] + [
        (f"c{comp.pk}", comp.title, f"{_short(exam, comp)} · {total} critère(s)") for exam, comp, total in data.columns
    ]
    headers = []
    for key, label, detail in keys:
        active = key == data.sort
        next_order = "desc" if active and data.order == "asc" else "asc"
        headers.append(
            {
                "label": label,
                "detail": detail,
                "query": f"?tri={key}&ordre={next_order}",
                "aria_sort": ("ascending" if data.order == "asc" else "descending") if active else "",
            }
        )
    return headers


def _heatmap(data: selectors_cohort.CohortOverview) -> charts.Heatmap:
    columns = [(_short(exam, comp), f"{exam.code} – {comp.title}") for exam, comp, _ in data.columns]
    titles = [comp.title for _, comp, _ in data.columns]
    rows = []
    for row in data.rows:
        name = f"{row.student.last_name.upper()} {row.student.first_name}"
        cells = []
        for title, cell in zip(titles, row.cells, strict=True):
            fraction = f"{cell.covered}/{cell.total}"
            if cell.latest:
                level = cell.latest.level
                text, level_text = f"{level.code} · {fraction}", f"dernier niveau {level.code}"
            else:
                level, text, level_text = None, f"— · {fraction}", "aucun positionnement formatif"
            cells.append(
                charts.HeatCell(
                    level=level,
                    text=text,
                    description=(
                        f"{name}, {title} : {level_text}, {cell.covered} critère(s) mobilisé(s) sur {cell.total}"
                    ),
                )
            )
        rows.append((name, cells))
    return charts.heatmap(
        chart_id="carte-classe",
        title=f"Carte de chaleur de la classe {data.cohort.name}",
        desc=(
            "Une ligne par étudiant·e, une colonne par compétence d'E4 et d'E6. Couleur et code : dernier niveau "
            "formatif positionné ; fraction : critères mobilisés par les activités sur le total. "
            "Le tableau de la page donne les mêmes informations."
        ),
        columns=columns,
        rows=rows,
        levels=data.levels,
    )
