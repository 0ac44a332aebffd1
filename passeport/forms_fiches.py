"""Forms of the fiche editor: they validate and convert, the services write."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from accounts.models import Student
from passeport.models import Fiche, FicheVerso
from passeport.rubrics import fiche_definition
from referentiel.exams import fiche_rules
from referentiel.models import FicheKind

YES_NO = [("oui", "OUI"), ("non", "NON")]
REAL_LIVED_LABEL = "Activité(s) réelle(s) vécue(s)"


def _yes_no(value: str) -> bool | None:
    return {"oui": True, "non": False}.get(value)


def _yes_no_initial(value: bool | None) -> str:
    labels: dict[bool | None, str] = {True: "oui", False: "non"}
    return labels.get(value, "")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")  # French grouping: 8 000


def text_length(value: str) -> int:
    """Characters as stored: a line break counts one (browsers send CRLF, the services keep LF)."""
    return len(value.replace("\r\n", "\n"))


class MaxRubricLength:
    """Refuses a rubric longer than its limit (data/forms), naming the rubric; the text itself stays in the form.

    Not Django's ``max_length``: that one also writes ``maxlength`` on the textarea, and browsers then cut a pasted
    text silently, which would lose the end of what the student wrote.
    """

    def __init__(self, limit: int, where: str) -> None:
        self.limit = limit
        self.where = where

    def __call__(self, value: str) -> None:
        length = text_length(value or "")
        if length > self.limit:
            raise ValidationError(
                f"{self.where} : {_thousands(length)} caractères, pour une limite de {_thousands(self.limit)}. "
                "Votre texte est conservé tel quel : raccourcissez-le, puis enregistrez "
                "(rien n'est enregistré tant qu'une rubrique dépasse la limite).",
                code="max_length",
            )


def rubric_field_name(part: str, code: str, order: int | None = None) -> str:
    """``recto__<code>`` or ``verso_<order>__<code>``: one form field per rubric, per verso."""
    return f"recto__{code}" if part == "recto" else f"verso_{order}__{code}"


class FicheCreateForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="Épreuve et nature de la fiche",
        queryset=FicheKind.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'épreuve et la nature de la fiche."},
    )
    real_lived = forms.TypedChoiceField(
        label=REAL_LIVED_LABEL,
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Pour une fiche E6 seulement.",
    )
    title = forms.CharField(label="TITRE", max_length=200)

    def __init__(self, *args, student: Student, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        version = student.cohort.exam_session.version
        self.kinds = list(
            FicheKind.objects.filter(exam__version=version).select_related("exam").order_by("exam__code", "order")
        )
        cast(forms.ModelChoiceField, self.fields["kind"]).queryset = FicheKind.objects.filter(
            pk__in=[k.pk for k in self.kinds]
        )

    def kind_groups(self) -> list[tuple[object, list]]:
        """``[(exam, [radio subwidget])]`` so the template shows one group of kinds per exam."""
        radios = {str(radio.data["value"]): radio for radio in self["kind"]}
        groups: list[tuple[object, list]] = []
        for kind in self.kinds:
            if not groups or groups[-1][0] != kind.exam:
                groups.append((kind.exam, []))
            groups[-1][1].append(radios[str(kind.pk)])
        return groups

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind is not None and fiche_rules(kind.exam).real_lived and data.get("real_lived") is None:
            self.add_error(
                "real_lived", f"Pour une fiche {kind.exam.code}, indiquez si l'activité est réelle vécue (OUI ou NON)."
            )
        return data


class _ChoicesReadOnce(ModelChoiceIterator):
    """Django's iterator runs the query at each pass, and a ``<select>`` makes two (``use_required_attribute`` looks
    at the first choice, then the options are written): this one reads the form's queryset once (its result cache)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class KindChoiceField(forms.ModelChoiceField):
    """The kind ``<select>``: its choices read once per form, and the fiche's current kind recognised without a query.

    Every save and autosave sends the kind back, nearly always unchanged: ``current`` (the fiche's kind, already
    loaded with the fiche) is returned for it instead of querying the queryset; any other value is looked up as usual.
    """

    iterator = _ChoicesReadOnce
    current: FicheKind | None = None

    def to_python(self, value):
        current = self.current
        if current is not None and value not in self.empty_values and str(value) == str(current.pk):
            return current
        return super().to_python(value)


class FicheEditForm(forms.Form):
    """Header fields and one textarea per rubric (recto, then each verso), each rubric within its length limit."""

    base_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": "Version de départ manquante : rechargez la page."},
    )
    title = forms.CharField(label="TITRE", max_length=200, required=False, strip=True, widget=forms.TextInput)
    kind = KindChoiceField(
        label="Nature",
        queryset=FicheKind.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.Select,
    )

    def __init__(self, *args, fiche: Fiche, versos: list[FicheVerso], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fiche = fiche
        self.versos = versos
        self.definition = fiche_definition(fiche.forms_session, fiche.exam.code)
        kind_field = cast(KindChoiceField, self.fields["kind"])
        kind_field.queryset = FicheKind.objects.filter(exam=fiche.exam).order_by("order")
        if Fiche.kind.is_cached(fiche) and fiche.kind is not None and fiche.kind.exam_id == fiche.exam_id:
            kind_field.current = fiche.kind  # in the queryset above: no need to read it again
        self.fields["kind"].label = self.definition.kind_label
        if fiche_rules(fiche.exam).real_lived:
            self.fields["real_lived"] = forms.TypedChoiceField(
                label=REAL_LIVED_LABEL,
                choices=YES_NO,
                coerce=_yes_no,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        for rubric in self.definition.part("recto"):
            name = rubric_field_name("recto", rubric.code)
            self.fields[name] = self._rubric_field(rubric, name, "Recto")
        for verso in versos:
            for rubric in self.definition.part("verso"):
                name = rubric_field_name("verso", rubric.code, verso.order)
                self.fields[name] = self._rubric_field(rubric, name, f"Verso {verso.order}")

    @staticmethod
    def _rubric_field(rubric, name: str, part_title: str) -> forms.CharField:
        attrs = {"rows": 4, "class": "fiche-input", "data-rubric": rubric.code, "data-max-chars": rubric.max_chars}
        if rubric.note:
            attrs["aria-describedby"] = f"id_{name}_note"
        where = f"{part_title}, rubrique « {rubric.label} »"
        return forms.CharField(
            label=rubric.label,
            required=False,
            strip=False,
            widget=forms.Textarea(attrs=attrs),
            validators=[MaxRubricLength(rubric.max_chars, where)],
        )

    @classmethod
    def initial_for(cls, fiche: Fiche, versos: list[FicheVerso]) -> dict:
        initial = {
            "base_version": fiche.version,
            "title": fiche.title,
            "kind": fiche.kind_id,
            "real_lived": _yes_no_initial(fiche.real_lived),
        }
        initial.update({rubric_field_name("recto", code): text for code, text in fiche.recto.items()})
        for verso in versos:
            initial.update(
                {rubric_field_name("verso", code, verso.order): text for code, text in verso.content.items()}
            )
        return initial

    def recto(self) -> dict[str, str]:
        return {r.code: self.cleaned_data[rubric_field_name("recto", r.code)] for r in self.definition.part("recto")}

    def verso_contents(self) -> list[dict[str, str]]:
        rubrics = self.definition.part("verso")
        return [
            {r.code: self.cleaned_data[rubric_field_name("verso", r.code, v.order)] for r in rubrics}
            for v in self.versos
        ]

    def save_kwargs(self) -> dict:
        """The keyword arguments of ``save_fiche`` for the submitted content."""
        return {
            "base_version": self.cleaned_data["base_version"],
            "title": self.cleaned_data["title"],
            "recto": self.recto(),
            "versos": self.verso_contents(),
            "kind": self.cleaned_data.get("kind"),
            "real_lived": self.cleaned_data.get("real_lived"),
        }


def submitted_versos(data, versos: list[FicheVerso]) -> list[FicheVerso]:
    """The versos an editor actually sent: a tab opened before a verso was added sends fewer.

    Versos are only ever appended, so the ones sent are the first ones.
    """
    sent = [v for v in versos if any(key.startswith(f"verso_{v.order}__") for key in data)]
    return versos[: len(sent)]
