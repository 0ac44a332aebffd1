"""Certifying decisions: dossiers, conformity, commissions, official information of the candidates.

This app reads the passeport (fiches, internship periods) and never the other way round.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from accounts.models import Cohort, Establishment, Student
from lib.french import de
from passeport.models import Fiche, FicheVersion, FicheVerso, InternshipPeriod
from referentiel.models import Competency, Criterion, Exam, ExamSession, Level


class DossierState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SUBMITTED = "submitted", "Déposé"


class Dossier(models.Model):
    """The « dossier support d'épreuve » of one student for one exam of one session."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="dossiers")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="dossiers")
    state = models.CharField("état", max_length=20, choices=DossierState.choices, default=DossierState.DRAFT)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A deposit after the deadline exists only as recorded by an administrator, with its date and reason.
    late_deposit_recorded_at = models.DateTimeField("dépôt tardif enregistré le", null=True, blank=True)
    late_deposit_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_deposit_date = models.DateField("date du dépôt tardif", null=True, blank=True)
    late_deposit_reason = models.TextField("motif du dépôt tardif", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dossier"
        ordering = ["session", "exam", "student"]
        constraints = [
            models.UniqueConstraint(fields=["student", "exam", "session"], name="dossier_unique"),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(submitted_at__isnull=False),
                name="dossier_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Dossier {self.exam.code} {de(self.student)} ({self.session})"


class DossierFiche(models.Model):
    """A fiche chosen for the dossier; once submitted, ``version`` freezes the exact text deposited."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="items")
    fiche = models.ForeignKey(Fiche, on_delete=models.PROTECT, related_name="+")
    verso = models.ForeignKey(FicheVerso, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.ForeignKey(FicheVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.PositiveSmallIntegerField("ordre", default=1)

    class Meta:
        verbose_name = "fiche du dossier"
        ordering = ["dossier", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["dossier", "fiche", "verso"], name="dossierfiche_unique")]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.fiche}"


class DossierAttestation(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attestations")
    internship = models.ForeignKey(InternshipPeriod, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "attestation du dossier"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "internship"], name="dossierattestation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.internship}"


class ConformityDecision(models.TextChoices):
    CONFORME = "conforme", "Dossier conforme"
    NOT_VALID = "nv", "Non conforme : mention NV"
    RESERVED = "reserve", "Doute en cours de vérification : note réservée"


class NvReason(models.TextChoices):
    """The five official cases (ANNEXE V–8 / VII–6); the exact wording per exam is data (data/forms)."""

    NO_DEPOSIT = "no_deposit", "Absence de dépôt de dossier à la date fixée"
    LATE_DEPOSIT = "late_deposit", "Dépôt du dossier au-delà de la date fixée"
    SHORT_INTERNSHIP = "short_internship", "Durée de stage ou d'expérience professionnelle insuffisante"
    NO_ATTESTATION = "no_attestation", "Absence d'attestation de stage ou de certificat de travail"
    UNSIGNED = "unsigned", "Documents non visés ou non signés par les personnes habilitées"


class ConformityCheck(models.Model):
    """One recorded check of a dossier (the latest one counts; earlier ones stay as history)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="conformity_checks")
    decision = models.CharField("décision", max_length=20, choices=ConformityDecision.choices)
    nv_reasons = models.JSONField("motifs de non-conformité", default=list, blank=True)
    comment = models.TextField("observations", blank=True)
    checked_on = models.DateField("date du contrôle")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "contrôle de conformité"
        ordering = ["dossier", "-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.get_decision_display()}"


class MemberRole(models.TextChoices):
    TEACHER = "teacher", "Enseignant en charge du bloc"
    ATELIER = "atelier", "Enseignant des ateliers de professionnalisation"
    PROFESSIONAL = "professional", "Professionnel (tuteur, maître d'apprentissage)"


class Commission(models.Model):
    """The commission of one exam for one cohort in one session."""

    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="commissions")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="commissions")
    number = models.CharField("N° de commission", max_length=30, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="responsable"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "commission d'évaluation"
        ordering = ["session", "exam", "cohort"]
        constraints = [
            models.UniqueConstraint(fields=["session", "exam", "cohort"], name="commission_unique"),
        ]

    def __str__(self) -> str:
        return f"Commission {self.exam.code} – {self.cohort.name} – {self.session}"


class CommissionMember(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commission_seats")
    role = models.CharField("qualité", max_length=20, choices=MemberRole.choices, default=MemberRole.TEACHER)
    # Professionals and atelier teachers take part but do not carry the formal responsibility of the assessment.
    carries_responsibility = models.BooleanField("porte la responsabilité de l'évaluation", default=True)

    class Meta:
        verbose_name = "membre de commission"
        ordering = ["commission", "-carries_responsibility", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "user"], name="commissionmember_unique"),
            models.CheckConstraint(
                condition=models.Q(role="teacher") | models.Q(carries_responsibility=False),
                name="commissionmember_only_teachers_responsible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class Situation(models.Model):
    """Situation A or B of a commission; E4 situation A may be held in several dated steps."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="situations")
    code = models.CharField("situation", max_length=2)
    title = models.CharField("intitulé", max_length=300)
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)

    class Meta:
        verbose_name = "situation d'évaluation"
        ordering = ["commission", "code"]
        constraints = [models.UniqueConstraint(fields=["commission", "code"], name="situation_unique")]

    def __str__(self) -> str:
        return f"Situation {self.code} – {self.commission}"

    @property
    def definition(self):
        """What the exam's data says of this situation (``referentiel.exams.SituationDefinition``)."""
        from referentiel.exams import situation_definition

        return situation_definition(self.commission.exam, self.code)


class SituationStep(models.Model):
    situation = models.ForeignKey(Situation, on_delete=models.CASCADE, related_name="steps")
    date = models.DateField("date")
    label = models.CharField("étape", max_length=200, blank=True)

    class Meta:
        verbose_name = "étape de situation"
        ordering = ["situation", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.situation} – {self.date:%d/%m/%Y}"


class InformationMethod(models.TextChoices):
    EMAIL = "email", "Courriel"
    LETTER = "letter", "Courrier remis ou envoyé"


class Convocation(models.Model):
    """The official information of one student: of a situation step's date (situation A, student absent) or of a
    scheduled passage (the student comes). When, how, with which proof.

    A moved passage is notified again: the earlier convocation stays, marked ``superseded_at``; the current one is
    the only one without it.
    """

    step = models.ForeignKey(
        SituationStep, on_delete=models.PROTECT, null=True, blank=True, related_name="convocations"
    )
    passage = models.ForeignKey("Passage", on_delete=models.PROTECT, null=True, blank=True, related_name="convocations")
    # What the student was told, kept as sent (the passage may move afterwards).
    scheduled_for = models.DateTimeField("convoqué pour", null=True, blank=True)
    room_name = models.CharField("salle", max_length=100, blank=True)
    superseded_at = models.DateTimeField("remplacée le", null=True, blank=True)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="convocations")
    method = models.CharField("moyen", max_length=10, choices=InformationMethod.choices)
    informed_at = models.DateTimeField("informé le")
    informed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outbox_message_id = models.BigIntegerField(null=True, blank=True)
    acknowledged_at = models.DateTimeField("accusé de lecture", null=True, blank=True)
    # The teacher recorded handing the letter to the student (e.g. after the email was refused): a proof.
    letter_handed_at = models.DateTimeField("lettre remise en main propre le", null=True, blank=True)
    letter_handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "information officielle"
        ordering = ["step", "passage", "student", "-informed_at"]
        indexes = [
            models.Index(fields=["student", "step"], name="convocation_student_step"),
            models.Index(fields=["passage", "superseded_at"], name="convocation_passage"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(step__isnull=False, passage__isnull=True)
                    | models.Q(step__isnull=True, passage__isnull=False)
                ),
                name="convocation_step_xor_passage",
            ),
            models.UniqueConstraint(
                fields=["step", "student"], condition=models.Q(step__isnull=False), name="convocation_step_once"
            ),
            models.UniqueConstraint(
                fields=["passage"],
                condition=models.Q(passage__isnull=False, superseded_at__isnull=True),
                name="convocation_passage_current_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} informé·e de {self.step or self.passage}"


class UninformedAssessment(models.Model):
    """The commission's recorded reason to assess a student who was not officially informed."""

    step = models.ForeignKey(SituationStep, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("motif")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "évaluation sans information préalable"
        constraints = [
            models.UniqueConstraint(fields=["step", "student"], name="uninformedassessment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.step}"


class Grid(models.Model):
    """The « grille d'aide à l'évaluation » (recto) of one candidate: a member's own, or the agreed one.

    ``member`` is null for the commission's agreed grid. Jury only: never shown to the candidate, in any form.
    ``version`` grows with every save; a save based on an older version is refused as a conflict.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="grids")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, null=True, blank=True, related_name="grids")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "grille d'aide à l'évaluation"
        constraints = [
            models.UniqueConstraint(fields=["commission", "student", "member"], name="grid_unique_member"),
            models.UniqueConstraint(
                fields=["commission", "student"], condition=models.Q(member__isnull=True), name="grid_unique_agreed"
            ),
        ]

    def __str__(self) -> str:
        who = self.member.user if self.member_id else "commission"
        return f"Grille {self.commission.exam.code} {de(self.student)} ({who})"

    @property
    def is_agreed(self) -> bool:
        return self.member_id is None


class GridLine(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="lines")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "ligne de grille"
        constraints = [models.UniqueConstraint(fields=["grid", "criterion"], name="gridline_unique")]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.level.code if self.level_id else '—'}"


class GridComment(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="comments")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "commentaire de grille"
        constraints = [models.UniqueConstraint(fields=["grid", "competency"], name="gridcomment_unique")]

    def __str__(self) -> str:
        return f"{self.grid} – {self.competency}"


class ResultStatus(models.TextChoices):
    PENDING = "pending", "À noter"
    MARK = "mark", "Note sur 20"
    RESERVED = "reserved", "Réservée"
    NOT_VALID = "nv", "NV (non valide)"
    ABSENT = "absent", "Absent"


class CandidateResult(models.Model):
    """The commission's result for one candidate: global profile, then a mark (or a status).

    ``profile`` maps competency ids (as strings) to a level code: proposed from the agreed grid, editable.
    No formula decides the mark: the commission sets it, inside the range it chose for the profile.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="results")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    profile = models.JSONField("profil", default=dict, blank=True)
    status = models.CharField("statut", max_length=20, choices=ResultStatus.choices, default=ResultStatus.PENDING)
    mark = models.DecimalField("note sur 20", max_digits=3, decimal_places=1, null=True, blank=True)
    absent_reason = models.CharField("motif d'absence", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    locked_at = models.DateTimeField("verrouillé le", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "résultat du candidat"
        ordering = ["commission", "student"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "student"], name="candidateresult_unique"),
            models.CheckConstraint(
                condition=models.Q(mark__isnull=True) | (models.Q(mark__gte=0) & models.Q(mark__lte=20)),
                name="candidateresult_mark_0_20",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="mark") | models.Q(mark__isnull=False),
                name="candidateresult_mark_status_has_mark",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="absent") | ~models.Q(absent_reason=""),
                name="candidateresult_absent_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.commission}"


class MarkRange(models.Model):
    """The range of marks the commission gives to one profile of its group (``profile_key`` as in the page)."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="mark_ranges")
    profile_key = models.CharField("profil", max_length=200)
    low = models.DecimalField("de", max_digits=3, decimal_places=1)
    high = models.DecimalField("à", max_digits=3, decimal_places=1)

    class Meta:
        verbose_name = "plage de notation"
        constraints = [
            models.UniqueConstraint(fields=["commission", "profile_key"], name="markrange_unique"),
            models.CheckConstraint(
                condition=models.Q(low__gte=0) & models.Q(high__lte=20) & models.Q(low__lte=models.F("high")),
                name="markrange_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_key} : {self.low}–{self.high}"


class EvaluationSheet(models.Model):
    """The « fiche d'évaluation » (verso) of one candidate: communicable after the jury's deliberation."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="evaluation_sheets")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fiche d'évaluation"
        constraints = [
            models.UniqueConstraint(fields=["commission", "student"], name="evaluationsheet_unique"),
        ]

    def __str__(self) -> str:
        return f"Fiche d'évaluation {de(self.student)} – {self.commission}"


class SituationAppraisal(models.Model):
    sheet = models.ForeignKey(EvaluationSheet, on_delete=models.CASCADE, related_name="appraisals")
    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date", null=True, blank=True)
    fiche = models.ForeignKey(Fiche, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField("appréciation de la commission", blank=True)

    class Meta:
        verbose_name = "appréciation d'une situation"
        constraints = [
            models.UniqueConstraint(fields=["sheet", "situation"], name="situationappraisal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} – {self.situation.code}"


class Signature(models.Model):
    """A member's electronic signature of the evaluation sheet, given after re-entering their password."""

    sheet = models.ForeignKey(EvaluationSheet, on_delete=models.PROTECT, related_name="signatures")
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, related_name="signatures")
    signed_at = models.DateTimeField(auto_now_add=True)
    sheet_version = models.PositiveIntegerField()
    mark_repr = models.CharField("note signée", max_length=20)

    class Meta:
        verbose_name = "signature"
        constraints = [models.UniqueConstraint(fields=["sheet", "member"], name="signature_unique")]

    def __str__(self) -> str:
        return f"{self.member.user} a signé {self.sheet}"


class Deliberation(models.Model):
    """The jury's deliberation recorded by an administrator: from then on the candidates see verso and mark."""

    commission = models.OneToOneField(Commission, on_delete=models.PROTECT, related_name="deliberation")
    deliberated_on = models.DateField("date de la délibération")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "délibération du jury"

    def __str__(self) -> str:
        return f"Délibération {self.commission} du {self.deliberated_on:%d/%m/%Y}"


# --- E4 situation B and the exam days ------------------------------------------------------------------------------


def absence_document_path(instance, filename: str) -> str:
    # Private like evidence: a random name on disk, the original one kept in a field.
    suffix = Path(filename).suffix.lower()[:10]
    return f"absences/{instance.student_id}/{uuid.uuid4().hex}{suffix}"


class Readiness(models.Model):
    """The commission's judgement that a candidate is ready to be assessed in one situation (domain §6).

    « Seule la commission juge qu'un candidat est prêt à être évalué », given their training, experience and dossier.
    Recorded once per candidate and situation; withdrawing it is a new decision (the row is deleted, audited).
    """

    situation = models.ForeignKey(Situation, on_delete=models.CASCADE, related_name="readiness")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("date de la décision")
    grounds = models.TextField("motifs")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "aptitude à être évalué·e"
        constraints = [models.UniqueConstraint(fields=["situation", "student"], name="readiness_unique")]

    def __str__(self) -> str:
        return f"{self.student} prêt·e pour la {self.situation}"


class AbsenceKind(models.TextChoices):
    JUSTIFIED = "justified", "Justifiée"
    UNJUSTIFIED = "unjustified", "Non justifiée"


class Absence(models.Model):
    """A candidate absent on the day of a situation: justified (a document, then a new date) or not.

    The consequence of an unjustified absence is read from the session's rules (``data/sessions``), never decided
    here. The document is private like evidence: served only by a view that checks access.
    """

    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="absences")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    absent_on = models.DateField("date de l'absence")
    kind = models.CharField("absence", max_length=20, choices=AbsenceKind.choices)
    reason = models.TextField("motif", blank=True)
    document = models.FileField("justificatif", upload_to=absence_document_path, max_length=300, blank=True)
    document_name = models.CharField("nom du justificatif", max_length=255, blank=True)
    document_type = models.CharField("type du justificatif", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "absence"
        ordering = ["situation", "absent_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["situation", "student", "absent_on"], name="absence_unique_day"),
            # A justified absence carries its document.
            models.CheckConstraint(
                condition=~models.Q(kind="justified") | ~models.Q(document=""), name="absence_justified_has_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} absent·e le {self.absent_on:%d/%m/%Y} ({self.get_kind_display()})"


class Reopening(models.Model):
    """A formal reopening of one candidate's result after the deliberation, by the responsible teacher.

    While it is open the candidate's marks, sheet and grids may change again and the candidate no longer sees a
    result; a new deliberation closes it (``closed_on``) and releases the result again.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="reopenings")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("motif")
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField("nouvelle délibération du", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "réouverture après délibération"
        ordering = ["commission", "reopened_at", "pk"]
        constraints = [
            # At most one open reopening per candidate.
            models.UniqueConstraint(
                fields=["commission", "student"], condition=models.Q(closed_on__isnull=True), name="reopening_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Réouverture – {self.student}"


class SimulationKind(models.TextChoices):
    ROLE_PLAY = "role_play", "Jeu de rôle complet"
    EVOCATIVE = "evocative", "Entretien évocateur"
    BOTH = "both", "Jeu de rôle puis entretien évocateur"


class SubjectPart(models.TextChoices):
    CANDIDATE = "candidate", "Fiche sujet – candidat (ANNEXE V–2)"
    JURY = "jury", "Fiche sujet – jury (ANNEXE V–3)"


class SubjectSheet(models.Model):
    """The « fiche sujet » of E4 situation B for one candidate, written from one fiche of the submitted dossier.

    ``candidate`` and ``jury`` hold the text of each rubric of the two parts (rubric codes from
    ``data/forms/subject-sheet-2025.yaml``); ``originals`` holds, per part, the text pre-filled from the chosen
    fiche's frozen version. The student's fiche itself is never altered. The jury part (V–3) is optional.
    Jury only until the candidate part is released before the passage; the jury part never reaches the candidate.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="subject_sheets")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    dossier_fiche = models.ForeignKey(DossierFiche, on_delete=models.PROTECT, related_name="+")
    fiche_number = models.PositiveSmallIntegerField("fiche d'activité n°", default=1)
    title = models.CharField("titre", max_length=300, blank=True)
    # « nego » (Négociation Vente et Accompagnement de la Relation Client) or « event » (Organisation et Animation
    # d'un Évènement commercial), from the chosen fiche.
    activity_kind = models.CharField("nature", max_length=20, blank=True)
    candidate = models.JSONField("partie candidat", default=dict, blank=True)
    jury = models.JSONField("partie jury", default=dict, blank=True)
    originals = models.JSONField("textes d'origine", default=dict, blank=True)
    with_jury_part = models.BooleanField("rédiger la partie jury (facultative)", default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fiche sujet"
        verbose_name_plural = "fiches sujet"
        constraints = [
            models.UniqueConstraint(fields=["commission", "student"], name="subjectsheet_unique"),
        ]

    def __str__(self) -> str:
        return f"Fiche sujet {de(self.student)} – {self.commission}"


class ParameterChange(models.Model):
    """One modified parameter of a fiche sujet: the rubric, its text in the chosen fiche, its new text.

    Rewritten at each save of the sheet to list exactly the rubrics whose text differs from the original.
    """

    sheet = models.ForeignKey(SubjectSheet, on_delete=models.CASCADE, related_name="changes")
    part = models.CharField("partie", max_length=20, choices=SubjectPart.choices)
    rubric = models.CharField("rubrique", max_length=60)
    original_text = models.TextField("texte d'origine", blank=True)
    new_text = models.TextField("nouveau texte", blank=True)

    class Meta:
        verbose_name = "paramètre modifié"
        ordering = ["sheet", "part", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "part", "rubric"], name="parameterchange_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} – {self.rubric}"


class Question(models.Model):
    """A reusable « et si… » question of an establishment's bank, for the entretien évocateur. Staff only."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="questions")
    # The subject-sheet rubric the question tests (e.g. « contraintes », « acteurs »); empty for a general one.
    rubric = models.CharField("rubrique visée", max_length=60, blank=True)
    text = models.TextField("question")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived = models.BooleanField("retirée de la banque", default=False)

    class Meta:
        verbose_name = "question « et si… »"
        ordering = ["establishment", "rubric", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class SubjectQuestion(models.Model):
    """A question the jury prepared for one fiche sujet (from the bank, a suggestion, or written for it)."""

    sheet = models.ForeignKey(SubjectSheet, on_delete=models.CASCADE, related_name="questions")
    rubric = models.CharField("rubrique visée", max_length=60, blank=True)
    text = models.TextField("question")
    source = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    order = models.PositiveSmallIntegerField("ordre", default=1)

    class Meta:
        verbose_name = "question préparée"
        ordering = ["sheet", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Room(models.Model):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField("salle", max_length=100)

    class Meta:
        verbose_name = "salle"
        ordering = ["establishment", "name"]
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="room_unique")]

    def __str__(self) -> str:
        return self.name


class Passage(models.Model):
    """One candidate's scheduled passage for a situation where the candidate is present (E4 B, E6 A and B).

    Moving it updates this row (``version`` grows) and notifies again; the history is in its convocations and the
    audit log. No room and no jury member is in two passages at once (checked by the planning service under a lock
    on the establishment's row). For E4 situation B, the fiche sujet is the commission's one for the student.
    """

    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="passages")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="passages")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="passages")
    simulation_kind = models.CharField(
        "déroulement de la simulation", max_length=20, choices=SimulationKind.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "passage"
        ordering = ["starts_at", "room"]
        indexes = [
            models.Index(fields=["room", "starts_at"], name="passage_room_start"),
            models.Index(fields=["starts_at", "ends_at"], name="passage_span"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["situation", "student"], name="passage_unique"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="passage_positive"),
        ]

    def __str__(self) -> str:
        return f"Passage {de(self.student)} – situation {self.situation.code} – {self.starts_at:%d/%m/%Y %H:%M}"


class PassageJuror(models.Model):
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="jurors")
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, related_name="passages")

    class Meta:
        verbose_name = "membre du jury d'un passage"
        constraints = [models.UniqueConstraint(fields=["passage", "member"], name="passagejuror_unique")]

    def __str__(self) -> str:
        return f"{self.member.user} – {self.passage}"


class PassageNote(models.Model):
    """A jury member's own notes taken during a passage (saved automatically; jury only)."""

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="notes")
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("notes", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "notes de passage"
        constraints = [models.UniqueConstraint(fields=["passage", "member"], name="passagenote_unique")]

    def __str__(self) -> str:
        return f"Notes {de(self.member.user)} – {self.passage}"


class DossierReminder(models.Model):
    """A reminder sent to a student whose dossier was not submitted N days before the deposit deadline."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="+")
    days_before = models.PositiveSmallIntegerField("jours avant la date limite")
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True)
    outbox_message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "relance de dépôt"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "exam", "session", "days_before"], name="dossierreminder_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Relance {self.exam.code} J-{self.days_before} – {self.student}"


class PackState(models.TextChoices):
    QUEUED = "queued", "En attente"
    BUILDING = "building", "En cours"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


class EvaluationPack(models.Model):
    """The build state of one candidate's « dossier d'évaluation » PDF (the file itself lives in storage).

    « Prêt » only once the file was written whole and checked (it parses, has ``pages`` pages, ``size`` bytes).
    A build whose ``heartbeat_at`` stops moving was interrupted (its worker died): see
    ``certification.evaluation.services.packs``.
    """

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="packs")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=PackState.choices, default=PackState.QUEUED)
    requested_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField(help_text="Dernier signe de vie de la construction (ou la demande).")
    finished_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "dossier d'évaluation (PDF)"
        constraints = [
            models.UniqueConstraint(fields=["commission", "student"], name="evaluation_pack_unique"),
            models.CheckConstraint(
                condition=~models.Q(state="ready") | (models.Q(size__gt=0) & models.Q(pages__gt=0)),
                name="evaluation_pack_ready_is_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"Dossier d'évaluation {self.student_id} – commission {self.commission_id}"
