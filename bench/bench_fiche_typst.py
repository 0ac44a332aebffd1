"""The product's fiche PDF (WeasyPrint) side by side with the same content typeset by Typst.

Run: ``.venv/bin/python bench/bench_fiche_typst.py [--runs 10]`` (throwaway in-memory test database). Needs the
bench-only ``typst`` package (requirements-bench.txt). Measures, on the realistic fully filled E4 fiche of
bench_fiche_pdf.py: a changed fiche (layout + PDF, the content cache bypassed), an unchanged one (a cache hit),
Typst's PDF alone, and Typst's PDF plus a real « fits on two pages » check naming the rubrics (a query of the marks
that each rubric's text leaves with its page). Prints the ratio the issue tracks: changed fiche ≤ 4× Typst.
"""

import argparse
import datetime
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ndrc.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

TEMPLATE = ROOT / "bench" / "typst" / "fiche.typ"
RECTO_COLUMNS = [23.85, 4.38, 33.56, 15.86, 22.35]
VERSO_COLUMNS = [14.63, 18.69, 16.66, 16.65, 9.34, 24.03]


def _cell(kind: str, content: str, span: int = 1, part: str = "", code: str = "") -> dict:
    return {"kind": kind, "content": content, "span": span, "part": part, "code": code}


def _pair(cell, label_span: int, text_span: int) -> list[dict]:
    return [_cell("label", cell.label, label_span), _cell("text", cell.text, text_span, cell.part, cell.code)]


def _text(cell, span: int) -> dict:
    return _cell("text", cell.text, span, cell.part, cell.code)


def typst_data(context: dict) -> dict:
    """The E4 fiche's rows, cell for cell as in templates/passeport/pdf/fiche_e4.html."""
    r, v, user = context["r"], context["v"], context["student"].user
    header = "BTS Négociation et Digitalisation de la Relation Client\nSession {}\nFiche descriptive d’activité".format(
        context["session_year"]
    )
    kinds = [_cell("plain", ("☒ " if k["checked"] else "☐ ") + k["label"]) for k in context["kinds"]]
    kinds[-1]["span"] = 2
    sections, verso_sections = context["recto_sections"], context["verso_sections"]
    recto = [
        [_cell("head", header, 5)],
        [_cell("head", context["form"].title, 5)],
        [_cell("plain", f"N° : {context['fiche'].number}", 2), *kinds],
        [_cell("plain", f"TITRE : {context['fiche'].title}", 5)],
        [
            _cell("plain", f"Nom : {user.last_name}", 2),
            _cell("plain", f"Prénom : {user.first_name}"),
            _cell("plain", f"N° Candidat : {context['student'].candidate_number}", 2),
        ],
        [_cell("bar", sections[0], 5)],
        *[_pair(cell, 2, 3) for cell in context["cadre"]],
        [_cell("bar", sections[1], 5)],
        [_cell("label", r["dates"].label), _cell("text", r["dates"].text, 4, "recto", "dates")],
        [_cell("label", r["lieu"].label), _cell("text", r["lieu"].text, 4, "recto", "lieu")],
        *[_pair(cell, 1, 4) for cell in context["analyse"]],
        [_cell("bar", sections[2], 5)],
        [_cell("label", r["phases"].label, 4), _cell("label", r["phases_outils"].label)],
        [_text(r["phases"], 4), _text(r["phases_outils"], 1)],
        *[_pair(cell, 1, 4) for cell in context["deroulement"]],
    ]
    verso = [
        [_cell("bar", verso_sections[0], 6)],
        *[_pair(cell, 1, 5) for cell in context["ciblage_before"]],
        [_cell("label", v["activites_realisees"].label, 5), _cell("label", v["outils_mobilises"].label)],
        [_text(v["activites_realisees"], 5), _text(v["outils_mobilises"], 1)],
        _pair(v["resultats_obtenus"], 1, 5),
        [_cell("bar", verso_sections[1], 6)],
        [_cell("label", v[code].label, 2) for code in ("atouts", "solutions", "propositions")],
        [_text(v[code], 2) for code in ("atouts", "solutions", "propositions")],
        [_cell("bar", verso_sections[2], 6)],
        _pair(v["informations"], 1, 5),
        _pair(v["objectifs_information"], 1, 5),
        [_cell("label", v["veille_sources"].label, 3), _cell("label", v["veille_outils"].label, 3)],
        [_text(v["veille_sources"], 3), _text(v["veille_outils"], 3)],
        [_cell("label", v["contribution"].label, 6)],
        [_text(v["contribution"], 6)],
    ]
    return {"parts": [{"columns": RECTO_COLUMNS, "rows": recto}, {"columns": VERSO_COLUMNS, "rows": verso}]}


def typst_check(compiler, labels: dict[tuple[str, str], str]) -> tuple[bool, list[str]]:
    """Two pages, recto texts on page 1, verso texts on the verso's page; names the rubrics that run over."""
    marks = json.loads(compiler.query("<rubric-end>", field="value"))
    # The recto on page 1; the verso on the page where it starts (a recto that runs over pushes it, as in WeasyPrint).
    verso_start = min((m["page"] for m in marks if m["part"] == "verso"), default=2)
    last_page = {"recto": 1, "verso": verso_start}
    over = [labels[(m["part"], m["code"])] for m in marks if m["page"] > last_page[m["part"]]]
    pages = max((m["page"] for m in marks), default=0)
    return pages == 2 and not over, over


def timed(func, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median(times: list[float]) -> float:
    return statistics.median(times)


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"médiane {statistics.median(ordered):.1f} ms · min {ordered[0]:.1f} ms · max {ordered[-1]:.1f} ms"


def bench(runs: int, long_text: bool) -> tuple[dict[str, str], dict[str, float]]:
    import typst
    from pypdf import PdfReader

    from passeport import pdf
    from passeport.tests.fiche_pdf_texts import make_filled_fiche
    from tests.personas import build_cast

    fiche = make_filled_fiche(build_cast().student)
    if long_text:
        fiche.recto = {**fiche.recto, "historique": fiche.recto["historique"] * 8}
        fiche.save(update_fields=["recto"])
    fiche = (
        type(fiche).objects.select_related("student__cohort__exam_session", "student__user", "exam").get(pk=fiche.pk)
    )
    pdf.render_fiche_pdf(fiche)  # warm-up: fontconfig, the stylesheet
    verso = pdf.chosen_verso(fiche)
    context = pdf.fiche_context(fiche, verso)
    labels = {(cell.part, cell.code): cell.label for cell in [*context["r"].values(), *context["v"].values()]}
    data = typst_data(context)
    folder = Path(tempfile.mkdtemp(prefix="bench-typst-"))
    shutil.copy(TEMPLATE, folder / TEMPLATE.name)
    (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False))
    start = time.perf_counter()
    compiler = typst.Compiler(str(folder / TEMPLATE.name), root=str(folder))
    typst_pdf = compiler.compile()  # the first compile of a process reads the system fonts
    assert isinstance(typst_pdf, bytes)  # one PDF document, not one image per page
    first_typst = (time.perf_counter() - start) * 1000
    fits, over = typst_check(compiler, labels)
    edits = iter(range(1, 10**6))

    def edit() -> None:
        """The student edited a rubric: Typst's memoisation may reuse only what did not change."""
        cell = next(c for row in data["parts"][0]["rows"] for c in row if c["code"] == "historique")
        cell["content"] = cell["content"].rsplit(" [", 1)[0] + f" [{next(edits)}]"
        (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False))

    def edit_and_compile() -> None:
        edit()
        compiler.compile()

    def changed():
        pdf.pdf_cache().clear()
        pdf._DOCUMENTS.clear()
        pdf.render_fiche_pdf(fiche)

    def changed_with_check():
        pdf.pdf_cache().clear()
        pdf._DOCUMENTS.clear()
        pdf.analyse_fiche_layout(fiche)
        pdf.render_fiche_pdf(fiche)

    def typst_changed_with_check():
        edit()
        compiler.compile()
        return typst_check(compiler, labels)

    times = {
        "weasy_changed": timed(changed, runs),
        "weasy_changed_check": timed(changed_with_check, runs),
        "weasy_unchanged": (pdf.render_fiche_pdf(fiche), timed(lambda: pdf.render_fiche_pdf(fiche), runs))[1],
        "typst": timed(edit_and_compile, runs),
        "typst_unchanged": timed(lambda: compiler.compile(), runs),
        "typst_check": timed(typst_changed_with_check, runs),
    }
    medians = {name: median(values) for name, values in times.items()}
    weasy_fits = pdf.analyse_fiche_layout(fiche)
    rows = {
        "WeasyPrint, fiche modifiée (mise en page + PDF, cache vidé)": summary(times["weasy_changed"]),
        "WeasyPrint, fiche modifiée, vérification + PDF (une mise en page)": summary(times["weasy_changed_check"]),
        "WeasyPrint, fiche inchangée (cache)": summary(times["weasy_unchanged"]),
        "Typst, premier PDF du processus (lecture des polices)": f"{first_typst:.0f} ms",
        "Typst, fiche inchangée (compilateur réutilisé, mémoïsation)": summary(times["typst_unchanged"]),
        "Typst, fiche modifiée, PDF seul (compilateur réutilisé)": summary(times["typst"]),
        "Typst, fiche modifiée, PDF + vérification « deux pages » (requête)": summary(times["typst_check"]),
        "Rapport modifiée / Typst (PDF)": f"{medians['weasy_changed'] / medians['typst']:.1f}×",
        "Rapport vérif. + PDF / Typst vérif. + PDF": f"{medians['weasy_changed_check'] / medians['typst_check']:.1f}×",
        "Pages : WeasyPrint / Typst": f"{weasy_fits.page_count} / {len(PdfReader(io.BytesIO(typst_pdf)).pages)}",
        "Tient sur deux pages : WeasyPrint / Typst": (
            f"{'oui' if weasy_fits.fits else 'non'} / {'oui' if fits else 'non'}"
            + (f" (Typst : dépassent — {', '.join(over)})" if over else "")
            + (
                f" (WeasyPrint : dépassent — {', '.join(ref.label for ref in weasy_fits.overflowing)})"
                if weasy_fits.overflowing
                else ""
            )
        ),
    }
    return rows, medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--long", action="store_true", help="an « historique » eight times longer: a fiche that overflows"
    )
    args = parser.parse_args()
    # No setup_test_environment(): its instrumented template rendering would slow the cache-hit path.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    load = os.getloadavg()
    try:
        rows, _medians = bench(args.runs, args.long)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    now = datetime.datetime.now(datetime.UTC)
    print(f"Date : {now:%Y-%m-%d %H:%M} UTC — charge au lancement {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}")
    long = " --long" if args.long else ""
    print(f"Commande : .venv/bin/python bench/bench_fiche_typst.py --runs {args.runs}{long}\n")
    print("| Mesure | Temps |\n|---|---|")
    for name, value in rows.items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
