"""Interface strings in French and English. Every visible label lives here."""

from __future__ import annotations

LANGS = ("fr", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # frame
    "app_title": (
        "divide — atlas de la fracture numérique",
        "divide — digital divide atlas",
    ),
    "language": ("Langue", "Language"),
    "section_explore": ("Explorer", "Explore"),
    "section_act": ("Agir", "Act"),
    "section_data": ("Données", "Data"),
    "page_overview": ("Vue d'ensemble", "Overview"),
    "page_map": ("Carte", "Map"),
    "page_compare": ("Comparer", "Compare"),
    "page_profile": ("Fiche territoire", "Territory profile"),
    "page_access": ("Médiation : offre et besoin", "Mediation: supply and need"),
    "page_export": ("Données et export", "Data & export"),
    "territory": ("Territoire", "Territory"),
    "search": (
        "Rechercher une commune, un code ou un code postal",
        "Search a commune, code or postcode",
    ),
    "search_results": ("Résultats", "Results"),
    "no_match": (
        "Aucun territoire ne correspond à « {query} ».",
        "No territory matches “{query}”.",
    ),
    "drill": (
        "Ou descendre région → département → EPCI → commune",
        "Or drill down région → département → EPCI → commune",
    ),
    "any": ("— tous —", "— all —"),
    "level_france": ("France", "France"),
    "level_region": ("Région", "Région"),
    "level_departement": ("Département", "Département"),
    "level_epci": ("EPCI", "EPCI"),
    "level_commune": ("Commune", "Commune"),
    "levels_plural_region": ("régions", "régions"),
    "levels_plural_departement": ("départements", "départements"),
    "levels_plural_epci": ("EPCI", "EPCIs"),
    "levels_plural_commune": ("communes", "communes"),
    "selected": ("Territoire choisi : {name}", "Selected territory: {name}"),
    "reset": ("Revenir à la France", "Back to France"),
    "share_link": (
        "Lien vers cette vue : copiez l'adresse de la page.",
        "Link to this view: copy the page address.",
    ),
    "source": ("Source", "Source"),
    "sources": ("Sources", "Sources"),
    "vintage": ("millésime", "vintage"),
    "modelled": ("modélisé", "modelled"),
    "modelled_note": (
        "Valeur modélisée : estimation, pas une mesure.",
        "Modelled value: an estimate, not a measurement.",
    ),
    "no_data": ("pas de données", "no data"),
    "indicator": ("Indicateur", "Indicator"),
    "level": ("Échelle", "Level"),
    "value": ("Valeur", "Value"),
    "name": ("Nom", "Name"),
    "code": ("Code", "Code"),
    "error_prefix": ("Impossible d'afficher cette vue", "Cannot show this view"),
    "atlas_missing": ("L'atlas est introuvable", "The atlas is missing"),
    # overview
    "overview_title": (
        "Fracture numérique : vue d'ensemble",
        "Digital divide: overview",
    ),
    "overview_intro": (
        "Chiffres clés du territoire choisi, comparés à son département, sa région et la France.",
        "Key figures for the chosen territory, next to its département, région and France.",
    ),
    "national_map": ("Carte nationale par département", "National map by département"),
    # map
    "map_title": ("Carte", "Map"),
    "classes": ("Classes de couleur", "Colour classes"),
    "quantiles": ("Quantiles", "Quantiles"),
    "natural_breaks": ("Seuils naturels (Jenks)", "Natural breaks (Jenks)"),
    "n_classes": ("Nombre de classes", "Number of classes"),
    "frame": ("Cadrage", "Frame"),
    "frame_mainland": ("Métropole", "Mainland France"),
    "frame_971": ("Guadeloupe", "Guadeloupe"),
    "frame_972": ("Martinique", "Martinique"),
    "frame_973": ("Guyane", "French Guiana"),
    "frame_974": ("La Réunion", "Réunion"),
    "frame_976": ("Mayotte", "Mayotte"),
    "basemap": (
        "Fond de carte en ligne (OpenStreetMap, nécessite internet)",
        "Online basemap (OpenStreetMap, needs internet)",
    ),
    "show_sites": ("Lieux de médiation numérique", "Digital mediation sites"),
    "site_kinds": ("Types de lieux", "Kinds of site"),
    "kind_france_services": ("France Services", "France Services"),
    "kind_conseiller_numerique": (
        "Conseiller numérique",
        "Digital adviser (conseiller numérique)",
    ),
    "kind_library": ("Bibliothèque", "Library"),
    "kind_other": ("Autre lieu de médiation", "Other mediation place"),
    "commune_scope": (
        "Les communes sont affichées dans une région ou un département : choisissez-en un dans la barre latérale.",
        "Communes are drawn within a région or département: pick one in the sidebar.",
    ),
    "legend": ("Légende", "Legend"),
    "click_hint": (
        "Cliquez un territoire pour le sélectionner.",
        "Click a territory to select it.",
    ),
    "layer": ("Territoires", "Territories"),
    "sites_shown": ("{n} lieux affichés", "{n} sites shown"),
    "too_many_sites": (
        "{n} lieux : choisissez une région ou un département pour les afficher.",
        "{n} sites: pick a région or département to show them.",
    ),
    # compare
    "compare_title": ("Comparer", "Compare"),
    "peers": ("Comparer avec", "Compare with"),
    "peers_parent": (
        "les territoires du même parent",
        "territories with the same parent",
    ),
    "peers_national": (
        "tous les territoires de même échelle",
        "all territories of the same level",
    ),
    "indicators": ("Indicateurs", "Indicators"),
    "rank": ("Rang", "Rank"),
    "x_axis": ("Axe horizontal", "Horizontal axis"),
    "y_axis": ("Axe vertical", "Vertical axis"),
    "ranking": ("Classement", "Ranking"),
    "scatter": ("Nuage de points", "Scatter plot"),
    "pick_territory_first": (
        "Choisissez un territoire (commune, EPCI, département ou région) dans la barre latérale.",
        "Pick a territory (commune, EPCI, département or région) in the sidebar.",
    ),
    # profile
    "profile_title": ("Fiche territoire", "Territory profile"),
    "all_indicators": ("Tous les indicateurs", "All indicators"),
    "sites_list": (
        "Lieux de médiation du territoire",
        "Mediation sites in the territory",
    ),
    "no_sites": (
        "Aucun lieu de médiation recensé ici.",
        "No mediation site recorded here.",
    ),
    "download_sheet": (
        "Télécharger la fiche (HTML imprimable)",
        "Download the sheet (printable HTML)",
    ),
    "mini_map": ("Situation", "Location"),
    # access (supply against need) — keys added by the access page
    # ACCESS-END
    # compare / profile extra — keys added by those pages
    # COMPARE-PROFILE-END
    # export
    "export_title": ("Données et export", "Data & export"),
    "scope": ("Périmètre", "Scope"),
    "scope_all": ("France entière", "All of France"),
    "scope_selected": ("Territoire choisi : {name}", "Chosen territory: {name}"),
    "filters": ("Filtrer par valeurs", "Filter by value"),
    "preview": ("Aperçu : {n} lignes", "Preview: {n} rows"),
    "download": ("Télécharger", "Download"),
    "dictionary": ("Dictionnaire des données", "Data dictionary"),
    "quality": ("Rapport de qualité des données", "Data-quality report"),
    "sources_page": (
        "Sources : producteur, millésime, licence",
        "Sources: producer, vintage, licence",
    ),
    "too_big_commune_export": (
        "Export des communes de toute la France : {n} lignes.",
        "Export of all communes in France: {n} rows.",
    ),
    # EXPORT-END
}


def t(key: str, lang: str = "fr", **values) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    fr, en = STRINGS[key]
    text = fr if lang == "fr" else en
    return text.format(**values) if values else text
