"""French-looking content for generated datasets: names, organisations and rubric texts from small word lists.

Every function takes the ``random.Random`` it draws from, so one seed always gives the same words in the same order.
The texts read like a student's notes (commercial vocabulary, plausible sentences); they mean nothing in particular.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Emma Lucas Chloé Hugo Léa Nathan Manon Enzo Camille Louis Inès Théo Jade Mathis Sarah Tom Lina Noah Zoé Ethan "
    "Anaïs Yanis Clara Adam Lou Gabriel Alice Raphaël Louise Arthur Juliette Jules Rose Maël Ambre Sacha Mila Nolan "
    "Romane Axel Margaux Timéo Eva Kylian Lucie Paul Maëlys Victor Agathe Robin"
).split()
LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy Roux David "
    "Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefort Faure André Mercier "
    "Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry "
    "Roussel Mathieu Gautier Masson"
).split()
CITIES = (
    "Lyon Villeurbanne Vénissieux Bron Vaulx-en-Velin Saint-Priest Caluire Meyzieu Rillieux Décines Oullins Tassin "
    "Écully Givors Vienne Bourgoin Villefranche Mâcon Annecy Chambéry Grenoble Valence Roanne Saint-Étienne"
).split()
SCHOOL_PATRONS = (
    "Simone-Veil Jean-Moulin Marie-Curie Victor-Hugo Jules-Ferry Louise-Michel Albert-Camus Condorcet Voltaire "
    "Lumière Ampère Récamier Saint-Exupéry Colbert Diderot Montesquieu La-Martinière Georges-Brassens Jacques-Brel "
    "Olympe-de-Gouges Marcel-Pagnol Hélène-Boucher Germaine-Tillion Pierre-Mendès-France Édouard-Herriot"
).split()
ORG_PREFIXES = (
    "Maison",
    "Atelier",
    "Comptoir",
    "Espace",
    "Groupe",
    "Agence",
    "Cave",
    "Boutique",
    "Jardinerie",
    "Garage",
    "Pharmacie",
    "Optique",
    "Librairie",
    "Banque",
    "Mutuelle",
    "Salon",
    "Cycles",
    "Primeurs",
    "Immobilier",
    "Sport",
)
ORG_NAMES = (
    "du Rhône",
    "des Canuts",
    "Bellecour",
    "Confluence",
    "Part-Dieu",
    "Saint-Jean",
    "des Pentes",
    "Gerland",
    "des Brotteaux",
    "Monplaisir",
    "du Parc",
    "Croix-Rousse",
    "de la Saône",
    "des Terreaux",
    "Valmy",
    "Perrache",
)
STREETS = ("rue", "avenue", "boulevard", "place", "cours", "quai", "chemin", "allée")
STRUCTURES = (
    "PME indépendante",
    "franchise",
    "succursale d'un groupe national",
    "coopérative",
    "association",
    "grande surface spécialisée",
    "agence bancaire",
    "TPE artisanale",
    "enseigne en réseau",
    "start-up",
)

ACTIVITY_TITLES = (
    "Prospection téléphonique de nouveaux clients",
    "Relance des clients inactifs",
    "Vente conseil en magasin",
    "Organisation d'une journée portes ouvertes",
    "Animation d'un stand sur un salon",
    "Mise à jour du fichier clients",
    "Négociation d'un contrat d'entretien",
    "Démonstration produit en rendez-vous",
    "Atelier de dégustation",
    "Campagne d'emailing ciblée",
    "Accueil et fidélisation des clients professionnels",
    "Implantation d'un rayon chez un distributeur",
    "Recrutement de vendeurs à domicile",
    "Réunion de vente à domicile",
    "Animation d'un réseau de partenaires prescripteurs",
    "Veille concurrentielle sur la zone de chalandise",
    "Vente additionnelle au comptoir",
    "Préparation d'un salon professionnel",
    "Enquête de satisfaction auprès des clients",
    "Présentation d'une nouvelle offre aux partenaires",
)

SUBJECTS = (
    "Le client",
    "La cliente",
    "Mon tuteur",
    "L'équipe commerciale",
    "Le responsable du magasin",
    "Le prospect",
    "La directrice",
    "Le partenaire",
    "Le distributeur",
    "Notre enseigne",
    "Le fichier clients",
    "Le conseiller",
)
VERBS = (
    "a présenté",
    "a comparé",
    "a analysé",
    "a relancé",
    "a négocié",
    "a préparé",
    "a organisé",
    "a proposé",
    "a suivi",
    "a qualifié",
    "a mis à jour",
    "a valorisé",
    "a identifié",
    "a contacté",
    "a fidélisé",
    "a accompagné",
)
OBJECTS = (
    "l'offre de saison",
    "les besoins du client",
    "un devis personnalisé",
    "les objections sur le prix",
    "la remise sur volume",
    "le plan de prospection",
    "les contacts du salon",
    "la fiche produit",
    "la base de données clients",
    "le stand de l'événement",
    "le budget de l'opération",
    "les résultats de la veille",
    "le portefeuille de prospects",
    "la solution de financement",
    "le contrat d'entretien",
    "les avis en ligne",
    "le programme de fidélité",
    "les indicateurs de vente",
    "le planning des rendez-vous",
    "la démonstration produit",
)
COMPLEMENTS = (
    "avec l'appui de mon tuteur",
    "en respectant le budget fixé",
    "sur une période de deux semaines",
    "grâce au logiciel de gestion de la relation client",
    "auprès de trente prospects",
    "en fin de journée",
    "dans le cadre du stage",
    "pour préparer le rendez-vous suivant",
    "avec des outils numériques",
    "afin d'augmenter le panier moyen",
    "en tenant compte de la concurrence locale",
    "lors de l'entretien",
    "pour atteindre l'objectif de chiffre d'affaires",
    "avec une argumentation adaptée",
    "selon les consignes reçues",
)
CONNECTORS = ("Ensuite,", "Puis", "Par ailleurs,", "De plus,", "Enfin,", "Au final,", "En parallèle,", "Ainsi,")

FORMATIVE_COMMENTS = (
    "Bonne analyse, à approfondir sur les résultats chiffrés.",
    "Démarche cohérente ; préciser les outils mobilisés.",
    "Progrès nets depuis la dernière évaluation.",
    "Argumentation encore trop générale : s'appuyer sur les besoins exprimés.",
    "Travail sérieux, bilan réflexif pertinent.",
    "Reformuler les objectifs opérationnels de manière mesurable.",
    "Très bonne prise d'initiative sur le terrain.",
    "Veiller à distinguer l'activité décrite au recto et les activités du verso.",
)
GRID_COMMENTS = (
    "Compétence maîtrisée dans les situations observées.",
    "Des acquis réels, une analyse encore perfectible.",
    "Démarche pertinente et bien argumentée.",
    "Manque de recul sur les résultats obtenus.",
    "Outils variés, utilisés avec efficacité.",
    "Positionnement conforme aux observations de la formation.",
)


def person(rng: random.Random) -> tuple[str, str]:
    """(prénom, nom)."""
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def city(rng: random.Random) -> str:
    return rng.choice(CITIES)


def school_name(rng: random.Random, number: int) -> str:
    return f"Lycée {rng.choice(SCHOOL_PATRONS).replace('-', ' ')} (jeu de données n° {number:02d})"


def organisation(rng: random.Random) -> str:
    return f"{rng.choice(ORG_PREFIXES)} {rng.choice(ORG_NAMES)}"


def address(rng: random.Random) -> str:
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)} {rng.choice(LAST_NAMES)}, 69{rng.randint(0, 9)}00 {city(rng)}"


def structure(rng: random.Random) -> str:
    return rng.choice(STRUCTURES)


def activity_title(rng: random.Random) -> str:
    return rng.choice(ACTIVITY_TITLES)


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(COMPLEMENTS)}."


def paragraph(rng: random.Random, low: int = 1, high: int = 3) -> str:
    """One to a few sentences, the later ones opened by a connector."""
    parts = [sentence(rng)]
    for _ in range(rng.randint(low, high) - 1):
        following = sentence(rng)
        parts.append(f"{rng.choice(CONNECTORS)} {following[0].lower()}{following[1:]}")
    return " ".join(parts)


def rubric_text(rng: random.Random, code: str, org: str) -> str:
    """The text of one rubric: the short header rubrics get a short value, the others a paragraph."""
    short = {
        "organisation": lambda: org,
        "adresse": lambda: address(rng),
        "type_structure": lambda: structure(rng),
        "dates": lambda: f"Du {rng.randint(1, 27):02d}/{rng.randint(1, 12):02d}/2026, sur {rng.randint(1, 10)} jours",
        "lieu": lambda: f"{org}, {city(rng)}",
        "periodes": lambda: f"De {rng.choice(('janvier', 'mars', 'mai', 'octobre'))} à juin 2026",
    }
    if code in short:
        return short[code]()
    return paragraph(rng)


def revise(rng: random.Random, text: str) -> str:
    """A later version of a rubric: a sentence added or the text rewritten, as a student improves a draft."""
    if rng.random() < 0.5:
        return f"{text} {sentence(rng)}"
    return paragraph(rng)
