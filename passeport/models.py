"""Training traces: activities, evidence, internship periods, fiches with their versions, formative follow-up.

Nothing here is a certifying decision: the certification app reads these rows, never the other way round.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from accounts.models import Student
from referentiel.models import Criterion, Exam, FicheKind, Level


def _private_path(prefix: str, instance, filename: str) -> str:
    # A random name: the original one is kept in a field, never used on disk.
    suffix = Path(filename).suffix.lower()[:10]
    return f"{prefix}/{instance.student_id_for_path}/{uuid.uuid4().hex}{suffix}"


def evidence_path(instance, filename: str) -> str:
    return _private_path("evidence", instance, filename)


def attestation_path(instance, filename: str) -> str:
    return _private_path("attestations", instance, filename)


class ActivitySetting(models.TextChoices):
    STAGE = "stage", "Stage"
    APPRENTISSAGE = "apprentissage", "Apprentissage (en entreprise)"
    ATELIER = "atelier", "Atelier de professionnalisation"
    PROJET = "projet", "Projet en établissement"
    AUTRE = "autre", "Autre"


class ActivityNature(models.TextChoices):
    REELLE = "reelle", "Réelle"
    VECUE = "vecue", "Vécue"
    OBSERVEE = "observee", "Observée"


class Activity(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField("intitulé", max_length=200)
    setting = models.CharField("cadre", max_length=20, choices=ActivitySetting.choices)
    organisation = models.CharField("organisation", max_length=200, blank=True)
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    nature = models.CharField("nature", max_length=10, choices=ActivityNature.choices)
    description = models.TextField("description", blank=True)
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="activities", verbose_name="critères")
    participants = models.ManyToManyField(
        Student, blank=True, related_name="shared_activities", verbose_name="autres participants"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    validated_at = models.DateTimeField("validée en formation le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "activité professionnelle"
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["student", "-start_date"], name="activity_student_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="activity_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_collective(self) -> bool:
        return self.participants.exists()

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id


class Evidence(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "preuve"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def student_id_for_path(self) -> int:
        return self.activity.student_id

    @property
    def audit_establishment_id(self) -> int:
        return self.activity.audit_establishment_id


class InternshipKind(models.TextChoices):
    STAGE = "stage", "Stage (attestation de stage, annexe III-2)"
    APPRENTISSAGE = "apprentissage", "Apprentissage (contrat ou attestation de l'employeur)"
    TRAVAIL = "travail", "Expérience professionnelle (certificat de travail)"


class InternshipPeriod(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="internships")
    kind = models.CharField("nature", max_length=20, choices=InternshipKind.choices, default=InternshipKind.STAGE)
    organisation = models.CharField("organisme d'accueil", max_length=200)
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    weeks = models.DecimalField("nombre de semaines", max_digits=4, decimal_places=1)
    tutor_name = models.CharField("tuteur / maître d'apprentissage", max_length=200, blank=True)
    attestation = models.FileField(upload_to=attestation_path, max_length=300, blank=True)
    attestation_name = models.CharField(max_length=255, blank=True)
    attestation_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "période en entreprise"
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="internship_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(weeks__gt=0), name="internship_weeks_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y})"

    @property
    def student_id_for_path(self) -> int:
        return self.student_id

    @property
    def signed_attestation(self) -> "InternshipAttestation | None":
        """The official attestation (annexe III-2) signed in the product, if any."""
        record = getattr(self, "official_attestation", None) if self.pk else None
        return record if record is not None and record.state == AttestationState.SIGNED else None

    @property
    def has_attestation(self) -> bool:
        """A scanned paper attestation or a signed official one."""
        return bool(self.attestation) or self.signed_attestation is not None

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id


class AttestationState(models.TextChoices):
    DRAFT = "draft", "En préparation par l'étudiant·e"
    SENT = "sent", "En attente de la signature du tuteur"
    SIGNED = "signed", "Signée par l'organisme d'accueil"


class SignedVia(models.TextChoices):
    ACCOUNT = "account", "Compte professionnel (mot de passe saisi à nouveau)"
    LINK = "link", "Lien à usage unique reçu par courriel"


class InternshipAttestation(models.Model):
    """The « attestation de stage » (ANNEXE III-2) of one period, filled by the student and signed by the tutor.

    The tutor signs from their professional account (``tutor_user``) or, without an account, from a one-time link
    sent to ``tutor_email``: only a keyed hash of the link's token is kept (``link_hash``); it expires and is used once.
    """

    period = models.OneToOneField(InternshipPeriod, on_delete=models.CASCADE, related_name="official_attestation")
    state = models.CharField(max_length=10, choices=AttestationState.choices, default=AttestationState.DRAFT)
    host_name = models.CharField("nom ou dénomination sociale", max_length=200)
    host_sector = models.CharField("secteur d'activité", max_length=200, blank=True)
    host_address = models.CharField("adresse de l'organisme", max_length=300, blank=True)
    host_postal_code = models.CharField("code postal de l'organisme", max_length=10, blank=True)
    host_city = models.CharField("ville de l'organisme", max_length=100, blank=True)
    host_phone = models.CharField("téléphone de l'organisme", max_length=30, blank=True)
    host_email = models.EmailField("mél de l'organisme", blank=True)
    trainee_sex = models.CharField("sexe", max_length=1, choices=[("F", "F"), ("M", "M")], blank=True)
    trainee_birth_date = models.DateField("né(e) le", null=True, blank=True)
    trainee_address = models.CharField("adresse du stagiaire", max_length=300, blank=True)
    trainee_postal_code = models.CharField("code postal du stagiaire", max_length=10, blank=True)
    trainee_city = models.CharField("ville du stagiaire", max_length=100, blank=True)
    trainee_phone = models.CharField("téléphone du stagiaire", max_length=30, blank=True)
    trainee_email = models.EmailField("mél du stagiaire", blank=True)
    activities = models.TextField("activités de l'étudiant", blank=True)
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    presence_hours = models.DecimalField("heures de présence effective", max_digits=6, decimal_places=1, null=True)
    gratification = models.DecimalField("gratification (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    tutor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tutor_email = models.EmailField("mél du tuteur", blank=True)
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    link_used_at = models.DateTimeField(null=True, blank=True)
    signer_name = models.CharField("nom du représentant", max_length=200, blank=True)
    signer_function = models.CharField("fonction du représentant", max_length=200, blank=True)
    signed_place = models.CharField("fait à", max_length=100, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_via = models.CharField(max_length=10, choices=SignedVia.choices, blank=True)
    pdf = models.FileField(upload_to=attestation_path, max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "attestation de stage"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="attestation_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Attestation de stage – {self.period}"

    @property
    def student_id_for_path(self) -> int:
        return self.period.student_id

    @property
    def audit_establishment_id(self) -> int:
        return self.period.audit_establishment_id


class Fiche(models.Model):
    """A « fiche descriptive d'activité professionnelle »: one recto and, for E4, one or more versos.

    ``version`` grows with every save: an editor sends the version it started from, and a save based on an older
    one is refused as a conflict (the refused text is kept as a conflict copy, never lost).
    """

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="fiches")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="fiches")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(FicheKind, on_delete=models.PROTECT, related_name="+", verbose_name="nature")
    forms_session = models.PositiveSmallIntegerField("modèle officiel (session)")
    number = models.PositiveSmallIntegerField("N°")
    title = models.CharField("titre", max_length=200)
    real_lived = models.BooleanField("activité(s) réelle(s) vécue(s)", null=True, blank=True)
    recto = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fiche descriptive"
        ordering = ["exam", "number"]
        constraints = [models.UniqueConstraint(fields=["student", "exam", "number"], name="fiche_unique_number")]

    def __str__(self) -> str:
        return f"{self.exam.code} n° {self.number} – {self.title}"

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id


class FicheVerso(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="versos")
    order = models.PositiveSmallIntegerField("ordre", default=1)
    content = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "verso de fiche"
        ordering = ["fiche", "order"]
        constraints = [models.UniqueConstraint(fields=["fiche", "order"], name="ficheverso_unique_order")]

    def __str__(self) -> str:
        return f"{self.fiche} – verso {self.order}"


class FicheVersion(models.Model):
    """A snapshot of a fiche after a save; ``is_conflict`` marks a refused concurrent save kept for recovery."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    title = models.CharField(max_length=200)
    recto = models.JSONField(default=dict)
    versos = models.JSONField(default=list)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_conflict = models.BooleanField(default=False)
    is_autosave = models.BooleanField(default=False)

    class Meta:
        verbose_name = "version de fiche"
        ordering = ["fiche", "-created_at", "-pk"]
        indexes = [models.Index(fields=["fiche", "-created_at"], name="ficheversion_fiche_date")]

    def __str__(self) -> str:
        return f"{self.fiche} – v{self.number}{' (conflit)' if self.is_conflict else ''}"


class DepositedFichePdf(models.Model):
    """The official PDF of a fiche as deposited (a frozen ``FicheVersion``, one of its versos), written once.

    The file lives in default storage under ``name``; ``size`` and ``sha256`` are those checked after writing, so a
    reader can tell a missing or altered file and write it again from the version.
    """

    version = models.ForeignKey(FicheVersion, on_delete=models.CASCADE, related_name="deposited_pdfs")
    verso_order = models.PositiveSmallIntegerField("verso", default=0)  # 0: a fiche without verso
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField()
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "PDF de fiche déposée"
        constraints = [
            models.UniqueConstraint(fields=["version", "verso_order"], name="depositedfichepdf_version_verso_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FicheComment(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="comments")
    verso = models.ForeignKey(FicheVerso, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    rubric = models.CharField("rubrique", max_length=60)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("commentaire")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "commentaire de fiche"
        ordering = ["fiche", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.fiche} – {self.rubric}"


class FormativeAssessment(models.Model):
    """A teacher's dated positioning of a student on critères about an activity or a fiche (training data)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="formative_assessments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="formative_assessments"
    )
    fiche = models.ForeignKey(
        Fiche, on_delete=models.CASCADE, null=True, blank=True, related_name="formative_assessments"
    )
    assessed_on = models.DateField("date")
    comment = models.TextField("commentaire", blank=True)
    # Where the positions come from when not a teacher's follow-up, shown beside the date (« CCF blanc »).
    label = models.CharField("origine", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "évaluation formative"
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["student", "-assessed_on"], name="formative_student_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(activity__isnull=False) | models.Q(fiche__isnull=False),
                name="formative_about_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.assessed_on:%d/%m/%Y}"

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id


class FormativePosition(models.Model):
    assessment = models.ForeignKey(FormativeAssessment, on_delete=models.CASCADE, related_name="positions")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "positionnement formatif"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="formativeposition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.level.code}"
