"""Forms of the candidate's lifecycle page (readiness, absence): validate and convert, nothing else."""

from typing import cast

from django import forms
from django.utils import timezone

from certification.commissions.models import Situation
from certification.evaluation.forms.sheets import DATE_WIDGET
from certification.evaluation.models import AbsenceKind


class SituationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Situation) -> str:
        return f"Situation {obj.code} – {obj.title}"


class ReadinessForm(forms.Form):
    situation = SituationChoiceField(
        Situation.objects.none(), label="Situation", error_messages={"required": "Choisissez la situation."}
    )
    decided_on = forms.DateField(
        label="Date de la décision de la commission",
        widget=DATE_WIDGET,
        error_messages={"required": "Indiquez la date de la décision.", "invalid": "Date invalide (jj/mm/aaaa)."},
    )
    grounds = forms.CharField(
        label="Motifs (formation, expérience, dossier)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Indiquez sur quoi la commission fonde son jugement."},
    )

    def __init__(self, *args, situations, **kwargs):
        # Two forms share the page (and field names): each has its own prefix, so ids and labels never collide.
        kwargs["prefix"] = "aptitude"
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["situation"]).queryset = situations
        self.fields["decided_on"].initial = timezone.localdate()


class AbsenceForm(forms.Form):
    situation = SituationChoiceField(
        Situation.objects.none(), label="Situation", error_messages={"required": "Choisissez la situation."}
    )
    absent_on = forms.DateField(
        label="Date de l'absence",
        widget=DATE_WIDGET,
        error_messages={"required": "Indiquez la date de l'absence.", "invalid": "Date invalide (jj/mm/aaaa)."},
    )
    kind = forms.ChoiceField(
        label="Absence",
        choices=AbsenceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si l'absence est justifiée ou non."},
    )
    reason = forms.CharField(
        label="Motif (facultatif)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    document = forms.FileField(
        label="Justificatif (PDF ou image ; obligatoire pour une absence justifiée)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}),
    )

    def __init__(self, *args, situations, **kwargs):
        kwargs["prefix"] = "absence"
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["situation"]).queryset = situations
        only = list(situations[:2])
        if len(only) == 1:  # E4: the candidate comes to situation B only
            self.fields["situation"].initial = only[0].pk

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == AbsenceKind.JUSTIFIED and not data.get("document"):
            self.add_error("document", "Joignez le justificatif de l'absence.")
        return data
