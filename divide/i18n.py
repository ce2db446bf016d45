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
    "access_title": (
        "Médiation numérique : l'offre face au besoin",
        "Digital mediation: supply against need",
    ),
    "access_intro": (
        "Combien de personnes sont probablement en illectronisme (estimation modélisée), à quelle distance du lieu de médiation le plus proche, quelles communes n'en ont aucun à portée, et où en ouvrir de nouveaux.",
        "How many people are likely in illectronisme (a modelled estimate), how far they live from the nearest mediation site, which communes have none within reach, and where to open new ones.",
    ),
    "access_scope_france": (
        "France entière : chiffres nationaux. Choisissez une région, un département ou un EPCI dans la barre latérale pour la carte et les suggestions d'implantation.",
        "All of France: national figures. Pick a région, département or EPCI in the sidebar for the map and site suggestions.",
    ),
    "access_scope_commune": (
        "L'accès se joue entre voisins : l'analyse porte sur le territoire de la commune, {name}.",
        "Access is a matter of neighbours: the analysis covers the commune's territory, {name}.",
    ),
    "access_radius": ("Rayon d'accès (km)", "Reach of a site (km)"),
    "access_radius_help": (
        "Distance à vol d'oiseau depuis le point représentatif de chaque commune.",
        "Straight-line distance from each commune's representative point.",
    ),
    "access_kinds": (
        "Lieux existants comptés comme offre",
        "Existing sites counted as supply",
    ),
    "access_kinds_none": (
        "Aucun type coché : les lieux existants ne sont pas comptés.",
        "No kind ticked: existing sites are not counted.",
    ),
    "access_min_need": (
        "Besoin minimal d'une commune listée (personnes, modélisé)",
        "Minimum need for a listed commune (people, modelled)",
    ),
    "access_need": ("Besoin et accès", "Need and access"),
    "access_range": ("fourchette plausible : {low} – {high}", "plausible range: {low} – {high}"),
    "access_within": (
        "Personnes en illectronisme à {r} km ou moins d'un lieu (modélisé)",
        "People in illectronisme within {r} km of a site (modelled)",
    ),
    "access_sites": ("Lieux comptés dans le territoire", "Counted sites in the territory"),
    "access_mean_distance": (
        "Distance moyenne au lieu le plus proche (pondérée par le besoin)",
        "Mean distance to the nearest site (weighted by need)",
    ),
    "access_method": (
        "Méthode de l'estimation modélisée de l'illectronisme",
        "Method of the modelled illectronisme estimate",
    ),
    "access_per_kind": ("Accès par type de lieu", "Access by kind of site"),
    "access_distance_note": (
        "Distances à vol d'oiseau, du point représentatif de chaque commune au lieu le plus proche, même hors du territoire (dans le même département d'outre-mer, le cas échéant).",
        "Straight-line distances from each commune's representative point to the nearest site, even outside the territory (within the same overseas département, where relevant).",
    ),
    "access_underserved": (
        "Communes sans lieu à {r} km ou moins",
        "Communes with no site within {r} km",
    ),
    "access_underserved_count": (
        "{n} communes, {people} personnes en illectronisme (modélisé).",
        "{n} communes, {people} people in illectronisme (modelled).",
    ),
    "access_underserved_none": (
        "Aucune commune n'est à plus de {r} km d'un lieu compté avec ce besoin minimal.",
        "No commune is over {r} km from a counted site with this minimum need.",
    ),
    "access_unlocated": (
        "{n} commune(s) sans point représentatif n'ont pas pu être évaluées.",
        "{n} commune(s) without a representative point could not be assessed.",
    ),
    "access_by_epci": (
        "Par EPCI : personnes en illectronisme par lieu et besoin non couvert",
        "By EPCI: people in illectronisme per site and unmet need",
    ),
    "access_export_csv": ("Télécharger (CSV)", "Download (CSV)"),
    "access_export_geojson": ("Télécharger (GeoJSON, points)", "Download (GeoJSON, points)"),
    "access_map": ("Carte", "Map"),
    "access_layer": ("Couleur des communes", "Commune colours"),
    "access_layer_underserved": ("Communes sans lieu à portée", "Communes with no site in reach"),
    "access_layer_hosts": ("Communes d'accueil proposées", "Suggested host communes"),
    "access_layer_sites": ("Lieux existants comptés", "Counted existing sites"),
    "access_map_hint": (
        "Cercles rouges : communes sans lieu à portée. Numéros : communes d'accueil proposées, dans l'ordre, avec leur rayon.",
        "Red circles: communes with no site in reach. Numbers: suggested host communes, in order, with their reach.",
    ),
    "access_place": ("Où ouvrir de nouveaux lieux ?", "Where to open new sites?"),
    "access_place_intro": (
        "Choix glouton de K communes d'accueil : à chaque étape, celle qui atteint le plus de personnes en illectronisme encore sans lieu à portée. Cette méthode garantit au moins 1 − 1/e ≈ 63 % du meilleur résultat possible, et s'en approche souvent bien plus. C'est une aide à la décision : besoins modélisés, distances à vol d'oiseau ; le terrain (transports, partenaires, locaux) tranche.",
        "Greedy choice of K host communes: at each step, the one that reaches the most people in illectronisme still without a site in reach. Greedy is guaranteed to reach at least 1 − 1/e ≈ 63 % of the best possible coverage, and is often much closer. It is a decision aid: needs are modelled, distances are straight lines; the ground (transport, partners, premises) decides.",
    ),
    "access_place_france": (
        "Choisissez une région, un département ou un EPCI dans la barre latérale pour obtenir des suggestions d'implantation.",
        "Pick a région, département or EPCI in the sidebar to get site suggestions.",
    ),
    "access_k": ("Nombre de lieux à ouvrir (K)", "Number of sites to open (K)"),
    "access_min_pop": ("Population minimale d'une commune d'accueil", "Minimum population of a host commune"),
    "access_exclude": ("Communes à exclure", "Communes to exclude"),
    "access_before": ("Atteintes aujourd'hui (modélisé)", "Reached today (modelled)"),
    "access_after": ("Atteintes avec {k} nouveaux lieux (modélisé)", "Reached with {k} new sites (modelled)"),
    "access_stopped": (
        "{n} lieu(x) seulement : au-delà, aucune commune n'atteint de personne de plus.",
        "Only {n} site(s): beyond that, no commune reaches anyone more.",
    ),
    "access_col_rank": ("Rang", "Rank"),
    "access_col_code": ("Code", "Code"),
    "access_col_name": ("Nom", "Name"),
    "access_col_epci_name": ("EPCI", "EPCI"),
    "access_col_departement": ("Dép.", "Dép."),
    "access_col_communes": ("Communes", "Communes"),
    "access_col_population": ("Population", "Population"),
    "access_col_people_at_risk": ("En illectronisme (modélisé)", "In illectronisme (modelled)"),
    "access_col_range": ("Taux modélisé (fourchette)", "Modelled rate (range)"),
    "access_col_distance_km": ("Lieu le plus proche (km)", "Nearest site (km)"),
    "access_col_marginal_gain": ("Personnes atteintes en plus", "People newly reached"),
    "access_col_cumulative_covered": ("Total atteint", "Total reached"),
    "access_col_communes_reached": ("Communes atteintes en plus", "Communes newly reached"),
    "access_col_sites": ("Lieux", "Sites"),
    "access_col_people_at_risk_per_site": ("En illectronisme par lieu", "In illectronisme per site"),
    "access_col_share_within": ("Part à portée (%)", "Share in reach (%)"),
    "access_col_mean_distance_km": ("Distance moyenne (km)", "Mean distance (km)"),
    "access_col_underserved_communes": ("Communes sans lieu", "Communes with no site"),
    "access_col_people_at_risk_underserved": ("Besoin non couvert (modélisé)", "Unmet need (modelled)"),
    "access_col_kind": ("Type de lieu", "Kind of site"),
    "access_col_people_at_risk_within": ("À portée (modélisé)", "In reach (modelled)"),
    "access_kind_any": ("Tous types", "Any kind"),
    # ACCESS-END
    # compare / profile extra — keys added by those pages
    "cmp_national_regions": (
        "Classement national des régions",
        "National ranking of régions",
    ),
    "cmp_peers_in": ("{plural} — {parent}", "{plural} — {parent}"),
    "cmp_peers_all": ("{plural} — France entière", "{plural} — all of France"),
    "cmp_rank_by": ("Classer selon", "Rank by"),
    "cmp_rank_note": (
        "Rang 1 = la situation la plus défavorable selon le sens de l'indicateur "
        "(la couverture la plus faible, la distance la plus grande…) ; pour un "
        "indicateur neutre (population, locaux), rang 1 = la valeur la plus élevée. "
        "Les ex æquo partagent le même rang ; les territoires sans donnée sont "
        "classés en dernier.",
        "Rank 1 = the worst situation given the indicator's direction (lowest "
        "coverage, longest distance…); for a neutral indicator (population, "
        "premises), rank 1 = the highest value. Ties share a rank; territories with "
        "no data come last.",
    ),
    "cmp_rank_of": ("Rang {rank} sur {n}", "Rank {rank} of {n}"),
    "cmp_no_rank": ("Pas de donnée : non classé", "No data: not ranked"),
    "cmp_choose_indicator": (
        "Choisissez au moins un indicateur.",
        "Pick at least one indicator.",
    ),
    "cmp_bar_all": ("{indicator} — {n} territoires", "{indicator} — {n} territories"),
    "cmp_bar_worst": (
        "{indicator} — les {k} plus défavorables sur {n}, et le territoire choisi",
        "{indicator} — the {k} worst of {n}, plus the selected territory",
    ),
    "cmp_missing_not_drawn": (
        "{n} territoire(s) sans donnée, non représenté(s).",
        "{n} territory(ies) with no data, not drawn.",
    ),
    "cmp_highlight_note": (
        "Le territoire choisi est marqué ▶ et en rouge.",
        "The selected territory is marked ▶ and in red.",
    ),
    "cmp_size_note": (
        "Taille des points : population.",
        "Point size: population.",
    ),
    "cmp_peers_legend": ("Territoires comparés", "Compared territories"),
    "prof_percentile": ("Centile national", "National percentile"),
    "prof_percentile_note": (
        "Centile national : part des {plural} de France dont la valeur est "
        "inférieure ou égale (100 = valeur la plus élevée, quel que soit le sens "
        "de l'indicateur).",
        "National percentile: share of {plural} in France with a lower or equal "
        "value (100 = the highest value, whatever the indicator's direction).",
    ),
    "prof_unit": ("Unité", "Unit"),
    "prof_source_vintage": ("Source et millésime", "Source and vintage"),
    "prof_modelled": ("Modélisé", "Modelled"),
    "prof_yes": ("oui", "yes"),
    "prof_kind": ("Type", "Kind"),
    "prof_address": ("Adresse", "Address"),
    "prof_n_sites": ("{n} lieu(x) de médiation", "{n} mediation site(s)"),
    "prof_no_map_france": (
        "Choisissez un territoire pour voir sa carte.",
        "Pick a territory to see its map.",
    ),
    "sheet_title": ("Fiche territoire — {name}", "Territory sheet — {name}"),
    "sheet_within": ("dans", "within"),
    "sheet_vintages": ("Millésimes des sources", "Source vintages"),
    "sheet_no_build_date": (
        "La date de construction de l'atlas n'est pas enregistrée : les "
        "millésimes ci-dessus datent les données.",
        "The atlas build date is not recorded: the vintages above date the data.",
    ),
    "sheet_too_many_sites": (
        "Plus de {n} lieux : la liste complète est dans la page « Données et "
        "export ».",
        "Over {n} sites: the full list is on the “Data & export” page.",
    ),
    "sheet_sources": ("Sources et licences", "Sources and licences"),
    "sheet_licence": ("Licence", "Licence"),
    "sheet_footer": (
        "Fiche produite par divide, atlas ouvert de la fracture numérique. "
        "Pour l'imprimer ou l'enregistrer en PDF : Fichier → Imprimer.",
        "Sheet made with divide, an open atlas of the digital divide. "
        "To print it or save it as PDF: File → Print.",
    ),
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
