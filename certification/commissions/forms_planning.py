"""Forms of the planning: they validate and convert; the planning service decides (overlaps, rules)."""

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from certification.models import CommissionMember, Room, SimulationKind, Situation


class RoomForm(forms.Form):
    name = forms.CharField(label="Nom de la salle", max_length=100)


class _MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member: CommissionMember) -> str:
        return f"{member.user.display_name} ({member.get_role_display()})"


class _SituationChoice(forms.ModelChoiceField):
    def label_from_instance(self, situation: Situation) -> str:
        duration = f" ({situation.duration_minutes} min)" if situation.duration_minutes else ""
        return f"Situation {situation.code} – {situation.title}{duration}"


class PassageTimeForm(forms.Form):
    """When, where and with whom: shared by scheduling and moving."""

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    room = forms.ModelChoiceField(label="Salle", queryset=Room.objects.none(), empty_label="— choisir —")
    members = _MemberChoice(
        label="Jury du passage",
        queryset=CommissionMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un membre du jury pour ce passage."},
    )
    simulation_kind = forms.ChoiceField(
        label="Déroulement de la simulation (E4, situation B)",
        choices=[("", "— sans objet —"), *SimulationKind.choices],
        required=False,
    )

    def __init__(self, *args, rooms: QuerySet[Room], members: QuerySet[CommissionMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["members"].queryset = members

    def starts_at(self) -> datetime.datetime:
        combined = datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(combined)


class ScheduleForm(PassageTimeForm):
    student = forms.ModelChoiceField(label="Candidat·e", queryset=None, empty_label="— choisir —")
    situation = _SituationChoice(label="Situation", queryset=Situation.objects.none(), empty_label=None)
    field_order = ["student", "situation", "date", "time", "room", "members", "simulation_kind"]

    def __init__(self, *args, students, situations: QuerySet[Situation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["student"].label_from_instance = str
        self.fields["situation"].queryset = situations


class MoveForm(PassageTimeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
