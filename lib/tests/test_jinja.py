"""lib.jinja and {% jinja %}: a hot partial rendered by Jinja2 escapes like a Django template and formats like one."""

import datetime

from django.template import Context, Template, engines
from django.urls import reverse

from lib import jinja


def _jinja(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_it_escapes_user_text():
    assert _jinja("{{ name }}", name='<script>"x"</script> & co') == "&lt;script&gt;&#34;x&#34;&lt;/script&gt; &amp; co"


def test_dates_plurals_and_urls_read_as_the_django_tags_write_them():
    day = datetime.date(2026, 1, 5)
    moment = datetime.datetime(2026, 3, 29, 23, 30, tzinfo=datetime.UTC)  # already the 30th in Paris
    django = Template('{{ d|date:"d/m/Y" }} {{ m|date:"d/m/Y à H:i" }} {{ n|pluralize }}{{ one|pluralize }}')
    expected = django.render(Context({"d": day, "m": moment, "n": 3, "one": 1}))
    assert (
        _jinja(
            '{{ d|date("d/m/Y") }} {{ m|date("d/m/Y à H:i") }} {{ n|pluralize }}{{ one|pluralize }}',
            d=day,
            m=moment,
            n=3,
            one=1,
        )
        == expected
    )
    assert jinja.date(None, "d/m/Y") == ""
    assert _jinja("{{ url('passeport:passeport', 42) }}") == reverse("passeport:passeport", args=[42])
