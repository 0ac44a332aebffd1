"""Forms of the dossier pages: they only validate and convert; the rules live in the services."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from accounts.models import Student
from certification.dossiers.selectors import paris_today
from certification.models import Dossier
from passeport.models import Fiche, FicheVerso, InternshipPeriod
from referentiel.models import Exam


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
        self.fields["fiches"].choices = [(key, option.label) for key, option in self.options.items()]
        self.fields["internships"].queryset = (
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
