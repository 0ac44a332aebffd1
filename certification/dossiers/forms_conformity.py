"""The commission's conformity check form: decision, NV reasons (official wording of the exam), comment, date."""

import datetime

from django import forms

from certification.dossiers.selectors import paris_today
from certification.dossiers.services.conformity import REASONS_REFUSED, REASONS_REQUIRED, NvDefinition
from certification.models import ConformityDecision


class ConformityForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision de la commission",
        choices=ConformityDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la décision de la commission."},
    )
    nv_reasons = forms.MultipleChoiceField(
        label="Motifs de non-conformité (décision NV)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez au moins un motif pour une décision NV, aucun pour les autres décisions.",
    )
    comment = forms.CharField(
        label="Observations de la commission",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Réservées à la commission : elles ne sont pas communiquées au candidat.",
    )
    checked_on = forms.DateField(
        label="Date du contrôle",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date du contrôle.", "invalid": "Date invalide (jj/mm/aaaa)."},
    )

    def __init__(self, *args, nv_definition: NvDefinition, **kwargs):
        super().__init__(*args, **kwargs)
        # The wording of the reasons differs between ANNEXE V–8 (E4) and VII–6 (E6): show the exam's own.
        self.fields["nv_reasons"].choices = list(nv_definition.reasons)
        self.fields["checked_on"].initial = paris_today()

    def clean_checked_on(self) -> datetime.date:
        checked_on = self.cleaned_data["checked_on"]
        if checked_on > paris_today():
            raise forms.ValidationError("La date du contrôle ne peut pas être postérieure à aujourd'hui.")
        return checked_on

    def clean(self) -> dict:
        data = super().clean()
        decision, reasons = data.get("decision"), data.get("nv_reasons") or []
        if decision == ConformityDecision.NOT_VALID and not reasons:
            self.add_error("nv_reasons", REASONS_REQUIRED)
        elif decision and decision != ConformityDecision.NOT_VALID and reasons:
            self.add_error("nv_reasons", REASONS_REFUSED)
        return data
