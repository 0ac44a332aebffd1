"""Who may see what among people and cohorts.

Each helper returns the object or raises: ``Http404`` when the object is outside the user's scope (an outsider
never learns it exists), ``PermissionDenied`` when it is in scope but the action is not theirs.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Cohort, Membership, Role, Student, User


def establishment_ids(user: User, *roles: str) -> set[int]:
    """Establishments where ``user`` holds one of ``roles`` (memoised on the user for the request)."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_role_cache", None)
    if cache is None:
        cache = {}
        for est_id, role in Membership.objects.filter(user=user).values_list("establishment_id", "role"):
            cache.setdefault(role, set()).add(est_id)
        user.__dict__["_role_cache"] = cache
    found: set[int] = set()
    for role in roles:
        found |= cache.get(role, set())
    return found


def home_establishment_id(user: User) -> int | None:
    """The establishment whose administrators follow the person (their mails, their connections): a student's school,
    else the establishment of the person's first membership."""
    school = Student.objects.filter(user=user).values_list("cohort__establishment_id", flat=True).first()
    if school is not None:
        return school
    return user.memberships.order_by("pk").values_list("establishment_id", flat=True).first()


def staff_establishment_ids(user: User) -> set[int]:
    return establishment_ids(user, Role.ADMIN, Role.TEACHER)


def admin_establishment_ids(user: User) -> set[int]:
    return establishment_ids(user, Role.ADMIN)


def is_staff_member(user: User) -> bool:
    return bool(staff_establishment_ids(user))


def is_establishment_admin(user: User) -> bool:
    return bool(admin_establishment_ids(user))


def is_professional(user: User) -> bool:
    return bool(establishment_ids(user, Role.PROFESSIONAL))


def require_staff(user: User) -> None:
    """Pages of the teaching team: other people get a 404, as if the page did not exist."""
    if not is_staff_member(user):
        raise Http404


def require_admin(user: User) -> None:
    if not is_establishment_admin(user):
        raise Http404


def cohorts_for_user(user: User) -> QuerySet[Cohort]:
    return Cohort.objects.filter(establishment_id__in=staff_establishment_ids(user))


def get_cohort_for_user(user: User, pk: int) -> Cohort:
    try:
        return cohorts_for_user(user).select_related("establishment", "exam_session").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404 from None


def get_cohort_for_admin(user: User, pk: int) -> Cohort:
    """Changing a cohort (importing students, editing it) is an administrator's or its teachers' job."""
    cohort = get_cohort_for_user(user, pk)
    if cohort.establishment_id in admin_establishment_ids(user):
        return cohort
    if cohort.teachers.filter(pk=user.pk).exists():
        return cohort
    raise PermissionDenied("Seuls l'administration et les enseignants de la classe peuvent la modifier.")


def students_for_user(user: User) -> QuerySet[Student]:
    """Students a user may see: the whole establishment for staff, followed students for professionals."""
    if not user.is_authenticated:
        return Student.objects.none()
    staff = staff_establishment_ids(user)
    qs = Student.objects.filter(cohort__establishment_id__in=staff)
    if is_professional(user):
        qs = qs | Student.objects.filter(professionals=user)
    return qs


def get_student_for_user(user: User, pk: int) -> Student:
    """A student sees only themselves; staff their establishment; professionals the students they follow."""
    student: Student | None = getattr(user, "student", None) if user.is_authenticated else None
    if student is not None and student.pk == pk:
        return student
    try:
        return students_for_user(user).select_related("user", "cohort").distinct().get(pk=pk)
    except Student.DoesNotExist:
        raise Http404 from None


def can_view_student(user: User, student: Student) -> bool:
    """The student themselves, the staff of their establishment, the professionals who follow them."""
    if not user.is_authenticated:
        return False
    if student.user_id == user.pk:
        return True
    if student.cohort.establishment_id in staff_establishment_ids(user):
        return True
    return is_professional(user) and student.professionals.filter(pk=user.pk).exists()


def can_follow_student(user: User, student: Student) -> bool:
    """Teachers and administrators of the student's establishment comment, validate and assess."""
    return user.is_authenticated and student.cohort.establishment_id in staff_establishment_ids(user)


def get_professional_for_admin(user: User, pk: int) -> User:
    """A professional of the administrator's establishment, for a first-login code. Outside: 404. A person who also
    holds a staff role or is a student: 403 — their access is not a professional's, the administrator may not take it.
    """
    target = (
        User.objects.filter(
            pk=pk,
            memberships__role=Role.PROFESSIONAL,
            memberships__establishment_id__in=admin_establishment_ids(user),
        )
        .distinct()
        .first()
    )
    if target is None:
        raise Http404
    if target.memberships.exclude(role=Role.PROFESSIONAL).exists() or Student.objects.filter(user=target).exists():
        raise PermissionDenied("Ce compte n'est pas seulement celui d'un professionnel : pas de code de connexion.")
    return target
