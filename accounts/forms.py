import logging
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template import loader

from accounts import import_columns, imports, throttle
from accounts.models import Cohort, Establishment, Role, Student, User
from accounts.permissions import home_establishment_id
from audit.services import log_action
from lib.collation import by_name
from referentiel.models import ExamSession


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Identifiant ou adresse électronique",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Vérifiez la saisie (majuscules comprises).",
        "inactive": "Ce compte n'est pas actif. Adressez-vous à l'administration de votre établissement.",
        "throttled": (
            "Trop de tentatives de connexion échouées. Réessayez dans quelques minutes "
            "ou utilisez « Mot de passe oublié »."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and throttle.is_locked(username, throttle.client_ip(self.request)):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The current password is a guess like a login: wrong answers count for the account, and it is throttled."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        ip = throttle.client_ip(self.request)
        if throttle.is_locked(self.user.username, ip):
            raise forms.ValidationError(LoginForm.error_messages["throttled"], code="throttled")
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            throttle.record_failure(self.user.username, ip)
            log_action("password_change.refused", actor=self.user, obj=self.user, changes={"ip": ip})
            raise


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form; the mail goes to the outbox through EMAIL_BACKEND, so the request never waits on SMTP."""

    email = forms.EmailField(
        label="Adresse électronique", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    # Django's PasswordResetView passes these by keyword; the other parameters go to ``send_reset_emails``.
    def save(  # type: ignore[override]
        self,
        domain_override: str | None = None,
        use_https: bool = False,
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        """Throttle (per account and per IP address), audit, then hand the writing to a background task.

        Known or unknown address, the request does the same work: two counts, one row, one task queued.
        """
        from accounts.tasks import send_password_reset

        email = self.cleaned_data["email"]
        ip = throttle.client_ip(request)
        if not throttle.reset_allowed(email, ip):
            log_action("password_reset.throttled", changes={"ip": ip})
            return
        throttle.record_reset(email, ip)
        log_action("password_reset.requested", changes={"ip": ip})
        domain = domain_override or (request.get_host() if request is not None else "")
        send_password_reset.enqueue(email, domain, domain, use_https)

    def send_reset_emails(self, *, domain: str, site_name: str, use_https: bool) -> None:
        """Django's own sending (token, templates, one email per account), run by the task."""
        super().save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="accounts/email/password_reset-subject.txt",
            email_template_name="accounts/email/password_reset-body.txt",
            html_email_template_name="accounts/email/password_reset-body.html",
            extra_email_context={"site_name": site_name},
        )

    def get_users(self, email):
        """Also imported students and invited people who never chose a password: the reset link lets them choose one.

        Django skips accounts without a usable password; here they are the normal case for a first login.
        """
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if not (user.is_demo and not settings.DEMO_MODE))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """Django's message plus the outbox headers: kind, and the establishment whose administrators follow it."""
        user = context["user"]
        headers = {"X-NDRC-Kind": "password_reset"}
        establishment_id = home_establishment_id(user)
        if establishment_id is not None:
            headers["X-NDRC-Establishment"] = str(establishment_id)
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email], headers=headers)
        if html_email_template_name is not None:
            message.attach_alternative(loader.render_to_string(html_email_template_name, context), "text/html")
        try:
            message.send()
        except Exception:
            # As Django does: the page must look the same whether or not the address has an account.
            logging.getLogger("django.contrib.auth").exception(
                "Réinitialisation : courriel non mis en file (%s)", user.pk
            )


class InviteProfessionalForm(forms.Form):
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")
    students = forms.ModelMultipleChoiceField(
        label="Étudiants suivis",
        queryset=Student.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, students_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if students_qs is not None:
            cast(forms.ModelChoiceField, self.fields["students"]).queryset = students_qs


class NewPasswordForm(forms.Form):
    """A password chosen twice; a mismatch is told on the confirmation field."""

    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        return data


class AcceptInvitationForm(NewPasswordForm):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("password1") and not self.has_error("password2"):
            password_validation.validate_password(data["password1"], self.user)
        return data


class InviteStaffForm(forms.Form):
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")
    role = forms.ChoiceField(
        label="Rôle", choices=[(Role.TEACHER.value, Role.TEACHER.label), (Role.ADMIN.value, Role.ADMIN.label)]
    )


class CohortForm(forms.ModelForm):
    """A class or an apprentice group; only the administrator's establishments and their teachers are offered."""

    class Meta:
        model = Cohort
        fields = ["establishment", "name", "route", "year", "exam_session", "teachers"]
        widgets = {"teachers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, establishment_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        establishment = cast(forms.ModelChoiceField, self.fields["establishment"])
        establishment.queryset = Establishment.objects.filter(pk__in=establishment_ids)
        establishment.empty_label = None
        cast(forms.ModelChoiceField, self.fields["exam_session"]).queryset = ExamSession.objects.all()
        teachers = cast(forms.ModelMultipleChoiceField, self.fields["teachers"])
        teachers.queryset = (
            User.objects.filter(memberships__establishment_id__in=establishment_ids, memberships__role=Role.TEACHER)
            .distinct()
            .order_by(*by_name(""))
        )
        teachers.label_from_instance = lambda user: user.display_name  # type: ignore[assignment]  # Django's documented hook
        teachers.required = False

    def clean(self):
        super().clean()
        data = self.cleaned_data
        establishment, teachers = data.get("establishment"), data.get("teachers") or []
        for teacher in teachers:
            if not teacher.memberships.filter(establishment=establishment, role=Role.TEACHER).exists():
                self.add_error("teachers", f"{teacher.display_name} n'enseigne pas dans cet établissement.")
        return data


# --- Student imports (accounts/views_import.py) ---------------------------------------------------------------------


class StudentImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier des étudiants (CSV, XLSX ou SIECLE)",
        help_text=(
            "L'export de votre logiciel de vie scolaire (Pronote, EcoleDirecte…) ou de votre tableur, en CSV ou XLSX, "
            "avec une ligne d'intitulés puis un étudiant par ligne ; ou l'export SIECLE « ElevesSansAdresses » (XML). "
            "Vous choisirez ensuite à quoi correspond chaque colonne ou quelles divisions forment la classe."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,.xml,text/csv,text/xml,application/xml,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.cleaned_data["parsed"] = imports.read_upload(uploaded)
        except imports.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploaded


FIELD_CHOICES = [(import_columns.IGNORED, "— Ignorée —"), *import_columns.FIELDS.items()]


class ImportChoicesForm(forms.Form):
    """The importer's corrections on a waiting import: one select box per column (CSV, XLSX), the divisions.

    ``columns`` and ``divisions`` come from ``import_staging.describe``; without columns (a SIECLE file) at least
    one division must be ticked.
    """

    def __init__(self, *args, columns=(), divisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.column_count = len(columns)
        for column in columns:
            samples = ", ".join(column.samples)
            self.fields[f"col_{column.index}"] = forms.ChoiceField(
                label=f"Colonne « {column.title or f'n° {column.index + 1}'} »",
                choices=FIELD_CHOICES,
                required=False,
                initial=column.field,
                help_text=samples or "(colonne vide)",
            )
        if divisions:
            self.fields["divisions"] = forms.MultipleChoiceField(
                label="Divisions qui forment la classe",
                choices=[(d.code, f"{d.code} ({d.count} élève{'s' if d.count > 1 else ''})") for d in divisions],
                initial=[d.code for d in divisions if d.checked],
                widget=forms.CheckboxSelectMultiple,
                required=not columns,
                error_messages={"required": "Cochez au moins une division."},
            )

    def column_fields(self):
        return [self[f"col_{i}"] for i in range(self.column_count)]

    def chosen_mapping(self) -> list[str] | None:
        if not self.column_count:
            return None
        return [self.cleaned_data.get(f"col_{i}", "") for i in range(self.column_count)]

    def chosen_divisions(self) -> list[str] | None:
        if "divisions" not in self.fields:
            return None
        chosen = list(self.cleaned_data.get("divisions") or [])
        # A spreadsheet with none ticked means all of them (no class is made of no division).
        return chosen or (None if self.column_count else [])
