"""Shared by the dataset tests: run the command and capture what it prints."""

from io import StringIO

from django.core.management import call_command


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_dataset", *args, stdout=out)
    return out.getvalue()
