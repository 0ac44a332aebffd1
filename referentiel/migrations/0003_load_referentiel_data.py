"""Load the référentiel and the exam sessions kept in data/ so that they exist right after ``migrate``.

The loader runs with the historical models of this migration (``apps.get_model``) and skips values for fields
they do not have yet, so this migration keeps working when the models or the data files grow later. A migration
that adds a field can call ``load_all`` again to fill it. Nothing is removed on the way back.
"""

from django.db import migrations


def load_data(apps, schema_editor):
    from referentiel.loader import load_all

    load_all(get_model=lambda name: apps.get_model("referentiel", name), skip_missing_fields=True)


class Migration(migrations.Migration):
    dependencies = [
        ("referentiel", "0002_constraints"),
    ]

    operations = [
        migrations.RunPython(load_data, migrations.RunPython.noop, elidable=False),
    ]
