"""Demo data for `make run`: one establishment, one second-year cohort of 24 students, staff and a professional.

Idempotent: running it again finds the same rows by their natural keys and changes nothing.
"""

from django.db import transaction

from accounts.models import Academie, AcademieMembership, Cohort, Establishment, Membership, Role, Route, Student, User
from audit.services import log_action
from referentiel.models import ExamSession

DEMO_PASSWORD = "demo-ndrc"  # noqa: S105 - published in the README; demo accounts only log in in DEMO_MODE
DEMO_UAI = "0999999Z"
DEMO_SESSION_YEAR = 2027
DEMO_ACADEMIE = ("DEMO", "Démonstration")  # code, name: the académie of the demo establishment (issue 16)

STAFF = [
    # username, prénom, nom, role
    ("admin", "Anne", "Martin", Role.ADMIN),
    ("prof", "Paul", "Durand", Role.TEACHER),
    ("prof2", "Claire", "Lefèvre", Role.TEACHER),
    ("pro", "Marc", "Girard", Role.PROFESSIONAL),
]
STUDENTS = [
    ("etudiant", "Emma", "Bernard"),
    ("etudiant2", "Lucas", "Petit"),
    ("etudiant03", "Chloé", "Robert"),
    ("etudiant04", "Hugo", "Richard"),
    ("etudiant05", "Léa", "Moreau"),
    ("etudiant06", "Nathan", "Simon"),
    ("etudiant07", "Manon", "Laurent"),
    ("etudiant08", "Enzo", "Michel"),
    ("etudiant09", "Camille", "Garcia"),
    ("etudiant10", "Louis", "David"),
    ("etudiant11", "Inès", "Bertrand"),
    ("etudiant12", "Théo", "Roux"),
    ("etudiant13", "Jade", "Vincent"),
    ("etudiant14", "Mathis", "Fournier"),
    ("etudiant15", "Sarah", "Morel"),
    ("etudiant16", "Tom", "Girard"),
    ("etudiant17", "Lina", "André"),
    ("etudiant18", "Noah", "Mercier"),
    ("etudiant19", "Zoé", "Dupont"),
    ("etudiant20", "Ethan", "Lambert"),
    ("etudiant21", "Anaïs", "Bonnet"),
    ("etudiant22", "Yanis", "François"),
    ("etudiant23", "Clara", "Martinez"),
    ("etudiant24", "Adam", "Legrand"),
]
# Like students imported from SIECLE, which carries no address: informed by letter, in with a one-time code.
WITHOUT_EMAIL = {"etudiant22", "etudiant23"}


def _demo_user(username: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": "" if username in WITHOUT_EMAIL else f"{username}@demo.ndrc-ccf.fr",
            "is_demo": True,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create what is missing and report how many rows were created."""
    before = {"users": User.objects.count(), "students": Student.objects.count()}
    session = ExamSession.objects.get(year=DEMO_SESSION_YEAR)
    establishment, _ = Establishment.objects.get_or_create(
        uai=DEMO_UAI, defaults={"name": "Lycée de démonstration Simone Veil", "city": "Villeurbanne"}
    )
    cohort, _ = Cohort.objects.get_or_create(
        establishment=establishment,
        exam_session=session,
        name="BTS NDRC 2e année",
        defaults={"route": Route.SCOLAIRE, "year": 2},
    )
    staff = {}
    for username, first, last, role in STAFF:
        staff[username] = _demo_user(username, first, last)
        Membership.objects.get_or_create(user=staff[username], establishment=establishment, role=role)
    cohort.teachers.add(staff["prof"], staff["prof2"])
    for index, (username, first, last) in enumerate(STUDENTS, start=1):
        user = _demo_user(username, first, last)
        student, _ = Student.objects.get_or_create(
            user=user, defaults={"cohort": cohort, "route": Route.SCOLAIRE, "candidate_number": f"0999{index:07d}"}
        )
        if username in ("etudiant", "etudiant2"):
            student.professionals.add(staff["pro"])
    _demo_academie(establishment)
    created = {
        "comptes": User.objects.count() - before["users"],
        "étudiants": Student.objects.count() - before["students"],
    }
    if any(created.values()):
        log_action("demo.loaded", obj=establishment, establishment_id=establishment.pk, changes=created)
    return created


def _demo_academie(establishment: Establishment) -> None:
    """The demo establishment in a demo académie, and ``inspecteur`` (« inspection / examens ») over it."""
    code, name = DEMO_ACADEMIE
    academie, _ = Academie.objects.get_or_create(code=code, defaults={"name": name})
    if establishment.academie_id is None:
        establishment.academie = academie
        establishment.save(update_fields=["academie"])
    inspector = _demo_user("inspecteur", "Isabelle", "Perrin")
    AcademieMembership.objects.get_or_create(user=inspector, academie=academie)
