"""No lost write: every save the server acknowledged during the load is in the database afterwards.

Run with the server's environment (DATABASE_URL or SQLITE_PATH) once the load has stopped:
    python bench/load/verify.py --acks acks.jsonl [--json out.json]

- Autosaves: each student appends a unique token to one rubric of their own fiche at every save, so every token the
  server acknowledged (HTTP 200 « saved ») must be in that rubric's stored text, and the fiche's version must be at
  least the highest version acknowledged.
- Grid saves: each teacher fills their own grids; the last level acknowledged for a critère of a grid must be the
  level stored for it.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ndrc.settings")
    import django

    django.setup()


def check(acks: list[dict]) -> dict:
    from certification.models import Grid
    from passeport.models import Fiche

    autosaves = [a for a in acks if a["kind"] == "autosave"]
    grids = [a for a in acks if a["kind"] == "grid"]
    problems: list[str] = []

    fiches = Fiche.objects.in_bulk({a["fiche"] for a in autosaves})
    missing_tokens = 0
    for ack in autosaves:
        fiche = fiches.get(ack["fiche"])
        text = (fiche.recto or {}).get(ack["rubric"], "") if fiche else ""
        if ack["token"] not in text:
            missing_tokens += 1
            if len(problems) < 20:
                problems.append(f"fiche {ack['fiche']} : jeton {ack['token']} (version {ack['version']}) absent")
    stale = 0
    for fiche_id in fiches:
        acked = max(a["version"] for a in autosaves if a["fiche"] == fiche_id)
        if fiches[fiche_id].version < acked:
            stale += 1
            problems.append(f"fiche {fiche_id} : version {fiches[fiche_id].version} < {acked} acquittée")

    last_level: dict[tuple, str] = {}
    for ack in grids:  # in acknowledgement order: the last one wins
        last_level[(ack["commission"], ack["student"], ack["user"], ack["criterion"])] = ack["level"]
    wrong_levels = 0
    for (commission, student, username, criterion), level in last_level.items():
        grid = (
            Grid.objects.filter(commission_id=commission, student_id=student, member__user__username=username)
            .prefetch_related("lines__level")
            .first()
        )
        stored = None
        if grid is not None:
            stored = next(
                (line.level.code if line.level else "" for line in grid.lines.all() if line.criterion_id == criterion),
                None,
            )
        if stored != level:
            wrong_levels += 1
            if len(problems) < 40:
                problems.append(f"grille c{commission}/e{student}/{username} critère {criterion} : {stored} ≠ {level}")

    return {
        "autosaves_acknowledged": len(autosaves),
        "fiches": len(fiches),
        "autosave_tokens_missing": missing_tokens,
        "fiches_behind": stale,
        "grid_saves_acknowledged": len(grids),
        "grid_lines_checked": len(last_level),
        "grid_lines_wrong": wrong_levels,
        "lost": missing_tokens + stale + wrong_levels,
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--acks", required=True)
    parser.add_argument("--json")
    args = parser.parse_args()
    _setup_django()
    acks = []
    path = Path(args.acks)
    if path.exists():
        acks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = check(acks)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(
        f"écritures acquittées : {result['autosaves_acknowledged']} autosaves sur {result['fiches']} fiches, "
        f"{result['grid_saves_acknowledged']} grilles ; perdues : {result['lost']}"
    )
    for problem in result["problems"]:
        print("  -", problem)


if __name__ == "__main__":
    main()
