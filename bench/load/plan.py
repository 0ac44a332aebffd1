"""Who the load benchmark's virtual users are and what they open, read from the prepared database.

Run with the same environment as the server (DATABASE_URL or SQLITE_PATH):
    python bench/load/plan.py --out plan.json [--password ...]

The plan lists, in an order that spreads load over establishments:
- students: their account, student id and one fiche of their own to type in (E4 first);
- teachers: their account, one commission they sit on as a member (a member's grid is theirs to fill), its cohort,
  and the candidates whose grid may be saved now (not locked, informed of situation A's first date); those with
  grids to save first (the académie preset has deliberated half of its establishments: nothing to save there);
- inspectors: the académie's inspection account and the harmonisation page of the exam with the most commissions.
Each virtual user takes its own account; none shares a grid or a fiche with another.
"""

import argparse
import json
import os
import sys
from collections import defaultdict
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ndrc.settings")
    import django

    django.setup()


def _round_robin(groups: dict) -> list:
    """One item of each group in turn, so that the first N items cover as many groups as possible."""
    ordered = [groups[key] for key in sorted(groups)]
    return [item for batch in zip_longest(*ordered) for item in batch if item is not None]


def _students() -> list[dict]:
    from passeport.models import Fiche

    fiches = (
        Fiche.objects.select_related("student__user", "student__cohort", "exam")
        .filter(student__user__is_active=True)
        .order_by("student_id", "exam__code", "number", "pk")
    )
    chosen: dict[int, dict] = {}
    for fiche in fiches:
        if fiche.student_id in chosen:
            continue
        chosen[fiche.student_id] = {
            "username": fiche.student.user.username,
            "student_id": fiche.student_id,
            "cohort_id": fiche.student.cohort_id,
            "establishment_id": fiche.student.cohort.establishment_id,
            "fiche_id": fiche.pk,
            "exam": fiche.exam.code,
        }
    groups = defaultdict(list)
    for item in chosen.values():
        groups[item["establishment_id"]].append(item)
    return _round_robin(groups)


def _teachers(max_grid_students: int) -> list[dict]:
    from accounts.models import Student
    from certification.evaluation.services.grids import grid_block_reason
    from certification.models import CommissionMember, MemberRole

    seats = (
        CommissionMember.objects.filter(role=MemberRole.TEACHER, user__is_active=True)
        .select_related("user", "commission__cohort", "commission__session", "commission__exam")
        .order_by("user_id", "commission_id")
    )
    by_user: dict[int, dict] = {}
    for seat in seats:
        if seat.user_id in by_user:
            continue
        commission = seat.commission
        candidates = Student.objects.filter(cohort_id=commission.cohort_id).order_by("pk")
        saveable = []
        for student in candidates:
            if grid_block_reason(commission, student) is None:
                saveable.append(student.pk)
            if len(saveable) >= max_grid_students:
                break
        by_user[seat.user_id] = {
            "username": seat.user.username,
            "establishment_id": commission.cohort.establishment_id,
            "commission_id": commission.pk,
            "exam": commission.exam.code,
            "cohort_id": commission.cohort_id,
            "grid_students": saveable,
            "first_student": candidates.values_list("pk", flat=True).first(),
        }
    groups = defaultdict(list)
    for item in by_user.values():
        groups[item["establishment_id"]].append(item)
    spread = _round_robin(groups)
    return [t for t in spread if t["grid_students"]] + [t for t in spread if not t["grid_students"]]


def _inspectors() -> list[dict]:
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import AcademieMembership
    from certification.models import Commission

    found = []
    for membership in AcademieMembership.objects.filter(user__is_active=True).select_related("user").order_by("pk"):
        busiest = (
            Commission.objects.filter(cohort__establishment__academie_id=membership.academie_id)
            .values("session_id", "exam_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "session_id", "exam_id")
            .first()
        )
        if busiest is None:
            continue
        args = [membership.academie_id, busiest["session_id"], busiest["exam_id"]]
        found.append({"username": membership.user.username, "url": reverse("harmonisation:exam", args=args)})
    return found


def build_plan(password: str, max_grid_students: int = 6) -> dict:
    students = _students()
    teachers = _teachers(max_grid_students)
    return {"password": password, "students": students, "teachers": teachers, "inspectors": _inspectors()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--max-grid-students", type=int, default=6)
    args = parser.parse_args()
    _setup_django()
    plan = build_plan(args.password, args.max_grid_students)
    Path(args.out).write_text(json.dumps(plan, indent=1), encoding="utf-8")
    with_grids = sum(1 for t in plan["teachers"] if t["grid_students"])
    print(
        f"plan : {len(plan['students'])} étudiant·es avec une fiche, {len(plan['teachers'])} enseignant·es membres "
        f"d'une commission ({with_grids} avec des grilles enregistrables), {len(plan['inspectors'])} inspecteur·ices"
    )


if __name__ == "__main__":
    main()
