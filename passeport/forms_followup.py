"""Forms of the teaching team's follow-up: they validate and convert, the services write."""

from typing import cast

from django import forms
from django.utils import timezone

from passeport.models import Activity, Fiche, FicheVerso
from passeport.rubrics import fiche_definition
from referentiel.models import Criterion, Level

NOT_ASSESSED = ""


class FicheCommentForm(forms.Form):
    rubric = forms.CharField(max_length=60, error_messages={"required": "Indiquez la rubrique commentée."})
    verso = forms.ModelChoiceField(
        queryset=FicheVerso.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Ce verso n'appartient pas à cette fiche."},
    )
    text = forms.CharField(
        label="Commentaire",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Le commentaire est vide : écrivez-le avant de l'envoyer."},
    )

    def __init__(self, *args, fiche: Fiche, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fiche = fiche
        self.fiche_definition = fiche_definition(fiche.forms_session, fiche.exam.code)
        cast(forms.ModelChoiceField, self.fields["verso"]).queryset = FicheVerso.objects.filter(fiche=fiche)

    def clean_rubric(self) -> str:
        code = self.cleaned_data["rubric"]
        if code not in {r.code for r in self.fiche_definition.rubrics}:
            raise forms.ValidationError("Cette rubrique n'existe pas sur le modèle officiel de cette fiche.")
        return code

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        code, verso = data.get("rubric"), data.get("verso")
        if code and verso is not None and code not in {r.code for r in self.fiche_definition.part("verso")}:
            raise forms.ValidationError("Cette rubrique est au recto : elle ne peut pas être commentée sur un verso.")
        return data


def _about_choices(activities: list[Activity], fiches: list[Fiche]) -> list:
    return [
        ("", "— choisir —"),
        ("Activités", [(f"activite-{a.pk}", f"{a.title} ({a.start_date:%d/%m/%Y})") for a in activities]),
        ("Fiches", [(f"fiche-{f.pk}", f"{f.exam.code} n° {f.number} – {f.title}") for f in fiches]),
    ]


class FormativeAssessmentForm(forms.Form):
    """One radio group per critère (TI / I / S / TS or « non évalué »), named ``critere-<pk>``."""

    assessed_on = forms.DateField(
        label="Date de l'évaluation",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date.", "invalid": "Date invalide (format attendu : JJ/MM/AAAA)."},
    )
    about = forms.ChoiceField(
        label="Activité ou fiche évaluée",
        error_messages={
            "required": "Choisissez l'activité ou la fiche sur laquelle porte l'évaluation.",
            "invalid_choice": "Cette activité ou cette fiche n'est pas celle de cet·te étudiant·e.",
        },
    )
    comment = forms.CharField(
        label="Commentaire", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self,
        *args,
        activities: list[Activity],
        fiches: list[Fiche],
        criteria: list[Criterion],
        levels: list[Level],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activities = {f"activite-{a.pk}": a for a in activities}
        self.fiches = {f"fiche-{f.pk}": f for f in fiches}
        self.levels = {level.code: level for level in levels}
        self.criteria = criteria
        cast(forms.ChoiceField, self.fields["about"]).choices = _about_choices(activities, fiches)
        self.fields["assessed_on"].initial = timezone.localdate()
        choices = [(NOT_ASSESSED, "non évalué")] + [(lv.code, f"{lv.code} – {lv.label.lower()}") for lv in levels]
        for criterion in criteria:
            self.fields[self.criterion_field_name(criterion)] = forms.ChoiceField(
                label=criterion.title,
                choices=choices,
                required=False,
                initial=NOT_ASSESSED,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Niveau inconnu : choisissez TI, I, S, TS ou « non évalué »."},
            )

    @staticmethod
    def criterion_field_name(criterion: Criterion) -> str:
        return f"critere-{criterion.pk}"

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not self.positions():
            raise forms.ValidationError(
                "Positionnez l'étudiant·e sur au moins un critère (TI, I, S ou TS) avant d'enregistrer."
            )
        return data

    def positions(self) -> dict[Criterion, Level]:
        found = {}
        for criterion in self.criteria:
            code = self.cleaned_data.get(self.criterion_field_name(criterion))
            if code:
                found[criterion] = self.levels[code]
        return found

    def about_activity(self) -> Activity | None:
        return self.activities.get(self.cleaned_data["about"])

    def about_fiche(self) -> Fiche | None:
        return self.fiches.get(self.cleaned_data["about"])
