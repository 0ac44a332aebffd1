"""Forms of the evaluation sheet, the signature, the deliberation and the grid disclosure: validate and convert."""

import datetime

from django import forms
from django.utils import timezone

from certification.evaluation.presenters.sheets import SheetView
from certification.evaluation.services.sheets import NOT_THE_SUBJECT_FICHE, SituationEntry, choosable_fiches
from passeport.models import Fiche

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FicheChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Fiche) -> str:
        return f"N° {obj.number} – {obj.title} ({obj.kind.label})"


class EvaluationSheetForm(forms.Form):
    """One date and one appraisal per situation, plus the fiche where the form asks for one."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, view: SheetView, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        self.fields["version"].initial = view.version
        commission = view.commission
        self.situation_fields = []
        for line in view.situations:
            code = line.situation.code
            names = {"date": f"date_{code}", "text": f"text_{code}"}
            self.fields[names["date"]] = forms.DateField(
                label="Date", required=False, widget=DATE_WIDGET, initial=line.date
            )
            choices = choosable_fiches(commission, line.situation, view.candidate_fiches, view.subject)
            if choices:
                names["fiche"] = f"fiche_{code}"
                self.fields[names["fiche"]] = self._fiche_field(line, choices)
            self.fields[names["text"]] = forms.CharField(
                label=line.wording.get("appraisal_label") or view.wording["appraisal_label"],
                required=False,
                widget=forms.Textarea(attrs={"rows": 7}),
                initial=line.text,
            )
            self.situation_fields.append((line, {key: self[name] for key, name in names.items()}))

    def _fiche_field(self, line, choices: list[Fiche]) -> FicheChoiceField:
        field = FicheChoiceField(
            Fiche.objects.filter(pk__in=[f.pk for f in choices]).select_related("kind"),
            label="Fiche d'activité utilisée",
            required=False,
            empty_label="— à choisir —",
            initial=line.fiches[0].pk if line.fiches else None,
        )
        subject = self.view.subject
        if subject is not None and [f.pk for f in choices] == [subject.pk]:
            # The fiche sujet fixes the fiche: it is the only choice, and another one gets the reason in words.
            field.empty_label = None
            field.help_text = "La fiche de la fiche sujet du candidat (la changer depuis la fiche sujet)."
            field.error_messages["invalid_choice"] = NOT_THE_SUBJECT_FICHE.format(
                heading=line.wording.get("heading", ""), number=subject.number, title=subject.title
            )
        return field

    def entries(self) -> dict[str, SituationEntry]:
        data = self.cleaned_data
        return {
            line.situation.code: SituationEntry(
                date=data.get(f"date_{line.situation.code}"),
                text=data.get(f"text_{line.situation.code}", ""),
                fiche=data.get(f"fiche_{line.situation.code}"),
            )
            for line in self.view.situations
        }


class SignForm(forms.Form):
    password = forms.CharField(
        label="Votre mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Saisir à nouveau votre mot de passe vaut signature électronique de la fiche d'évaluation.",
    )


def _not_in_future(value: datetime.date) -> datetime.date:
    if value > timezone.localdate():
        raise forms.ValidationError("Cette date est dans le futur.")
    return value


class DeliberationForm(forms.Form):
    deliberated_on = forms.DateField(label="Date de la délibération du jury", widget=DATE_WIDGET)

    def clean_deliberated_on(self):
        return _not_in_future(self.cleaned_data["deliberated_on"])


class GridDisclosureForm(forms.Form):
    REQUESTERS = [("candidate", "Le candidat ou la candidate"), ("representative", "Son ou sa représentant·e")]

    requested_on = forms.DateField(label="Date de la demande formelle", widget=DATE_WIDGET)
    requester = forms.ChoiceField(label="Demandeur", choices=REQUESTERS, widget=forms.RadioSelect)
    requester_name = forms.CharField(
        label="Nom du ou de la représentant·e",
        max_length=200,
        required=False,
        help_text="Si la demande vient d'un·e représentant·e.",
    )
    reference = forms.CharField(
        label="Motif ou référence de la demande",
        max_length=300,
        help_text="Par exemple : courrier du 3 juillet, réf. …",
    )

    def clean_requested_on(self):
        return _not_in_future(self.cleaned_data["requested_on"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("requester") == "representative" and not data.get("requester_name", "").strip():
            self.add_error("requester_name", "Indiquez le nom du ou de la représentant·e.")
        return data
