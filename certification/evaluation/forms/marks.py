"""Forms of the profiles and result pages: they validate and convert; the rules live in
certification.evaluation.services.marks.

Marks are typed the French way (« 12,5 ») and checked against the session's step (half point or whole point).
"""

from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms

from certification.evaluation.models import ResultStatus
from referentiel.models import Competency, Level

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

    def __init__(self, *args, step: Decimal, **kwargs):
        self.step = step
        super().__init__(*args, **kwargs)

    def _check_step(self, name: str) -> None:
        value = self.cleaned_data.get(name)
        if value is not None and not on_step(value, self.step):
            self.add_error(name, step_message(self.step))


class RangeForm(_StepMixin, forms.Form):
    """The mark range the commission gives to one profile of its group (both bounds, or none)."""

    low = mark_field("Note basse")
    high = mark_field("Note haute")

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
