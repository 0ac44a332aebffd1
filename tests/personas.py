"""The shared cast of the test suite. Every persona's password is PASSWORD."""

from dataclasses import dataclass

from accounts.models import Cohort, Establishment, Membership, Role, Route, Student, User
from referentiel.models import ExamSession

PASSWORD = "Demo-ndrc-2026!"


def make_user(username: str, first_name: str, last_name: str, email: str | None = None) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email if email is not None else f"{username}@example.org",
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def make_student(username: str, first: str, last: str, cohort: Cohort, number: str = "") -> Student:
    user = make_user(username, first, last)
    return Student.objects.create(user=user, cohort=cohort, route=cohort.route, candidate_number=number)


@dataclass
class Cast:
    establishment: Establishment
    other_establishment: Establishment
    session: ExamSession
    cohort: Cohort
    other_cohort: Cohort
    first_year: Cohort  # same establishment, taught by teacher2 only
    admin: User
    teacher: User
    teacher2: User
    other_teacher: User
    professional: User
    student: Student
    student2: Student
    other_student: Student
    outsider: User


def build_cast() -> Cast:
    session = ExamSession.objects.get(year=2027)
    est = Establishment.objects.create(name="Lycée Jean Moulin", uai="0690001A", city="Lyon")
    other = Establishment.objects.create(name="Lycée Victor Hugo", uai="0750002B", city="Paris")
    cohort = Cohort.objects.create(establishment=est, name="NDRC 2", route=Route.SCOLAIRE, year=2, exam_session=session)
    first_year = Cohort.objects.create(
        establishment=est, name="NDRC 1", route=Route.SCOLAIRE, year=1, exam_session=ExamSession.objects.get(year=2028)
    )
    other_cohort = Cohort.objects.create(
        establishment=other, name="NDRC 2 VH", route=Route.SCOLAIRE, year=2, exam_session=session
    )
    admin = make_user("alice", "Alice", "Admin")
    teacher = make_user("bob", "Bob", "Prof")
    teacher2 = make_user("berthe", "Berthe", "Prof")
    other_teacher = make_user("victor", "Victor", "Ailleurs")
    professional = make_user("paul", "Paul", "Tuteur")
    outsider = make_user("charlie", "Charlie", "Personne")
    Membership.objects.create(user=admin, establishment=est, role=Role.ADMIN)
    Membership.objects.create(user=teacher, establishment=est, role=Role.TEACHER)
    Membership.objects.create(user=teacher2, establishment=est, role=Role.TEACHER)
    Membership.objects.create(user=other_teacher, establishment=other, role=Role.TEACHER)
    Membership.objects.create(user=professional, establishment=est, role=Role.PROFESSIONAL)
    cohort.teachers.add(teacher, teacher2)
    other_cohort.teachers.add(other_teacher)
    first_year.teachers.add(teacher2)
    student = make_student("emma", "Emma", "Étudiante", cohort, "02412345678")
    student2 = make_student("lucas", "Lucas", "Étudiant", cohort)
    other_student = make_student("zoe", "Zoé", "Ailleurs", other_cohort)
    student.professionals.add(professional)
    return Cast(
        est,
        other,
        session,
        cohort,
        other_cohort,
        first_year,
        admin,
        teacher,
        teacher2,
        other_teacher,
        professional,
        student,
        student2,
        other_student,
        outsider,
    )
