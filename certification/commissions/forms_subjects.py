"""Forms of the fiche sujet and of the « et si… » questions: they validate and convert, services decide."""

from typing import Any

from django import forms

from certification.commissions.services.questions import MAX_QUESTION_LENGTH
from certification.commissions.services.subject_definition import SubjectDefinition
from certification.commissions.services.subjects import MAX_RUBRIC_LENGTH
from certification.models import DossierFiche, SubjectPart, SubjectSheet

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
        self.fields["dossier_fiche"].choices = [(item.pk, fiche_label(item)) for item in items]
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


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question « et si… »",
        max_length=MAX_QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Écrivez la question avant de l'ajouter."},
    )
    rubric = forms.ChoiceField(label="Rubrique visée", required=False)
    source = forms.IntegerField(widget=forms.HiddenInput, required=False)
    to_bank = forms.BooleanField(label="L'ajouter aussi à la banque de l'établissement", required=False)

    def __init__(self, *args, rubric_choices: list[tuple[str, str]], bank: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].choices = [("", "Question générale"), *rubric_choices]
        if not bank:
            del self.fields["to_bank"]


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
        self.fields["rubric"].choices = [("", "Question générale"), *rubric_choices]
