from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dataset.flush import dataset_establishments, flush_dataset, foreign_establishments
from dataset.generator import PHASES, Generator
from dataset.spec import DEFAULT_PASSWORD, PRESETS, Spec

OVERRIDES = ("establishments", "cohorts_per_establishment", "students_per_cohort", "activities", "fiches")


class Command(BaseCommand):
    help = (
        "Génère un jeu de données de mesure reproductible (même graine ⇒ même contenu) : établissements (UAI "
        "0999NNND), comptes (e01-admin, e01-prof1…3, e01-pro, e01-c1-s07), passeports, fiches avec leur historique, "
        "dossiers E4 déposés, commissions E4, grilles complètes, profils, plages et notes de la session 2027. "
        "Par les services de l'application : dépôt des dossiers (gel des fiches), conformité, commissions, étapes, "
        "grilles, profils, plages et notes ; fiches par create_fiche/save_fiche, sauf pour le preset academie où "
        "les mêmes lignes (fiches, versos, versions, journal) sont écrites en masse : par service elles ajouteraient "
        "2 à 7 minutes (SQLite, PostgreSQL) et sortiraient du budget de 10 minutes (--fiche-writes pour choisir). "
        "En masse (bulk_create), car par "
        "service elles coûteraient plusieurs minutes sans règle métier à vérifier : comptes, classes, activités, "
        "périodes en entreprise (attestation PDF minuscule), évaluations formatives, commentaires. Les informations "
        "officielles de la situation A sont des lignes Convocation « courrier » écrites directement : "
        "inform_students produirait une lettre PDF par étudiant. "
        "Refuse une base contenant un autre établissement (démo ou réel), sauf --force. Voir bench/DATASET.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), default="small", help="academie, small ou tiny")
        parser.add_argument("--seed", type=int, default=42, help="graine (défaut 42)")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"mot de passe de tous les comptes (défaut {DEFAULT_PASSWORD})"
        )
        parser.add_argument(
            "--flush-existing-dataset",
            action="store_true",
            help="supprime d'abord les établissements générés (UAI 0999NNND) et tout ce qui s'y rattache",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="accepte une base contenant d'autres établissements (démo ou réels) : à éviter",
        )
        parser.add_argument("--establishments", type=int)
        parser.add_argument("--cohorts-per-establishment", type=int)
        parser.add_argument("--students-per-cohort", type=int)
        parser.add_argument("--activities", type=int, help="activités par étudiant·e")
        parser.add_argument("--fiches", type=int, help="fiches par étudiant·e (au moins 2 : les deux fiches E4)")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="processus en parallèle (PostgreSQL seulement ; 2 sur une machine à 2 cœurs)",
        )
        parser.add_argument(
            "--fiche-writes",
            choices=("services", "bulk"),
            help="fiches par les services create_fiche/save_fiche, ou les mêmes lignes en masse "
            "(défaut : services, sauf preset academie)",
        )
        parser.add_argument(
            "--harmonisation",
            action="store_true",
            help="délibérations, notes transmises à l'académie, quelques anomalies (toujours : preset academie)",
        )

    def handle(self, *args, **opts):
        spec = self._spec(opts)
        self._guard(opts)
        if opts["jobs"] > 1 and connection.vendor != "postgresql":
            raise CommandError(
                "--jobs ne sert qu'avec PostgreSQL : SQLite n'accepte qu'une écriture à la fois. Rien n'a été créé."
            )
        if opts["jobs"] < 1:
            raise CommandError("--jobs doit valoir au moins 1. Rien n'a été créé.")
        if opts["flush_existing_dataset"]:
            deleted = flush_dataset()
            if deleted:
                self.stdout.write(
                    "Jeu de données précédent supprimé : " + ", ".join(f"{v} {k}" for k, v in deleted.items())
                )
        self.stdout.write(
            f"Preset {opts['preset']}, graine {opts['seed']} : {spec.establishments} établissement(s) × "
            f"{spec.cohorts_per_establishment} classe(s) × {spec.students_per_cohort} étudiant·es = "
            f"{spec.students} candidat·es, {spec.activities} activités et {spec.fiches} fiches chacun·e."
        )
        generator = Generator(
            spec, seed=opts["seed"], password=opts["password"], jobs=opts["jobs"], log=self.stdout.write
        )
        report = generator.run()
        self.stdout.write("Durée par phase" + (" (somme des processus)" if opts["jobs"] > 1 else "") + " :")
        for phase in PHASES:
            self.stdout.write(f"  {phase:<12} {report.seconds.get(phase, 0.0):8.1f} s")
        self.stdout.write(f"  {'total':<12} {report.total:8.1f} s")
        self.stdout.write("Lignes créées :")
        for label, count in report.counts.items():
            self.stdout.write(f"  {label:<28} {count:>8}")
        self.stdout.write(
            self.style.SUCCESS(f"Jeu de données généré. Mot de passe de tous les comptes : {opts['password']}")
        )

    def _spec(self, opts) -> Spec:
        base = PRESETS[opts["preset"]]
        values = {name: opts[name] if opts.get(name) is not None else getattr(base, name) for name in OVERRIDES}
        values["fiches_via_services"] = base.fiches_via_services
        values["harmonisation"] = base.harmonisation or bool(opts.get("harmonisation"))
        if opts.get("fiche_writes"):
            values["fiches_via_services"] = opts["fiche_writes"] == "services"
        spec = Spec(**values)
        problems = spec.problems()
        if problems:
            raise CommandError(" ".join(problems))
        return spec

    def _guard(self, opts) -> None:
        """Never mix a dataset into a real school's (or the demo's) database, never stack two datasets."""
        foreign = foreign_establishments()
        if foreign and not opts["force"]:
            names = ", ".join(f"{e.name} ({e.uai})" for e in foreign[:3]) + (" …" if len(foreign) > 3 else "")
            raise CommandError(
                f"Cette base contient {len(foreign)} établissement(s) qui ne viennent pas d'un jeu de données : "
                f"{names}. Un jeu de données ne se mélange pas aux données d'une école ni à la démo : utilisez une "
                "base vide (ou --force si vous savez ce que vous faites). Rien n'a été créé."
            )
        if dataset_establishments() and not opts["flush_existing_dataset"]:
            raise CommandError(
                "Un jeu de données existe déjà dans cette base : relancez avec --flush-existing-dataset pour le "
                "remplacer. Rien n'a été créé."
            )
