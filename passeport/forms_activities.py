"""Forms of activities, evidence and internship periods: they validate and convert, the services write."""

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms

from accounts.models import Student
from passeport.models import ActivityNature, ActivitySetting, InternshipKind
from passeport.services.activities import criteria_for_student, possible_participants
from passeport.services.evidence import ATTESTATION_ACCEPT, ATTESTATION_TYPES_TEXT, human_size, max_upload_bytes
from referentiel.models import Criterion

DATES_ORDER = "La date de fin ne peut pas précéder la date de début."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ParticipantField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Student) -> str:
        return obj.user.display_name


def _check_dates(form: forms.Form, cleaned: dict[str, Any]) -> None:
    start, end = cleaned.get("start_date"), cleaned.get("end_date")
    if start and end and end < start:
        form.add_error("end_date", DATES_ORDER)


class ActivityForm(forms.Form):
    title = forms.CharField(label="Intitulé de l'activité", max_length=200)
    setting = forms.ChoiceField(label="Cadre", choices=[("", "Choisissez…"), *ActivitySetting.choices])
    organisation = forms.CharField(
        label="Organisation", max_length=200, required=False, help_text="Entreprise, association ou établissement."
    )
    start_date = forms.DateField(label="Date de début", widget=DateInput())
    end_date = forms.DateField(label="Date de fin", required=False, widget=DateInput(), help_text="Facultative.")
    nature = forms.ChoiceField(label="Nature", choices=ActivityNature.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ce que vous avez fait.",
    )
    criteria = forms.ModelMultipleChoiceField(
        label="Critères mobilisés", queryset=Criterion.objects.none(), required=False
    )
    participants = ParticipantField(
        label="Autres étudiant·es ayant participé (activité collective)",
        queryset=Student.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, student: Student, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.student = student
        cast(forms.ModelChoiceField, self.fields["criteria"]).queryset = criteria_for_student(student)
        cast(forms.ModelChoiceField, self.fields["participants"]).queryset = possible_participants(student).order_by(
            "user__last_name", "user__first_name"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        _check_dates(self, cleaned)
        return cleaned

    def criteria_groups(self) -> list[dict[str, Any]]:
        """Exam → compétence → critères with their checked state, for the grouped checkboxes."""
        value = self["criteria"].value() or []
        selected = {str(pk) for pk in value}
        criteria = cast(forms.ModelChoiceField, self.fields["criteria"]).queryset
        return group_criteria(criteria, selected) if criteria is not None else []


def group_criteria(criteria: Iterable[Criterion], selected: set[str] | None = None) -> list[dict[str, Any]]:
    """Critères (with ``competency__block__exam`` loaded, in grid order) grouped by exam then compétence."""
    exams: list[dict[str, Any]] = []
    for criterion in criteria:
        competency = criterion.competency
        exam = competency.block.exam
        if not exams or exams[-1]["exam"].pk != exam.pk:
            exams.append({"exam": exam, "competencies": []})
        groups = exams[-1]["competencies"]
        if not groups or groups[-1]["competency"].pk != competency.pk:
            groups.append({"competency": competency, "criteria": []})
        checked = selected is not None and str(criterion.pk) in selected
        groups[-1]["criteria"].append({"criterion": criterion, "checked": checked})
    return exams


class InternshipForm(forms.Form):
    kind = forms.ChoiceField(label="Nature de la période", choices=InternshipKind.choices, widget=forms.RadioSelect)
    organisation = forms.CharField(label="Organisme d'accueil", max_length=200)
    start_date = forms.DateField(label="Date de début", widget=DateInput())
    end_date = forms.DateField(label="Date de fin", widget=DateInput())
    weeks = forms.DecimalField(
        label="Nombre de semaines",
        max_digits=4,
        decimal_places=1,
        help_text="Semaines effectuées, par demi-semaine au besoin (par exemple 4 ou 3,5).",
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
    )
    tutor_name = forms.CharField(label="Tuteur ou maître d'apprentissage", max_length=200, required=False)
    attestation = forms.FileField(
        label="Attestation",
        required=False,
        help_text=(
            "Stage : attestation de stage conforme au modèle officiel (annexe III-2). Apprentissage : copie du contrat "
            "d'apprentissage ou attestation de l'employeur. Expérience professionnelle : certificat de travail. "
            f"Formats acceptés : {ATTESTATION_TYPES_TEXT}, {human_size(max_upload_bytes())} au plus."
        ),
        widget=forms.FileInput(attrs={"accept": ATTESTATION_ACCEPT}),
    )

    def clean_weeks(self) -> Decimal:
        weeks = self.cleaned_data["weeks"]
        if weeks <= 0:
            raise forms.ValidationError("Le nombre de semaines doit être supérieur à zéro.")
        return weeks

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        _check_dates(self, cleaned)
        start, end, weeks = cleaned.get("start_date"), cleaned.get("end_date"), cleaned.get("weeks")
        # A week more than the calendar allows is a typing slip (e.g. 61 for 6,1), not a long internship.
        if start and end and weeks and end >= start and weeks > Decimal((end - start + timedelta(days=1)).days) / 7 + 1:
            self.add_error("weeks", "Ce nombre de semaines dépasse la durée entre les deux dates.")
        return cleaned
