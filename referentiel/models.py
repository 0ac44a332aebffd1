"""The référentiel as versioned data, and exam sessions carrying their rules as data.

A later reform adds a new ``ReferentielVersion``; past grids keep pointing at the rows they were filled with.
"""

import datetime

from django.db import models


class ReferentielVersion(models.Model):
    code = models.SlugField("code", max_length=60, unique=True)
    label = models.CharField("libellé", max_length=200)
    source = models.CharField("source", max_length=300, blank=True)

    class Meta:
        verbose_name = "version du référentiel"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class Block(models.Model):
    version = models.ForeignKey(ReferentielVersion, on_delete=models.PROTECT, related_name="blocks")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=300)

    class Meta:
        verbose_name = "bloc de compétences"
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="block_unique_number")]

    def __str__(self) -> str:
        return f"Bloc {self.number} — {self.title}"


class Competency(models.Model):
    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="competencies")
    order = models.PositiveSmallIntegerField("ordre")
    title = models.CharField("intitulé", max_length=300)

    class Meta:
        verbose_name = "compétence"
        ordering = ["block", "order"]
        constraints = [models.UniqueConstraint(fields=["block", "order"], name="competency_unique_order")]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """A numbered line of the official grid (a sub-competency)."""

    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="criteria")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=300)

    class Meta:
        verbose_name = "critère"
        ordering = ["competency", "number"]
        constraints = [models.UniqueConstraint(fields=["competency", "number"], name="criterion_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"


class Indicator(models.Model):
    """A landmark in parentheses on a grid line: a hint for the judgement, never validated on its own."""

    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="indicators")
    order = models.PositiveSmallIntegerField("ordre")
    wording = models.CharField("libellé", max_length=300)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["criterion", "order"]
        constraints = [models.UniqueConstraint(fields=["criterion", "order"], name="indicator_unique_order")]

    def __str__(self) -> str:
        return self.wording


class Level(models.Model):
    """A step of the four-level scale (TI / I / S / TS). No numeric value: the official forms give none."""

    version = models.ForeignKey(ReferentielVersion, on_delete=models.PROTECT, related_name="levels")
    code = models.CharField("code", max_length=4)
    label = models.CharField("libellé", max_length=60)
    rank = models.PositiveSmallIntegerField("rang")

    class Meta:
        verbose_name = "niveau"
        ordering = ["version", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="level_unique_code"),
            models.UniqueConstraint(fields=["version", "rank"], name="level_unique_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class Exam(models.Model):
    version = models.ForeignKey(ReferentielVersion, on_delete=models.PROTECT, related_name="exams")
    code = models.CharField("code", max_length=4)
    title = models.CharField("intitulé", max_length=300)
    block = models.OneToOneField(Block, on_delete=models.PROTECT, related_name="exam")
    coefficient = models.PositiveSmallIntegerField("coefficient")
    ccf = models.BooleanField("évaluée en CCF", default=False)

    class Meta:
        verbose_name = "épreuve"
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="exam_unique_code"),
            models.CheckConstraint(condition=models.Q(coefficient__gte=1), name="exam_coefficient_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def definition(self):
        """How this exam is assessed in CCF (``referentiel.exams.ExamDefinition``; ``None`` outside CCF)."""
        from referentiel.exams import definition_of

        return definition_of(self)


class FicheKind(models.Model):
    """E4: the two kinds of activity fiche; E6: the three kinds of network."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="fiche_kinds")
    code = models.SlugField("code", max_length=40)
    label = models.CharField("libellé", max_length=200)
    order = models.PositiveSmallIntegerField("ordre")

    class Meta:
        verbose_name = "nature de fiche"
        ordering = ["exam", "order"]
        constraints = [models.UniqueConstraint(fields=["exam", "code"], name="fichekind_unique_code")]

    def __str__(self) -> str:
        return self.label


def default_reminder_days() -> list[int]:
    return [14, 3]


class ExamSession(models.Model):
    """A session of the diploma (e.g. 2027) with the référentiel version and the rules that apply to it."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    version = models.ForeignKey(ReferentielVersion, on_delete=models.PROTECT, related_name="sessions")
    forms_session = models.PositiveSmallIntegerField(
        "session des formulaires officiels", help_text="Année de la circulaire dont les annexes s'appliquent."
    )
    internship_weeks_expected = models.PositiveSmallIntegerField("semaines de stage prévues", default=16)
    internship_weeks_minimum = models.PositiveSmallIntegerField("semaines de stage minimum", default=8)
    continuing_education_weeks = models.PositiveSmallIntegerField("semaines (formation continue)", default=8)
    mark_step_halves = models.BooleanField("notes au demi-point", default=True)
    # E4 situation B: the fiche sujet must change something significant without making a new situation.
    subject_min_changed = models.PositiveSmallIntegerField(
        "fiche sujet : rubriques modifiées au minimum",
        default=2,
        help_text="En dessous, l'éditeur avertit que rien de significatif n'a changé.",
    )
    subject_max_changed_percent = models.PositiveSmallIntegerField(
        "fiche sujet : part maximale de rubriques remplacées (%)",
        default=70,
        help_text="Au-delà, l'éditeur avertit d'une « situation radicalement nouvelle ».",
    )
    subject_release_minutes = models.PositiveIntegerField(
        "remise de la partie candidat (minutes avant le passage)",
        default=30,
        help_text="Le candidat ouvre la partie candidat de la fiche sujet à partir de ce délai, et pas avant.",
    )
    dossier_reminder_days = models.JSONField(
        "relances avant la date de dépôt (jours)",
        default=default_reminder_days,
        blank=True,
        help_text="Ex. [14, 3] : relance 14 jours puis 3 jours avant la date limite des dossiers non déposés.",
    )

    # The consequence of an unjustified absence on the day of a situation, as the académie's rules say: « absent »
    # (the result is « Absent » for the exam) or « zero » (the situation is marked 0). Data, not code.
    unjustified_absence = models.CharField(
        "conséquence d'une absence non justifiée",
        max_length=20,
        choices=[("absent", "Absent à l'épreuve"), ("zero", "Note zéro")],
        default="absent",
    )

    class Meta:
        verbose_name = "session d'examen"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(internship_weeks_minimum__lte=models.F("internship_weeks_expected")),
                name="examsession_internship_minimum_within_expected",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.year}"

    @property
    def plausible_dates(self) -> tuple[datetime.date, datetime.date]:
        """The two years of training that lead to this session: from 1 September two years before to 31 December."""
        return datetime.date(self.year - 2, 9, 1), datetime.date(self.year, 12, 31)

    def date_refusal(self, value: datetime.date, what: str = "La date") -> str | None:
        """A French refusal for a date no step of this session can have (1900, 9999…), else None."""
        first, last = self.plausible_dates
        if first <= value <= last:
            return None
        return (
            f"{what} du {value:%d/%m/%Y} est hors de la {self} : choisissez une date entre le {first:%d/%m/%Y} "
            f"et le {last:%d/%m/%Y}."
        )


class ExamRule(models.Model):
    """What one exam requires in one session: fiches, kinds, deposit deadline, annex numbers."""

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="rules")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="rules")
    fiches_required = models.PositiveSmallIntegerField("nombre de fiches")
    one_fiche_per_kind = models.BooleanField("une fiche par nature", default=True)
    real_lived_minimum = models.PositiveSmallIntegerField("fiches « réelles vécues » minimum", default=0)
    deposit_deadline = models.DateField("date limite de dépôt du dossier", null=True, blank=True)
    fiche_annex = models.CharField("annexe de la fiche descriptive", max_length=20, blank=True)
    grid_annex = models.CharField("annexe de la grille", max_length=20, blank=True)
    evaluation_annex = models.CharField("annexe de la fiche d'évaluation", max_length=20, blank=True)
    nv_annex = models.CharField("annexe de la notification NV", max_length=20, blank=True)

    class Meta:
        verbose_name = "règles d'une épreuve pour une session"
        ordering = ["session", "exam"]
        constraints = [
            models.UniqueConstraint(fields=["session", "exam"], name="examrule_unique"),
            # A real-lived minimum above the number of fiches could never be met.
            models.CheckConstraint(
                condition=models.Q(real_lived_minimum__lte=models.F("fiches_required")),
                name="examrule_real_lived_within_fiches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam.code} – {self.session}"


class SituationRule(models.Model):
    rule = models.ForeignKey(ExamRule, on_delete=models.CASCADE, related_name="situations")
    code = models.CharField("code", max_length=2)
    title = models.CharField("intitulé", max_length=300)
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)
    candidate_present = models.BooleanField("candidat présent", default=True)

    class Meta:
        verbose_name = "situation d'évaluation"
        ordering = ["rule", "code"]
        constraints = [models.UniqueConstraint(fields=["rule", "code"], name="situationrule_unique")]

    def __str__(self) -> str:
        return f"Situation {self.code} – {self.title}"
