"""The models whose tables a piece of captured SQL names (``FROM`` and ``JOIN``): what a computation kept by
``lib.generations`` reads, compared with what its generation watches."""

import re

from django.apps import apps


def models_read(captured) -> set:
    """``captured``: a ``CaptureQueriesContext``."""
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    tables = {name for q in captured.captured_queries for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', q["sql"])}
    return {by_table[name] for name in tables if name in by_table}
