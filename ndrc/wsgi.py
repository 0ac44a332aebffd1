"""
WSGI config for ndrc project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ndrc.settings")

application = get_wsgi_application()

# Templates compiled and the collation table read now, rather than by each worker's first visitors (lib/warmup.py).
from lib.warmup import warm  # noqa: E402 - needs the settings get_wsgi_application() loaded

warm()

# What is loaded by now (Django, the apps, their models and modules) lives as long as the worker: frozen, it is left
# out of every later garbage collection, which then walks only what requests allocate. Measured in-process on the
# harmonisation page of a 2,400-candidate académie: p95 163 → 108 ms, median unchanged (issue 16).
gc.freeze()
