"""Django forms of evaluation: grids, evaluation sheets, marks and profiles, jury notes, readiness and absences.

The grid form: one TI / I / S / TS choice (or « non positionné ») per critère, one comment per compétence.

The form only validates and converts (``levels()`` → {criterion id: Level | None}, ``comments()`` → {competency id:
text}); the rules (locking, information of the candidate, conflicts) live in certification.evaluation.services.grids.
The radio buttons and comments are written by certification.render_grid (the form gives the checked code and the text);
``competencies`` is the commission's ``grid_layout`` (compétences with their ``criteria`` as lists).

Forms of the evaluation sheet, the signature, the deliberation and the grid disclosure: validate and convert.

Forms of the profiles and result pages: they validate and convert; the rules live in
certification.evaluation.services.marks.

Marks are typed the French way (« 12,5 ») and checked against the session's step (half point or whole point).

The jury member's notes on a passage: plain form, posted normally or by the autosave script.

Forms of the candidate's lifecycle page (readiness, absence): validate and convert, nothing else.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from certification.commissions.models import Situation
from certification.evaluation.models import AbsenceKind, ResultStatus
from certification.evaluation.presenters.sheets import SheetView
from certification.evaluation.services.grids import LayoutCompetency, LayoutCriterion
from certification.evaluation.services.jury_notes import MAX_NOTE_LENGTH
from certification.evaluation.services.sheets import NOT_THE_SUBJECT_FICHE, SituationEntry, choosable_fiches
from passeport.models import Fiche
from referentiel.models import Competency, Level

# --- grids -----------------------------------------------------------------------------------------------------------


NOT_POSITIONED = ""
NOT_POSITIONED_LABEL = "non positionné"
NOTHING_SENT = (
    "Aucune ligne de la grille n'a été transmise : rien n'a été enregistré. Rechargez la page, puis enregistrez à "
    "nouveau."
)


def level_field_name(criterion: LayoutCriterion) -> str:
    return f"critere_{criterion.pk}"


def comment_field_name(competency: LayoutCompetency) -> str:
    return f"commentaire_{competency.pk}"


class GridForm(forms.Form):
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, competencies: list[LayoutCompetency], levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.level_by_code = {level.code: level for level in levels}
        if self.is_bound:
            self._add_grid_fields(levels)

    def _add_grid_fields(self, levels: list[Level]) -> None:
        """A field per critère and per compétence, to validate a submission. An unbound form (the page opened) has
        only ``base_version``: the page's radio buttons and comments come from the grid_sections template with
        ``chosen_code`` and ``comment_text``, so building these fields would be wasted work on every reading of the
        grid."""
        choices = [(NOT_POSITIONED, NOT_POSITIONED_LABEL)] + [(level.code, level.label) for level in levels]
        for competency in self.competencies:
            for criterion in competency.criteria:
                self.fields[level_field_name(criterion)] = forms.ChoiceField(
                    label=f"{criterion.number} – {criterion.title}",
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                )
            self.fields[comment_field_name(competency)] = forms.CharField(
                label=f"Commentaire – {competency.title}",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self):
        # A line absent from the submission keeps what is stored (a page always sends every line, « non
        # positionné » included): a POST carrying no line and no comment at all would otherwise erase the grid.
        names = {level_field_name(c) for competency in self.competencies for c in competency.criteria}
        names |= {comment_field_name(competency) for competency in self.competencies}
        if self.competencies and not names & set(self.data):
            raise forms.ValidationError(NOTHING_SENT)
        return super().clean()

    def levels(self) -> dict[int, Level | None]:
        """The lines the submission carries (a line it does not carry is left as it is)."""
        return {
            criterion.pk: self.level_by_code.get(self.cleaned_data.get(level_field_name(criterion)) or "")
            for competency in self.competencies
            for criterion in competency.criteria
            if level_field_name(criterion) in self.data
        }

    def comments(self) -> dict[int, str]:
        return {
            competency.pk: (self.cleaned_data.get(comment_field_name(competency)) or "").strip()
            for competency in self.competencies
            if comment_field_name(competency) in self.data
        }

    def chosen_code(self, criterion: LayoutCriterion) -> str:
        """The code shown as checked: the submitted one on a bound form, else the initial one."""
        name = level_field_name(criterion)
        if self.is_bound:
            return self.data.get(name, "")
        return self.initial.get(name, "")

    def comment_text(self, competency: LayoutCompetency) -> str:
        name = comment_field_name(competency)
        return self.data.get(name, "") if self.is_bound else self.initial.get(name, "")

    def with_base_version(self, version: int) -> None:
        """After a conflict: keep every submitted value, rebase on the version now saved."""
        data = cast(QueryDict, self.data).copy()  # a bound form's data: the POST
        data["base_version"] = str(version)
        self.data = data


def grid_initial(
    competencies: list[LayoutCompetency], codes: dict[int, str], comments: dict[int, str], version: int
) -> dict:
    """``codes``: {criterion id: level code} (missing or "": not positioned)."""
    initial: dict = {"base_version": version}
    for competency in competencies:
        initial[comment_field_name(competency)] = comments.get(competency.pk, "")
        for criterion in competency.criteria:
            initial[level_field_name(criterion)] = codes.get(criterion.pk) or NOT_POSITIONED
    return initial


# --- sheets ----------------------------------------------------------------------------------------------------------


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


# --- marks -----------------------------------------------------------------------------------------------------------


MARK_REQUIRED = "Indiquez la note sur 20 (ou choisissez un autre statut)."
MARK_WITHOUT_STATUS = "Une note ne va qu'avec le statut « Note sur 20 » : effacez-la ou changez le statut."
ABSENT_REASON_REQUIRED = "Indiquez le motif de l'absence."
RANGE_INCOMPLETE = "Indiquez les deux bornes de la plage, ou aucune."
RANGE_REVERSED = "La borne basse doit être inférieure ou égale à la borne haute."


def step_message(step: Decimal) -> str:
    if step == Decimal("0.5"):
        return "Les notes de cette session se donnent au demi-point (par exemple 12 ou 12,5)."
    return "Les notes de cette session se donnent au point entier (par exemple 12)."


def plain(mark: Decimal | None) -> Decimal | None:
    """12.0 shown as « 12 », 12.5 as « 12,5 »."""
    if mark is None:
        return None
    return mark.quantize(Decimal(1)) if mark == mark.to_integral_value() else mark


def on_step(value: Decimal, step: Decimal) -> bool:
    return value % step == 0


def mark_field(label: str, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_value=20,
        decimal_places=1,
        localize=True,
        # The profiles page writes these inputs itself
        # (templates/certification/evaluation/includes/profile_groups.html).
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 4, "autocomplete": "off"}),
        error_messages={
            "invalid": "Saisissez une note entre 0 et 20 (par exemple 12 ou 12,5).",
            "max_value": "La note est sur 20 : pas plus de 20.",
            "min_value": "Une note ne peut pas être négative.",
            "max_decimal_places": "Une seule décimale : par exemple 12,5.",
        },
    )


if TYPE_CHECKING:
    _FormBase = forms.Form
else:
    _FormBase = object


class _StepMixin(_FormBase):
    step: Decimal

    def _check_step(self, name: str) -> None:
        value = self.cleaned_data.get(name)
        if value is not None and not on_step(value, self.step):
            self.add_error(name, step_message(self.step))


class RangeForm(_StepMixin, forms.Form):
    """The mark range the commission gives to one profile of its group (both bounds, or none)."""

    low = mark_field("Note basse")
    high = mark_field("Note haute")

    def __init__(self, *args, step: Decimal, **kwargs):
        self.step = step
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        low, high = data.get("low"), data.get("high")
        self._check_step("low")
        self._check_step("high")
        if (low is None) != (high is None) and not self.errors:
            raise forms.ValidationError(RANGE_INCOMPLETE)
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(RANGE_REVERSED)
        return data


class ResultRowForm(_StepMixin, forms.Form):
    """Status and mark of one candidate, with the version of the result the page was based on."""

    status = forms.ChoiceField(label="Statut", choices=ResultStatus.choices, widget=forms.Select)
    mark = mark_field("Note sur 20")
    absent_reason = forms.CharField(label="Motif d'absence", max_length=300, required=False, widget=forms.TextInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, step: Decimal, **kwargs):
        self.step = step
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        status, mark = data.get("status"), data.get("mark")
        # Typing a mark on a candidate still « à noter » is enough: no need to change the status too.
        if status == ResultStatus.PENDING and mark is not None:
            status = data["status"] = ResultStatus.MARK
        self._check_step("mark")
        if status == ResultStatus.MARK and mark is None and "mark" not in self.errors:
            self.add_error("mark", MARK_REQUIRED)
        if status and status != ResultStatus.MARK and mark is not None:
            self.add_error("mark", MARK_WITHOUT_STATUS)
        reason = (data.get("absent_reason") or "").strip()
        if status == ResultStatus.ABSENT and not reason:
            self.add_error("absent_reason", ABSENT_REASON_REQUIRED)
        data["absent_reason"] = reason if status == ResultStatus.ABSENT else ""
        return data


def profile_field_name(competency_id: int | str) -> str:
    return f"competence_{competency_id}"


class ResultForm(ResultRowForm):
    """One candidate: the global profile (a level per compétence), then the status and the mark."""

    def __init__(self, *args, competencies: list[Competency], levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        choices = [("", "— non positionné —")] + [(level.code, f"{level.code} – {level.label}") for level in levels]
        profile_fields = {
            profile_field_name(competency.pk): forms.ChoiceField(
                label=f"{competency.order}. {competency.title}", choices=choices, required=False
            )
            for competency in competencies
        }
        # The profile comes first on the page: it is what the mark is matched to.
        self.fields = {**profile_fields, **self.fields}

    def profile_fields(self):
        return [self[profile_field_name(competency.pk)] for competency in self.competencies]

    def result_fields(self):
        return [self[name] for name in ("status", "mark", "absent_reason")]

    def profile(self) -> dict[str, str]:
        return {
            str(competency.pk): self.cleaned_data[profile_field_name(competency.pk)]
            for competency in self.competencies
            if self.cleaned_data.get(profile_field_name(competency.pk))
        }


# --- jury ------------------------------------------------------------------------------------------------------------


class PassageNoteForm(forms.Form):
    text = forms.CharField(
        label="Mes notes sur le passage",
        required=False,
        strip=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12, "class": "jury-notes-text"}),
        help_text="Visibles de vous seul·e, jamais communiquées au candidat. Enregistrées automatiquement.",
        error_messages={"max_length": f"Les notes sont limitées à {MAX_NOTE_LENGTH} caractères."},
    )
    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Version des notes manquante : rechargez la page.",
            "invalid": "Version des notes illisible : rechargez la page.",
            "min_value": "Version des notes illisible : rechargez la page.",
        },
    )


# --- lifecycle -------------------------------------------------------------------------------------------------------


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

    def __init__(self, data: Any = None, files: Any = None, *, situations: QuerySet[Situation], **kwargs: Any):
        # Two forms share the page (and field names): each has its own prefix, so ids and labels never collide.
        super().__init__(data, files, prefix="aptitude", **kwargs)
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

    def __init__(self, data: Any = None, files: Any = None, *, situations: QuerySet[Situation], **kwargs: Any):
        super().__init__(data, files, prefix="absence", **kwargs)
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
