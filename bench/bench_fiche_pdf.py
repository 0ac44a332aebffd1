"""Time the official fiche PDF and its layout check on a realistic, fully filled E4 fiche.

Run: ``.venv/bin/python bench/bench_fiche_pdf.py [--runs 20]`` (builds a throwaway in-memory test database; never
touches var/db.sqlite3). Prints median / p90 / min in ms and a Markdown block for BENCHMARKS.md.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ndrc.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402


def timed(func, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered):.0f} ms · p90 {p90:.0f} ms · min {ordered[0]:.0f} ms"


def machine() -> str:
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if "model name" in ln), "?")
    import weasyprint

    versions = f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}"
    return f"{os.cpu_count()} cœurs (nproc), {cpu}; {versions}"


def bench(runs: int) -> dict[str, str]:
    from lib import pdf as lib_pdf
    from passeport import pdf
    from passeport.tests.fiche_pdf_texts import make_filled_fiche
    from tests.personas import build_cast

    fiche = make_filled_fiche(build_cast().student)
    fiche = (
        type(fiche).objects.select_related("student__cohort__exam_session", "student__user", "exam").get(pk=fiche.pk)
    )
    start = time.perf_counter()
    pdf.render_fiche_pdf(fiche)  # first call: fontconfig and the stylesheet are loaded here, then cached
    cold = (time.perf_counter() - start) * 1000

    def analyse():
        pdf.pdf_cache().clear()  # measure the layout, not the cache
        pdf._DOCUMENTS.clear()
        return pdf.analyse_fiche_layout(fiche)

    def changed():
        pdf.pdf_cache().clear()
        pdf._DOCUMENTS.clear()
        return pdf.render_fiche_pdf(fiche)

    html = pdf.fiche_html(fiche)
    document = pdf._layout_document(html)
    assert len(document.pages) == 2 and analyse().fits, "the bench fiche must fit its two pages"
    return {
        "PDF complet (render_fiche_pdf, fiche modifiée : cache vidé)": summary(timed(changed, runs)),
        "PDF d'une fiche inchangée (render_fiche_pdf, cache)": summary(
            timed(lambda: pdf.render_fiche_pdf(fiche), runs)
        ),
        "Analyse de mise en page (analyse_fiche_layout, sans cache)": summary(timed(analyse, runs)),
        "  dont HTML (gabarit Django)": summary(timed(lambda: pdf.fiche_html(fiche), runs)),
        "  dont mise en page WeasyPrint (render)": summary(timed(lambda: pdf._layout_document(html), runs)),
        "  dont écriture PDF (write_pdf)": summary(timed(lambda: lib_pdf.write_pdf(document), runs)),
        "Premier appel du processus (polices + CSS)": f"{cold:.0f} ms",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        results = bench(args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(f"Date : {datetime.datetime.now(datetime.UTC):%Y-%m-%d} — machine : {machine()}")
    print(f"Commande : .venv/bin/python bench/bench_fiche_pdf.py --runs {args.runs}\n")
    print("| Mesure | Temps |\n|---|---|")
    for name, value in results.items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
