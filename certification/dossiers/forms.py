"""Django forms of dossiers: the candidate's selection, the late deposit, the conformity check.

Forms of the dossier pages: they only validate and convert; the rules live in the services.

The commission's conformity check form: decision, NV reasons (official wording of the exam), comment, date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django import forms

from accounts.models import Student
from certification.dossiers.models import ConformityDecision, Dossier
from certification.dossiers.selectors import paris_today
from certification.dossiers.services.conformity import REASONS_REFUSED, REASONS_REQUIRED, NvDefinition
from passeport.models import Fiche, FicheVerso, InternshipPeriod
from referentiel.models import Exam

# --- forms -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FicheOption:
    """One choice of the selection: a fiche, and for E4 one of its versos (each verso is a distinct choice)."""

    fiche: Fiche
    verso: FicheVerso | None
    several_versos: bool

    @property
    def key(self) -> str:
        return f"{self.fiche.pk}-{self.verso.pk}" if self.verso is not None else str(self.fiche.pk)

    @property
    def label(self) -> str:
        text = f"Fiche {self.fiche.exam.code} n° {self.fiche.number} – {self.fiche.title}"
        if self.verso is not None and self.several_versos:
            text += f" (verso {self.verso.order})"
        return text


def fiche_options(student: Student, exam: Exam) -> list[FicheOption]:
    fiches = (
        Fiche.objects.filter(student=student, exam=exam)
        .select_related("exam", "kind")
        .prefetch_related("versos")
        .order_by("number")
    )
    options = []
    for fiche in fiches:
        versos = sorted(fiche.versos.all(), key=lambda v: v.order)
        if not versos:
            options.append(FicheOption(fiche, None, False))
        options += [FicheOption(fiche, verso, len(versos) > 1) for verso in versos]
    return options


class InternshipChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InternshipPeriod) -> str:
        missing = "" if obj.has_attestation else " — attestation manquante"
        return f"{obj.organisation}, du {obj.start_date:%d/%m/%Y} au {obj.end_date:%d/%m/%Y}{missing}"


class DossierSelectionForm(forms.Form):
    fiches = forms.MultipleChoiceField(label="Fiches du dossier", required=False, widget=forms.CheckboxSelectMultiple)
    internships = InternshipChoiceField(
        label="Attestations des périodes en entreprise",
        queryset=InternshipPeriod.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, student: Student, exam: Exam, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {option.key: option for option in fiche_options(student, exam)}
        cast(forms.ChoiceField, self.fields["fiches"]).choices = [
            (key, option.label) for key, option in self.options.items()
        ]
        cast(forms.ModelChoiceField, self.fields["internships"]).queryset = (
            InternshipPeriod.objects.filter(student=student)
            .select_related("official_attestation")  # has_attestation in each label, without a query per period
            .order_by("start_date", "pk")
        )

    @staticmethod
    def initial_for(dossier: Dossier | None) -> dict:
        if dossier is None:
            return {}
        items = dossier.items.order_by("order", "pk")
        return {
            "fiches": [f"{i.fiche_id}-{i.verso_id}" if i.verso_id else str(i.fiche_id) for i in items],
            "internships": list(dossier.attestations.values_list("internship_id", flat=True)),
        }

    def option_list(self) -> list[tuple[FicheOption, object]]:
        """(option, bound checkbox) pairs, to show the nature of each fiche next to its box."""
        boxes = {str(box.data["value"]): box for box in self["fiches"]}
        return [(option, boxes[key]) for key, option in self.options.items()]

    def selection(self) -> list[tuple[Fiche, FicheVerso | None]]:
        return [(self.options[key].fiche, self.options[key].verso) for key in self.cleaned_data["fiches"]]


class LateDepositForm(forms.Form):
    deposit_date = forms.DateField(
        label="Date du dépôt",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Le jour où le dossier a effectivement été remis à l'établissement.",
        error_messages={"required": "Indiquez la date du dépôt.", "invalid": "Indiquez une date valide (JJ/MM/AAAA)."},
    )
    reason = forms.CharField(
        label="Motif du dépôt tardif",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez le motif du dépôt tardif."},
        help_text="Ce motif est conservé avec le dossier et présenté à la commission.",
    )

    def clean_deposit_date(self):
        value = self.cleaned_data["deposit_date"]
        if value > paris_today():
            raise forms.ValidationError("La date du dépôt ne peut pas être dans le futur.")
        return value

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError("Indiquez le motif du dépôt tardif.")
        return value


# --- forms_conformity ------------------------------------------------------------------------------------------------


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
        cast(forms.ChoiceField, self.fields["nv_reasons"]).choices = list(nv_definition.reasons)
        self.fields["checked_on"].initial = paris_today()

    def clean_checked_on(self) -> datetime.date:
        checked_on = self.cleaned_data["checked_on"]
        if checked_on > paris_today():
            raise forms.ValidationError("La date du contrôle ne peut pas être postérieure à aujourd'hui.")
        return checked_on

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        decision, reasons = data.get("decision"), data.get("nv_reasons") or []
        if decision == ConformityDecision.NOT_VALID and not reasons:
            self.add_error("nv_reasons", REASONS_REQUIRED)
        elif decision and decision != ConformityDecision.NOT_VALID and reasons:
            self.add_error("nv_reasons", REASONS_REFUSED)
        return data
