# ruff: noqa: S603, S607, S108 - runs the guide's own shell blocks, whose paths it replaces
"""Runs DEPLOYMENT.md's backup and restore procedures word for word against a throwaway installation.

A block runs when a marker ``<!-- essai: NAME -->`` stands on the line before its ```sh fence; blocks of the same
NAME run in their order, each in its own ``bash -euo pipefail`` (as an administrator would paste them one after the
other). Only the guide's conventions change (its introduction: « le code est dans /srv/ndrc/app… »): the paths
below become the installation's, and the PostgreSQL trial database gets a name of its own. Commands that act on the
machine's services are stand-ins found first in PATH: ``systemctl`` records its arguments; ``ndrc-manage`` (defined
in the guide's section 6) runs manage.py with the env file; ``runuser -u ACCOUNT --`` runs the command as the
current account (the restored files' owner is checked by tests/test_backup_while_writing.py with a real account).

    python -m tests.deployment_doc --list          # the marked blocks
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.throwaway_install import OWN_VARIABLES, REPO, Install

GUIDE = REPO / "DEPLOYMENT.md"
MARKED_BLOCK = re.compile(r"^<!-- essai: (?P<name>[\w-]+) -->\n```sh\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(name: str | None = None, text: str | None = None) -> list[tuple[str, str]]:
    text = GUIDE.read_text() if text is None else text
    found = [(m["name"], m["body"]) for m in MARKED_BLOCK.finditer(text)]
    return [block for block in found if name is None or block[0] == name]


def conventions(install: Install) -> list[tuple[str, str]]:
    """The guide's paths and names, and what they are in the installation (longest first where they overlap)."""
    return [
        ("/srv/ndrc/app", str(REPO)),
        ("/etc/ndrc/ndrc.env", str(install.env_file)),
        ("/var/backups/ndrc", str(install.backups)),
        ("/srv/ndrc/media", str(install.media)),
        ("/var/tmp/ndrc-restore-test", str(install.root / "essai")),
        ("/tmp/comptes-", str(install.root / "comptes-")),
        ("ndrc_restore_test", f"{install.database}_essai"),
    ]


def adapt(body: str, install: Install) -> str:
    for guide, here in conventions(install):
        body = body.replace(guide, here)
    return body


def stand_ins(install: Install) -> Path:
    folder = install.root / "bin"
    folder.mkdir(exist_ok=True)
    scripts = {
        "systemctl": f'#!/bin/sh\necho "$*" >> {install.root}/systemctl.log\n',
        "ndrc-manage": (
            f"#!/bin/sh\ncd {REPO} && set -a && . {install.env_file} && set +a && "
            f'exec {sys.executable} manage.py "$@"\n'
        ),
        "runuser": '#!/bin/sh\nwhile [ "$#" -gt 0 ] && [ "$1" != "--" ]; do shift; done\nshift\nexec "$@"\n',
    }
    for name, text in scripts.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)
    # The guide's ndrc-manage and manage.py lines call .venv/bin/python from the checkout.
    return folder


def run(name: str, install: Install) -> str:
    """Run the guide's blocks called ``name``; return their output. Fails on the first failing block."""
    found = blocks(name)
    assert found, f"aucun bloc « {name} » dans DEPLOYMENT.md"
    env = {key: value for key, value in os.environ.items() if key not in OWN_VARIABLES}
    env["PATH"] = f"{stand_ins(install)}:{env['PATH']}"
    output = []
    for _, body in found:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", adapt(body, install)],
            cwd=install.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        output.append(result.stdout + result.stderr)
        assert result.returncode == 0, f"bloc « {name} » en échec ({result.returncode}) :\n{body}\n{output[-1]}"
    return "\n".join(output)


if __name__ == "__main__":
    if sys.argv[1:] == ["--list"]:
        for block_name, body in blocks():
            print(f"--- {block_name}\n{body}")
    else:
        sys.exit(
            "Usage : python -m tests.deployment_doc --list "
            "(les blocs sont lancés par tests/test_deployment_doc_backup.py)"
        )
