"""Time the fiche version diff and the authorship comparison on 5,000-word rubrics, ordinary and hostile.

Run: ``.venv/bin/python bench/bench_diff.py [--runs 5] [--words 5000]``. No database: the functions the pages call
(``passeport.views_fiches._word_diff``, ``passeport.authorship.similarity`` and ``marked_segments``) are timed on
generated texts, each case once as a warm-up then ``--runs`` times; every case must stay under one second (issue 13:
difflib took 22 s on 1,000 words and never returned on 5,000). Prints median / max in ms and a Markdown table for
BENCHMARKS.md; also says whether the request's time budget (``passeport.textdiff.Deadline``) was reached, i.e.
whether the result was the exact word-by-word one or the coarser one.
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ndrc.test_settings")

import django  # noqa: E402

django.setup()

from passeport.authorship import marked_segments, similarity  # noqa: E402
from passeport.textdiff import Deadline  # noqa: E402
from passeport.views_fiches import _word_diff  # noqa: E402

VOCABULARY = (
    "le la les un une des du de au aux et ou mais donc car avec pour par sur dans sans sous entre vers chez client "
    "clients prospect prospects entreprise magasin vente ventes offre produit produits service services salon stand "
    "contact contacts rendez-vous relance relances fichier ciblage prospection objectif objectifs résultat résultats "
    "chiffre affaires marge remise devis commande commandes tuteur tutrice équipe responsable conseiller vendeur "
    "négociation argumentaire besoin besoins découverte reformulation objection objections conclusion fidélisation "
    "réseau partenaire partenaires distributeur distributeurs animation événement opération campagne courriel "
    "téléphone visite visites semaine mois année trimestre région secteur marché concurrent concurrents veille "
    "information informations outil outils tableau CRM base données suivi analyse bilan amélioration proposition "
    "propositions difficulté difficultés solution solutions atout atouts j'ai nous avons il elle a été est sont "
    "était ont fait réalisé préparé organisé contacté appelé rencontré proposé obtenu signé relancé mis en place "
    "nouveau nouvelle nouveaux premier première dernier plusieurs chaque tous toutes très plus moins bien mieux "
    "Lyon Villeurbanne Bureau Plus Pro'Bureau Garnier Martin 2025 2026 12 15 20 30 45 100 250 %"
).split()


def ordinary(words: int, seed: int) -> str:
    """French-like prose: frequent small words, sentences of 8 to 25 words, a paragraph every 120 words or so."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(VOCABULARY))]  # Zipf: « de », « la » are everywhere
    out, sentence = [], 0
    for index in range(words):
        word = rng.choices(VOCABULARY, weights)[0]
        out.append(word.capitalize() if sentence == 0 else word)
        sentence += 1
        if sentence >= rng.randint(8, 25):
            out[-1] += "."
            sentence = 0
            out.append("\n\n" if rng.random() < 0.12 else " ")
        elif index < words - 1:
            out.append(", " if rng.random() < 0.06 else " ")
    return "".join(out).strip()


def edited(text: str, seed: int, rate: float = 0.02) -> str:
    """The same text revised: about ``rate`` of the words replaced, a sentence added, one removed."""
    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(int(len(words) * rate)):
        words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
    middle = len(words) // 2
    words[middle:middle] = "Nous avons ensuite relancé les prospects du fichier par téléphone.".split()
    del words[len(words) // 4 : len(words) // 4 + 15]
    return " ".join(words)


def cases(words: int) -> dict[str, tuple[str, str]]:
    base = ordinary(words, 1)
    repeated = " ".join(["le client"] * (words // 2))
    alternating = " ".join(["le client", "client le"] * (words // 4))
    return {
        "texte ordinaire révisé (2 % des mots changés)": (base, edited(base, 2)),
        "deux textes ordinaires différents": (base, ordinary(words, 3)),
        "répétitif : « le client » × N, un mot changé au milieu": (
            repeated,
            repeated[: len(repeated) // 2] + " prospect " + repeated[len(repeated) // 2 :],
        ),
        "répétitif : « le client » × N contre « client le » × N": (repeated, alternating),
        "répétitif contre texte ordinaire": (repeated, base),
        "piège : un mot unique tous les 100 mots, remplissage différent entre eux": _gapped(words),
    }


def _gapped(words: int) -> tuple[str, str]:
    """Unique markers every 100 words, different low-vocabulary filler between them on each side: as many gaps of
    the largest size aligned exactly as possible (the most costly input for step 3 of passeport.textdiff)."""
    rng = random.Random(4)
    sides = []
    for _ in range(2):
        parts = []
        for index in range(words // 100):
            parts.append(f"repère{index}")
            parts.extend(rng.choice(("le", "la", "client", "vente", "offre")) for _ in range(99))
        sides.append(" ".join(parts))
    return sides[0], sides[1]


def timed(func, runs: int) -> tuple[list[float], bool]:
    func(Deadline())  # warm-up
    times, hit = [], False
    for _ in range(runs):
        deadline = Deadline()
        start = time.perf_counter()
        func(deadline)
        times.append((time.perf_counter() - start) * 1000)
        hit = hit or deadline.hit
    return times, hit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", type=int, default=5000)
    args = parser.parse_args()
    print(f"Date : {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC — {os.cpu_count()} cœurs (nproc), ", end="")
    print(f"Python {platform.python_version()}, charge {os.getloadavg()[0]:.1f}")
    print(f"Commande : .venv/bin/python bench/bench_diff.py --runs {args.runs} --words {args.words}\n")
    print("| Cas | Mesure | Médiane | Max | Budget atteint |\n|---|---|---|---|---|")
    worst = 0.0
    for name, (old, new) in cases(args.words).items():
        measures = {
            "différence de versions (_word_diff)": lambda d, old=old, new=new: _word_diff(old, new, d),
            "similarité (similarity, exacte)": lambda d, old=old, new=new: similarity(old, new, deadline=d),
            "passages communs (marked_segments)": lambda d, old=old, new=new: marked_segments(old, new, d),
        }
        for label, func in measures.items():
            times, hit = timed(func, args.runs)
            worst = max(worst, max(times))
            print(
                f"| {name} | {label} | {statistics.median(times):.0f} ms | {max(times):.0f} ms | "
                f"{'oui' if hit else 'non'} |"
            )
    print(f"\nPire temps : {worst:.0f} ms — objectif < 1 000 ms : {'atteint' if worst < 1000 else 'MANQUÉ'}")
    sys.exit(0 if worst < 1000 else 1)


if __name__ == "__main__":
    main()
