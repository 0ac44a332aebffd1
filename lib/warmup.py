"""What a server process would otherwise build on its first requests, built when it starts: every template, and
the French collation table names are sorted with.

Django's cached loader and Jinja2 compile a template the first time a process renders it, then keep it. Each gunicorn
worker paid that on its first request of every page: measured in-process, a first profiles page took 111 ms against
25 ms after, and under load the first class page of each of the four workers took 150–180 ms, the slowest 4 % of the
page's requests in a run (issue 15's load bench): most of that was ``pyuca`` reading its collation table (0.2 s)
to sort the class by name. ``ndrc.wsgi`` calls ``warm`` before it freezes what the process has loaded, so every
worker starts with both ready.
"""

from pathlib import Path

from django.conf import settings
from django.template import engines

from lib.collation import name_key

# Each engine compiles the files it renders: the Django engine the pages and e-mails, Jinja2 the hot partials.
SUFFIXES = {"django": (".html", ".txt"), "jinja2": (".jinja",)}


def compile_templates() -> int:
    """Compile every template of ``templates/`` with the engine that renders it; returns how many."""
    root = Path(settings.BASE_DIR) / "templates"
    count = 0
    for engine in engines.all():
        suffixes = SUFFIXES.get(engine.name, ())
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name.endswith(suffixes):
                engine.get_template(path.relative_to(root).as_posix())
                count += 1
    return count


def warm() -> None:
    compile_templates()
    name_key("É")  # the collation table, read once per process
