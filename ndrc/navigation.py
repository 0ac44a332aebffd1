"""The main menu, built from what the person can do rather than from who they are.

Each entry is given by a right the person holds: a student reaches their passeport, dossiers, dates and results; the
teaching team its classes and commissions; anyone with a seat on a commission (a professional on an E4 jury
included) « Mes commissions » and the to-do; the establishment's administrators the staff, the log and the mails;
an académie's inspector the harmonisation.
The project package gathers what each app offers, as the home page does, so no app needs to know the others.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts import permissions
from certification.models import CommissionMember
from harmonisation.permissions import is_inspector


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    todo: bool = False  # the « À faire » entry: its label carries the counter


def _student_entries(student) -> list[MenuEntry]:
    return [
        MenuEntry("Mon passeport", reverse("passeport:my_passeport")),
        MenuEntry("Mes dossiers", reverse("certification:dossier_list", args=[student.pk])),
        MenuEntry("Mes dates", reverse("certification:student_convocations", args=[student.pk])),
        MenuEntry("Mes résultats", reverse("certification:student_results", args=[student.pk])),
        MenuEntry("Mes épreuves blanches", reverse("mock_exams:my_list")),
    ]


def _jury_entries(user, staff: bool) -> list[MenuEntry]:
    """The teaching team sees every commission it may open; a member from outside it, the ones where they sit."""
    if staff:
        return [
            MenuEntry("Classes", reverse("accounts:cohort_list")),
            MenuEntry("Commissions", reverse("certification:commission_list")),
            MenuEntry("Épreuves blanches", reverse("mock_exams:list")),
            MenuEntry("À faire", reverse("certification:todo"), todo=True),
        ]
    if CommissionMember.objects.filter(user=user).exists():
        return [
            MenuEntry("Mes commissions", reverse("certification:commission_list")),
            MenuEntry("À faire", reverse("certification:todo"), todo=True),
        ]
    return []


def _admin_entries() -> list[MenuEntry]:
    return [
        MenuEntry("Personnel", reverse("accounts:staff")),
        MenuEntry("Journal", reverse("accounts:audit_log")),
        MenuEntry("Courriels", reverse("accounts:outbox")),
        MenuEntry("Transmission des notes", reverse("harmonisation:sends")),
    ]


def menu_for(user) -> list[MenuEntry]:
    entries = [MenuEntry("Accueil", reverse("home"))]
    student = getattr(user, "student", None)
    if student is not None:
        entries += _student_entries(student)
    entries += _jury_entries(user, permissions.is_staff_member(user))
    if is_inspector(user):
        # The académie's inspection: aggregates across establishments, never an establishment's workflow.
        entries.append(MenuEntry("Harmonisation", reverse("harmonisation:index")))
    entries.append(MenuEntry("Référentiel", reverse("referentiel:detail")))
    if permissions.is_establishment_admin(user):
        entries += _admin_entries()
    return entries


def menu(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page rendered without the layout (PDF, e-mail) runs no query for it.
    return {"menu": SimpleLazyObject(lambda: menu_for(user))}
