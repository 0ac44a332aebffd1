"""passeport.render_fiche: the editor's rubric blocks, written in Python, match the templates they replace."""

import html
import re

import pytest
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from passeport.forms_fiches import FicheEditForm
from passeport.models import FicheComment, FicheVersion
from passeport.render_fiche import render_editor_parts
from passeport.views_fiches import _editor_parts, _versos
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script> & \"guillemets\""

# templates/passeport/fiche_edit.html's loop and the former fiche_rubric_edit.html, as they were before the renderer.
FORMER_TEMPLATE = """
{% for part in parts %}
<section class="fiche-part" id="{{ part.anchor }}" aria-labelledby="{{ part.anchor }}-titre">
  <h2 id="{{ part.anchor }}-titre">{{ part.title }}</h2>
  {% for section in part.sections %}
  <fieldset class="fiche-section">
    <legend>{{ section.title }}</legend>
    {% for item in section.items %}
<div class="field fiche-rubric" id="{{ item.block_id }}">
  {% if item.group_start %}<p class="fiche-group">{{ item.rubric.group }}</p>{% endif %}
  {% if item.field %}
  <label for="{{ item.field.id_for_label }}">{{ item.rubric.label }}</label>
  {% if item.rubric.note %}<p class="help" id="{{ item.anchor }}_note">{{ item.rubric.note }}</p>{% endif %}
  {{ item.field }}
  {% for error in item.field.errors %}<p class="error">{{ error }}</p>{% endfor %}
  {% else %}
  <p class="fiche-label">{{ item.rubric.label }}</p>
  <div class="fiche-text" id="{{ item.anchor }}">{{ item.text|default:"(rubrique vide)" }}</div>
  {% endif %}
  {% if item.rejected is not None %}
  <details class="fiche-rejected" open>
    <summary>Votre texte non enregistré pour « {{ item.rubric.label }} »</summary>
    <div class="fiche-text" id="{{ item.anchor }}_rejete">{{ item.rejected }}</div>
    {% if not item.rejected %}<p class="help">(vous aviez vidé cette rubrique)</p>{% endif %}
    <button type="button" class="button button-secondary" data-restore-from="{{ item.anchor }}_rejete" data-restore-to="{{ item.anchor }}" hidden>Reprendre mon texte dans cette rubrique</button>
  </details>
  {% endif %}
  {% include "passeport/includes/fiche_rubric_comments.html" %}
</div>
    {% endfor %}
  </fieldset>
  {% endfor %}
</section>
{% endfor %}
"""  # noqa: E501


def _squeeze(text: str) -> str:
    """Whitespace between and around tags is free; the textareas' exact text is compared by lib/tests."""
    return re.sub(r"\s*\n\s*", "\n", re.sub(r">\s+<", "><", text)).strip()


def _former(parts) -> str:
    return engines["django"].from_string(FORMER_TEMPLATE).render({"parts": parts})


def _fiche_with_everything(cast):
    fiche = make_fiche(cast.student, text=SCRIPT + " {code}")
    fiche.recto["historique"] = ""
    fiche.save()
    verso2 = fiche.versos.create(order=2, content={"contribution": "Second <b>verso</b>"})
    FicheComment.objects.create(fiche=fiche, rubric="acteurs", author=cast.teacher, text="Ligne 1\nLigne <2>")
    FicheComment.objects.create(
        fiche=fiche, rubric="acteurs", author=cast.teacher, text="Réglé.", resolved_at=timezone.now()
    )
    FicheComment.objects.create(fiche=fiche, verso=verso2, rubric="contribution", author=cast.teacher, text="V2")
    return fiche


def test_the_blocks_are_those_of_the_former_template(cast):
    fiche = _fiche_with_everything(cast)
    versos = _versos(fiche)
    form = FicheEditForm(initial=FicheEditForm.initial_for(fiche, versos), fiche=fiche, versos=versos)
    parts = _editor_parts(fiche, versos, form=form)

    assert _squeeze(render_editor_parts(parts)) == _squeeze(_former(parts))


def test_refused_texts_errors_and_unsent_versos_are_those_of_the_former_template(cast):
    fiche = _fiche_with_everything(cast)
    versos = _versos(fiche)
    data = {"title": "x" * 300, "kind": "0", "recto__lieu": "Tapé <i>ici</i>"}  # no base_version, no verso sent
    form = FicheEditForm(data, fiche=fiche, versos=[])
    assert not form.is_valid()
    refused = FicheVersion(
        recto={**fiche.recto, "lieu": "Refusé <b>&</b>", "acteurs": ""},
        versos=[{"contribution": "Autre contribution"}],
    )
    parts = _editor_parts(fiche, versos, form=form, rejected=refused)

    fast = render_editor_parts(parts)

    assert _squeeze(fast) == _squeeze(_former(parts))
    assert "Refusé &lt;b&gt;&amp;&lt;/b&gt;" in fast and "(vous aviez vidé cette rubrique)" in fast
    assert '<div class="fiche-text" id="id_verso_1__contribution">' in fast  # verso not sent: shown as text


def test_comments_match_the_shared_comments_template(cast):
    fiche = _fiche_with_everything(cast)
    versos = _versos(fiche)
    parts = _editor_parts(fiche, versos)
    item = next(i for s in parts[0]["sections"] for i in s["items"] if i["rubric"].code == "acteurs")

    fast = render_editor_parts([{**parts[0], "sections": [{"title": "S", "items": [item]}]}])
    slow = get_template("passeport/includes/fiche_rubric_comments.html").render({"item": item})

    assert _squeeze(slow) in _squeeze(fast)
    assert "Ligne 1<br>Ligne &lt;2&gt;" in fast
    assert '<li class="is-resolved">' in fast and '<span class="tag tag-ok">résolu</span>' in fast


def test_the_editor_page_escapes_the_text_and_keeps_ids_and_labels(cast, login):
    fiche = _fiche_with_everything(cast)

    page = login(cast.student).get(reverse("passeport:fiche_edit", args=[fiche.pk])).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;guillemets&quot; acteurs</textarea>" in page
    assert '<div class="field fiche-rubric" id="rubric-acteurs">' in page
    assert '<div class="field fiche-rubric" id="rubric-contribution-2">' in page
    assert '<label for="id_recto__acteurs">' in page
    assert 'name="verso_2__contribution"' in page and 'id="id_verso_2__contribution"' in page
    assert html.unescape(page).count("<legend>") >= 4
