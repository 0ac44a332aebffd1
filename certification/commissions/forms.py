"""Forms of the commission pages: they validate and convert; the rules live in certification.services."""

from django import forms
from django.db.models import QuerySet

from accounts.models import Cohort, User
from certification.commissions.services.commissions import establishment_teachers
from certification.models import MemberRole
from lib.collation import by_name
from referentiel.models import Exam, ExamSession


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
        self.fields["exam_code"].choices = [(code, code) for code in codes]
        self.fields["cohort"].queryset = cohorts.select_related("exam_session")
        establishment_ids = set(cohorts.values_list("establishment_id", flat=True))
        teachers = User.objects.none()
        for establishment_id in establishment_ids:
            teachers = teachers | establishment_teachers(establishment_id)
        self.fields["responsible"].queryset = teachers.distinct().order_by(*by_name(""))

    def clean(self):
        data = super().clean()
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
        self.fields["user"].queryset = candidates


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
        self.fields["situation"].choices = [(code, f"Situation {code}") for code in situations]


class InformForm(forms.Form):
    """Without any student ticked, « tous » informs every student not yet informed."""

    scope = forms.ChoiceField(choices=[("all", "tous"), ("selected", "sélection")], initial="all")
    students = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, student_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].choices = [(pk, pk) for pk in student_ids]

    def clean(self):
        data = super().clean()
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
