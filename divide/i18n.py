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
    "page_progress": ("Évolution", "Progress over time"),
    "progress_title": ("Évolution dans le temps", "Progress over time"),
    "progress_intro": (
        "Les séries datées de l'atlas : le territoire choisi (son département pour une commune ou un EPCI) face à sa région et à la France, puis la carte des départements à la date choisie.",
        "The atlas's dated series: the chosen territory (its département for a commune or an EPCI) against its région and France, then the map of départements at the chosen date.",
    ),
    "progress_series": ("Série", "Series"),
    "progress_map": ("Carte des départements à une date", "Départements at a date"),
    "progress_date": ("Date", "Date"),
    "progress_map_note": (
        "Valeurs au {date} pour {n} départements ; les classes de couleur valent pour toutes les dates, pour comparer d'une date à l'autre.",
        "Values on {date} for {n} départements; the colour classes hold for every date, so dates can be compared.",
    ),
    "progress_download": (
        "Télécharger la série (CSV, une ligne par département et par date)",
        "Download the series (CSV, one row per département and date)",
    ),
    "date": ("Date", "Date"),
    "page_profile": ("Fiche territoire", "Territory profile"),
    "page_access": ("Médiation : offre et besoin", "Mediation: supply and need"),
    "page_export": ("Données et export", "Data & export"),
    "page_presenter": ("Mode présentation", "Presenter mode"),
    "page_fragility": ("Indice de fragilité", "Fragility index"),
    "page_recommendations": ("Recommandations", "Recommendations"),
    "page_audacities": ("Grille Audacities", "Audacities grid"),
    "page_upload": ("Vos données", "Your data"),
    "upload_title": (
        "Vos données : un indicateur, des lieux, un fichier plus récent",
        "Your data: an indicator, sites, a newer file",
    ),
    "upload_intro": (
        "Les fichiers sont vérifiés ligne par ligne ; les lignes valides sont gardées, les autres listées avec ce qu'il faut corriger. Rien n'est conservé après la session.",
        "Files are checked row by row; good rows are kept, bad ones listed with what to fix. Nothing is kept after your session.",
    ),
    "upload_indicator": ("Indicateur", "Indicator"),
    "upload_sites": ("Lieux", "Sites"),
    "upload_refresh": ("Fichier ARCEP récent", "Newer ARCEP file"),
    "upload_indicator_help": (
        "CSV ou Excel : une colonne de codes (commune, EPCI, département ou région) et des colonnes de valeurs",
        "CSV or Excel: a column of codes (commune, EPCI, département or région) and value columns",
    ),
    "upload_sites_help": (
        "CSV (lat/lon ou code commune), GeoJSON, ou le schéma « lieux de médiation numérique »",
        "CSV (lat/lon or commune code), GeoJSON, or the “lieux de médiation numérique” schema",
    ),
    "upload_refresh_help": (
        "Statistiques ARCEP par commune (commune_debit.csv), comparées au millésime de l'atlas",
        "ARCEP per-commune statistics (commune_debit.csv), compared with the atlas's vintage",
    ),
    "upload_unit": ("Unité", "Unit"),
    "upload_direction": ("Sens", "Direction"),
    "upload_column": ("Colonne à afficher", "Column to show"),
    "upload_code_column": ("Colonne des codes", "Code column"),
    "upload_detect": ("détectée : {name}", "detected: {name}"),
    "upload_detect_level": ("détecter", "detect"),
    "upload_weight": ("Pondération (taux)", "Weight (rates)"),
    "upload_no_weight": ("aucune", "none"),
    "upload_unit_people": (
        "personnes (comptage, additionné)",
        "people (count, summed)",
    ),
    "upload_unit_premises": (
        "locaux (comptage, additionné)",
        "premises (count, summed)",
    ),
    "upload_unit_sites": ("lieux (comptage, additionné)", "sites (count, summed)"),
    "upload_unit_share": ("part ou % (taux)", "share or % (rate)"),
    "upload_unit_km": ("km (taux)", "km (rate)"),
    "upload_unit_index": ("indice (taux)", "index (rate)"),
    "upload_unit_EUR": ("euros (taux)", "euros (rate)"),
    "upload_unit_per10k": ("pour 10 000 hab. (taux)", "per 10,000 people (rate)"),
    "upload_unit_per100k": ("pour 100 000 hab. (taux)", "per 100,000 people (rate)"),
    "upload_unit_per1k": ("pour 1 000 hab. (taux)", "per 1,000 people (rate)"),
    "upload_session_only": ("pour cette session seulement", "for this session only"),
    "upload_remove": ("Retirer", "Remove"),
    "your_data": ("vos données", "your data"),
    "upload_gap": (
        "« {name} » n'a pas de valeur à ce niveau (disponible : {levels}).",
        "'{name}' has no values at this level (available: {levels}).",
    ),
    "upload_gap_rate": (
        "« {name} » n'a pas de valeur à ce niveau (disponible : {levels}) : un taux importé sans colonne de pondération n'est pas agrégé.",
        "'{name}' has no values at this level (available: {levels}): an uploaded rate without a weight column is not aggregated.",
    ),
    "upload_indicator_used": (
        "Cet indicateur est aussi proposé, pour cette session, sur les pages Carte, Comparer, Indice de fragilité et Données et export.",
        "For this session, this indicator is also offered on the Map, Compare, Fragility index and Data & export pages.",
    ),
    "upload_sites_used": (
        "Ces lieux comptent aussi, pour cette session, dans la couche des lieux de la Carte et sur la page Médiation : offre et besoin (distances, zones mal desservies, placement).",
        "For this session, these sites also count in the Map's site layer and on the Mediation: supply and need page (distances, underserved areas, placement).",
    ),
    # validation report of an upload (divide.uploads.Report): the English texts
    # are also what `divide validate` prints
    "report_check": ("Vérification de {file} ({kind})", "Check of {file} ({kind})"),
    "report_kind_indicator": ("indicateur", "indicator"),
    "report_kind_sites": ("lieux", "sites"),
    "report_kind_arcep": ("ARCEP", "arcep"),
    "report_fatal": (
        "Le fichier est inutilisable : {why}",
        "The file cannot be used: {why}",
    ),
    "report_rows": (
        "Lignes lues : {read} · appariées : {matched} · utilisables : {usable}",
        "Rows read: {read} · matched: {matched} · usable: {usable}",
    ),
    "report_no_problem": ("Aucun problème trouvé.", "No problems found."),
    "report_problems": (
        "Problèmes : {kinds} ({effects})",
        "Problems: {kinds} ({effects})",
    ),
    "report_more": ("… et {n} de plus", "… and {n} more"),
    "report_what_to_fix": ("À corriger :", "What to fix:"),
    "report_notes": ("Remarques :", "Notes:"),
    "report_nothing": (
        "Rien dans ce fichier n'est encore utilisable : corrigez-le et réessayez.",
        "Nothing in this file can be used yet: fix it and try again.",
    ),
    "report_column": ("colonne", "column"),
    "report_sev_row": ("lignes écartées", "rows left out"),
    "report_sev_cell": ("cellules ignorées", "cells ignored"),
    "report_sev_warning": ("avertissements (gardé)", "warnings (kept)"),
    "report_effect_row": ("ligne écartée", "row left out"),
    "report_effect_cell": ("cellule ignorée", "cell ignored"),
    "report_effect_warning": ("gardé", "kept"),
    "report_col_value": ("valeur", "value"),
    "report_col_problem": ("problème", "problem"),
    "report_col_effect": ("effet", "effect"),
    "report_col_message": ("message", "message"),
    "report_detail_format": ("format", "format"),
    "report_detail_level": ("niveau", "level"),
    "report_detail_code_column": ("colonne des codes", "code column"),
    "report_detail_value_columns": ("colonnes de valeurs", "value columns"),
    "report_detail_weight_column": ("colonne de pondération", "weight column"),
    "report_detail_territories_with_a_value": (
        "territoires ayant une valeur",
        "territories with a value",
    ),
    "report_detail_columns_used": ("colonnes utilisées", "columns used"),
    "report_detail_placed": ("placés", "placed"),
    "word_line": ("ligne", "line"),
    "word_row": ("ligne", "row"),
    "word_record": ("enregistrement", "record"),
    "word_feature": ("objet", "feature"),
    "prob_kind_unknown_code": ("code inconnu", "unknown code"),
    "prob_kind_missing_code": ("code manquant", "missing code"),
    "prob_kind_not_a_number": ("pas un nombre", "not a number"),
    "prob_kind_duplicate": ("doublon", "duplicate"),
    "prob_kind_out_of_range": ("hors limites", "out of range"),
    "prob_kind_bad_row": ("ligne mal découpée", "bad row"),
    "prob_kind_outside_France": ("hors de France", "outside France"),
    "prob_kind_no_name": ("sans nom", "no name"),
    "prob_kind_no_location": ("sans localisation", "no location"),
    "prob_kind_not_placed": ("non placé", "not placed"),
    "prob_kind_not_a_point": ("pas un point", "not a point"),
    "fix_unknown_code": (
        "utilisez les codes officiels d'aujourd'hui (COG 2026) : 5 caractères pour une commune (01001, 2A004, 97411), le SIREN à 9 chiffres pour un EPCI, 2 ou 3 caractères pour un département (01, 2A, 971), 2 chiffres pour une région. Les codes des communes fusionnées et des arrondissements de Paris, Lyon et Marseille sont convertis pour vous.",
        "use today's official codes (COG 2026): 5 characters for a commune (01001, 2A004, 97411), the 9-digit SIREN for an EPCI, 2 or 3 characters for a département (01, 2A, 971), 2 digits for a région. Codes of merged communes and of Paris, Lyon and Marseille arrondissements are mapped for you.",
    ),
    "fix_missing_code": (
        "remplissez la cellule du code ou supprimez la ligne.",
        "fill the code cell or delete the row.",
    ),
    "fix_not_a_number": (
        "n'écrivez que des nombres, avec une virgule ou un point décimal (12,5 ou 12.5), sans unité ni mot dans la cellule ; laissez la cellule vide (ou écrivez NA) quand la valeur est inconnue.",
        "write numbers only, with a decimal comma or point (12,5 or 12.5), no units or words in the cell; leave the cell empty (or write NA) when the value is unknown.",
    ),
    "fix_duplicate": (
        "gardez une ligne par territoire ; la première a été utilisée.",
        "keep one row per territory; the first one was used.",
    ),
    "fix_out_of_range": (
        "vérifiez le signe et l'unité : un comptage ou une part ne peut pas être négatif.",
        "check the sign and the unit: a count or a share cannot be negative.",
    ),
    "fix_bad_row": (
        "la ligne a plus de cellules que l'en-tête : une cellule contient sans doute le séparateur sans guillemets autour.",
        "the row has more cells than the header: a cell probably holds the separator without quotes around it.",
    ),
    "fix_outside_France": (
        "donnez la latitude et la longitude WGS84 en degrés décimaux (48.8566, 2.3522), en France (métropole ou outre-mer).",
        "give WGS84 latitude and longitude in decimal degrees (48.8566, 2.3522), inside France (mainland or overseas).",
    ),
    "fix_no_name": ("donnez un nom à chaque lieu.", "give every site a name."),
    "fix_no_location": (
        "donnez à chaque lieu des coordonnées (latitude, longitude), un code commune ou un code postal.",
        "give every site coordinates (latitude, longitude), a commune code or a postcode.",
    ),
    "fix_not_placed": (
        "vérifiez les coordonnées, ou ajoutez le code INSEE de la commune dans une colonne « code_insee ».",
        "check the coordinates, or add the commune's INSEE code in a 'code_insee' column.",
    ),
    "fix_not_a_point": (
        "exportez la couche en points (géométries GeoJSON « Point »).",
        "export the layer as points (GeoJSON 'Point' geometries).",
    ),
    "prob_bad_row": (
        "{cells} cellules, mais l'en-tête a {width} colonnes",
        "{cells} cells, but the header has {width} columns",
    ),
    "prob_missing_code": ("pas de code sur cette ligne", "no code in this row"),
    "prob_unknown_code": (
        "code {level} inconnu {code}.",
        "unknown {level} code {code}.",
    ),
    "prob_did_you_mean": (" Vouliez-vous dire : {codes} ?", " Did you mean: {codes}?"),
    "prob_named": (
        " Le nom {name} désigne : {codes}.",
        " The {level} named {name} is {codes}.",
    ),
    "prob_other_location": (
        " Placé grâce à son autre localisation.",
        " Placed by its other location.",
    ),
    "prob_duplicate": (
        "code {code} déjà présent ({word} {first}) ; cette ligne a été écartée",
        "code {code} already on {word} {first}; this row was left out",
    ),
    "prob_not_a_number": ("{value} n'est pas un nombre", "{value} is not a number"),
    "prob_negative": (
        "valeur négative {value} : impossible pour un comptage ou une part (gardée, écartée si l'unité choisie en est une)",
        "negative value {value}: impossible for a count or a share (kept, left out if the unit chosen is one)",
    ),
    "prob_huge": (
        "la valeur {value} est invraisemblablement grande pour un territoire",
        "value {value} is implausibly large for a territory",
    ),
    "prob_weight": (
        "la pondération doit être un nombre ≥ 0",
        "the weight must be a number ≥ 0",
    ),
    "prob_no_name": ("le lieu n'a pas de nom", "the site has no name"),
    "prob_empty_name": (
        "le nom est vide une fois nettoyé",
        "the name is empty once cleaned",
    ),
    "prob_no_location": (
        "ni coordonnées valides, ni code commune, ni code postal",
        "no valid coordinates, commune code or postcode",
    ),
    "prob_dropped": (
        " ; rien d'autre ne localise le lieu : ligne écartée",
        "; nothing else locates the site: row left out",
    ),
    "prob_not_a_coordinate": (
        "{value} n'est pas une coordonnée",
        "{value} is not a coordinate",
    ),
    "prob_not_a_pair": (
        "{value} n'est pas une paire « latitude, longitude »",
        "{value} is not a 'latitude, longitude' pair",
    ),
    "prob_outside_france": (
        "(latitude {lat}, longitude {lon}) est hors de France ; les coordonnées ont été ignorées",
        "(latitude {lat}, longitude {lon}) is outside France; the coordinates were ignored",
    ),
    "prob_not_placed_sea": (
        "non placé : le point n'est dans aucune commune française (mer, frontière ?)",
        "not placed in a commune: the point is in no French commune (sea, border?)",
    ),
    "prob_not_placed_shared": (
        "non placé : le code postal {postcode} est commun à {n} communes",
        "not placed in a commune: postcode {postcode} is shared by {n} communes",
    ),
    "prob_not_placed_unknown": (
        "non placé : le code postal {postcode} est inconnu",
        "not placed in a commune: postcode {postcode} is not known",
    ),
    "prob_not_placed_nothing": (
        "non placé : aucune localisation utilisable",
        "not placed in a commune: no usable location",
    ),
    "prob_not_geojson": (
        "la géométrie n'est pas un objet GeoJSON",
        "the geometry is not a GeoJSON object",
    ),
    "prob_not_point": (
        "la géométrie {kind} n'est pas un point",
        "geometry {kind} is not a point",
    ),
    "prob_no_lonlat": (
        "le point n'a pas de [longitude, latitude] valide",
        "the point has no valid [longitude, latitude]",
    ),
    "upload_renamed": (
        "Un indicateur importé s'appelle déjà « {name} » : celui-ci est gardé sous le nom « {new} », sans remplacer l'autre.",
        "An uploaded indicator is already called '{name}': this one is kept as '{new}', without replacing the other.",
    ),
    "upload_no_code_column": (
        "aucune colonne de codes de territoire trouvée (colonnes lues : {columns}). Une colonne de codes contient des codes officiels : 5 caractères pour une commune (29019, 2A004, 97411), le SIREN à 9 chiffres pour un EPCI, 2 ou 3 caractères pour un département (29, 2A, 971), 2 chiffres pour une région (53). Ajoutez-en une (appelée par exemple « code_insee »), ou choisissez-la dans « Colonne des codes » (--code-column en ligne de commande).",
        "no column of territory codes found (columns seen: {columns}). A code column holds official codes: 5 characters for a commune (29019, 2A004, 97411), the 9-digit SIREN for an EPCI, 2 or 3 characters for a département (29, 2A, 971), 2 digits for a région (53). Add one (named 'code_insee', for instance), or choose it as 'Code column' (--code-column on the command line).",
    ),
    "upload_no_code_column_level": (
        "aucune colonne de codes de niveau {level} trouvée (colonnes lues : {columns}). Une colonne de codes contient des codes officiels : 5 caractères pour une commune (29019, 2A004, 97411), le SIREN à 9 chiffres pour un EPCI, 2 ou 3 caractères pour un département (29, 2A, 971), 2 chiffres pour une région (53). Ajoutez-en une, vérifiez le niveau choisi, ou choisissez la colonne dans « Colonne des codes » (--code-column en ligne de commande).",
        "no column of {level} codes found (columns seen: {columns}). A code column holds official codes: 5 characters for a commune (29019, 2A004, 97411), the 9-digit SIREN for an EPCI, 2 or 3 characters for a département (29, 2A, 971), 2 digits for a région (53). Add one, check the level chosen, or choose the column as 'Code column' (--code-column on the command line).",
    ),
    "upload_no_value_column": (
        "aucune colonne de nombres en dehors des codes de {code} (colonnes lues : {columns}) : ajoutez une colonne de valeurs (des nombres, avec une virgule ou un point décimal).",
        "no column of numbers besides the codes in {code} (columns seen: {columns}): add a column of values (numbers, with a decimal comma or point).",
    ),
    "access_user_sites": (
        "Vos lieux importés comptent ici : {n} lieux de {files}. Retirez-les sur la page Vos données.",
        "Your uploaded sites count here: {n} sites from {files}. Remove them on the Your data page.",
    ),
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
    "map_options": ("Options de la carte", "Map options"),
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
    "kind_library": (
        "Bibliothèque offrant une aide numérique",
        "Library offering digital help",
    ),
    "kind_other": ("Autre lieu de médiation", "Other mediation place"),
    "kind_public_library": (
        "Bibliothèque publique (liste nationale, sans information de médiation)",
        "Public library (national list, no mediation information)",
    ),
    "kinds_counted_note": (
        "Comptent comme offre de médiation : France Services de la liste officielle de l'ANCT (2024-08-01), lieux des conseillers numériques, structures Aidants Connect actives, bibliothèques qu'une source de médiation recense et autres lieux de médiation. Les bibliothèques de la seule liste nationale n'y sont pas comptées par défaut : cochez « Bibliothèque publique » pour les ajouter. Un lieu qu'une autre source dit France Services sans figurer sur la liste officielle n'est pas compté comme France Services.",
        'Counted as mediation supply: France Services on ANCT\'s official list (2024-08-01), conseiller numérique places, active Aidants Connect structures, libraries that a mediation source lists, and other mediation places. Libraries found only on the national list are not counted by default: tick "Public library" to add them. A place that another source calls France Services but that is not on the official list does not count as France Services.',
    ),
    "withheld_coverage": (
        "Non montré : la source ne donne de valeur que pour des communes réunissant {share} de la population de ce territoire (seuil : {minimum}) ; un calcul sur elles seules ne serait pas la valeur du territoire. Un chiffre publié par le producteur pour le territoire entier le remplacerait.",
        "Not shown: the source gives a value only for communes holding {share} of this territory's population (threshold: {minimum}); a figure over them alone would not be the territory's value. A figure the producer publishes for the whole territory would fill it.",
    ),
    "plausibility_premises_per_inhabitant": (
        "Valeur de source douteuse : {name} compte {value} local par habitant dans le fichier ARCEP (plage plausible {low}–{high}). Les parts de locaux y sont à lire avec prudence.",
        "Doubtful source value: {name} has {value} premises per inhabitant in the ARCEP file (plausible range {low}–{high}). Read its premises shares with caution.",
    ),
    "plausibility_ineligible_share": (
        "Valeur de source douteuse : {name} compte {value} de locaux « inéligibles » dans le fichier ARCEP (plage plausible {low}–{high}) : des locaux sans réseau rattaché plutôt que sans accès.",
        'Doubtful source value: {name} has {value} of its premises "ineligible" in the ARCEP file (plausible range {low}–{high}): premises not matched to a network rather than without access.',
    ),
    "withheld_short": ("non montré", "not shown"),
    "withheld_on_map": (
        "Territoires hachurés faute de couverture suffisante : {n}. La source n'y donne de valeur que pour des communes réunissant moins de {minimum} de la population ; la valeur n'y est pas montrée.",
        "Territories hatched for lack of coverage: {n}. The source gives values only for communes holding less than {minimum} of their population there, so no value is shown.",
    ),
    "quality_details_download": (
        "Télécharger chaque ligne écartée, fusionnée ou non placée (CSV)",
        "Download every dropped, merged or unplaced row (CSV)",
    ),
    "quality_details_note": (
        "{n} lignes : chaque code non apparié, fusionné ou absent, chaque lieu écarté, fusionné, non placé ou dit France Services hors liste officielle, chaque site 4G hors commune. Aussi : `divide quality --details -o FICHIER`.",
        "{n} rows: every unmatched, merged or absent code, every dropped, merged, unplaced site or one called France Services off the official list, every 4G site outside a commune. Also: `divide quality --details -o FILE`.",
    ),
    "as_of": ("Données au {date}", "Data as of {date}"),
    "stale_badge": ("⚠ plus de {years} ans", "⚠ over {years} years old"),
    "stale_refresh": (
        "— pour actualiser : `divide download` puis `divide build`.",
        "— to refresh: `divide download` then `divide build`.",
    ),
    "stale_refresh_arcep": (
        "Ou déposez un fichier ARCEP plus récent dans « Vos données ».",
        'Or upload a newer ARCEP file on "Your data".',
    ),
    "site_claim_fs": (
        "dit France Services par {sources}, absent de la liste officielle",
        "labelled France Services by {sources}, not on the official list",
    ),
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
    "access_range": (
        "fourchette plausible : {low} – {high}",
        "plausible range: {low} – {high}",
    ),
    "access_within": (
        "Personnes en illectronisme à {r} km ou moins d'un lieu (modélisé)",
        "People in illectronisme within {r} km of a site (modelled)",
    ),
    "access_sites": (
        "Lieux comptés dans le territoire",
        "Counted sites in the territory",
    ),
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
        "Sans point représentatif, donc sans évaluation : {count}.",
        "Without a representative point, so not assessed: {count}.",
    ),
    "access_by_epci": (
        "Par EPCI : personnes en illectronisme par lieu et besoin non couvert",
        "By EPCI: people in illectronisme per site and unmet need",
    ),
    "access_export_csv": ("Télécharger (CSV)", "Download (CSV)"),
    "access_export_geojson": (
        "Télécharger (GeoJSON, points)",
        "Download (GeoJSON, points)",
    ),
    "access_map": ("Carte", "Map"),
    "access_layer": ("Couleur des communes", "Commune colours"),
    "access_layer_underserved": (
        "Communes sans lieu à portée",
        "Communes with no site in reach",
    ),
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
    "access_no_host": (
        "Aucune commune du territoire ne peut accueillir de lieu avec ces critères : abaissez la population minimale ou excluez moins de communes.",
        "No commune of the territory can host a site with these criteria: lower the minimum population or exclude fewer communes.",
    ),
    "access_k_clamped": (
        "K = {asked} sort des valeurs possibles ici (de 1 à {high}, le nombre de communes pouvant accueillir un lieu) : K = {k} est utilisé.",
        "K = {asked} is outside what is possible here (1 to {high}, the number of communes that can host a site): K = {k} is used.",
    ),
    "access_min_pop": (
        "Population minimale d'une commune d'accueil",
        "Minimum population of a host commune",
    ),
    "access_exclude": ("Communes à exclure", "Communes to exclude"),
    "access_before": ("Atteintes aujourd'hui (modélisé)", "Reached today (modelled)"),
    "access_all_covered": (
        "Toutes les personnes en illectronisme du territoire ont déjà un lieu compté à {r} km ou moins : aucun nouveau lieu n'en atteindrait davantage. Réduisez le rayon ou le choix des lieux comptés.",
        "Everyone in illectronisme here already has a counted site within {r} km: no new site would reach anyone more. Lower the radius or the kinds counted.",
    ),
    "access_col_rank": ("Rang", "Rank"),
    "access_col_code": ("Code", "Code"),
    "access_col_name": ("Nom", "Name"),
    "access_col_epci_name": ("EPCI", "EPCI"),
    "access_col_departement": ("Dép.", "Dép."),
    "access_col_communes": ("Communes", "Communes"),
    "access_col_population": ("Population", "Population"),
    "access_col_people_at_risk": (
        "En illectronisme (modélisé)",
        "In illectronisme (modelled)",
    ),
    "access_col_range": ("Taux modélisé (fourchette)", "Modelled rate (range)"),
    "access_col_distance_km": ("Lieu le plus proche (km)", "Nearest site (km)"),
    "access_col_marginal_gain": ("Personnes atteintes en plus", "People newly reached"),
    "access_col_cumulative_covered": ("Total atteint", "Total reached"),
    "access_col_communes_reached": (
        "Communes atteintes en plus",
        "Communes newly reached",
    ),
    "access_col_sites": ("Lieux", "Sites"),
    "access_col_people_at_risk_per_site": (
        "En illectronisme par lieu",
        "In illectronisme per site",
    ),
    "access_col_share_within": ("Part à portée (%)", "Share in reach (%)"),
    "access_col_mean_distance_km": ("Distance moyenne (km)", "Mean distance (km)"),
    "access_col_underserved_communes": ("Communes sans lieu", "Communes with no site"),
    "access_col_people_at_risk_underserved": (
        "Besoin non couvert (modélisé)",
        "Unmet need (modelled)",
    ),
    "access_col_kind": ("Type de lieu", "Kind of site"),
    "access_col_people_at_risk_within": ("À portée (modélisé)", "In reach (modelled)"),
    "access_kind_any": ("Tous types comptés", "Any counted kind"),
    # ACCESS-END
    # type of territory (issue 14) — commune attributes, filters, tables by type
    "type_title": ("Par type de territoire", "By type of territory"),
    "type_grid_density": ("Densité (grille à 7 niveaux)", "Density (7-level grid)"),
    "type_grid_density3": (
        "Densité (dense, intermédiaire, rural)",
        "Density (dense, intermediate, rural)",
    ),
    "type_grid_rurality": (
        "Typologie des ruralités (ANCT)",
        "Types of rural area (ANCT)",
    ),
    "type_grid_centrality": (
        "Centralité d'équipements et de services",
        "Centre of facilities and services",
    ),
    "type_grid_mountain": ("Massif de montagne", "Mountain massif"),
    "type_density_grands_centres_urbains": (
        "Grands centres urbains",
        "Large urban centres",
    ),
    "type_density_centres_urbains_intermediaires": (
        "Centres urbains intermédiaires",
        "Intermediate urban centres",
    ),
    "type_density_ceintures_urbaines": ("Ceintures urbaines", "Urban belts"),
    "type_density_petites_villes": ("Petites villes", "Small towns"),
    "type_density_bourgs_ruraux": ("Bourgs ruraux", "Rural towns"),
    "type_density_rural_disperse": (
        "Rural à habitat dispersé",
        "Rural, dispersed housing",
    ),
    "type_density_rural_tres_disperse": (
        "Rural à habitat très dispersé",
        "Rural, very dispersed housing",
    ),
    "type_density3_dense": ("Urbain dense", "Dense urban"),
    "type_density3_intermediate": ("Urbain intermédiaire", "Intermediate urban"),
    "type_density3_rural": ("Rural", "Rural"),
    "type_rurality_petites_polarites_mixtes": (
        "Petites polarités mixtes",
        "Small mixed hubs",
    ),
    "type_rurality_petites_polarites_industrielles": (
        "Petites polarités industrielles et artisanales",
        "Small industrial and craft hubs",
    ),
    "type_rurality_productives_agricoles": (
        "Ruralités productives agricoles",
        "Productive farming countryside",
    ),
    "type_rurality_productives_ouvrieres": (
        "Ruralités productives ouvrières",
        "Productive working-class countryside",
    ),
    "type_rurality_residentielles_aisees": (
        "Ruralités résidentielles aisées",
        "Well-off residential countryside",
    ),
    "type_rurality_residentielles_mixtes": (
        "Ruralités résidentielles mixtes",
        "Mixed residential countryside",
    ),
    "type_rurality_touristiques_specialisees": (
        "Ruralités touristiques spécialisées",
        "Specialised tourist countryside",
    ),
    "type_rurality_touristiques_residentielles": (
        "Ruralités touristiques à dominante résidentielle",
        "Tourist countryside, mostly residential",
    ),
    "type_rurality_hors_champ": (
        "Hors champ (outre-mer ou commune urbaine)",
        "Out of scope (overseas or urban commune)",
    ),
    "type_centrality_centre_majeur": ("Centre majeur", "Major centre"),
    "type_centrality_centre_structurant": ("Centre structurant", "Structuring centre"),
    "type_centrality_centre_intermediaire": (
        "Centre intermédiaire",
        "Intermediate centre",
    ),
    "type_centrality_centre_local": ("Centre local", "Local centre"),
    "type_centrality_non_centre": ("Commune non centre", "Not a centre"),
    "type_mountain_vosges": ("Massif des Vosges", "Vosges"),
    "type_mountain_jura": ("Massif du Jura", "Jura"),
    "type_mountain_alpes": ("Massif des Alpes", "Alps"),
    "type_mountain_guadeloupe": ("Massif de Guadeloupe", "Guadeloupe massif"),
    "type_mountain_corse": ("Massif de Corse", "Corsica massif"),
    "type_mountain_massif_central": ("Massif central", "Massif Central"),
    "type_mountain_martinique": ("Massif de Martinique", "Martinique massif"),
    "type_mountain_pyrenees": ("Massif des Pyrénées", "Pyrenees"),
    "type_mountain_hauts_reunion": (
        "Massif des Hauts de la Réunion",
        "Hauts de la Réunion",
    ),
    "type_none": ("Sans classe", "No class"),
    "type_none_mountain": ("Hors montagne", "Not a mountain commune"),
    "type_any": ("tous les massifs", "any massif"),
    "type_all": ("Ensemble", "All"),
    "type_communes": ("Communes", "Communes"),
    "type_population_share": ("Part de la population", "Share of the population"),
    "type_filters": ("Types de territoire", "Types of territory"),
    "type_filters_active": (
        "Types de territoire — filtres actifs : {n}",
        "Types of territory — active filters: {n}",
    ),
    "type_filters_help": (
        "Ne garder que les communes de ces types. Vide : toutes.",
        "Keep only the communes of these types. Empty: all of them.",
    ),
    "type_filter_note": (
        "Filtre par type : {what}. Seules ces communes sont gardées ; au-dessus de la commune, chaque valeur est recalculée sur elles seules (Σ numérateur / Σ dénominateur), et un territoire qui n'en compte aucune est écarté.",
        "Filter by type: {what}. Only these communes are kept; above commune level, each value is recomputed over them alone (Σ numerator / Σ denominator), and a territory with none of them is left out.",
    ),
    "type_filter_empty": (
        "Aucune commune de ces types ici : élargissez le filtre par type.",
        "No commune of these types here: widen the filter by type.",
    ),
    "type_filter_outside": (
        "{name} n'est pas parmi les types choisis et n'apparaît donc pas dans le classement.",
        "{name} is not among the chosen types: it is not in the ranking.",
    ),
    "type_filter_uploads": (
        "Vos indicateurs importés ne peuvent pas être recalculés sur une partie des communes : au-dessus de la commune, ils sont vides sous un filtre par type.",
        "Your uploaded indicators cannot be recomputed over part of the communes: above commune level they are empty under a filter by type.",
    ),
    "type_grid_pick": ("Classer selon", "Classes from"),
    "type_chart_indicator": ("Indicateur du graphique", "Indicator charted"),
    "type_table_note": (
        "Chaque valeur est calculée sur les communes de la classe : Σ numérateur / Σ dénominateur (jamais une moyenne de taux) ; les comptages sont additionnés. Regroupement INSEE de la grille de densité : urbain dense = grands centres urbains + centres urbains intermédiaires ; urbain intermédiaire = ceintures urbaines + petites villes ; rural = bourgs ruraux + rural à habitat dispersé ou très dispersé. Comme partout dans l'atlas, une valeur n'est montrée que si les communes où la source en donne une réunissent au moins 80 % de la population de la classe (sinon : « non montré »).",
        "Each value is computed over the communes of the class: Σ numerator / Σ denominator (never a mean of rates); counts are summed. INSEE's grouping of the density grid: dense urban = large and intermediate urban centres; intermediate urban = urban belts and small towns; rural = rural towns and rural with dispersed or very dispersed housing. As everywhere in the atlas, a value is shown only when the communes where the source gives one hold at least 80 % of the class's population (otherwise: “withheld”).",
    ),
    "type_table_commune": (
        "{name} est une commune « {cls} » ; le tableau montre les communes de son département, {dep}.",
        "{name} is a “{cls}” commune; the table shows the communes of its département, {dep}.",
    ),
    "type_source": (
        "Types de territoire : {source}",
        "Types of territory: {source}",
    ),
    "type_empty_cell": ("vide", "empty"),
    "type_withheld": ("non montré ({share} couverts)", "withheld ({share} covered)"),
    "type_grouping": (
        "regroupement INSEE de la densité",
        "INSEE's grouping of density",
    ),
    # TYPOLOGY-END
    # audacities / presenter
    "story_title_progress": (
        "La fibre avance : le déploiement dans le temps",
        "Fibre moves on: deployment over time",
    ),
    "story_progress_detail": (
        "Contre {start} au {date}. La fibre seule : une autre mesure que le très haut débit de la diapositive 1.",
        "Against {start} on {date}. Fibre only: a different measure from slide 1's very high speed.",
    ),
    "story_title_broadband": (
        "Internet fixe : le très haut débit",
        "Fixed broadband: very high speed",
    ),
    "story_title_mobile": (
        "Mobile : à quelle distance de la 4G ?",
        "Mobile: how far from 4G?",
    ),
    "story_title_illectronisme": (
        "L'illectronisme, une estimation modélisée",
        "Illectronisme, a modelled estimate",
    ),
    "story_title_mediation": (
        "L'accès à la médiation numérique",
        "Access to digital mediation",
    ),
    "story_title_fragility": (
        "Fragilité : réseaux ou compétences ?",
        "Fragility: networks or skills?",
    ),
    "story_title_actions": ("Que faire ?", "What to do?"),
    "story_model_source": (
        "modèle divide (méthode sur la page Médiation)",
        "divide model (method on the Mediation page)",
    ),
    "story_worst": (
        "Département le plus en retard : {name}",
        "Worst-off département: {name}",
    ),
    "story_best": (
        "Département le mieux placé : {name}",
        "Best-off département: {name}",
    ),
    "story_map_france": ("départements de métropole", "mainland départements"),
    "story_map_scope": ("{levels} — {name}", "{levels} — {name}"),
    "story_fallback": (
        "Aucune règle de ce thème ne se déclenche pour {name} : voici la recommandation générale du thème.",
        "No rule on this theme fires for {name}: here is the theme's general recommendation.",
    ),
    "story_fallback_france": (
        "Les règles s'évaluent pour une région, un département, un EPCI ou une commune, et aucune de ce thème ne se déclenche dans un département : voici la recommandation générale du thème.",
        "Rules are matched for a région, département, EPCI or commune, and none on this theme fires in any département: here is the theme's general recommendation.",
    ),
    "story_france_reason": (
        "« {rule} » se déclenche dans {n} départements sur {total} (les plus concernés : {examples}).",
        "“{rule}” fires in {n} of {total} départements (most affected: {examples}).",
    ),
    "story_premises_no_thd": (
        "{n} locaux sans accès à 30 Mbit/s ou plus",
        "{n} premises without 30 Mbit/s or more",
    ),
    "story_sites_4g": ("{n} sites d'antennes 4G.", "{n} 4G antenna sites."),
    "story_people_at_risk": (
        "{n} personnes de 15 ans et plus concernées",
        "{n} people aged 15+ affected",
    ),
    "story_range": (
        "fourchette plausible {low} – {high}",
        "plausible range {low} – {high}",
    ),
    "story_sites": ("{n} lieux de médiation recensés", "{n} mediation sites recorded"),
    "story_infra": ("Réseaux", "Networks"),
    "story_skills": ("Compétences et accès à l'aide", "Skills and access to help"),
    "story_frag_label": (
        "Indice de fragilité numérique (0–100, plus haut = plus fragile)",
        "Digital fragility index (0–100, higher = more fragile)",
    ),
    "story_frag_title": (
        "Sous-indices réseaux et compétences (chaque territoire comparé à ceux de son échelle)",
        "Network and skills sub-scores (each territory against those of its level)",
    ),
    "story_frag_axis": (
        "Score (0–100, plus haut = plus fragile)",
        "Score (0–100, higher = more fragile)",
    ),
    "story_frag_method": (
        "Indice ouvert : couverture très haut débit, distance à la 4G, part des 65 ans et plus, part de peu diplômés, pauvreté et illectronisme modélisé, en centiles, à poids égaux.",
        "Open index: very-high-speed coverage, distance to 4G, share aged 65+, share with few qualifications, poverty and modelled illectronisme, as percentiles, equal weights.",
    ),
    "story_frag_france_label": (
        "départements où le retard de compétences et d'accès à l'aide pèse plus que celui des réseaux",
        "départements where the gap in skills and access to help outweighs the network gap",
    ),
    "story_frag_france_title": (
        "Ce que demande chaque département d'abord",
        "What each département calls for first",
    ),
    "story_frag_france_reason": (
        "Les deux fronts comptent : {deployment} départements appellent d'abord des réseaux, {mediation} d'abord de la médiation, {both} les deux.",
        "Both fronts matter: {deployment} départements call first for networks, {mediation} first for mediation, {both} for both.",
    ),
    "story_calls_deployment": ("D'abord les réseaux", "Networks first"),
    "story_calls_mediation": ("D'abord la médiation", "Mediation first"),
    "story_calls_both": ("Les deux", "Both"),
    "story_verdict_deployment": (
        "Le retard tient d'abord aux réseaux : déploiement.",
        "The gap is mostly about networks: deployment.",
    ),
    "story_verdict_mediation": (
        "Le retard tient d'abord aux compétences et à l'accès à l'aide : médiation.",
        "The gap is mostly about skills and access to help: mediation.",
    ),
    "story_verdict_both": (
        "Réseaux et compétences pèsent autant : agir sur les deux.",
        "Networks and skills weigh the same: act on both.",
    ),
    "story_rank": ("Rang", "Rank"),
    "story_rank_of": ("{rank} sur {n} {levels}", "{rank} of {n} {levels}"),
    "story_actions_label": (
        "signaux déclenchés parmi les règles applicables",
        "signals triggered among the applicable rules",
    ),
    "story_actions_detail": (
        "Chaque règle compare un indicateur à un seuil, à un centile national ou au territoire parent.",
        "Each rule sets an indicator against a threshold, a national percentile or the parent territory.",
    ),
    "story_actions_title": (
        "Les signaux pour {name} — en rouge, les règles déclenchées",
        "Signals for {name} — in red, the rules triggered",
    ),
    "story_actions_axis": (
        "Centile national (100 = le plus défavorable)",
        "National percentile (100 = worst)",
    ),
    "story_fired": ("déclenché", "triggered"),
    "story_selected_by": ("Appelée par : {rules}.", "Called for by: {rules}."),
    "story_actions_source": (
        "Règles et recommandations d'après {pfvt}.",
        "Rules and recommendations after {pfvt}.",
    ),
    "story_actions_france_label": (
        "départements appellent « {title} »",
        "départements call for “{title}”",
    ),
    "story_actions_france_detail": (
        "Nombre de départements où au moins une règle choisit chaque recommandation.",
        "Number of départements where at least one rule selects each recommendation.",
    ),
    "story_actions_france_title": (
        "Recommandations : dans combien de départements ?",
        "Recommendations: in how many départements?",
    ),
    "story_actions_france_reason": (
        "Appelée dans {n} départements sur {total}.",
        "Called for in {n} of {total} départements.",
    ),
    "pres_prev": ("Précédente", "Previous"),
    "pres_next": ("Suivante", "Next"),
    "pres_auto": ("Défilement automatique", "Auto-advance"),
    "pres_seconds": ("Durée par diapositive", "Time per slide"),
    "pres_every": ("toutes les {s} s", "every {s} s"),
    "pres_calls_for": ("Ce que cela appelle", "What it calls for"),
    "pres_initiatives": ("Exemples :", "Examples:"),
    "aud_title": (
        "Grille Audacities : qui bouscule la ville ?",
        "Audacities grid: who unsettles the city?",
    ),
    "aud_intro": (
        "Notez un ou plusieurs acteurs ou services numériques (plateforme, application, opérateur) de 0 (pas du tout) à 5 (très fortement) sur six critères. La lecture dit s'il s'agit plutôt d'un risque, d'une tension ou d'une opportunité pour la collectivité, et ce qu'elle peut faire. C'est une grille d'auto-évaluation à discuter, pas un verdict.",
        "Rate one or several digital actors or services (a platform, an app, an operator) from 0 (not at all) to 5 (very strongly) on six criteria. The reading says whether each is rather a risk, a tension or an opportunity for the local authority, and what it can do. It is a self-assessment grid to argue about, not a verdict.",
    ),
    "aud_source": ("Critères et lectures d'après", "Criteria and readings after"),
    "aud_licence": ("texte de la licence", "licence text"),
    "aud_rate": ("Noter un acteur", "Rate an actor"),
    "aud_name": ("Nom de l'acteur ou du service", "Name of the actor or service"),
    "aud_add": ("Ajouter l'acteur", "Add actor"),
    "aud_added": ("{name} ajouté.", "{name} added."),
    "aud_updated": ("{name} : notes mises à jour.", "{name}: ratings updated."),
    "aud_compare": ("Comparer les acteurs", "Compare the actors"),
    "aud_empty": (
        "Aucun acteur noté pour l'instant : donnez un nom, réglez les six curseurs, puis « Ajouter l'acteur ». Ou importez un fichier plus bas.",
        "No actor rated yet: give a name, set the six sliders, then “Add actor”. Or import a file below.",
    ),
    "aud_remove": ("Retirer", "Remove"),
    "aud_scores": (
        "Intensité {intensity} % · pression sur le contrôle {pressure}/5.",
        "Intensity {intensity} % · control pressure {pressure}/5.",
    ),
    "aud_drivers": (
        "Critères les plus forts : {drivers}.",
        "Strongest criteria: {drivers}.",
    ),
    "aud_actions": (
        "Ce que la collectivité peut faire",
        "What the local authority can do",
    ),
    "aud_formats_roles": (
        "Mises en débat adaptées : {formats}. Rôles de l'individu à renforcer : {roles}.",
        "Suitable ways to debate it: {formats}. Roles of the individual to strengthen: {roles}.",
    ),
    "aud_debate": (
        "Mettre l'innovation en débat, et les rôles de l'individu",
        "Putting innovation up for debate, and the roles of the individual",
    ),
    "aud_debate_formats": (
        "Quatre façons de mettre l'innovation en débat public",
        "Four ways to put innovation up for public debate",
    ),
    "aud_roles": (
        "Les rôles de l'individu dans la ville numérique",
        "The roles of the individual in the digital city",
    ),
    "aud_rule": (
        "Règle de lecture (la nôtre, explicite pour être discutée)",
        "Reading rule (ours, explicit so it can be argued with)",
    ),
    "aud_files": ("Enregistrer ou reprendre des notes", "Save or reload ratings"),
    "aud_download_json": ("Télécharger (JSON)", "Download (JSON)"),
    "aud_download_csv": ("Télécharger (CSV)", "Download (CSV)"),
    "aud_upload": ("Importer des notes (JSON ou CSV)", "Import ratings (JSON or CSV)"),
    "aud_upload_help": (
        "Un fichier exporté ici, ou un CSV avec une colonne name et une colonne par critère (0 à 5). Un acteur du même nom remplace celui déjà noté.",
        "A file exported here, or a CSV with a name column and one column per criterion (0 to 5). An actor with the same name replaces the one already rated.",
    ),
    "aud_import_error": (
        "Fichier non importé, les notes en cours sont conservées",
        "File not imported, the current ratings are kept",
    ),
    "aud_imported": ("{count}.", "{count}."),
    "aud_not_text": (
        "le fichier n'est pas un texte UTF-8 (JSON ou CSV attendu)",
        "the file is not UTF-8 text (JSON or CSV expected)",
    ),
    # AUDACITIES-PRESENTER-END
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
        "Hors du graphique faute de donnée : {count}.",
        "Not drawn, for want of data: {count}.",
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
        "Plus de {n} lieux : la liste complète est dans la page « Données et export ».",
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
    # fragility / recommendations
    "frag_title": ("Indice de fragilité numérique", "Digital fragility index"),
    "frag_intro": (
        "Un indice composite, construit à partir des indicateurs que vous choisissez : chaque indicateur est ramené à un score de 0 à 100 (100 = le plus fragile) par rapport aux territoires de référence, puis les scores sont moyennés avec vos poids. Chaque étape est affichée. Ce n'est pas une mesure officielle ; l'illectronisme qui y entre par défaut est une estimation modélisée.",
        "A composite index built from the indicators you choose: each indicator becomes a 0–100 score (100 = most fragile) against the reference territories, then the scores are averaged with your weights. Every step is shown. It is not an official measure; the illectronisme it includes by default is a modelled estimate.",
    ),
    "frag_components": ("Composantes", "Components"),
    "frag_weights": ("Poids des composantes (0 à 5)", "Component weights (0 to 5)"),
    "frag_weights_note": (
        "Les poids sont divisés par leur somme. Ils ne sont pas gardés dans le lien de la page.",
        "Weights are divided by their sum. They are not kept in the page link.",
    ),
    "frag_norm": ("Normalisation", "Normalisation"),
    "frag_norm_percentile": ("Centiles", "Percentiles"),
    "frag_norm_minmax": ("Min–max", "Min–max"),
    "frag_norm_zscore": (
        "Score z (50 ± 10 par écart-type)",
        "z-score (50 ± 10 per std)",
    ),
    "frag_ref": ("Référence", "Reference"),
    "frag_ref_france": ("France entière", "All of France"),
    "frag_ref_region": (
        "Région du territoire ({name})",
        "The territory's région ({name})",
    ),
    "frag_ref_france_forced": (
        "Référence France à cette échelle : les régions se comparent à toute la France, et une région de moins de deux territoires de cette échelle ne peut pas servir d'échelle.",
        "Reference France at this level: régions are compared with all of France, and a région with fewer than two territories of this level cannot set a scale.",
    ),
    "frag_no_components": (
        "Choisissez au moins une composante.",
        "Choose at least one component.",
    ),
    "frag_map": ("Carte de l'indice", "Map of the index"),
    "frag_score": ("Indice de fragilité (0–100)", "Fragility index (0–100)"),
    "frag_map_note": (
        "Classes de couleur : quantiles. Plus foncé = plus fragile selon vos réglages.",
        "Colour classes: quantiles. Darker = more fragile with your settings.",
    ),
    "frag_pick": (
        "Choisissez un territoire dans la barre latérale pour voir son score, ses sous-scores et la part de chaque composante.",
        "Pick a territory in the sidebar to see its score, its sub-scores and each component's share.",
    ),
    "frag_rank": ("Rang {rank} sur {n} {plural}.", "Rank {rank} of {n} {plural}."),
    "frag_infra": ("Sous-score infrastructures", "Infrastructure sub-score"),
    "frag_skills": ("Sous-score compétences et social", "Skills and social sub-score"),
    "frag_calls_for": ("Ce qu'il appelle", "What it calls for"),
    "frag_calls_deployment": ("Déploiement", "Deployment"),
    "frag_calls_mediation": ("Médiation", "Mediation"),
    "frag_calls_both": ("Les deux", "Both"),
    "frag_calls_none": ("Non déterminé", "Undetermined"),
    "frag_calls_help_deployment": (
        "Le retard tient surtout aux réseaux : les leviers sont le déploiement du très haut débit et de la 4G (plan France Très Haut Débit, New Deal mobile).",
        "The gap is mostly about networks: the levers are rolling out very-high-speed broadband and 4G (France Très Haut Débit plan, mobile New Deal).",
    ),
    "frag_calls_help_mediation": (
        "Le retard tient surtout aux usages : âge, diplôme, revenus, distance aux lieux d'aide. Les leviers sont la médiation numérique (conseillers numériques, France Services, Pass numérique, lieux et bus de médiation).",
        "The gap is mostly about use: age, diploma, income, distance to help. The levers are digital mediation (conseillers numériques, France Services, Pass numérique, mediation sites and buses).",
    ),
    "frag_calls_help_both": (
        "Les deux sous-scores sont à moins de {margin} points l'un de l'autre : il faut agir à la fois sur les réseaux et sur la médiation.",
        "The two sub-scores are within {margin} points of each other: act on networks and on mediation at once.",
    ),
    "frag_calls_help_none": (
        "Aucune composante n'a de valeur ici.",
        "No component has a value here.",
    ),
    "frag_calls_note": (
        "Ce qu'il appelle dit quel type d'action domine l'écart, pas son ampleur : lisez-le avec le score.",
        "What it calls for tells which kind of action dominates the gap, not how large the gap is: read it with the score.",
    ),
    "frag_contrib": (
        "Contribution de chaque composante (poids × score)",
        "Each component's contribution (weight × score)",
    ),
    "frag_total": ("Indice", "Index"),
    "frag_components_table": (
        "Valeurs brutes, centiles et scores",
        "Raw values, percentiles and scores",
    ),
    "frag_col_component": ("Composante", "Component"),
    "frag_col_value": ("Valeur brute", "Raw value"),
    "frag_col_percentile": (
        "Centile (100 = le plus fragile)",
        "Percentile (100 = most fragile)",
    ),
    "frag_col_score": ("Score 0–100", "Score 0–100"),
    "frag_col_weight": ("Poids utilisé", "Weight used"),
    "frag_col_contribution": ("Contribution", "Contribution"),
    "frag_col_infra": ("Infrastructures", "Infrastructure"),
    "frag_col_skills": ("Compétences et social", "Skills and social"),
    "frag_col_used": ("Composantes disponibles", "Components available"),
    "frag_missing": (
        "Sans données ici (leur poids passe aux autres composantes) : {what}.",
        "No data here (their weight goes to the other components): {what}.",
    ),
    "frag_movers": (
        "Ce que changent vos réglages : les plus gros déplacements",
        "What your settings change: the biggest movers",
    ),
    "frag_movers_note": (
        "Par rapport à l'indice par défaut (six composantes à poids égaux), même normalisation et même référence. Rangs parmi les territoires affichés ; un déplacement positif = plus fragile avec vos réglages.",
        "Against the default index (six components, equal weights), same normalisation and reference. Ranks among the territories shown; a positive move = more fragile with your settings.",
    ),
    "frag_movers_none": (
        "Vous êtes sur l'indice par défaut : changez un poids ou une composante pour voir les rangs bouger.",
        "This is the default index: change a weight or a component to see ranks move.",
    ),
    "frag_col_rank_before": ("Rang par défaut", "Default rank"),
    "frag_col_rank_after": ("Rang avec vos réglages", "Rank with your settings"),
    "frag_col_rank_change": ("Déplacement", "Move"),
    "frag_col_score_before": ("Indice par défaut", "Default index"),
    "frag_table": ("Tableau de l'indice", "Index table"),
    "frag_table_note": (
        "{n} {plural}, du plus fragile au moins fragile. Le CSV contient aussi, pour chaque composante, la valeur brute, le score et le poids.",
        "{n} {plural}, most fragile first. The CSV also holds each component's raw value, score and weight.",
    ),
    "frag_download": (
        "Télécharger le tableau de l'indice (CSV)",
        "Download the index table (CSV)",
    ),
    "frag_ifn": ("Comparaison avec l'IFN de MedNum", "Comparison with MedNum's IFN"),
    "frag_ifn_result": (
        "Corrélation de rang de Spearman entre cet indice et l'indice de fragilité numérique (IFN) de MedNum : ρ = {rho} (n = {n} {plural}, p = {p}).",
        "Spearman rank correlation between this index and MedNum's digital fragility index (IFN): ρ = {rho} (n = {n} {plural}, p = {p}).",
    ),
    "frag_ifn_caution": (
        "À lire avec prudence : l'IFN est calculé relativement à chaque région (100 = la région), sur des données plus anciennes et avec une normalisation non publiée. Un bon accord ne valide ni l'un ni l'autre ; un désaccord peut venir de ces choix de méthode.",
        "Read with care: the IFN is computed relative to each région (100 = the région), on older data and with an unpublished normalisation. Agreement validates neither index; disagreement can come from these method choices.",
    ),
    "frag_ifn_unavailable": (
        "Corrélation non calculable : {error}",
        "No correlation: {error}",
    ),
    "frag_sources": (
        "Composantes : sources et millésimes",
        "Components: sources and vintages",
    ),
    # recommendations
    "reco_title": ("Recommandations et initiatives", "Recommendations and initiatives"),
    "reco_intro": (
        "Les huit recommandations de la synthèse PFVT « Transition numérique et inclusive » (2020), résumées avec nos mots, et les projets et dispositifs qui les mettent en œuvre. En haut : ce qui s'applique au territoire choisi.",
        "The eight recommendations of the PFVT synthesis “Transition numérique et inclusive” (2020), summarised in our own words, with the projects and schemes that put them into practice. At the top: what applies to the chosen territory.",
    ),
    "reco_theme": ("Thème", "Theme"),
    "reco_country": ("Pays des initiatives", "Initiatives' country"),
    "reco_kind": ("Type d'initiative", "Kind of initiative"),
    "reco_level": ("Échelle de « où elle s'applique »", "Level for “where it applies”"),
    "reco_filter_note": (
        "Le thème filtre tout ; le pays et le type filtrent les initiatives.",
        "The theme filters everything; country and kind filter the initiatives.",
    ),
    "reco_kind_project": ("Projet", "Project"),
    "reco_kind_tool": ("Outil", "Tool"),
    "reco_kind_programme": ("Programme", "Programme"),
    "reco_kind_network": ("Réseau", "Network"),
    "reco_kind_publication": ("Publication", "Publication"),
    "reco_recommendations": ("Les recommandations ({n})", "The recommendations ({n})"),
    "reco_none": (
        "Aucune recommandation pour ce thème.",
        "No recommendation for this theme.",
    ),
    "reco_informed_by": ("Indicateurs qui la renseignent", "Indicators that inform it"),
    "reco_where": ("Où elle s'applique le plus", "Where it applies most"),
    "reco_fires_n": (
        "Déclenchée dans {n} {plural} sur {total}.",
        "Fires in {n} of {total} {plural}.",
    ),
    "reco_fires_none": (
        "Aucune règle ne la déclenche à cette échelle.",
        "No rule selects it at this level.",
    ),
    "reco_col_rules": ("Règles déclenchées", "Rules that fired"),
    "reco_col_strength": ("Intensité (0–100)", "Strength (0–100)"),
    "reco_strength": ("Intensité", "Strength"),
    "reco_strength_note": (
        "Intensité : centile moyen (100 = le plus défavorable) des indicateurs de la règle déclenchée la plus forte, parmi les territoires de même échelle.",
        "Strength: mean percentile (100 = worst) of the indicators of the strongest rule that fired, among territories of the same level.",
    ),
    "reco_show_map": ("Carte par département", "Map by département"),
    "reco_map_nodata": (
        "Non déclenchée ou pas de données",
        "Does not fire, or no data",
    ),
    "reco_initiatives": (
        "Initiatives et dispositifs ({n})",
        "Initiatives and schemes ({n})",
    ),
    "reco_no_initiative": (
        "Aucune initiative ne correspond à ces filtres.",
        "No initiative matches these filters.",
    ),
    "reco_link": ("Site", "Website"),
    "reco_serves": ("Recommandations : {what}", "Recommendations: {what}"),
    "reco_controversies": ("Controverses ({n})", "Controversies ({n})"),
    "reco_qualifies": ("En tension avec : {what}", "Puts under tension: {what}"),
    # what applies here
    "applies_title": ("Ce qui s'applique ici", "What applies here"),
    "applies_pick": (
        "Choisissez un territoire (commune, EPCI, département ou région) pour voir les règles qui s'y déclenchent.",
        "Pick a territory (commune, EPCI, département or région) to see the rules that fire there.",
    ),
    "applies_fired": ("Constats ({n})", "Findings ({n})"),
    "applies_none": (
        "Aucune règle ne se déclenche ici : aucun indicateur ne dépasse les seuils retenus.",
        "No rule fires here: no indicator crosses the chosen thresholds.",
    ),
    "applies_recs": (
        "Recommandations qu'ils appellent",
        "Recommendations they call for",
    ),
    "applies_inits": ("Initiatives et dispositifs", "Initiatives and schemes"),
    "applies_no_data": (
        "Non évaluées faute de données : {what}.",
        "Not evaluated for lack of data: {what}.",
    ),
    "applies_note": (
        "Les règles comparent les indicateurs du territoire à des seuils, à sa région ou aux territoires de même échelle. L'illectronisme et les personnes à risque sont modélisés : des estimations, pas des mesures. Recommandations : {source}.",
        "Rules compare the territory's indicators with thresholds, its région or territories of the same level. Illectronisme and people at risk are modelled: estimates, not measurements. Recommendations: {source}.",
    ),
    # FRAGILITY-RECO-END
    # export
    "export_title": ("Données et export", "Data & export"),
    "export_intro": (
        "Choisissez l'échelle, le périmètre, les indicateurs et des plages de valeurs : l'aperçu montre exactement les lignes exportées, avec leurs sources et millésimes.",
        "Choose the level, the scope, the indicators and value ranges: the preview shows exactly the rows that are exported, with their sources and vintages.",
    ),
    "export_level": ("Une ligne par", "One row per"),
    "export_scope": ("Périmètre", "Scope"),
    "export_scope_all": ("France entière", "All of France"),
    "export_scope_territory": ("{name} ({level} {code})", "{name} ({level} {code})"),
    "export_scope_commune": (
        "Une commune est choisie : le périmètre proposé est son département.",
        "A commune is chosen: the scope offered is its département.",
    ),
    "export_scope_coarser": (
        "Le territoire choisi ne contient pas de {levels} : export sur toute la France.",
        "The chosen territory holds no {levels}: export over all of France.",
    ),
    "export_indicators": ("Indicateurs (colonnes)", "Indicators (columns)"),
    "export_no_indicator": (
        "Aucun indicateur choisi : l'export ne contiendra que les codes et les noms.",
        "No indicator chosen: the export will hold codes and names only.",
    ),
    "export_filter_pick": (
        "Indicateurs à filtrer (3 au plus)",
        "Indicators to filter on (up to 3)",
    ),
    "export_preview": (
        "Aperçu : {n} lignes, {k} indicateurs",
        "Preview: {n} rows, {k} indicators",
    ),
    "export_preview_note": (
        "Les parts sont affichées en %, et exportées en fractions (0–1) ; les codes sont exportés comme du texte (« 01001 », « 2A004 »).",
        "Shares are shown as % and exported as fractions (0–1); codes are exported as text (“01001”, “2A004”).",
    ),
    "export_empty": (
        "Aucune ligne ne correspond : élargissez les filtres.",
        "No row matches: widen the filters.",
    ),
    "export_download": ("Télécharger", "Download"),
    "export_fmt_csv": (
        "CSV + dictionnaire (zip, ~{size})",
        "CSV + dictionary (zip, ~{size})",
    ),
    "export_fmt_geojson": ("GeoJSON (~{size})", "GeoJSON (~{size})"),
    "export_fmt_gpkg": ("GeoPackage (~{size})", "GeoPackage (~{size})"),
    "export_fmt_parquet": ("GeoParquet (~{size})", "GeoParquet (~{size})"),
    "export_csv_why": (
        "Le CSV (UTF-8, en-tête d'identifiants) est livré dans un zip avec son dictionnaire (libellés, unités, sources, millésimes, licence), pour que les deux ne se séparent pas. Les fichiers géographiques (EPSG:4326) embarquent ce dictionnaire. Chaque fichier est fabriqué au moment du clic.",
        "The CSV (UTF-8, header of ids) comes in a zip with its dictionary (labels, units, sources, vintages, licence), so the two never part. Geographic files (EPSG:4326) carry that dictionary inside. Each file is built when you click.",
    ),
    "export_simplified": (
        "Contours simplifiés (ceux de la carte, plus légers)",
        "Simplified outlines (the map's, lighter)",
    ),
    "export_large": (
        "Fichier volumineux : environ {size} en {fmt}. Réduisez le périmètre, choisissez les contours simplifiés ou le CSV.",
        "Large file: about {size} as {fmt}. Narrow the scope, choose simplified outlines, or the CSV.",
    ),
    "export_dictionary": ("Dictionnaire des données", "Data dictionary"),
    "export_dictionary_note": (
        "Valeur = échelle × Σ numérateur / Σ dénominateur sur les communes du territoire (un comptage n'a pas de dénominateur).",
        "Value = scale × Σ numerator / Σ denominator over the territory's communes (a count has no denominator).",
    ),
    "export_sources": (
        "Sources : producteur, millésime, licence",
        "Sources: producer, vintage, licence",
    ),
    "export_link": ("site officiel", "official page"),
    "export_quality": ("Rapport de qualité des données", "Data-quality report"),
    "export_quality_note": (
        "Par source : lignes lues, appariées à une commune du COG 2026, anciens codes fusionnés dans une commune nouvelle, non appariées. Pour les lieux de médiation : lieux placés dans une commune après dédoublonnage.",
        "Per source: rows read, matched to a COG 2026 commune, old codes merged into a commune nouvelle, unmatched. For mediation sites: sites placed in a commune after de-duplication.",
    ),
    "export_unmatched": (
        "Codes et identifiants non appariés",
        "Unmatched codes and ids",
    ),
    "export_communes_without_polygon": (
        "Communes sans contour",
        "Communes without an outline",
    ),
    "export_communes_without_epci": ("Communes sans EPCI", "Communes without an EPCI"),
    "export_dir_higher_worse": ("plus haut = pire", "higher is worse"),
    "export_dir_lower_worse": ("plus bas = pire", "lower is worse"),
    "export_dir_neutral": ("neutre", "neutral"),
    "export_col_id": ("Identifiant", "Id"),
    "export_col_label": ("Libellé", "Label"),
    "export_col_unit": ("Unité", "Unit"),
    "export_col_direction": ("Sens", "Direction"),
    "export_col_numerator": ("Numérateur", "Numerator"),
    "export_col_denominator": ("Dénominateur", "Denominator"),
    "export_col_sources": ("Sources", "Sources"),
    "export_col_vintage": ("Millésime", "Vintage"),
    "export_col_modelled": ("Modélisé", "Modelled"),
    "export_col_producer": ("Producteur", "Producer"),
    "export_col_title": ("Titre", "Title"),
    "export_col_licence": ("Licence", "Licence"),
    "export_col_url": ("Lien", "Link"),
    "export_col_source": ("Source", "Source"),
    "export_col_rows_read": ("Lignes lues", "Rows read"),
    "export_col_matched": ("Appariées", "Matched"),
    "export_col_merged": ("Fusionnées", "Merged"),
    "export_col_unmatched": ("Non appariées", "Unmatched"),
    "export_col_match_rate": ("Taux d'appariement", "Match rate"),
    "export_col_notes": ("Détails", "Details"),
    # EXPORT-END
    # issue 14: newer mediation sources (Aidants Connect, conseiller posts, use)
    "kind_aidants_connect": (
        "Structure Aidants Connect (active)",
        "Aidants Connect structure (active)",
    ),
    "aidants_inactive_note": (
        "Structures Aidants Connect : seules les actives (Is Active = true) sont comptées et montrées ; {n} inactives sont écartées (liste du 2024-02-12).",
        "Aidants Connect structures: only active ones (Is Active = true) are counted and shown; {n} inactive ones are left out (list of 2024-02-12).",
    ),
    "use_heading": ("Usage de la médiation", "Use of mediation"),
    "use_caption": (
        "Personnes accompagnées par les conseillers numériques (comptes rendus d'activité jusqu'au {date}), à côté de l'offre et du besoin modélisé. Un code postal couvrant plusieurs communes est réparti au prorata de la population.",
        "People accompanied by conseillers numériques (activity reports up to {date}), next to supply and modelled need. A postcode covering several communes is split in proportion to population.",
    ),
    "use_col_measure": ("Mesure", "Measure"),
    "use_col_value": ("Valeur", "Value"),
    "use_col_kind": ("Nature", "Nature"),
    "use_col_as_of": ("Données au", "Data as of"),
    "use_kind_use": ("usage", "use"),
    "use_kind_supply": ("offre", "supply"),
    "use_kind_need": ("besoin (modélisé)", "need (modelled)"),
    "cohesion_initiative": (
        "Cohésion numérique des territoires : aide de l'État à l'équipement satellite, 4G fixe ou THD radio des locaux sans bon haut débit. Opérateurs éligibles dans ce département ({date}) : {operators}.",
        "Cohésion numérique des territoires: State subsidy for satellite, fixed-4G or THD-radio equipment for premises without good broadband. Eligible operators in this département ({date}): {operators}.",
    ),
    # SPEED (issue 16): the national commune map
    "level_commune_fr": ("Communes, toute la France", "Communes, all of France"),
    "national_map_note": (
        "Toutes les communes de France : les contours sont chargés une fois "
        "(simplifiés, grille d'environ 50 m), puis seules les valeurs changent. "
        "Zoomez pour trouver une commune ; cliquez pour la choisir.",
        "Every commune of France: the outlines load once (simplified, a grid of "
        "about 50 m), then only the values change. Zoom in to find a commune; "
        "click to choose it.",
    ),
    # issue 17 (one language at a time, formatting, plurals, search): noun forms
    # "singular|plural" for divide.formatting.counted, search notes
    "noun_commune": ("commune|communes", "commune|communes"),
    "noun_site": ("lieu|lieux", "site|sites"),
    "noun_new_site": ("nouveau lieu|nouveaux lieux", "new site|new sites"),
    "noun_mediation_site": (
        "lieu de médiation|lieux de médiation",
        "mediation site|mediation sites",
    ),
    "noun_actor": ("acteur importé|acteurs importés", "actor imported|actors imported"),
    "noun_territory": ("territoire|territoires", "territory|territories"),
    "noun_row": ("ligne|lignes", "row|rows"),
    "search_arrondissement": (
        "{arr} : la commune entière (l'atlas ne descend pas aux arrondissements)",
        "{arr}: the whole commune (the atlas does not go down to arrondissements)",
    ),
    "search_arrondissement_postcode": (
        "code postal du {arr} : la commune entière",
        "postcode of the {arr}: the whole commune",
    ),
    "search_arrondissement_code": (
        "code INSEE du {arr} : la commune entière",
        "INSEE code of the {arr}: the whole commune",
    ),
    "search_postcode": ("code postal", "postcode"),
    "search_code": ("code commune {code}", "commune code {code}"),
    "search_close": ("orthographe proche", "close spelling"),
    "export_unit_share": ("part (0-1)", "share (0-1)"),
    "choose_option": ("Choisissez une option", "Choose an option"),
    "choose_options": ("Choisissez une ou plusieurs options", "Choose options"),
    "assets_missing": (
        "Cartes hors ligne indisponibles : les fichiers Leaflet ne sont pas installés, les cartes se chargent depuis internet (vides sans connexion). Lancez `divide assets` puis rechargez la page.",
        "Offline maps unavailable: the Leaflet files are not installed, so maps load from the internet (blank without a connection). Run `divide assets`, then reload the page.",
    ),
    # ANSWERS (issue 17): plurals of the access page, ranked table, map labels
    "access_after_one": (
        "Atteintes avec {n} nouveau lieu (modélisé)",
        "Reached with {n} new site (modelled)",
    ),
    "access_after_other": (
        "Atteintes avec {n} nouveaux lieux (modélisé)",
        "Reached with {n} new sites (modelled)",
    ),
    "access_stop_hosts_one": (
        "{n} nouveau lieu proposé sur {k} demandés :",
        "{n} new site suggested out of {k} asked:",
    ),
    "access_stop_hosts_other": (
        "{n} nouveaux lieux proposés sur {k} demandés :",
        "{n} new sites suggested out of {k} asked:",
    ),
    "access_stop_left_one": (
        "il ne restait qu'une commune avec des personnes en illectronisme à plus de {r} km d'un lieu compté, et elle est désormais atteinte ; un lieu de plus n'atteindrait personne.",
        "only {n} commune was left with people in illectronisme more than {r} km from a counted site, and it is now reached; one more site would reach no one.",
    ),
    "access_stop_left_other": (
        "il ne restait que {n} communes avec des personnes en illectronisme à plus de {r} km d'un lieu compté, toutes désormais atteintes ; un lieu de plus n'atteindrait personne.",
        "only {n} communes were left with people in illectronisme more than {r} km from a counted site, all now reached; one more site would reach no one.",
    ),
    "access_stop_unreachable_one": (
        "{n} commune reste à plus de {r} km d'un lieu, mais aucune commune hôte admise (population minimale, exclusions) n'est à {r} km d'elle.",
        "{n} commune is still more than {r} km from a site, but no allowed host commune (minimum population, exclusions) is within {r} km of it.",
    ),
    "access_stop_unreachable_other": (
        "{n} communes restent à plus de {r} km d'un lieu, mais aucune commune hôte admise (population minimale, exclusions) n'est à {r} km d'elles.",
        "{n} communes are still more than {r} km from a site, but no allowed host commune (minimum population, exclusions) is within {r} km of them.",
    ),
    "access_underserved_count_one": (
        "{n} commune, {people} personnes en illectronisme (modélisé).",
        "{n} commune, {people} people in illectronisme (modelled).",
    ),
    "access_underserved_count_other": (
        "{n} communes, {people} personnes en illectronisme (modélisé).",
        "{n} communes, {people} people in illectronisme (modelled).",
    ),
    "rank_title": ("Classement — {name}", "Ranking — {name}"),
    "rank_sort": ("Trier par", "Sort by"),
    "rank_by_rate": ("le taux", "the rate"),
    "rank_by_count": ("le nombre", "the count"),
    "rank_hint": (
        "Cliquez une ligne pour la sélectionner et la cadrer sur la carte.",
        "Click a row to select it and frame it on the map.",
    ),
    "rank_col_rank": ("Rang", "Rank"),
    "rank_col_name": ("Nom", "Name"),
    "rank_col_code": ("Code", "Code"),
    "rank_col_lacking_premises": ("Locaux sans", "Premises without"),
    "rank_col_lacking_people": ("Personnes sans", "People without"),
    "rank_col_value": ("Taux", "Rate"),
    "rank_col_having_premises": ("Locaux concernés", "Premises concerned"),
    "rank_col_having_people": ("Personnes concernées", "People concerned"),
    "map_places": ("Principales communes", "Main places"),
    "top_need_label": (
        "Ce que le territoire appelle d'abord",
        "What it calls for first",
    ),
    # ISSUE17-PRESENT-EXPORT: typed thresholds, names, vintages; presenter
    "export_parent_name": ("Nom ({level})", "{level} name"),
    "export_thresholds": (
        "Seuils : ne garder que les lignes sous ou au-dessus d'une valeur",
        "Thresholds: keep only the rows below or above a value",
    ),
    "export_threshold_op": ("Comparaison", "Comparison"),
    "export_threshold_value": ("Valeur ({unit})", "Value ({unit})"),
    "export_threshold_placeholder": ("aucun seuil", "no threshold"),
    "export_threshold_note": (
        "Tapez une valeur (les parts en %, par ex. 50) ; un champ vide ne filtre pas. Les lignes sans valeur pour un indicateur filtré sont écartées.",
        "Type a value (shares in %, e.g. 50); an empty box does not filter. Rows with no value for a filtered indicator are left out.",
    ),
    "export_vintages": (
        "Ajouter au CSV une colonne source et millésime par indicateur",
        "Add a source and vintage column per indicator to the CSV",
    ),
    "story_need": (
        "Face à la France : {measure}, {value} contre {france} pour la France ({gap} {side}).",
        "Against France: {measure}, {value} against {france} for France ({gap} {side}).",
    ),
    "story_need_none": (
        "{name} fait aussi bien ou mieux que la France sur ces mesures ({measures}).",
        "{name} does as well as or better than France on these measures ({measures}).",
    ),
    "story_points": ("{n} points", "{n} points"),
    "story_side_above": ("au-dessus", "above"),
    "story_side_below": ("en dessous", "below"),
    "story_far_label": (
        "Part des personnes en illectronisme à plus de 10 km d'un lieu de médiation (modélisé)",
        "Share of people in illectronisme living over 10 km from a mediation site (modelled)",
    ),
    "story_far_none": ("Tous à moins de 10 km", "All within 10 km"),
    "story_far_nobody": (
        "Personne en illectronisme (modélisé) ne vit à plus de 10 km d'un lieu de médiation",
        "No one in illectronisme (modelled) lives over 10 km from a mediation site",
    ),
    "story_far_people": (
        "{n} personnes en illectronisme (modélisé) à plus de 10 km d'un lieu",
        "{n} people in illectronisme (modelled) over 10 km from a site",
    ),
    "story_sources_compact": (
        "{producers} (millésime de chaque source : page Données)",
        "{producers} (each source's vintage: Data page)",
    ),
    "story_model_short": ("modèle divide", "divide model"),
    "pres_options": ("Options", "Options"),
    "pres_sidebar": ("Afficher la barre latérale", "Show the sidebar"),
    "pres_keys": (
        "Flèches ← → du clavier : diapositive précédente / suivante",
        "Keyboard arrows ← →: previous / next slide",
    ),
    # FRAGILITY-IFN2023 (issue 15/14): the project's index against MedNum's IFN 2023
    "frag_ifn2023": (
        "Comparaison avec l'IFN 2023 de MedNum (score de 0 à 10)",
        "Comparison with MedNum's IFN 2023 (score from 0 to 10)",
    ),
    "frag_ifn2023_axis": (
        "IFN 2023 de MedNum (score 0-10)",
        "MedNum IFN 2023 (score 0-10)",
    ),
    "frag_ifn2023_caption": (
        "Indice propre de MedNum, millésime 2023 : un score de 0 à 10 (10 = le plus fragile), pas un taux ; sa normalisation n'est pas publiée. Plus grands désaccords : écart entre les rangs en centiles (cet indice moins l'IFN 2023).",
        "MedNum's own index, 2023 vintage: a score from 0 to 10 (10 = most fragile), not a rate; its normalisation is not published. Largest disagreements: gap between percentile ranks (this index minus IFN 2023).",
    ),
    "frag_ifn2023_gap": ("Écart de rang (centiles)", "Rank gap (percentiles)"),
    "frag_ifn2023_rank_index": (
        "Rang de l'indice (centile)",
        "Index rank (percentile)",
    ),
    "frag_ifn2023_rank_ifn": ("Rang IFN 2023 (centile)", "IFN 2023 rank (percentile)"),
    # FRAGILITY-IFN2023-END
    # ILLECTRONISME-MODEL (issue 15): the method panel's reference table
    "il_ref_title": (
        "Le modèle par type de territoire et outre-mer, à côté du taux national (estimations modélisées, TIC 2021)",
        "The model by type of territory and overseas, next to the national rate (modelled estimates, TIC 2021)",
    ),
    "il_ref_caption": (
        "Taux modélisés d'illectronisme (% des 15 ans ou plus) avec leur fourchette ; les deux dernières colonnes sont les indices de MedNum (IFN 2019/20, 100 = référence régionale ; IFN 2023, score de 0 à 10), des références indépendantes, pas des taux.",
        "Modelled illectronisme rates (% of people aged 15+) with their range; the last two columns are MedNum's indices (IFN 2019/20, 100 = regional reference; IFN 2023, a score from 0 to 10), independent references, not rates.",
    ),
    "il_ref_group": ("Territoire", "Territory"),
    "il_ref_france": (
        "France hors Mayotte (champ de l'enquête)",
        "France without Mayotte (survey field)",
    ),
    "il_ref_mainland": ("France métropolitaine", "Mainland France"),
    "il_ref_rate": ("Illectronisme modélisé (%)", "Modelled illectronisme (%)"),
    "il_ref_low": ("Bas de fourchette (%)", "Range low (%)"),
    "il_ref_high": ("Haut de fourchette (%)", "Range high (%)"),
    "il_ref_people": (
        "Personnes de 15 ans ou plus (approx.)",
        "People aged 15+ (approx.)",
    ),
    "il_ref_ifn": ("IFN MedNum 2019/20 (indice)", "MedNum IFN 2019/20 (index)"),
    "il_ref_ifn2023": ("IFN MedNum 2023 (score 0-10)", "MedNum IFN 2023 (score 0-10)"),
    # ILLECTRONISME-MODEL-END
}


def t(key: str, lang: str = "fr", **values) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    fr, en = STRINGS[key]
    text = fr if lang == "fr" else en
    return text.format(**values) if values else text
