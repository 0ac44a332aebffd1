"""Writes on commissions: creation (with the session's situations), members and dated steps.

Rules from the référentiel, enforced here with a French message (``CommissionError``):
- only the exams taken in CCF (``Exam.ccf``: E4 and E6) have a commission;
- the formal responsibility of the assessment is carried by teachers « en charge du bloc »; professionals (where the
  exam's definition allows them: E4) and atelier teachers take part without carrying it (the database refuses a
  responsible non-teacher);
- an exam whose definition has a single assessor (E6) seats nobody beside the responsible teacher.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from accounts.models import Cohort, Membership, Role, User
from audit.services import log_action
from certification.commissions.models import Commission, CommissionMember, MemberRole, Situation, SituationStep
from lib import generations
from lib.refusals import Refused
from referentiel.models import Exam, ExamRule, ExamSession


def french_list(items: list[str]) -> str:
    """« E4 », « E4 et E6 », « E4, E5 et E6 »."""
    return " et ".join(filter(None, [", ".join(items[:-1]), *items[-1:]]))


def not_in_ccf_message(version_id: int) -> str:
    """The refusal of an exam not taken in CCF, naming those that are (read from the référentiel version)."""
    codes = list(Exam.objects.filter(version_id=version_id, ccf=True).order_by("code").values_list("code", flat=True))
    if len(codes) == 1:
        return f"Seule l'épreuve {codes[0]} est évaluée en CCF par une commission."
    return f"Seules les épreuves {french_list(codes)} sont évaluées en CCF par une commission."


class CommissionError(Refused):
    """A refused change, with the French message shown to the user."""


def establishment_teachers(establishment_id: int) -> QuerySet[User]:
    return User.objects.filter(
        memberships__establishment_id=establishment_id, memberships__role=Role.TEACHER
    ).distinct()


def establishment_professionals(establishment_id: int) -> QuerySet[User]:
    return User.objects.filter(
        memberships__establishment_id=establishment_id, memberships__role=Role.PROFESSIONAL
    ).distinct()


def _holds(user: User, establishment_id: int, role: str) -> bool:
    return Membership.objects.filter(user=user, establishment_id=establishment_id, role=role).exists()


def create_commission(
    *, session: ExamSession, exam_code: str, cohort: Cohort, number: str, responsible: User, actor: User
) -> Commission:
    """Create the commission, copy the session's situations (A/B) and seat the responsible teacher."""
    exam = Exam.objects.filter(version_id=session.version_id, code=exam_code, ccf=True).first()
    if exam is None:
        raise CommissionError(not_in_ccf_message(session.version_id))
    if cohort.exam_session_id != session.pk:
        raise CommissionError(f"La classe {cohort.name} passe la {cohort.exam_session}, pas la {session}.")
    if not _holds(responsible, cohort.establishment_id, Role.TEACHER):
        raise CommissionError("Le ou la responsable doit être un·e enseignant·e de l'établissement de la classe.")
    rule = ExamRule.objects.filter(session=session, exam=exam).prefetch_related("situations").first()
    if rule is None or not rule.situations.all():
        raise CommissionError(f"Aucune règle de l'épreuve {exam_code} n'est définie pour la {session}.")
    try:
        with transaction.atomic():
            commission = Commission.objects.create(
                session=session, exam=exam, cohort=cohort, number=number.strip(), responsible=responsible
            )
            Situation.objects.bulk_create(
                Situation(commission=commission, code=s.code, title=s.title, duration_minutes=s.duration_minutes)
                for s in rule.situations.all()
            )
            generations.changed(Situation)  # bulk_create sends no post_save
            CommissionMember.objects.create(
                commission=commission, user=responsible, role=MemberRole.TEACHER, carries_responsibility=True
            )
            log_action(
                "commission.created",
                actor=actor,
                obj=commission,
                establishment_id=cohort.establishment_id,
                changes={
                    "exam": exam_code,
                    "session": session.year,
                    "cohort": cohort.name,
                    "number": commission.number,
                    "responsible": responsible.display_name,
                },
            )
    except IntegrityError:
        raise CommissionError(
            f"Une commission {exam_code} existe déjà pour la classe {cohort.name} à la {session}."
        ) from None
    return commission


def _member_role(commission: Commission, user: User, role: str) -> tuple[str, bool]:
    """The role and responsibility a new member gets, or the French reason they cannot join."""
    exam_code = commission.exam.code
    definition = commission.exam.definition
    establishment_id = commission.cohort.establishment_id
    if definition is not None and definition.single_assessor:
        raise CommissionError(
            f"L'épreuve {exam_code} en CCF a un seul évaluateur ou une seule évaluatrice "
            f"(« un professeur ou un formateur, en charge du bloc ») : "
            f"{commission.responsible.display_name} évalue seul·e, aucun autre membre ne peut être ajouté."
        )
    is_teacher = _holds(user, establishment_id, Role.TEACHER)
    # A tutor chosen from the list joins as a professional whatever role was picked: there is no other for them.
    if role == MemberRole.PROFESSIONAL or not is_teacher and _holds(user, establishment_id, Role.PROFESSIONAL):
        if definition is None or not definition.professionals_allowed:
            raise CommissionError(f"Aucun professionnel ne siège dans une commission {exam_code}.")
        if not _holds(user, establishment_id, Role.PROFESSIONAL):
            raise CommissionError(
                f"{user.display_name} n'est pas un·e professionnel·le (tuteur, maître d'apprentissage) "
                "de l'établissement."
            )
        # A professional takes part but never carries the formal responsibility of the assessment.
        return MemberRole.PROFESSIONAL, False
    if role not in (MemberRole.TEACHER, MemberRole.ATELIER):
        raise CommissionError("Qualité de membre inconnue.")
    if not is_teacher:
        raise CommissionError(f"{user.display_name} n'est pas enseignant·e de l'établissement.")
    return role, role == MemberRole.TEACHER


def add_member(*, commission: Commission, user: User, role: str, actor: User) -> CommissionMember:
    role, carries = _member_role(commission, user, role)
    try:
        with transaction.atomic():
            member = CommissionMember.objects.create(
                commission=commission, user=user, role=role, carries_responsibility=carries
            )
            log_action(
                "commission.member_added",
                actor=actor,
                obj=commission,
                establishment_id=commission.cohort.establishment_id,
                changes={"member": user.display_name, "role": role, "carries_responsibility": carries},
            )
    except IntegrityError:
        raise CommissionError(f"{user.display_name} est déjà membre de cette commission.") from None
    commission.__dict__.pop("_seat_of", None)  # the seat permissions.member_of() remembered is no longer true
    return member


def remove_member(*, commission: Commission, member: CommissionMember, actor: User) -> None:
    if member.commission_id != commission.pk:
        raise CommissionError("Ce membre n'appartient pas à cette commission.")
    if member.user_id == commission.responsible_id:
        raise CommissionError(
            f"{member.user.display_name} est responsable de la commission et ne peut pas en être retiré·e."
        )
    with transaction.atomic():
        member.delete()
        log_action(
            "commission.member_removed",
            actor=actor,
            obj=commission,
            establishment_id=commission.cohort.establishment_id,
            changes={"member": member.user.display_name, "role": member.role},
        )
    commission.__dict__.pop("_seat_of", None)


def create_step(
    *, commission: Commission, situation_code: str, date: datetime.date, label: str, actor: User
) -> SituationStep:
    """A dated step of situation A or B (E4 situation A may be held in several steps)."""
    situation = commission.situations.filter(code=situation_code).first()
    if situation is None:
        raise CommissionError(f"La commission n'a pas de situation {situation_code}.")
    refusal = commission.session.date_refusal(date, "La date")
    if refusal:
        raise CommissionError(refusal)
    if situation.steps.filter(date=date).exists():
        raise CommissionError(f"La situation {situation.code} a déjà une étape le {date:%d/%m/%Y}.")
    with transaction.atomic():
        step = SituationStep.objects.create(situation=situation, date=date, label=label.strip())
        log_action(
            "commission.step_created",
            actor=actor,
            obj=step,
            establishment_id=commission.cohort.establishment_id,
            changes={"situation": situation.code, "date": date.isoformat(), "label": step.label},
        )
    return step
