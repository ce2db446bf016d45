"""Readers for places of digital mediation, unified into one table, and their merge.

Each reader turns one source file into the same table, one row per place:

=================  ===========================================================
``site_id``        ``"<source>:<original id>"``, unique within a source.
``name``           Name of the place.
``kind``           One of ``"france_services"``, ``"conseiller_numerique"``,
                   ``"library"`` (a library that a mediation source lists),
                   ``"other"``, ``"public_library"`` (only on the national
                   library list): what the place mainly is.
``kinds``          Every kind the place is known as, ``;``-joined in that order
                   (a CnFS permanence held in a France Services has both).
``address``        Street address as found (newlines turned into ", ").
``postcode``       5-character postcode, or NA.
``commune_code``   5-character INSEE commune code (``"2A004"``), or NA.
``lat``, ``lon``   WGS84 degrees, or NaN.
``services``       ``;``-separated services offered, or NA.
``source``         Source id, e.g. ``"france_services_2024"``.
``sources``        Every source that lists the place, ``;``-joined (after
                   :func:`deduplicate_sites`).
``claims``         After :func:`settle_kinds`: what a source says the place is
                   that the build does not count, e.g. ``"france_services"``
                   (``;``-joined), or NA.
``claimed_by``     The sources behind ``claims``, ``;``-joined, or NA.
``date``           ISO date of the record (``"2022-05-09"``) or, when the file gives
                   none, the vintage of the file (``"2020-11"``).
=================  ===========================================================

Readers never look at commune polygons: a row without coordinates keeps its commune
code or postcode, and another module places points in communes.

Bad rows do not fail a national file. Each reader sets ``df.attrs``:

``attrs["rows_read"]``
    Records in the file.
``attrs["dropped"]``
    ``{reason: n}``. Reasons that drop the row: ``"no name"``,
    ``"no coordinates, commune code or postcode"``. Reasons that drop only the
    coordinates (the row stays, placeable by its code): ``"coordinates outside
    France"``, ``"incomplete coordinates"`` (one of lat/lon missing).
``attrs["dropped_rows"]``
    ``[{"record": site_id, "reason": ...}]``: each row counted in ``dropped``.
``attrs["fixed"]``
    ``{"coordinates swapped": n}``: latitude and longitude given in each other's
    place, swapped back.

Structural problems (unreadable file, invalid JSON, missing column, a coordinate
that is not a number) raise :class:`divide.errors.SourceError` naming the file, the
line or record and the column.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from divide.build.readers._checks import (
    clean_columns,
    decode,
    in_france,
    read_table,
)
from divide.build.readers._checks import to_number as _to_number
from divide.errors import SourceError
from divide.territory import normalise_codes

#: Source ids, most authoritative / recent first: the order in which
#: :func:`deduplicate_sites` chooses the row it keeps.
SOURCES = (
    "france_services_2024",
    "cnfs_permanences_2022",
    "data_inclusion_2023",
    "cnfs_structures_2023",
    "aidants_connect_2024",
    "libraries_culture",
    "mednum_bfc",
)
KINDS = (
    "france_services",
    "conseiller_numerique",
    "aidants_connect",
    "library",
    "other",
    "public_library",
)
#: Kinds that count as digital-mediation supply by default. A ``public_library``
#: comes only from the national list of libraries, which says nothing of digital
#: help: it is a layer of its own, counted only when someone asks for it.
MEDIATION_KINDS = KINDS[:-1]
#: The only source whose word makes a place a France Services, and its date.
OFFICIAL_FRANCE_SERVICES = "france_services_2024"
OFFICIAL_FRANCE_SERVICES_DATE = "2024-08-01"
#: The source of the national library list (no mediation information).
LIBRARY_LIST = "libraries_culture"
COLUMNS = [
    "site_id",
    "name",
    "kind",
    "kinds",
    "address",
    "postcode",
    "commune_code",
    "lat",
    "lon",
    "services",
    "source",
    "sources",
    "date",
]
#: File of each source under ``raw/mediation/``.
FILES = {
    "france_services_2024": "anct_france_services_liste-fs-20240801.csv",
    "cnfs_permanences_2022": (
        "mednum-cli_conseiller-numerique_lieux_activite_2022_no-personal-data.json"
    ),
    "data_inclusion_2023": "mednum-cli_data-inclusion_lieux_mediation_2023-02.json",
    "cnfs_structures_2023": "anct_cnfs_structures_2023-04-05.csv",
    "aidants_connect_2024": "aidants-connect_structures_2024-02-12.csv",
    "libraries_culture": "culture_adresses-des-bibliotheques-publiques.csv",
    "mednum_bfc": "REGIONAL_BFC_mednum-bfc_lieux_mediation.csv",
}
#: Two places closer than this (metres) with similar names are one place.
MERGE_DISTANCE_M = 150.0
#: Two places with the same name and commune are *not* merged when both have
#: coordinates further apart than this (metres): e.g. two "Bibliothèque municipale"
#: in the same large commune.
SAME_NAME_MAX_DISTANCE_M = 2000.0
#: Token-set Jaccard similarity from which two names are "similar".
NAME_SIMILARITY = 0.5

NO_NAME = "no name"
NO_PLACE = "no coordinates, commune code or postcode"
OUTSIDE = "coordinates outside France"
INCOMPLETE = "incomplete coordinates"
SWAPPED = "coordinates swapped"

_MISSING = ("#N/A", "N/A", "NA", "NaN", "nan", "null", "None")
_COMMUNE = re.compile(r"\d{5}|2[AB]\d{3}")
_STOPWORDS = frozenset(
    "a au aux d de des du en et l la le les par pour sur sous un une".split()
)
_EARTH_RADIUS_M = 6_371_008.8
_SYNONYMS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:maison|espace|point) (?:de )?services? au public\b", "fs"),
        (r"\b(?:(?:maison|espace) )?france services?\b", "fs"),
        (r"\b(?:msap|mfs)\b", "fs"),
        (r"\bcentre communal d action sociale\b", "ccas"),
        (r"\bcentre intercommunal d action sociale\b", "cias"),
        (r"\bcommunaute (?:de|des) communes\b", "cc"),
        (r"\bcommunaute d agglomeration\b", "ca"),
        (r"\bst\b", "saint"),
        (r"\bste\b", "sainte"),
    )
)
# Words naming a distinct kind of service, after normalise_name.
_SERVICE_WORDS = {
    "bibliotheque": "library",
    "bibliotheques": "library",
    "mediatheque": "library",
    "mediatheques": "library",
    "fs": "france_services",
    "poste": "post_office",
}
# A CnFS permanence held in a France Services is first a CnFS place.
_CNFS_FIRST = ("conseiller_numerique", "france_services", "library", "other")
# An Aidants Connect structure held in a France Services is first an Aidants
# Connect place (the kind its own source knows it as).
_AIDANTS_FIRST = ("aidants_connect", "france_services", "other")
#: Columns of the 2023 conseiller numérique host structures (ANCT export).
CNFS_2023_COLUMNS = {
    "name": "Raison sociale",
    "posts": "Nombre de conseillers validés par le COSELEC",
    "date": "Date de validation en comité de sélection",
    "siret": "SIRET",
    "address": "Adresse",
    "commune": "Code commune INSEE",
    "postcode": "Code postal",
    "france_services": "France services",
}
#: Columns of the Aidants Connect structures (2024-02-12 export).
AIDANTS_COLUMNS = {
    "name": "Name",
    "id": "ID",
    "active": "Is Active",
    "commune": "City Insee Code",
    "address": "Address",
    "postcode": "Zip Code",
    "siret": "Siret",
    "france_services": "France Services Label",
    "city": "City",
    "aidants": "Nombre d'aidants",
    "users": "Question 110 → Nombre D'usagers Uniques",
    "procedures": "Question 109 → Nombre De Demarche Par Structure",
}
INACTIVE = "inactive (Is Active false): not counted"


# --------------------------------------------------------------------------- readers


def read_france_services(path: str | Path) -> pd.DataFrame:
    """Read the ANCT list of France Services (``liste-fs-YYYYMMDD.csv``).

    Parameters
    ----------
    path : str or Path
        The CSV (``,``-separated, quoted fields that may contain newlines). Needs
        ``id_fs``, ``lib_fs``, ``adresse``, ``insee_com``, ``code_postal``,
        ``latitude``, ``longitude``; ``complement_adresse`` is used when present.

    Returns
    -------
    pandas.DataFrame
        The unified table (see :mod:`divide.build.readers.mediation`), kind
        ``france_services``, source ``france_services_2024``, ``date`` the date of
        the list taken from the file name (``20240801`` → ``2024-08-01``).

    Raises
    ------
    SourceError
        Unreadable file, missing column or non-numeric coordinate.
    """
    file = Path(path).name
    df = read_table(
        path,
        [
            "id_fs",
            "lib_fs",
            "adresse",
            "insee_com",
            "code_postal",
            "latitude",
            "longitude",
        ],
    )
    match = re.search(r"(20\d\d)(\d\d)(\d\d)", file)
    date = f"{match[1]}-{match[2]}-{match[3]}" if match else pd.NA
    return _build(
        df,
        file,
        "france_services_2024",
        ids=df["id_fs"],
        name=df["lib_fs"],
        kinds=[{"france_services"}] * len(df),
        address=_join(df, ["adresse", "complement_adresse"]),
        postcode=df["code_postal"],
        commune_code=df["insee_com"],
        lat=_number(df, "latitude", file),
        lon=_number(df, "longitude", file),
        services=None,
        date=date,
    )


def read_lieux_mediation(path: str | Path, source_id: str) -> pd.DataFrame:
    """Read a file in the LaMednum "lieux de médiation numérique" schema.

    Used for the CnFS permanences (``source_id="cnfs_permanences_2022"``), the
    data·inclusion extract (``"data_inclusion_2023"``) and users' own files.

    Parameters
    ----------
    path : str or Path
        A JSON array of objects, or a CSV (``,`` or ``;``) with the same keys as
        columns. Only ``nom`` is required, with at least one of ``code_insee``,
        ``code_postal`` or ``latitude`` + ``longitude``. Also read when present:
        ``id``, ``adresse``, ``complement_adresse``, ``services`` (string or list),
        ``labels_nationaux``, ``source``, ``typologie``, ``date_maj``.
    source_id : str
        Source id written in ``source`` and in front of ``site_id``.

    Returns
    -------
    pandas.DataFrame
        The unified table (see :mod:`divide.build.readers.mediation`). ``kinds`` holds
        ``conseiller_numerique`` when ``labels_nationaux`` mentions CNFS or a
        conseiller, or the record's ``source`` is conseiller-numerique;
        ``france_services`` when the labels mention France Services; ``library``
        when ``typologie`` is ``BIB``. ``kind`` is the first of these in that
        order, else ``other``. Records whose ``id`` is not unique in the file get
        their record ``source`` (then their record number) appended.

    Raises
    ------
    SourceError
        Invalid JSON, not an array of objects, missing ``nom`` or location columns,
        non-numeric coordinate.
    """
    file = Path(path).name
    if _looks_like_json(path):
        df = _read_json(path, file)
        _require(df, file, ["nom"], "key")
    else:
        df = read_table(path, ["nom"])
    has_coords = "latitude" in df.columns and "longitude" in df.columns
    if not (has_coords or {"code_insee", "code_postal"} & set(df.columns)):
        raise SourceError(
            file,
            "needs at least one way to locate each place: a 'code_insee' or "
            "'code_postal' column, or 'latitude' and 'longitude'. Found: "
            + ", ".join(c for c in df.columns if not c.startswith("_")),
        )
    labels = _plain(_get(df, "labels_nationaux"))
    origin = _plain(_get(df, "source"))
    typology = _plain(_get(df, "typologie"))
    kinds = []
    for lab, org, typ in zip(labels, origin, typology, strict=True):
        found = set()
        if "cnfs" in lab or "conseiller" in lab or "conseiller" in org:
            found.add("conseiller_numerique")
        if re.search(r"france.?services?", lab):
            found.add("france_services")
        if re.search(r"\bbib\b", typ):
            found.add("library")
        kinds.append(found)
    ids = _get(df, "id")
    if ids.isna().all():
        ids = df["_record"] if "_record" in df.columns else df["_line"]
    return _build(
        df,
        file,
        source_id,
        ids=ids,
        id_qualifier=_get(df, "source"),
        kind_order=_CNFS_FIRST,
        name=df["nom"],
        kinds=kinds,
        address=_join(df, ["adresse", "complement_adresse"]),
        postcode=_get(df, "code_postal"),
        commune_code=_get(df, "code_insee"),
        lat=_number(df, "latitude", file) if has_coords else None,
        lon=_number(df, "longitude", file) if has_coords else None,
        services=_get(df, "services"),
        date=_iso_date(_get(df, "date_maj")),
    )


def read_cnfs_structures(path: str | Path) -> pd.DataFrame:
    """Read the ANCT list of structures hosting Conseillers numériques (2021-06).

    Parameters
    ----------
    path : str or Path
        ``anct_cnfs_structures_2021-06.json``: a JSON array with ``raison_sociale``
        (name), ``insee_com`` (commune code; ``commune_insee`` holds a *name*),
        ``code_postal_bis`` (postcode; ``code_postal`` lost its leading zero),
        ``adresse``, ``latitude``, ``longitude``, ``france_services`` (oui/non),
        ``date_de_validation_en_comité_de_sélection``, ``id``.

    Returns
    -------
    pandas.DataFrame
        The unified table (see :mod:`divide.build.readers.mediation`), kind
        ``conseiller_numerique`` (``kinds`` adds ``france_services`` when the
        structure is one), source ``cnfs_structures_2021``, ``date`` the selection
        committee's validation date. The file's placeholder records (name ``"0"``,
        no address, dummy geocode) are dropped as ``"no name"``.

    Raises
    ------
    SourceError
        Invalid JSON, not an array of objects, missing key, non-numeric coordinate.
    """
    file = Path(path).name
    df = _read_json(path, file)
    _require(df, file, ["raison_sociale", "insee_com", "latitude", "longitude"], "key")
    name = df["raison_sociale"].mask(df["raison_sociale"].str.strip() == "0")
    postcode = _get(df, "code_postal_bis").fillna(_get(df, "code_postal"))
    fs = _plain(_get(df, "france_services"))
    kinds = [
        {"conseiller_numerique", "france_services"}
        if f == "oui"
        else {"conseiller_numerique"}
        for f in fs
    ]
    date = _iso_date(_get(df, "date_de_validation_en_comité_de_sélection"))
    return _build(
        df,
        file,
        "cnfs_structures_2021",
        ids=_get(df, "id").fillna(df["_record"].astype("string")),
        name=name,
        kinds=kinds,
        address=_get(df, "adresse"),
        postcode=postcode,
        commune_code=df["insee_com"],
        lat=_number(df, "latitude", file),
        lon=_number(df, "longitude", file),
        services=None,
        date=date.fillna("2021-06"),
        kind_order=_CNFS_FIRST,
    )


def read_cnfs_structures_2023(path: str | Path) -> pd.DataFrame:
    """Read the ANCT list of conseiller numérique host structures (2023-04-05).

    Parameters
    ----------
    path : str or Path
        ``anct_cnfs_structures_2023-04-05.csv`` (``;``-separated, UTF-8, a BOM
        accepted), with the columns of :data:`CNFS_2023_COLUMNS`. Its ``Commune
        INSEE`` holds the commune *name*: the code is ``Code commune INSEE``.
        The file has no coordinates: a structure stands at its commune's point.

    Returns
    -------
    pandas.DataFrame
        The unified table (see :mod:`divide.build.readers.mediation`), kind
        ``conseiller_numerique`` (``kinds`` adds ``france_services`` when the
        file says ``oui``; :func:`settle_kinds` keeps that only as a claim),
        source ``cnfs_structures_2023``, ``date`` the selection committee's
        validation date (else ``"2023-04-05"``); plus ``posts`` (conseiller posts
        validated by the COSELEC, float) and ``siret`` (14-character text).

    Raises
    ------
    SourceError
        Missing column or a post count that is not a number.
    """
    file = Path(path).name
    c = CNFS_2023_COLUMNS
    df = read_table(path, [c["name"], c["posts"], c["commune"], c["postcode"]])
    fs = _plain(_get(df, c["france_services"]))
    kinds = [
        {"conseiller_numerique", "france_services"}
        if f == "oui"
        else {"conseiller_numerique"}
        for f in fs
    ]
    siret = _siret(_get(df, c["siret"]))
    out = _build(
        df,
        file,
        "cnfs_structures_2023",
        ids=siret.fillna(df["_line"].astype("string")),
        name=df[c["name"]],
        kinds=kinds,
        address=_get(df, c["address"]),
        postcode=df[c["postcode"]],
        commune_code=df[c["commune"]],
        lat=None,
        lon=None,
        services=None,
        date=_iso_date(_get(df, c["date"])).fillna("2023-04-05"),
        kind_order=_CNFS_FIRST,
    )
    extras = {"posts": _to_number(df, c["posts"], file), "siret": siret}
    return _with_extras(
        out, df[c["name"]], [df[c["commune"]], df[c["postcode"]]], extras
    )


def read_aidants_connect(path: str | Path) -> pd.DataFrame:
    """Read the Aidants Connect structures (2024-02-12 export).

    Parameters
    ----------
    path : str or Path
        ``aidants-connect_structures_2024-02-12.csv`` (``,``-separated), with the
        columns of :data:`AIDANTS_COLUMNS`. ``Siret`` is written as a float
        (``13002603200016.0``); ``Is Active`` and ``France Services Label`` are
        ``true``/``false``. No coordinates: a structure stands at its commune's
        point.

    Returns
    -------
    pandas.DataFrame
        The unified table (see :mod:`divide.build.readers.mediation`), kind
        ``aidants_connect`` (``kinds`` adds ``france_services`` when labelled;
        :func:`settle_kinds` keeps that only as a claim), source
        ``aidants_connect_2024``, ``date`` ``"2024-02-12"``; plus ``city`` (the
        commune's name, to place the rows without a code), ``active``
        (bool), ``aidants``, ``users``, ``procedures`` (floats, NaN when empty)
        and ``siret`` (14-character text). Inactive structures are **kept** here
        (the build counts and places only the active ones).

    Raises
    ------
    SourceError
        Missing column or a count that is not a number.
    """
    file = Path(path).name
    c = AIDANTS_COLUMNS
    df = read_table(path, [c["name"], c["id"], c["active"], c["commune"]])
    fs = _plain(_get(df, c["france_services"]))
    kinds = [
        {"aidants_connect", "france_services"} if f == "true" else {"aidants_connect"}
        for f in fs
    ]
    out = _build(
        df,
        file,
        "aidants_connect_2024",
        ids=df[c["id"]],
        name=df[c["name"]],
        kinds=kinds,
        address=_get(df, c["address"]),
        postcode=_get(df, c["postcode"]),
        commune_code=df[c["commune"]],
        lat=None,
        lon=None,
        services=None,
        date="2024-02-12",
        kind_order=_AIDANTS_FIRST,
    )
    extras = {
        "active": pd.Series(
            [a == "true" for a in _plain(df[c["active"]])], index=df.index
        ),
    }
    for key in ("aidants", "users", "procedures"):
        if c[key] in df.columns:
            extras[key] = _to_number(df, c[key], file)
    extras["city"] = _clean(_get(df, c["city"]))
    extras["siret"] = _siret(_get(df, c["siret"]))
    return _with_extras(
        out, df[c["name"]], [df[c["commune"]], _get(df, c["postcode"])], extras
    )


def active_aidants(df: pd.DataFrame) -> pd.DataFrame:
    """The active Aidants Connect structures of :func:`read_aidants_connect`.

    The inactive ones become ``attrs["dropped_rows"]`` (reason :data:`INACTIVE`)
    and ``attrs["dropped"][INACTIVE]``.
    """
    active = df["active"].astype(bool)
    out = df[active].reset_index(drop=True)
    out.attrs = {
        **df.attrs,
        "dropped": {**df.attrs["dropped"], INACTIVE: int((~active).sum())},
        "dropped_rows": df.attrs["dropped_rows"]
        + [{"record": str(i), "reason": INACTIVE} for i in df.loc[~active, "site_id"]],
    }
    return out


def read_libraries(path: str | Path) -> pd.DataFrame:
    """Read the Ministry of Culture's addresses of public libraries.

    Parameters
    ----------
    path : str or Path
        ``culture_adresses-des-bibliotheques-publiques.csv`` (``;``-separated):
        ``Libelle1`` (name), ``voie`` and ``Localisation`` (address), ``CP``,
        ``INSEE`` (may be float-like, ``"1001.0"``), ``coordonnees_finales``
        (``"lat,lon"``), ``code_bib`` (id).

    Returns
    -------
    pandas.DataFrame
        The unified table (see :mod:`divide.build.readers.mediation`), kind ``library``,
        source ``libraries_culture``. The file has no date: ``date`` is
        ``"2020-11"``, the month it was published in the copy used (its true
        vintage is unknown). Both public sites and administrative addresses are
        kept.

    Raises
    ------
    SourceError
        Missing column, or a ``coordonnees_finales`` that is not ``"lat,lon"``.
    """
    file = Path(path).name
    df = read_table(
        path, ["Libelle1", "CP", "INSEE", "coordonnees_finales", "code_bib"]
    )
    text = df["coordonnees_finales"].astype("string").str.strip()
    text = text.mask(text.isin(_MISSING) | (text == ""))
    parts = text.str.split(",", n=1, expand=True).reindex(columns=[0, 1])
    bad = text.notna() & parts[1].isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceError(
            file,
            f"'{text.iloc[i]}' is not a 'latitude,longitude' pair",
            row=int(df["_line"].iloc[i]),
            column="coordonnees_finales",
        )
    pair = pd.DataFrame({"coordonnees_finales": parts[0], "_line": df["_line"]})
    lat = _to_number(pair, "coordonnees_finales", file)
    pair["coordonnees_finales"] = parts[1]
    lon = _to_number(pair, "coordonnees_finales", file)
    ids = (
        df["code_bib"].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    )
    return _build(
        df,
        file,
        "libraries_culture",
        ids=ids,
        name=df["Libelle1"],
        kinds=[{"library"}] * len(df),
        address=_join(df, ["Localisation", "voie"]),
        postcode=df["CP"],
        commune_code=df["INSEE"],
        lat=lat,
        lon=lon,
        services=None,
        date="2020-11",
    )


def read_bfc_hub(path: str | Path) -> pd.DataFrame:
    """Read the MedNum BFC hub's places (Bourgogne-Franche-Comté only).

    Parameters
    ----------
    path : str or Path
        ``REGIONAL_BFC_mednum-bfc_lieux_mediation.csv``: ``bfc_id``,
        ``nom_structure``, ``adresse``, ``code_postal``, ``lat``, ``lon``,
        ``code_label`` (``-``-joined labels), ``mise_a_jour`` (dd/mm/yyyy).

    Returns
    -------
    pandas.DataFrame
        The unified table (see :mod:`divide.build.readers.mediation`), source
        ``mednum_bfc``, no commune code. Kind ``france_services`` when
        ``code_label`` holds ``MFS`` (Maison France Services), else ``other``
        (``MSAP``, the older label, is not taken as France Services). ``date`` is
        ``mise_a_jour``, else ``"2022-12"``, the file's last change.

    Raises
    ------
    SourceError
        Missing column or non-numeric coordinate.
    """
    file = Path(path).name
    df = read_table(path, ["bfc_id", "nom_structure", "code_postal", "lat", "lon"])
    labels = _get(df, "code_label").fillna("").str.upper().str.split(r"[-;,\s]+")
    kinds = [{"france_services"} if "MFS" in set(lab) else set() for lab in labels]
    return _build(
        df,
        file,
        "mednum_bfc",
        ids=df["bfc_id"].str.strip().str.rstrip("_"),
        name=df["nom_structure"],
        kinds=kinds,
        address=_get(df, "adresse"),
        postcode=df["code_postal"],
        commune_code=None,
        lat=_number(df, "lat", file),
        lon=_number(df, "lon", file),
        services=None,
        date=_iso_date(_get(df, "mise_a_jour")).fillna("2022-12"),
    )


READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "france_services_2024": read_france_services,
    "cnfs_permanences_2022": partial(
        read_lieux_mediation, source_id="cnfs_permanences_2022"
    ),
    "data_inclusion_2023": partial(
        read_lieux_mediation, source_id="data_inclusion_2023"
    ),
    "cnfs_structures_2023": read_cnfs_structures_2023,
    "aidants_connect_2024": lambda path: active_aidants(read_aidants_connect(path)),
    "libraries_culture": read_libraries,
    "mednum_bfc": read_bfc_hub,
}


def read_all_sites(raw_dir: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read every mediation source, concatenate and deduplicate them.

    Parameters
    ----------
    raw_dir : str or Path
        Folder holding ``mediation/`` with the files named in :data:`FILES`.

    Returns
    -------
    sites : pandas.DataFrame
        The unified table after :func:`deduplicate_sites`, sorted by ``site_id``.
    report : dict
        ``rows_read`` (records per source file), ``rows_kept`` (rows per source
        after drops), ``dropped`` and ``fixed`` (``{source: {reason: n}}``),
        ``dedup`` (the report of :func:`deduplicate_sites`), ``sites_by_kind``
        (unique places per ``kind``), ``details`` (one record per dropped,
        merged or not-counted row: ``source``, ``record``, ``reason``) and
        ``seconds`` (time taken).

    Raises
    ------
    SourceError
        A missing or unreadable file.
    """
    start = time.perf_counter()
    folder = Path(raw_dir) / "mediation"
    frames, details = [], []
    report = {"rows_read": {}, "rows_kept": {}, "dropped": {}, "fixed": {}}
    for source, reader in READERS.items():
        df = reader(folder / FILES[source])
        report["rows_read"][source] = df.attrs["rows_read"]
        report["rows_kept"][source] = len(df)
        report["dropped"][source] = dict(df.attrs["dropped"])
        report["fixed"][source] = dict(df.attrs["fixed"])
        details += [{"source": source, **row} for row in df.attrs["dropped_rows"]]
        frames.append(df)
    sites, dedup = deduplicate_sites(pd.concat(frames, ignore_index=True))
    sites = settle_kinds(sites)
    sites["posts"] = posts_per_site(sites, frames, dedup["absorbed"])
    report["dedup"] = dedup
    details += [
        {
            "source": gone.split(":")[0],
            "record": gone,
            "reason": "merged: the same place as a record of a more authoritative "
            "source",
            "detail": f"kept as {kept}",
        }
        for kept, absorbed in dedup["absorbed"].items()
        for gone in absorbed
    ]
    claimed = sites["claims"].notna()
    details += [
        {
            "source": by,
            "record": site_id,
            "reason": "labelled France Services by this source, not on the "
            "official list: not counted as a France Services",
        }
        for site_id, by in zip(
            sites.loc[claimed, "site_id"], sites.loc[claimed, "claimed_by"], strict=True
        )
    ]
    report["details"] = details
    report["france_services_claims_not_official"] = int(
        sites["claims"].fillna("").str.contains("france_services").sum()
    )
    counts = sites["kind"].value_counts()
    report["sites_by_kind"] = {k: int(counts.get(k, 0)) for k in KINDS}
    report["seconds"] = round(time.perf_counter() - start, 2)
    return sites, report


def posts_per_site(
    sites: pd.DataFrame, frames: Iterable[pd.DataFrame], absorbed: dict
) -> pd.Series:
    """Conseiller numérique posts of each site (NaN where no structure file says).

    The ``posts`` of the host structures (:func:`read_cnfs_structures_2023`) go
    to the site that kept the structure's row or absorbed it (``absorbed`` of
    :func:`deduplicate_sites`; a site holds at most one row per source).
    """
    posts = pd.concat(
        [f.set_index("site_id")["posts"] for f in frames if "posts" in f.columns]
    )
    owner = {gone: kept for kept, gones in absorbed.items() for gone in gones}
    kept = posts.index.map(lambda site_id: owner.get(site_id, site_id))
    per_site = posts.groupby(kept).sum(min_count=1)
    return sites["site_id"].map(per_site).astype(float)


def settle_kinds(sites: pd.DataFrame) -> pd.DataFrame:
    """Decide what each place counts as, on the authoritative sources only.

    - A place is a France Services only when it is on ANCT's official list
      (:data:`OFFICIAL_FRANCE_SERVICES`). Another source's France Services label
      is kept as information (``claims``, ``claimed_by``), never counted.
    - A place known only from the national library list
      (:data:`LIBRARY_LIST`) is a ``public_library``; a library that a mediation
      source also lists stays ``library`` (it offers digital help).

    ``kind`` becomes the first of :data:`KINDS` in the settled ``kinds``.

    Parameters
    ----------
    sites : pandas.DataFrame
        The table of :func:`deduplicate_sites`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``kind``, ``kinds``, ``claims`` and ``claimed_by`` settled.
    """
    out = sites.copy()
    kinds_out, kind_out, claims, claimed_by = [], [], [], []
    for kinds_text, sources_text in zip(
        out["kinds"].fillna("other"), out["sources"].fillna(out["source"]), strict=True
    ):
        kinds = set(str(kinds_text).split(";"))
        sources = set(str(sources_text).split(";"))
        claim = None
        if "france_services" in kinds and OFFICIAL_FRANCE_SERVICES not in sources:
            kinds.discard("france_services")
            claim = "france_services"
        if sources == {LIBRARY_LIST}:
            kinds = {"public_library"}
        elif "public_library" in kinds:
            kinds = (kinds - {"public_library"}) | {"library"}
        joined = _join_kinds(kinds)
        kinds_out.append(joined)
        kind_out.append(joined.split(";")[0])
        claims.append(claim)
        claimed_by.append(_join_sources(sources) if claim else None)
    out["kinds"] = pd.array(kinds_out, dtype="string")
    out["kind"] = pd.array(kind_out, dtype="string")
    out["claims"] = pd.array(claims, dtype="string")
    out["claimed_by"] = pd.array(claimed_by, dtype="string")
    return out


# --------------------------------------------------------------------- deduplication


def normalise_name(name: object) -> tuple[str, ...]:
    """Tokens of a name for comparison: lowercase, no accents, no punctuation.

    A few names of the same thing are spelt one way: France Services, its
    "Maison", "Espace", the former MSAP and the MFS code all become ``fs``; a
    centre (inter)communal d'action sociale ``ccas`` (``cias``); communauté de
    communes ``cc``; ``st``/``ste`` ``saint``/``sainte``. Common French function
    words (de, la, les, du ...) are then removed unless nothing else is left.
    ``"Médiathèque de l'Ile"`` → ``("mediatheque", "ile")``, ``"MSAP de Semur"`` →
    ``("fs", "semur")``.
    """
    if name is None or name is pd.NA or (isinstance(name, float) and np.isnan(name)):
        return ()
    text = " ".join(re.findall(r"[a-z0-9]+", _ascii(str(name))))
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    tokens = text.split()
    kept = tuple(t for t in tokens if t not in _STOPWORDS)
    return kept or tuple(tokens)


def names_similar(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two token sets name the same place.

    True when the token-set Jaccard index is at least :data:`NAME_SIMILARITY`, or
    when every token of one name is in the other (``"Mairie"`` and ``"Mairie de
    Lunel"``). Empty names are never similar, nor are names that say they are two
    different services: a library (bibliothèque, médiathèque), a France Services
    and a post office (``"France services de Tessy"`` is not ``"Bibliothèque de
    Tessy"``, though the shared commune name makes the Jaccard index 0.5).
    """
    a, b = set(a), set(b)
    if not a or not b:
        return False
    if _conflict(_services_named(a), _services_named(b)):
        return False
    common = len(a & b)
    return common / len(a | b) >= NAME_SIMILARITY or common == min(len(a), len(b))


def deduplicate_sites(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Merge the rows that describe the same place, seen by several sources.

    Rule. Two rows are the same place when they come from different sources and

    1. they are within :data:`MERGE_DISTANCE_M` (150 m) of each other and their
       names are similar (:func:`names_similar` on :func:`normalise_name`: token
       Jaccard ≥ 0.5, or one name's tokens all in the other), or
    2. they have the same normalised name and the same commune code, or the same
       postcode, unless both have coordinates more than
       :data:`SAME_NAME_MAX_DISTANCE_M` (2 km) apart.

    Distances are chord lengths between points on a sphere (metres), which works
    the same in mainland France and overseas; candidate pairs come from a
    :class:`scipy.spatial.cKDTree`. Pairs are merged closest first (rule 1 before
    rule 2) and a merge is refused when the two groups already hold a row of the
    same source, so that a group never holds two rows of one source (two rows of
    one file are two places, as its publisher says), or when their names say they
    are different services (a library and a France Services: see
    :func:`names_similar`), so that a generic "Commune de X" close to both cannot
    chain them together.

    In each group the row of the most authoritative / recent source is kept
    (order :data:`SOURCES`, unknown sources last). ``kinds`` and ``sources`` become
    the union over the group (``other`` is left out of ``kinds`` when the group
    has a known kind); ``kind`` stays the kept row's, except that ``other``
    gives way to the first known kind of the group. Missing ``commune_code``,
    ``postcode``, ``address``, ``services`` and coordinates are filled from the
    other rows, in source order.

    Parameters
    ----------
    df : pandas.DataFrame
        Unified table(s) from the readers, concatenated.

    Returns
    -------
    sites : pandas.DataFrame
        One row per place, sorted by ``site_id``.
    report : dict
        ``rows_in``, ``rows_out``, ``merged`` (``{"<kept source> + <merged
        source>": rows absorbed}``), ``merged_by_rule`` and ``absorbed``
        (``{kept site_id: [site_ids merged into it]}``, to audit the merges).
    """
    data = df[COLUMNS].sort_values("site_id", kind="stable").reset_index(drop=True)
    n = len(data)
    rank = {s: i for i, s in enumerate(SOURCES)}
    source_rank = np.array(
        [rank.get(s, len(SOURCES)) for s in data["source"].astype(str)], dtype=int
    )
    member_sources = [
        frozenset(str(s).split(";")) for s in data["sources"].fillna(data["source"])
    ]
    tokens = [normalise_name(x) for x in data["name"]]
    key = [" ".join(t) for t in tokens]
    lat = data["lat"].to_numpy(dtype=float)
    lon = data["lon"].to_numpy(dtype=float)
    xyz = _to_xyz(lat, lon)
    located = np.flatnonzero(~np.isnan(xyz[:, 0]))

    candidates: dict[tuple[int, int], tuple[int, float]] = {}
    if len(located) > 1:
        # Imported here: the app imports this module for its kinds of sites, and
        # scipy (0.5 s) is needed only when a build deduplicates sites.
        from scipy.spatial import cKDTree

        tree = cKDTree(xyz[located])
        pairs = tree.query_pairs(MERGE_DISTANCE_M, output_type="ndarray")
        for p, q in located[pairs]:
            i, j = (int(p), int(q)) if p < q else (int(q), int(p))
            if member_sources[i] & member_sources[j]:
                continue
            if names_similar(tokens[i], tokens[j]):
                candidates[(i, j)] = (1, _distance(xyz, i, j))
    for column in ("commune_code", "postcode"):
        groups: dict[tuple[str, str], list[int]] = {}
        for i, (k, code) in enumerate(zip(key, data[column], strict=True)):
            if k and not pd.isna(code):
                groups.setdefault((k, str(code)), []).append(i)
        for members in groups.values():
            for a, i in enumerate(members):
                for j in members[a + 1 :]:
                    if (i, j) in candidates or member_sources[i] & member_sources[j]:
                        continue
                    d = _distance(xyz, i, j)
                    if d > SAME_NAME_MAX_DISTANCE_M:
                        continue
                    candidates[(i, j)] = (2, d)

    parent = list(range(n))
    group_sources = list(member_sources)
    group_services = [_services_named(t) for t in tokens]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_rule = {"nearby, similar name": 0, "same name and commune/postcode": 0}
    order = sorted(
        candidates.items(),
        key=lambda item: (item[1][0], np.nan_to_num(item[1][1], nan=np.inf), item[0]),
    )
    for (i, j), (rule, _) in order:
        a, b = find(i), find(j)
        if a == b or group_sources[a] & group_sources[b]:
            continue
        if _conflict(group_services[a], group_services[b]):
            continue
        # The root is the better-ranked row, so that it is the one kept.
        if (source_rank[b], b) < (source_rank[a], a):
            a, b = b, a
        parent[b] = a
        group_sources[a] = group_sources[a] | group_sources[b]
        group_services[a] = group_services[a] | group_services[b]
        by_rule[
            "nearby, similar name" if rule == 1 else "same name and commune/postcode"
        ] += 1

    roots = np.array([find(i) for i in range(n)], dtype=int)
    merged: dict[str, int] = {}
    absorbed: dict[str, list[str]] = {}
    groups_of: dict[int, list[int]] = {}
    for i in np.flatnonzero(roots != np.arange(n)):
        groups_of.setdefault(int(roots[i]), [int(roots[i])]).append(int(i))
    # Plain lists: element-wise pandas access on string columns is slow.
    col = {
        c: data[c].astype(object).where(data[c].notna(), None).tolist() for c in COLUMNS
    }
    col["lat"], col["lon"] = lat.tolist(), lon.tolist()
    for members in groups_of.values():
        members = np.array(members)
        members = members[np.lexsort((members, source_rank[members]))]
        keep = int(members[0])
        kinds: set[str] = set()
        sources: set[str] = set()
        for m in members:
            kinds |= set(str(col["kinds"][m]).split(";"))
            sources |= member_sources[m]
        absorbed[col["site_id"][keep]] = [col["site_id"][m] for m in members[1:]]
        for m in members[1:]:
            pair = f"{col['source'][keep]} + {col['source'][m]}"
            merged[pair] = merged.get(pair, 0) + 1
            for c in ("commune_code", "postcode", "address", "services"):
                if col[c][keep] is None and col[c][m] is not None:
                    col[c][keep] = col[c][m]
            if np.isnan(col["lat"][keep]) and not np.isnan(col["lat"][m]):
                col["lat"][keep], col["lon"][keep] = col["lat"][m], col["lon"][m]
        col["kinds"][keep] = _join_kinds(kinds)
        col["sources"][keep] = _join_sources(sources)
        if col["kind"][keep] == "other":
            col["kind"][keep] = next((k for k in KINDS if k in kinds), "other")
    out = pd.DataFrame(col)
    for c in COLUMNS:
        if c not in ("lat", "lon"):
            out[c] = out[c].astype("string")
    out = out[roots == np.arange(n)].reset_index(drop=True)
    report = {
        "rows_in": n,
        "rows_out": len(out),
        "merged": dict(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))),
        "merged_by_rule": by_rule,
        "absorbed": dict(sorted(absorbed.items())),
    }
    return out, report


# ------------------------------------------------------------------------- internals


def _build(
    df: pd.DataFrame,
    file: str,
    source: str,
    *,
    ids: pd.Series,
    name: pd.Series,
    kinds: list[set[str]],
    address: pd.Series | None,
    postcode: pd.Series | None,
    commune_code: pd.Series | None,
    lat: pd.Series | None,
    lon: pd.Series | None,
    services: pd.Series | None,
    date: pd.Series | str | None,
    id_qualifier: pd.Series | None = None,
    kind_order: tuple[str, ...] = KINDS,
) -> pd.DataFrame:
    """Assemble the unified table, clean codes and coordinates, drop and count.

    ``kind`` is the first of ``kind_order`` found in the row's ``kinds``.
    """
    index = df.index
    na = pd.Series(pd.NA, index=index, dtype="string")
    rows_read = len(df)
    dropped: dict[str, int] = {}
    fixed: dict[str, int] = {}

    postcode = _code(postcode if postcode is not None else na, r"\d{5}")
    commune = _code(commune_code if commune_code is not None else na, _COMMUNE.pattern)
    lat = pd.Series(np.nan, index=index) if lat is None else lat.astype(float).copy()
    lon = pd.Series(np.nan, index=index) if lon is None else lon.astype(float).copy()

    incomplete = lat.isna() != lon.isna()
    lat[incomplete] = np.nan
    lon[incomplete] = np.nan
    known = lat.notna() & lon.notna()
    inside = in_france(lon, lat)
    swapped = known & ~inside & in_france(lat, lon)
    lat[swapped], lon[swapped] = lon[swapped].to_numpy(), lat[swapped].to_numpy()
    outside = known & ~inside & ~swapped
    lat[outside] = np.nan
    lon[outside] = np.nan
    for reason, mask in ((INCOMPLETE, incomplete), (OUTSIDE, outside)):
        if mask.any():
            dropped[reason] = int(mask.sum())
    if swapped.any():
        fixed[SWAPPED] = int(swapped.sum())

    out = pd.DataFrame(
        {
            "site_id": _unique_ids(ids, id_qualifier, index),
            "name": _clean(name),
            "kind": [next((k for k in kind_order if k in ks), "other") for ks in kinds],
            "kinds": [_join_kinds(ks) for ks in kinds],
            "address": _clean(address if address is not None else na),
            "postcode": postcode,
            "commune_code": commune,
            "lat": lat,
            "lon": lon,
            "services": _clean(services if services is not None else na),
            "source": source,
            "sources": source,
            "date": date if date is not None else pd.NA,
        },
        index=index,
    )
    out["site_id"] = source + ":" + out["site_id"]
    no_name = out["name"].isna()
    no_place = ~no_name & out["lat"].isna() & out["postcode"].isna()
    no_place &= out["commune_code"].isna()
    for reason, mask in ((NO_NAME, no_name), (NO_PLACE, no_place)):
        if mask.any():
            dropped[reason] = int(mask.sum())
    dropped_rows = [
        {"record": str(site_id), "reason": reason}
        for reason, mask in (
            (NO_NAME, no_name),
            (NO_PLACE, no_place),
            (f"{INCOMPLETE} (coordinates dropped, row kept)", incomplete),
            (f"{OUTSIDE} (coordinates dropped, row kept)", outside),
        )
        for site_id in out.loc[mask.to_numpy(), "site_id"]
    ]
    out = out[~(no_name | no_place)].reset_index(drop=True)
    for column in ("site_id", "name", "kind", "kinds", "address", "postcode"):
        out[column] = out[column].astype("string")
    for column in ("commune_code", "services", "source", "sources", "date"):
        out[column] = out[column].astype("string")
    out["lat"] = out["lat"].astype(float)
    out["lon"] = out["lon"].astype(float)
    out.attrs = {
        "source": source,
        "file": file,
        "rows_read": rows_read,
        "dropped": dropped,
        "dropped_rows": dropped_rows,
        "fixed": fixed,
    }
    return out[COLUMNS]


def _siret(series: pd.Series) -> pd.Series:
    """SIRET numbers as 14-character text (``"13002603200016.0"`` → 14 digits)."""
    text = series.astype("string").str.strip().str.replace(r"\.0+$", "", regex=True)
    text = text.str.zfill(14)
    return text.where(text.str.fullmatch(r"\d{14}").fillna(False)).astype("string")


def _with_extras(
    out: pd.DataFrame,
    name: pd.Series,
    codes: list[pd.Series],
    extras: dict[str, pd.Series],
) -> pd.DataFrame:
    """The unified table of a source without coordinates, plus its own columns.

    :func:`_build` keeps a row when it has a name and a place (here: a commune
    code or a postcode, ``codes``); the same test finds the kept rows of
    ``extras`` again.
    """
    placed = pd.Series(False, index=name.index)
    for code, pattern in zip(codes, (_COMMUNE.pattern, r"\d{5}"), strict=True):
        placed |= _code(code, pattern).notna()
    kept = (_clean(name).notna() & placed).to_numpy()
    result = out.copy()
    for column, values in extras.items():
        values = values.to_numpy()[kept]
        result[column] = (
            pd.array(values, dtype="string") if column == "siret" else values
        )
    result.attrs = out.attrs
    return result


def _looks_like_json(path: str | Path) -> bool:
    p = Path(path)
    if p.suffix.lower() in (".json", ".geojson"):
        return True
    if p.suffix.lower() in (".csv", ".tsv", ".txt"):
        return False
    try:
        head = p.read_bytes()[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head[:1] in (b"[", b"{")


def _read_json(path: str | Path, file: str) -> pd.DataFrame:
    """Read a JSON array of objects; every value as a string, with line numbers.

    ``_record`` is the 1-based position in the array and ``_line`` the line where
    the object starts.
    """
    p = Path(path)
    if not p.exists():
        raise SourceError(file, f"file not found: {p}")
    if not p.is_file():
        raise SourceError(file, f"not a file: {p}")
    text = decode(p.read_bytes(), file)
    if not text.strip():
        raise SourceError(file, "the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            file,
            f"invalid JSON at character {exc.colno} of the line: {exc.msg}",
            row=exc.lineno,
        ) from None
    except (RecursionError, ValueError) as exc:
        # Nesting too deep, or an integer too long for Python to convert.
        raise SourceError(file, f"cannot read this JSON: {str(exc)[:120]}") from None
    if not isinstance(data, list):
        found = (
            f"an object with keys {', '.join(list(data)[:8])}"
            if isinstance(data, dict)
            else f"a {type(data).__name__}"
        )
        raise SourceError(
            file, f"expected a JSON array of objects ([{{...}}, ...]), found {found}"
        )
    if not data:
        raise SourceError(file, "the JSON array is empty")
    for i, record in enumerate(data):
        if not isinstance(record, dict):
            raise SourceError(
                file,
                f"record {i + 1} is a {type(record).__name__}, not an object: "
                "expected a JSON array of objects",
            )
    try:
        df = pd.DataFrame.from_records(
            [{k: _text(v) for k, v in record.items()} for record in data]
        ).astype("string")
    except UnicodeError:
        raise SourceError(
            file, "the JSON holds text that is not valid Unicode"
        ) from None
    df.columns = clean_columns(df.columns, file)
    df["_record"] = np.arange(1, len(df) + 1)
    df["_line"] = _record_lines(text, len(df))
    return df


def _record_lines(text: str, n: int) -> np.ndarray:
    """Line number where each element of a (valid) top-level JSON array starts."""
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")
    i = space.match(text, 0).end() + 1  # past "["
    starts = []
    for _ in range(n):
        i = space.match(text, i).end()
        starts.append(i)
        _, i = decoder.raw_decode(text, i)
        i = space.match(text, i).end() + 1  # past "," (or the final "]")
    newlines = np.array([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
    return np.searchsorted(newlines, np.array(starts, dtype=np.int64)) + 1


def _text(value: object) -> object:
    """Turn a JSON value into text: None stays missing, lists are ``;``-joined."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        items = [str(_text(v)) for v in value if v is not None]
        return ";".join(items) if items else None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _require(df: pd.DataFrame, file: str, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        found = ", ".join(c for c in df.columns if not c.startswith("_"))
        raise SourceError(
            file, f"missing {what}(s) {', '.join(missing)}. Found: {found[:400]}"
        )


def _number(df: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Column to floats (decimal comma accepted); errors name the line or record."""
    try:
        return _to_number(df, column, file, decimal_comma=True, missing=_MISSING)
    except SourceError as exc:
        if "_record" not in df.columns:
            raise
        text = df[column].astype("string").str.strip()
        text = text.mask(text.isin(_MISSING)).str.replace(",", ".", regex=False)
        bad = pd.to_numeric(text, errors="coerce").isna() & text.notna()
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceError(
            file,
            f"record {int(df['_record'].iloc[i])}: {exc.detail}",
            row=exc.row,
            column=column,
        ) from None


def _get(df: pd.DataFrame, column: str) -> pd.Series:
    """Return a column as strings, or an all-NA column when absent."""
    if column in df.columns:
        return df[column].astype("string")
    return pd.Series(pd.NA, index=df.index, dtype="string")


def _plain(series: pd.Series) -> list[str]:
    """Lowercase, accent-free text of each cell ('' when missing)."""
    return ["" if pd.isna(v) else _ascii(str(v)) for v in series]


def _ascii(text: str) -> str:
    """Lowercase ASCII: accents stripped, ligatures spelt out."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _join(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Join the present, non-empty text columns with ", "."""
    parts = [_clean(df[c]) for c in columns if c in df.columns]
    if not parts:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    joined = parts[0]
    for part in parts[1:]:
        joined = (joined.fillna("") + ", " + part.fillna("")).str.strip(", ")
        joined = joined.mask(joined == "")
    return joined


def _clean(series: pd.Series) -> pd.Series:
    """Collapse newlines and runs of spaces; empty becomes NA."""
    text = series.astype("string")
    text = text.str.replace(r"\s*[\r\n]+\s*", ", ", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True).str.strip(" ,")
    return text.mask(text == "")


def _code(series: pd.Series, pattern: str) -> pd.Series:
    """Normalise a 5-character code; anything that is not one becomes NA."""
    code = normalise_codes(series, "commune")
    return code.where(code.str.fullmatch(pattern).fillna(False)).astype("string")


def _iso_date(series: pd.Series) -> pd.Series:
    """``YYYY-MM-DD...`` or ``dd/mm/yyyy`` to ``YYYY-MM-DD``; anything else NA."""
    text = series.astype("string").str.strip()
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})", expand=False)
    fr = text.str.extract(r"^(\d{2})/(\d{2})/(\d{4})")
    french = fr[2] + "-" + fr[1] + "-" + fr[0]
    return iso.fillna(french).astype("string")


def _unique_ids(
    ids: pd.Series, qualifier: pd.Series | None, index: pd.Index
) -> pd.Series:
    """Original ids as text, made unique within the file.

    A duplicated id gets ``@<record source>`` when the file has one, then
    ``#<n>`` (its rank among the rows still sharing it).
    """
    out = ids.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    out = out.fillna(
        pd.Series(np.arange(1, len(ids) + 1), index=index).astype("string")
    )
    if qualifier is not None:
        dup = out.duplicated(keep=False) & qualifier.notna()
        out = out.where(~dup, out + "@" + qualifier.astype("string").str.strip())
    dup = out.duplicated(keep=False)
    if dup.any():
        rank = out.groupby(out).cumcount() + 1
        out = out.where(~dup, out + "#" + rank.astype("string"))
    return out.astype("string")


def _services_named(tokens: Iterable[str]) -> frozenset[str]:
    """Distinct services a name says it is (library, France Services, post office)."""
    return frozenset(_SERVICE_WORDS[t] for t in tokens if t in _SERVICE_WORDS)


def _conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two names (or groups) are plainly different services."""
    return bool(a) and bool(b) and not a & b


def _join_kinds(kinds: Iterable[str]) -> str:
    """Join kinds in :data:`KINDS` order; ``other`` only when nothing else is known."""
    kinds = set(kinds) - {"other"} or {"other"}
    return ";".join(k for k in KINDS if k in kinds)


def _join_sources(sources: Iterable[str]) -> str:
    rank = {s: i for i, s in enumerate(SOURCES)}
    return ";".join(sorted(set(sources), key=lambda s: (rank.get(s, len(SOURCES)), s)))


def _to_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on a sphere of the Earth's mean radius, in metres (NaN stays NaN)."""
    phi, lam = np.radians(lat), np.radians(lon)
    return _EARTH_RADIUS_M * np.column_stack(
        (np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi))
    )


def _distance(xyz: np.ndarray, i: int, j: int) -> float:
    """Chord distance in metres between rows ``i`` and ``j`` (NaN if one is unknown)."""
    return float(np.sqrt(((xyz[i] - xyz[j]) ** 2).sum()))
