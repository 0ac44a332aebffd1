"""People and organisation: establishments, staff roles, cohorts, students, professionals."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from lib.collation import French
from referentiel.models import ExamSession


class User(AbstractUser):
    """One person. ``last_name`` is the « nom », ``first_name`` the « prénom ». Roles come from related rows."""

    # Demo accounts have a published password: they can only log in while DEMO_MODE is on.
    is_demo = models.BooleanField("compte de démonstration", default=False)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # absent from the stubs
        verbose_name = "utilisateur"
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_unique_email_ci"),
        ]

    @property
    def display_name(self) -> str:
        full = f"{self.first_name} {self.last_name.upper()}".strip()
        return full or self.username


class Establishment(models.Model):
    name = models.CharField("nom", max_length=200)
    uai = models.CharField(
        "UAI",
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{7}[A-Z]$", "Le code UAI comporte 7 chiffres suivis d'une lettre.")],
    )
    city = models.CharField("ville", max_length=120, blank=True)
    # The académie whose inspection harmonises its marks (issue 16); none until a platform administrator attaches it.
    academie = models.ForeignKey(
        "Academie", on_delete=models.PROTECT, null=True, blank=True, related_name="establishments"
    )

    class Meta:
        verbose_name = "établissement"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.uai})"

    @property
    def audit_establishment_id(self) -> int | None:
        return self.pk


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur d'établissement"
    TEACHER = "teacher", "Enseignant·e / formateur·rice"
    PROFESSIONAL = "professional", "Professionnel·le (tuteur, maître d'apprentissage)"


class Membership(models.Model):
    """A staff role held by a person in an establishment. One person may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rôle dans un établissement"
        constraints = [
            models.UniqueConstraint(fields=["user", "establishment", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.establishment.name}"

    @property
    def audit_establishment_id(self) -> int:
        return self.establishment_id


class Route(models.TextChoices):
    SCOLAIRE = "scolaire", "Scolaire"
    APPRENTI = "apprenti", "Apprentissage"
    CONTINUE = "continue", "Formation continue"


class Cohort(models.Model):
    """A class or an apprentice group, sitting one exam session."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField("nom", max_length=100)
    route = models.CharField("voie de formation", max_length=20, choices=Route.choices, default=Route.SCOLAIRE)
    year = models.PositiveSmallIntegerField("année de formation", choices=[(1, "1re année"), (2, "2e année")])
    exam_session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="cohorts")
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="taught_cohorts")

    class Meta:
        verbose_name = "classe ou groupe"
        ordering = ["establishment", "-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "exam_session", "name"], name="cohort_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.exam_session}"

    @property
    def audit_establishment_id(self) -> int:
        return self.establishment_id


class Student(models.Model):
    """The student side of a user: cohort, route and, once known, the n° candidat."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="students")
    route = models.CharField("voie de formation", max_length=20, choices=Route.choices, default=Route.SCOLAIRE)
    candidate_number = models.CharField("n° candidat", max_length=20, blank=True)
    professionals = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="followed_students", verbose_name="professionnels"
    )

    class Meta:
        verbose_name = "étudiant·e"
        ordering = [French("user__last_name"), French("user__first_name"), "pk"]  # French alphabetical order
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_number"], condition=~models.Q(candidate_number=""), name="student_unique_candidate"
            ),
        ]

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def establishment_id(self) -> int:
        return self.cohort.establishment_id

    @property
    def audit_establishment_id(self) -> int:
        return self.cohort.establishment_id


class Invitation(models.Model):
    """A link sent to a professional so they choose their password; the token is stored hashed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # What the invitation grants, on acceptance only, and how the inviter typed the person (shown while pending:
    # never the name or the state of an account the inviter has no right to see).
    role = models.CharField("rôle", max_length=20, choices=Role.choices, blank=True)
    email = models.EmailField("adresse invitée", blank=True)
    first_name = models.CharField("prénom saisi", max_length=150, blank=True)
    last_name = models.CharField("nom saisi", max_length=150, blank=True)
    student_ids = models.JSONField("étudiants suivis", default=list, blank=True)

    class Meta:
        verbose_name = "invitation"

    def __str__(self) -> str:
        return f"Invitation de {self.user} ({self.establishment.name})"

    @property
    def audit_establishment_id(self) -> int:
        return self.establishment_id


class LoginFailure(models.Model):
    """One failed login, kept briefly for throttling per account and per IP address."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {self.ip_address} {self.at:%Y-%m-%d %H:%M}"


class AccessCode(models.Model):
    """A one-time code printed on a slip for a first login without email (students imported from SIECLE, a jury
    member without an address). Only a keyed hash is stored (HMAC-SHA-256 of the account and the code, see
    ``accounts.access_codes``): the code in clear exists in the PDF handed out at issue time, never in the database.
    At most one live code per account; issuing a new one marks the previous one replaced."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_codes")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "code de première connexion"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(used_at__isnull=True, replaced_at__isnull=True),
                name="access_code_one_live_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Code de {self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def audit_establishment_id(self) -> int:
        return self.establishment_id


# --- Imports from school software (issue 14): what the school's records say, mappings, staged files -------------


class StudentRecord(models.Model):
    """What the school's software says about a student: INE, SIECLE id, birth name, and whether they left.

    Kept beside ``Student`` (one row per imported student) so that an import can recognise a student again in a
    later file. A student who left is archived, never deleted: their passeport and dossiers stay as they were.
    ``User.last_name`` holds the name in use (SIECLE's « nom d'usage » when there is one); ``birth_name`` the
    « nom de famille ».
    """

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="record")
    ine = models.CharField("INE", max_length=20, blank=True)
    siecle_id = models.CharField("identifiant SIECLE", max_length=30, blank=True)
    birth_name = models.CharField("nom de famille", max_length=150, blank=True)
    archived_at = models.DateTimeField("archivé le", null=True, blank=True)
    left_on = models.DateField("sorti·e le", null=True, blank=True)

    class Meta:
        verbose_name = "fiche administrative d'étudiant"
        constraints = [
            models.UniqueConstraint(fields=["ine"], condition=~models.Q(ine=""), name="student_record_unique_ine"),
        ]

    def __str__(self) -> str:
        return f"{self.student} ({self.ine or 'sans INE'})"

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id


class ImportMapping(models.Model):
    """The columns an establishment's exports carry, remembered: normalised header → field (or "" for ignored)."""

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="import_mapping")
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "correspondance de colonnes d'import"

    def __str__(self) -> str:
        return f"Colonnes d'import – {self.establishment}"

    @property
    def audit_establishment_id(self) -> int:
        return self.establishment_id


class StagedImport(models.Model):
    """A parsed upload waiting for its confirmation, kept on the server (the client only holds its token).

    ``payload`` is what the file said (a table, or SIECLE students); ``choices`` what the importer chose (column
    mapping, divisions) with a ``version`` that the confirmation must repeat, so that a tab showing an older
    preview cannot apply a newer choice. ``applied_at`` makes a second confirmation a no-op.
    """

    token = models.CharField(max_length=43, unique=True)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="staged_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=[("table", "CSV ou XLSX"), ("siecle", "SIECLE (XML)")])
    file_name = models.CharField(max_length=255)
    payload = models.JSONField(default=dict)
    choices = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import en attente de confirmation"

    def __str__(self) -> str:
        return f"{self.file_name} → {self.cohort}"

    @property
    def audit_establishment_id(self) -> int:
        return self.cohort.establishment_id


# --- Académies (issue 16): harmonisation across establishments -------------------------------------------------


class Academie(models.Model):
    """An académie groups establishments; its inspection harmonises the marks of their commissions before the jury."""

    code = models.CharField("code", max_length=10, unique=True)
    name = models.CharField("nom", max_length=120)

    class Meta:
        verbose_name = "académie"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"Académie de {self.name}"


class AcademieMembership(models.Model):
    """« Inspection / examens »: reads the académie's aggregates and candidates' files, writes nothing in an
    establishment's workflow. Kept apart from ``Membership`` so no establishment-scoped helper ever counts it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academie_memberships")
    academie = models.ForeignKey(Academie, on_delete=models.CASCADE, related_name="memberships")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "inspection / examens"
        constraints = [models.UniqueConstraint(fields=["user", "academie"], name="academiemembership_unique")]

    def __str__(self) -> str:
        return f"{self.user} – inspection / examens – {self.academie.name}"
