"""lib.warmup: a server process compiles every template of the project when it starts."""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.backends.jinja2 import Jinja2

from lib.warmup import compile_templates


def test_every_template_compiles_with_its_engine():
    root = Path(settings.BASE_DIR) / "templates"
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".html", ".txt", ".jinja")]
    assert compile_templates() == len(files) > 150


def test_a_compiled_jinja_partial_is_not_compiled_again():
    compile_templates()
    engine = engines["jinja2"]
    assert isinstance(engine, Jinja2)
    environment = engine.env
    compiled = environment.get_template("harmonisation/includes/profile_tables.jinja")
    assert environment.get_template("harmonisation/includes/profile_tables.jinja") is compiled


def test_the_collation_table_is_read_at_start():
    from lib import collation
    from lib.warmup import warm

    collation._collator.cache_clear()
    warm()
    assert collation._collator.cache_info().currsize == 1
