"""Establishments, staff, cohorts and students of a dataset, created in bulk.

Usernames are predictable (``e01-admin``, ``e01-prof1``…``prof3``, ``e01-pro``, ``e01-c1-s07``) and every account
gets the same password hash, computed once: hashing 2,600 passwords one by one would take minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Cohort, Establishment, Membership, Role, Route, Student, User
from dataset import academie, texts
from dataset.spec import Reference, Spec, est_prefix, rng_for, uai

TEACHERS = 3
EMAIL_DOMAIN = "dataset.ndrc-ccf.test"


@dataclass
class CohortPeople:
    establishment: Establishment
    number: int  # 1, 2… within the establishment
    cohort: Cohort
    admin: User
    responsible: User
    second_teacher: User
    professional: User
    students: list[Student]
    establishment_number: int = 0  # 1, 2… within the dataset (dataset.academie decides the spread by it)


def _user(username: str, first: str, last: str, password_hash: str) -> User:
    return User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@{EMAIL_DOMAIN}",
        password=password_hash,
    )


def create_establishment(ref: Reference, spec: Spec, seed: int, number: int) -> list[CohortPeople]:
    """One establishment with its admin, teachers, professional, cohorts and students; returns them per cohort."""
    rng = rng_for(seed, "establishment", number)
    prefix = est_prefix(number)
    establishment = Establishment.objects.create(
        uai=uai(number), name=texts.school_name(rng, number), city=texts.city(rng)
    )
    academie.attach(establishment)
    staff_specs = [("admin", Role.ADMIN)] + [(f"prof{i}", Role.TEACHER) for i in range(1, TEACHERS + 1)]
    staff_specs.append(("pro", Role.PROFESSIONAL))
    staff = User.objects.bulk_create(
        [_user(f"{prefix}-{name}", *texts.person(rng), ref.password_hash) for name, _ in staff_specs]
    )
    Membership.objects.bulk_create(
        Membership(user=user, establishment=establishment, role=role)
        for user, (_, role) in zip(staff, staff_specs, strict=True)
    )
    admin, teachers, professional = staff[0], staff[1 : 1 + TEACHERS], staff[-1]
    result = []
    for c in range(1, spec.cohorts_per_establishment + 1):
        cohort = Cohort.objects.create(
            establishment=establishment,
            name=f"BTS NDRC 2e année groupe {c}",
            route=Route.SCOLAIRE,
            year=2,
            exam_session=ref.session,
        )
        # The E4 commission of cohort c: prof c (responsible) and the next teacher, with the professional.
        responsible = teachers[(c - 1) % TEACHERS]
        second = teachers[c % TEACHERS]
        cohort.teachers.add(responsible, second)
        students = _students(ref, seed, number, c, cohort, spec.students_per_cohort)
        Student.professionals.through.objects.bulk_create(
            Student.professionals.through(student_id=s.pk, user_id=professional.pk) for s in students
        )
        result.append(
            CohortPeople(establishment, c, cohort, admin, responsible, second, professional, students, number)
        )
    return result


def _students(ref: Reference, seed: int, number: int, c: int, cohort: Cohort, count: int) -> list[Student]:
    rng = rng_for(seed, "students", number, c)
    prefix = est_prefix(number)
    users = User.objects.bulk_create(
        [_user(f"{prefix}-c{c}-s{s:02d}", *texts.person(rng), ref.password_hash) for s in range(1, count + 1)]
    )
    students = Student.objects.bulk_create(
        Student(user=user, cohort=cohort, route=Route.SCOLAIRE, candidate_number=f"D{number:03d}{c}{s:03d}")
        for s, user in enumerate(users, start=1)
    )
    for student, user in zip(students, users, strict=True):
        student.user = user
        student.cohort = cohort
    return students
