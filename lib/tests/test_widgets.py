"""lib.widgets: the same HTML as Django's template-rendered widgets, without the templates."""

from decimal import Decimal

import pytest
from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from lib import widgets

TRICKY = "a \"quoted\" <b>&</b> 'value'"


def _pair(fast, slow, name, value, attrs=None):
    return fast.render(name, value, attrs=attrs), slow.render(name, value, attrs=attrs)


@pytest.mark.parametrize("value", [None, "", "12,5", Decimal("12.5"), 7, TRICKY])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_c1-mark", "inputmode": "decimal", "size": 4, "autocomplete": "off"},
        {"id": "x", "disabled": True, "required": False, "aria-invalid": "true", "data-x": TRICKY},
    ],
)
def test_text_and_hidden_inputs_render_exactly_like_django(value, attrs):
    fast, slow = _pair(widgets.TextInput(), forms.TextInput(), "c1-mark", value, attrs)
    assert fast == slow
    fast, slow = _pair(widgets.HiddenInput(), forms.HiddenInput(), "c1-version", value, attrs)
    assert fast == slow


def test_widget_attrs_given_at_construction_are_kept():
    attrs = {"inputmode": "decimal", "size": 4}
    fast, slow = _pair(widgets.TextInput(attrs=attrs), forms.TextInput(attrs=attrs), "mark", "3", {"id": "id_mark"})
    assert fast == slow
    assert 'inputmode="decimal"' in fast


@pytest.mark.parametrize("value", [None, "", "mark", "absent", TRICKY])
def test_select_renders_exactly_like_django(value):
    choices = [("pending", "À noter"), ("mark", "Note sur 20"), ("absent", "Absent·e <justifié>"), (TRICKY, TRICKY)]
    fast = widgets.Select(choices=choices).render("c1-status", value, attrs={"id": "id_c1-status", "disabled": True})
    slow = forms.Select(choices=choices).render("c1-status", value, attrs={"id": "id_c1-status", "disabled": True})
    assert fast == slow


def test_select_with_groups_renders_exactly_like_django():
    choices = [("", "—"), ("Groupe <1>", [("a", "A"), ("b", "B")]), ("c", "C")]
    fast = widgets.Select(choices=choices).render("g", "b")
    slow = forms.Select(choices=choices).render("g", "b")
    assert fast == slow


def test_a_bound_form_field_renders_the_same_with_the_fast_widgets():
    class Slow(forms.Form):
        status = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
        mark = forms.DecimalField(localize=True, required=False, widget=forms.TextInput(attrs={"size": 4}))
        version = forms.IntegerField(widget=forms.HiddenInput)

    class Fast(forms.Form):
        status = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=widgets.Select)
        mark = forms.DecimalField(localize=True, required=False, widget=widgets.TextInput(attrs={"size": 4}))
        version = forms.IntegerField(widget=widgets.HiddenInput)

    data = {"p-status": "z", "p-mark": "abc", "p-version": "3"}
    slow, fast = Slow(data, prefix="p"), Fast(data, prefix="p")
    assert not slow.is_valid() and not fast.is_valid()
    for name in ("status", "mark", "version"):
        assert str(fast[name]) == str(slow[name])


@pytest.mark.parametrize("value", [None, "", "\nstarts with a line break", "two\nlines", 12, TRICKY])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_recto__lieu", "rows": 4, "class": "fiche-input", "aria-describedby": "x_note", "data-x": TRICKY}],
)
def test_textarea_renders_exactly_like_django(value, attrs):
    fast, slow = _pair(widgets.Textarea(), forms.Textarea(), "recto__lieu", value, attrs)
    assert fast == slow
    fast, slow = _pair(widgets.Textarea(attrs={"rows": 4}), forms.Textarea(attrs={"rows": 4}), "t", value, attrs)
    assert fast == slow


@pytest.mark.parametrize("value", [None, "", "oui", "non", TRICKY])
def test_radio_select_renders_exactly_like_django(value):
    choices = [("oui", "OUI"), ("non", "NON <b>&</b>"), (TRICKY, TRICKY)]
    fast, slow = widgets.RadioSelect(choices=choices), forms.RadioSelect(choices=choices)
    attrs = {"id": "id_real_lived", "data-x": TRICKY}
    assert fast.render("real_lived", value, attrs=attrs) == slow.render("real_lived", value, attrs=attrs)
    assert fast.render("real_lived", value) == slow.render("real_lived", value)


def test_each_radio_of_a_bound_field_renders_the_same_with_the_fast_widget():
    class Slow(forms.Form):
        answer = forms.ChoiceField(choices=[("oui", "OUI"), ("non", "NON <i>")], widget=forms.RadioSelect)
        text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    class Fast(forms.Form):
        answer = forms.ChoiceField(choices=[("oui", "OUI"), ("non", "NON <i>")], widget=widgets.RadioSelect)
        text = forms.CharField(required=False, widget=widgets.Textarea(attrs={"rows": 4}))

    for slow, fast in [
        (Slow({"answer": "zut", "text": TRICKY}), Fast({"answer": "zut", "text": TRICKY})),
        (Slow(initial={"answer": "non"}), Fast(initial={"answer": "non"})),
    ]:
        slow.is_valid(), fast.is_valid()
        assert str(fast["text"]) == str(slow["text"])
        assert str(fast["answer"]) == str(slow["answer"])
        for fast_radio, slow_radio in zip(fast["answer"], slow["answer"], strict=True):
            assert fast_radio.tag() == slow_radio.tag()
            assert str(fast_radio) == str(slow_radio)


@pytest.mark.parametrize(
    "value",
    [TRICKY, "", 0, 12.5, None, Decimal("1.5"), mark_safe("<b>sûr</b>"), gettext_lazy("<i>lazy</i> & 'x'")],
)
def test_escape_html_is_conditional_escape(value):
    assert widgets.escape_html(value) == conditional_escape(value)


def test_attrs_accept_safe_and_lazy_values_like_django():
    attrs = {"id": "x", "aria-label": gettext_lazy("Libellé <x>"), "title": mark_safe("<b>ok</b>"), "data-n": 3}
    fast, slow = _pair(widgets.TextInput(), forms.TextInput(), "n", "v", attrs)
    assert fast == slow
