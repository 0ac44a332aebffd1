"""Forms of the CCF blanc: they validate and convert; the services decide."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from accounts.models import Cohort
from certification.commissions.services.subject_definition import SubjectRubric
from mock_exams.models import MockCandidate
from mock_exams.situations import SituationChoice, situations_for
from passeport.models import Fiche
from referentiel.models import Competency, Level

MAX_TEXT = 4000
NOT_POSITIONED = ""


class MockExamCreateForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label="Classe",
        queryset=Cohort.objects.none(),
        error_messages={"required": "Choisissez la classe.", "invalid_choice": "Classe inconnue."},
    )
    situation = forms.ChoiceField(
        label="Situation d'évaluation",
        error_messages={"required": "Choisissez la situation.", "invalid_choice": "Situation inconnue."},
    )
    held_on = forms.DateField(
        label="Date de l'épreuve blanche",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date de l'épreuve blanche.", "invalid": "Date invalide (jj/mm/aaaa)."},
    )

    def __init__(self, *args: Any, cohorts: QuerySet[Cohort], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = cohorts
        self.choices: dict[str, SituationChoice] = {}
        for cohort in cohorts:
            for choice in situations_for(cohort):
                self.choices.setdefault(choice.key, choice)
        cast(forms.ChoiceField, self.fields["situation"]).choices = [
            (key, choice.label) for key, choice in self.choices.items()
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        cohort, key = data.get("cohort"), data.get("situation")
        if cohort is not None and key:
            found = next((choice for choice in situations_for(cohort) if choice.key == key), None)
            if found is None:
                self.add_error("situation", "Cette situation n'existe pas pour la session d'examen de cette classe.")
            data["choice"] = found
        return data


def fiche_label(fiche: Fiche) -> str:
    return f"Fiche N° {fiche.number} – {fiche.title} ({fiche.kind.label})"


class SubjectSheetForm(forms.Form):
    """The fiche used and one textarea per rubric of the candidate part of the fiche sujet (same data as the
    certifying fiche sujet: ``data/forms/subject-sheet-*.yaml``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    fiche = forms.TypedChoiceField(
        label="Fiche d'activité de l'étudiant·e",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'une des fiches.", "invalid_choice": "Fiche inconnue."},
    )

    def __init__(
        self, *args: Any, candidate: MockCandidate, fiches: list[Fiche], rubrics: tuple[SubjectRubric, ...], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fiches = {fiche.pk: fiche for fiche in fiches}
        self.rubrics = rubrics
        self.fields["version"].initial = candidate.version
        cast(forms.ChoiceField, self.fields["fiche"]).choices = [(fiche.pk, fiche_label(fiche)) for fiche in fiches]
        self.fields["fiche"].initial = candidate.fiche_id
        for rubric in rubrics:
            self.fields[f"r_{rubric.code}"] = forms.CharField(
                label=rubric.full_label,
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=(candidate.subject or {}).get(rubric.code, ""),
            )

    def rubric_fields(self) -> list[forms.BoundField]:
        return [self[f"r_{rubric.code}"] for rubric in self.rubrics]

    def chosen(self) -> Fiche:
        return self.fiches[self.cleaned_data["fiche"]]

    def texts(self) -> dict[str, str]:
        return {rubric.code: self.cleaned_data[f"r_{rubric.code}"].strip() for rubric in self.rubrics}


class PlanningForm(forms.Form):
    """One date-time per candidate (empty: not planned yet)."""

    def __init__(self, *args: Any, candidates: list[MockCandidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for candidate in candidates:
            self.fields[f"passage_{candidate.pk}"] = forms.DateTimeField(
                label=f"Passage de {candidate.student.user.display_name}",
                required=False,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
                initial=candidate.starts_at,
                error_messages={"invalid": "Date et heure invalides (jj/mm/aaaa hh:mm)."},
            )

    def rows(self) -> list[tuple[MockCandidate, forms.BoundField]]:
        return [(candidate, self[f"passage_{candidate.pk}"]) for candidate in self.candidates]

    def times(self) -> dict[int, datetime.datetime | None]:
        return {candidate.pk: self.cleaned_data[f"passage_{candidate.pk}"] for candidate in self.candidates}


class MockGridForm(forms.Form):
    """The blanc grid: one choice of level per critère of the compétences assessed, and the jury's comment."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label="Appréciation du jury (communiquée à l'étudiant·e après publication)",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(
        self,
        *args: Any,
        candidate: MockCandidate,
        competencies: list[Competency],
        levels: list[Level],
        current: dict[int, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.levels = {str(level.pk): level for level in levels}
        self.fields["version"].initial = candidate.version
        self.fields["comment"].initial = candidate.comment
        choices = [(NOT_POSITIONED, "Non positionné"), *((str(lv.pk), lv.label) for lv in levels)]
        for competency in competencies:
            for criterion in competency.criteria.all():
                self.fields[f"critere_{criterion.pk}"] = forms.ChoiceField(
                    label=f"{criterion.number}. {criterion.title}",
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=str(current.get(criterion.pk, NOT_POSITIONED)),
                    error_messages={"invalid_choice": "Niveau inconnu."},
                )

    def groups(self) -> list[tuple[Competency, list[tuple[Any, forms.BoundField]]]]:
        return [
            (competency, [(criterion, self[f"critere_{criterion.pk}"]) for criterion in competency.criteria.all()])
            for competency in self.competencies
        ]

    def positions(self) -> dict[Any, Level | None]:
        return {
            criterion: self.levels.get(self.cleaned_data[f"critere_{criterion.pk}"])
            for competency in self.competencies
            for criterion in competency.criteria.all()
        }
