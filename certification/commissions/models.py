"""Models of commissions: members, situations and dated steps, official information (convocations),
readiness, fiches sujet and questions, rooms and passages with their jury and notes.

App label ``certification``: re-exported by ``certification.models`` (migrations, ``apps.get_model``).
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from accounts.models import Cohort, Establishment, Student
from certification.dossiers.models import DossierFiche
from lib.french import de
from referentiel.models import Exam, ExamSession

if TYPE_CHECKING:
    import datetime

    from notifications.models import OutboxMessage


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

    @property
    def audit_establishment_id(self) -> int:
        return self.cohort.establishment_id


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

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


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

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


class SituationStep(models.Model):
    situation = models.ForeignKey(Situation, on_delete=models.CASCADE, related_name="steps")
    date = models.DateField("date")
    label = models.CharField("étape", max_length=200, blank=True)
    # Set by the commission page (presenters.mark_in_flight), never stored: the information being sent.
    sending_total: int
    sending_done: int
    sending: bool
    # Set by the commission page (views.commissions.commission_detail), never stored: who is still to be informed,
    # whose email was not delivered, and how many are informed (with a proof) or waiting for one.
    to_inform: list[Student]
    undelivered_ids: set[int]
    undelivered_count: int
    informed_count: int
    waiting_count: int

    class Meta:
        verbose_name = "étape de situation"
        ordering = ["situation", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.situation} – {self.date:%d/%m/%Y}"

    @property
    def audit_establishment_id(self) -> int:
        return self.situation.audit_establishment_id


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
    outbox: "OutboxMessage | None"
    delivery_state: str
    delivery_state_label: str
    # Set by the proofs page (presenters.attach_outbox_delivery), never stored: its wording and tag class.
    delivery: str
    delivery_tag: str
    # Set by the student's convocations page (views.planning.student_convocations), never stored: the passage has a
    # fiche sujet's candidate part, and when the candidate may read it.
    with_subject: bool
    release_at: "datetime.datetime | None"

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

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id


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

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id


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

    @property
    def audit_establishment_id(self) -> int:
        return self.situation.audit_establishment_id


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

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


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

    @property
    def audit_establishment_id(self) -> int:
        return self.establishment_id


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

    @property
    def audit_establishment_id(self) -> int:
        return self.establishment_id


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
    # Set by the planning pages (presenters.commission_passages), never stored.
    jury: "list[CommissionMember]"
    convocation: "Convocation | None"

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

    @property
    def audit_establishment_id(self) -> int:
        return self.situation.audit_establishment_id


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
