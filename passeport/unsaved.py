"""A fiche's text sent after the session expired: kept, and given back to its writer once logged in again.

A student writes for a long time; the session may end (idle expiry) before « Enregistrer ». The CSRF token lives in
its own cookie (``CSRF_USE_SESSIONS`` is off), so the POST passes the CSRF check and arrives anonymous. Instead of
the bare login page, the text sent is put in the browser's new anonymous session (server side, like any session:
nothing in a cookie but its key), the login page says what happened, and logging in keeps that session's data
(Django cycles the key of an anonymous session, it does not flush it). The editor then shows the text in its fields,
not saved: its ``base_version`` is the one the student started from, so « Enregistrer » on a fiche changed since
(on a phone, in another tab) gives the usual conflict copy, never an overwrite.

Only the fiche's own writer gets it back; anyone else logging in on that browser drops it unseen.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, QueryDict

from passeport.models import Fiche

SESSION_KEY = "unsaved_fiche"
# A fiche holds at most about twenty rubrics of 8,000 characters (data/forms): twice that is never a real text.
MAX_KEPT_CHARS = 400_000
EXPIRED_MESSAGE = (
    "Votre session a expiré pendant que vous écriviez : la fiche n'a pas été enregistrée, mais votre texte est "
    "conservé. Reconnectez-vous : la fiche s'ouvrira avec ce texte, à vérifier puis enregistrer."
)
NOT_KEPT_MESSAGE = "Votre session a expiré : reconnectez-vous pour continuer."
AUTOSAVE_EXPIRED_MESSAGE = "Votre session a expiré : l'enregistrement automatique est suspendu."
RESTORED_MESSAGE = (
    "Voici le texte que vous aviez envoyé quand votre session a expiré. Il n'est pas encore enregistré : vérifiez-le "
    "puis cliquez sur « Enregistrer »."
)
CHANGED_SINCE_MESSAGE = (
    "Attention : la fiche a été modifiée depuis (version {version}). En enregistrant, votre texte sera conservé comme "
    "copie de conflit, à comparer dans l'historique des versions ; rien ne sera écrasé."
)


def keep_and_ask_to_log_in(request: HttpRequest, fiche_pk: int) -> HttpResponse:
    """The anonymous POST of the editor: keep what was sent, then the login page, back to the editor after it.

    Anyone can post here without an account: only a text of an existing fiche, of a size a fiche can have, is kept
    (one per browser session), so an anonymous visitor cannot fill the session table.
    """
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    size = sum(len(value) for values in data.values() for value in values)
    if size <= MAX_KEPT_CHARS and Fiche.objects.filter(pk=fiche_pk).exists():
        request.session[SESSION_KEY] = {"fiche": fiche_pk, "data": data, "at": int(time.time())}
        messages.warning(request, EXPIRED_MESSAGE)
    else:
        messages.warning(request, NOT_KEPT_MESSAGE)
    return redirect_to_login(request.path)


@receiver(user_logged_in, dispatch_uid="passeport.unsaved.drop_for_others")
def drop_for_others(sender, request: HttpRequest, user, **kwargs) -> None:
    """Someone other than the fiche's writer logs in on that browser: the kept text is dropped unseen."""
    session = getattr(request, "session", None)
    kept = session.get(SESSION_KEY) if session is not None else None
    if session is not None and kept and not Fiche.objects.filter(pk=kept.get("fiche"), student__user=user).exists():
        del session[SESSION_KEY]


def take_back(request: HttpRequest, fiche: Fiche) -> QueryDict | None:
    """The text kept for ``fiche``, once, when the logged-in person writes it; None otherwise."""
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return None
    if kept.get("fiche") != fiche.pk:
        return None  # kept for another fiche: it waits for that one
    del request.session[SESSION_KEY]
    if fiche.student.user_id != request.user.pk:
        return None
    if time.time() - kept.get("at", 0) > settings.SESSION_COOKIE_AGE:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    messages.info(request, RESTORED_MESSAGE)
    if str(fiche.version) not in data.getlist("base_version"):
        messages.warning(request, CHANGED_SINCE_MESSAGE.format(version=fiche.version))
    return data
