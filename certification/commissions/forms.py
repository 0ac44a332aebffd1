"""Django forms of commissions: commission, members, steps, information, convocations, planning, fiches sujet and
questions.

Forms of the commission pages: they validate and convert; the rules live in the services.

Forms of the actions on one convocation whose email did not arrive.

Forms of the planning: they validate and convert; the planning service decides (overlaps, rules).

Forms of the fiche sujet and of the « et si… » questions: they validate and convert, services decide.
"""

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Cohort, Student, User
from certification.commissions.models import (
    CommissionMember,
    MemberRole,
    Room,
    SimulationKind,
    Situation,
    SubjectPart,
    SubjectSheet,
)
from certification.commissions.services.commissions import establishment_teachers
from certification.commissions.services.questions import MAX_QUESTION_LENGTH
from certification.commissions.services.subject_definition import SubjectDefinition
from certification.commissions.services.subjects import MAX_RUBRIC_LENGTH
from certification.dossiers.models import DossierFiche
from lib.collation import by_name
from referentiel.models import Exam, ExamSession

# --- forms -----------------------------------------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class CommissionForm(forms.Form):
    session = forms.ModelChoiceField(ExamSession.objects.all(), label="Session d'examen")
    exam_code = forms.ChoiceField(label="Épreuve", choices=(), help_text="Épreuves évaluées en CCF.")
    cohort = forms.ModelChoiceField(Cohort.objects.none(), label="Classe ou groupe")
    number = forms.CharField(label="N° de commission", max_length=30, required=False)
    responsible = PersonChoiceField(
        User.objects.none(),
        label="Responsable",
        help_text="Enseignant·e en charge du bloc : porte la responsabilité de l'évaluation.",
    )

    def __init__(self, *args, cohorts: QuerySet[Cohort], **kwargs):
        super().__init__(*args, **kwargs)
        codes = Exam.objects.filter(ccf=True).order_by("code").values_list("code", flat=True).distinct()
        cast(forms.ChoiceField, self.fields["exam_code"]).choices = [(code, code) for code in codes]
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = cohorts.select_related("exam_session")
        establishment_ids = set(cohorts.values_list("establishment_id", flat=True))
        teachers = User.objects.none()
        for establishment_id in establishment_ids:
            teachers = teachers | establishment_teachers(establishment_id)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = teachers.distinct().order_by(*by_name(""))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        cohort, responsible = data.get("cohort"), data.get("responsible")
        if cohort and responsible and not establishment_teachers(cohort.establishment_id).filter(pk=responsible.pk):
            self.add_error("responsible", "Choisissez un·e enseignant·e de l'établissement de la classe.")
        session = data.get("session")
        if cohort and session and cohort.exam_session_id != session.pk:
            self.add_error("session", f"La classe {cohort.name} passe la {cohort.exam_session}.")
        return data


class AddMemberForm(forms.Form):
    user = PersonChoiceField(User.objects.none(), label="Personne")
    role = forms.ChoiceField(label="Qualité", choices=MemberRole.choices, initial=MemberRole.TEACHER)

    def __init__(self, *args, candidates: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = candidates


class RemoveMemberForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)


class StepForm(forms.Form):
    situation = forms.ChoiceField(label="Situation", choices=())
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    label = forms.CharField(
        label="Étape (facultatif)",
        max_length=200,
        required=False,
        help_text="Par exemple « 1re étape : fin du 1er semestre » quand la situation A se tient en plusieurs fois.",
    )

    def __init__(self, *args, situations: list[str], **kwargs):
        """``situations``: the codes of the commission's situations (copied from the session's rules)."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["situation"]).choices = [(code, f"Situation {code}") for code in situations]


class InformForm(forms.Form):
    """Without any student ticked, « tous » informs every student not yet informed."""

    scope = forms.ChoiceField(choices=[("all", "tous"), ("selected", "sélection")], initial="all")
    students = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, student_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["students"]).choices = [(pk, pk) for pk in student_ids]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("scope") == "selected" and not data.get("students"):
            raise forms.ValidationError("Cochez au moins un·e étudiant·e à informer.")
        return data

    def selected_ids(self) -> list[int] | None:
        return self.cleaned_data["students"] if self.cleaned_data["scope"] == "selected" else None


class UninformedReasonForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Pourquoi la commission évalue cet·te étudiant·e sans l'avoir informé·e officiellement de la date.",
    )


# --- forms_convocations ----------------------------------------------------------------------------------------------


class ResendConvocationForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Corrigez l'adresse si elle était fausse : elle remplace celle du compte de l'étudiant·e.",
        error_messages={"required": "Indiquez l'adresse à laquelle renvoyer la convocation."},
    )


# --- forms_planning --------------------------------------------------------------------------------------------------


class RoomForm(forms.Form):
    name = forms.CharField(label="Nom de la salle", max_length=100)


class _MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member: CommissionMember) -> str:
        return f"{member.user.display_name} ({member.get_role_display()})"


class _SituationChoice(forms.ModelChoiceField):
    def label_from_instance(self, situation: Situation) -> str:
        duration = f" ({situation.duration_minutes} min)" if situation.duration_minutes else ""
        return f"Situation {situation.code} – {situation.title}{duration}"


class PassageTimeForm(forms.Form):
    """When, where and with whom: shared by scheduling and moving."""

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    room = forms.ModelChoiceField(label="Salle", queryset=Room.objects.none(), empty_label="— choisir —")
    members = _MemberChoice(
        label="Jury du passage",
        queryset=CommissionMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un membre du jury pour ce passage."},
    )
    simulation_kind = forms.ChoiceField(
        label="Déroulement de la simulation (E4, situation B)",
        choices=[("", "— sans objet —"), *SimulationKind.choices],
        required=False,
    )

    def __init__(self, *args, rooms: QuerySet[Room], members: QuerySet[CommissionMember], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = rooms
        cast(forms.ModelChoiceField, self.fields["members"]).queryset = members

    def starts_at(self) -> datetime.datetime:
        combined = datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(combined)


class ScheduleForm(PassageTimeForm):
    student = forms.ModelChoiceField(label="Candidat·e", queryset=Student.objects.none(), empty_label="— choisir —")
    situation = _SituationChoice(label="Situation", queryset=Situation.objects.none(), empty_label=None)
    field_order = ["student", "situation", "date", "time", "room", "members", "simulation_kind"]

    def __init__(self, *args, students: QuerySet[Student], situations: QuerySet[Situation], **kwargs):
        super().__init__(*args, **kwargs)
        # The student's label is ModelChoiceField's own: str(student).
        cast(forms.ModelChoiceField, self.fields["student"]).queryset = students
        cast(forms.ModelChoiceField, self.fields["situation"]).queryset = situations


class MoveForm(PassageTimeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- forms_subjects --------------------------------------------------------------------------------------------------


TEXTAREA = {"rows": 4}


def fiche_label(item: DossierFiche) -> str:
    title = item.version.title if item.version else item.fiche.title
    return f"Fiche N° {item.order} – {title} ({item.fiche.kind.label})"


class FicheChoiceForm(forms.Form):
    """Which fiche of the deposited dossier the fiche sujet starts from."""

    dossier_fiche = forms.TypedChoiceField(
        label="Fiche d'activité du dossier déposé",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'une des fiches du dossier.", "invalid_choice": "Fiche inconnue."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, items: list[DossierFiche], sheet: SubjectSheet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        cast(forms.ChoiceField, self.fields["dossier_fiche"]).choices = [(item.pk, fiche_label(item)) for item in items]
        if sheet is not None:
            self.fields["version"].initial = sheet.version
            self.fields["dossier_fiche"].initial = sheet.dossier_fiche_id

    def chosen(self) -> DossierFiche:
        return self.items[self.cleaned_data["dossier_fiche"]]


def field_name(part: str, code: str) -> str:
    return f"{'c' if part == SubjectPart.CANDIDATE else 'j'}_{code}"


class SubjectSheetForm(forms.Form):
    """One textarea per rubric of both parts, the optional jury part switch and the version it was built on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    with_jury_part = forms.BooleanField(label="Rédiger aussi la partie jury (facultative, ANNEXE V–3)", required=False)

    def __init__(self, *args, sheet: SubjectSheet, form: SubjectDefinition, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = form
        self.fields["version"].initial = sheet.version
        self.fields["with_jury_part"].initial = sheet.with_jury_part
        for part in (SubjectPart.CANDIDATE, SubjectPart.JURY):
            texts = getattr(sheet, part) or {}
            for rubric in self.rubrics(part):
                self.fields[field_name(part, rubric.code)] = forms.CharField(
                    label=rubric.full_label,
                    required=False,
                    strip=False,
                    max_length=MAX_RUBRIC_LENGTH,
                    widget=forms.Textarea(attrs=TEXTAREA),
                    initial=texts.get(rubric.code, ""),
                )

    def rubrics(self, part: str):
        """The rubrics written in ``part``: the jury part's shared ones show the candidate part's text, unwritten."""
        shared = set(self.form.shared_codes) if part == SubjectPart.JURY else set()
        return [rubric for rubric in self.form.part(part).rubrics if rubric.code not in shared]

    def texts(self, part: str) -> dict[str, str]:
        """The texts as submitted (cleaned when valid, raw otherwise), to show them back."""
        source = self.cleaned_data if hasattr(self, "cleaned_data") and self.is_bound else {}
        out = {}
        for rubric in self.rubrics(part):
            name = field_name(part, rubric.code)
            if name in source:
                out[rubric.code] = source[name]
            elif self.is_bound:
                out[rubric.code] = self.data.get(name, "")
            else:
                out[rubric.code] = self.fields[name].initial
        return out

    def service_data(self) -> dict[str, Any]:
        return {
            SubjectPart.CANDIDATE: self.texts(SubjectPart.CANDIDATE),
            SubjectPart.JURY: self.texts(SubjectPart.JURY),
            "with_jury_part": self.cleaned_data["with_jury_part"],
        }


class BankQuestionForm(forms.Form):
    text = forms.CharField(
        label="Question « et si… »",
        max_length=MAX_QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Écrivez la question avant de l'ajouter."},
    )
    rubric = forms.ChoiceField(label="Rubrique visée", required=False)

    def __init__(self, *args, rubric_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rubric"]).choices = [("", "Question générale"), *rubric_choices]


class QuestionForm(BankQuestionForm):
    """A question of the jury's list: the bank's fields, the bank question it was taken from, and whether to keep it
    in the bank too (left out where the person may not write to the bank)."""

    source = forms.IntegerField(widget=forms.HiddenInput, required=False)
    to_bank = forms.BooleanField(label="L'ajouter aussi à la banque de l'établissement", required=False)

    def __init__(self, *args, bank: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not bank:
            del self.fields["to_bank"]
