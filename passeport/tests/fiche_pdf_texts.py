"""Realistic fiche texts, of the length a student writes, for the PDF tests, the browser journey and the bench."""

from accounts.models import Student
from passeport.models import Fiche
from tests.factories import make_fiche

E4_RECTO = {
    "organisation": "Nettoyage Pro Rhône",
    "adresse": "14 rue des Tanneurs\n69007 Lyon",
    "type_structure": "SARL, PME de services aux entreprises (42 salariés), agence unique",
    "offre_commerciale": "Contrats d'entretien des parties communes, vitrerie, remise en état après travaux",
    "types_clients": "Syndics de copropriété, bailleurs sociaux, PME tertiaires de l'agglomération lyonnaise",
    "methodes_vente": "Vente en face à face sur rendez-vous, devis personnalisé après visite technique",
    "dates": "11 et 12 mai 2026",
    "lieu": "Bureaux du cabinet Régie Fourvière, Lyon 5e",
    "historique": (
        "Le cabinet Régie Fourvière gère 35 copropriétés et n'est plus satisfait de son prestataire actuel "
        "(retards, plaintes de résidents). Mon tuteur m'a confié la préparation et la conduite de l'entretien "
        "de négociation pour la résidence Les Terrasses (3 bâtiments, 96 lots).\n"
        "Problématique : comment convaincre le gestionnaire de changer de prestataire malgré un prix plus élevé ?"
    ),
    "acteurs": (
        "M. Duval, gestionnaire de copropriété : décideur, attend moins de réclamations.\n"
        "Mme Roux, présidente du conseil syndical : prescriptrice, sensible à la qualité.\n"
        "Moi-même, assistant commercial : conduite de l'entretien, mon tuteur en appui."
    ),
    "objectifs_operationnels": (
        "Signer un contrat annuel d'entretien d'au moins 14 000 € HT ; obtenir une visite de la résidence "
        "avec le conseil syndical ; présenter le suivi qualité par application."
    ),
    "phases": (
        "1. Préparation : analyse du cahier des charges, visite des parties communes.\n"
        "2. Découverte : questionnement sur les attentes et les freins.\n"
        "3. Argumentation et traitement des objections sur le prix.\n"
        "4. Conclusion : proposition d'une période d'essai de trois mois."
    ),
    "phases_outils": "Grille SONCAS, fiche de visite, tablette avec devis en ligne, book de références",
    "resultats": (
        "Contrat signé pour 15 200 € HT par an, avec une clause de revue trimestrielle. "
        "Recommandation obtenue pour deux autres copropriétés du cabinet."
    ),
    "difficultes": (
        "Objection forte sur le prix (+12 % par rapport au prestataire actuel) : j'ai chiffré le coût des "
        "réclamations et mis en avant le suivi qualité."
    ),
}

E4_VERSO = {
    "demarche": (
        "Ciblage des syndics gérant plus de 20 copropriétés dans Lyon 5e à 9e, à partir du fichier clients et "
        "de l'annuaire de la FNAIM ; relance des anciens clients inactifs depuis deux ans."
    ),
    "objectifs_fixes": "Obtenir 6 rendez-vous qualifiés en trois semaines ; mettre à jour 40 fiches prospects.",
    "activites_realisees": (
        "Qualification du fichier (42 syndics), campagne de courriels personnalisés, phoning de relance, "
        "prise de rendez-vous et préparation des visites techniques avec le chef d'équipe."
    ),
    "outils_mobilises": "CRM Axonaut, LinkedIn, publipostage, script d'appel",
    "resultats_obtenus": "8 rendez-vous obtenus, dont celui avec la Régie Fourvière ; 38 fiches mises à jour.",
    "atouts": "Bonne connaissance du secteur grâce au tuteur ; aisance au téléphone.",
    "solutions": "Script d'appel retravaillé après les premiers refus ; créneaux de rappel planifiés dans le CRM.",
    "propositions": "Segmenter le fichier par taille de copropriété et suivre le taux de transformation.",
    "informations": (
        "Attentes des syndics : réactivité, traçabilité des passages, gestion des réclamations en ligne. "
        "Deux concurrents proposent désormais une application de suivi."
    ),
    "objectifs_information": "Faire remonter les attentes des syndics pour adapter l'offre de suivi qualité.",
    "veille_sources": "Sites des concurrents, salon de la copropriété, revue Informations Rapides de la Copropriété",
    "veille_outils": "Alertes Google, tableau de veille partagé, comptes rendus de visite dans le CRM",
    "contribution": (
        "Note de synthèse présentée en réunion commerciale : l'agence a décidé de tester une application de "
        "suivi des passages chez trois clients pilotes."
    ),
}

E6_RECTO = {
    "organisation": "Brasserie du Vercors",
    "adresse": "ZA Les Jarrands\n38250 Villard-de-Lans",
    "type_structure": "SAS, brasserie artisanale (12 salariés)",
    "offre_commerciale": "Bières artisanales en bouteilles et en fûts, coffrets cadeaux",
    "acteurs_reseau": "Cavistes, épiceries fines, GMS locales, clients finaux des magasins",
    "periodes": "Du 2 février au 13 mars 2026",
    "presentation_reseau": "28 points de vente en Isère et Savoie, dont 11 cavistes indépendants.",
    "contexte": "Baisse des ventes en GMS ; la brasserie veut renforcer sa présence chez les cavistes.",
    "diagnostic": "Linéaires mal tenus chez 6 distributeurs, ruptures fréquentes sur la blonde.",
    "animations": "Animation dégustation chez deux cavistes, mise en place de PLV et d'un meuble dédié.",
    "methodologie": "Planning des visites, check-list merchandising, fiche de relevé des ventes.",
    "resultats": "+18 % de ventes sur la période chez les cavistes animés ; deux nouveaux référencements.",
    "preconisations": "Étendre les dégustations aux épiceries fines ; former les vendeurs au discours produit.",
    "ressources": "Photos avant/après, fiches de relevé, planning des animations, PLV.",
}


def make_filled_fiche(student: Student, *, exam_code: str = "E4", kind_code: str | None = None, **fields) -> Fiche:
    """A fiche whose every rubric holds realistic text (E4: recto and one verso)."""
    kind_code = kind_code or ("nego-vente" if exam_code == "E4" else "distributeurs")
    fiche = make_fiche(student, exam_code=exam_code, kind_code=kind_code, **fields)
    fiche.recto = dict(E4_RECTO if exam_code == "E4" else E6_RECTO)
    fiche.save(update_fields=["recto"])
    verso = fiche.versos.first()
    if verso is not None:
        verso.content = dict(E4_VERSO)
        verso.save(update_fields=["content"])
    return fiche
