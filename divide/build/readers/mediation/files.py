"""One reader per source file of mediation places, and all of them read and merged."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from divide.build.readers._checks import read_table
from divide.build.readers._checks import to_number as _to_number
from divide.build.readers.mediation.kinds import (
    AIDANTS_FIRST,
    CNFS_FIRST,
    FILES,
    KINDS,
    posts_per_site,
    settle_kinds,
)
from divide.build.readers.mediation.merge import deduplicate_sites
from divide.build.readers.mediation.table import (
    MISSING,
    build_table,
    clean_text,
    iso_date,
    join_columns,
    looks_like_json,
    number_column,
    plain_texts,
    read_json,
    require_columns,
    siret_text,
    text_column,
    with_extras,
)
from divide.errors import SourceError

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
    return build_table(
        df,
        file,
        "france_services_2024",
        ids=df["id_fs"],
        name=df["lib_fs"],
        kinds=[{"france_services"}] * len(df),
        address=join_columns(df, ["adresse", "complement_adresse"]),
        postcode=df["code_postal"],
        commune_code=df["insee_com"],
        lat=number_column(df, "latitude", file),
        lon=number_column(df, "longitude", file),
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
    if looks_like_json(path):
        df = read_json(path, file)
        require_columns(df, file, ["nom"], "key")
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
    labels = plain_texts(text_column(df, "labels_nationaux"))
    origin = plain_texts(text_column(df, "source"))
    typology = plain_texts(text_column(df, "typologie"))
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
    ids = text_column(df, "id")
    if ids.isna().all():
        ids = df["_record"] if "_record" in df.columns else df["_line"]
    return build_table(
        df,
        file,
        source_id,
        ids=ids,
        id_qualifier=text_column(df, "source"),
        kind_order=CNFS_FIRST,
        name=df["nom"],
        kinds=kinds,
        address=join_columns(df, ["adresse", "complement_adresse"]),
        postcode=text_column(df, "code_postal"),
        commune_code=text_column(df, "code_insee"),
        lat=number_column(df, "latitude", file) if has_coords else None,
        lon=number_column(df, "longitude", file) if has_coords else None,
        services=text_column(df, "services"),
        date=iso_date(text_column(df, "date_maj")),
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
    df = read_json(path, file)
    require_columns(
        df, file, ["raison_sociale", "insee_com", "latitude", "longitude"], "key"
    )
    name = df["raison_sociale"].mask(df["raison_sociale"].str.strip() == "0")
    postcode = text_column(df, "code_postal_bis").fillna(text_column(df, "code_postal"))
    fs = plain_texts(text_column(df, "france_services"))
    kinds = [
        {"conseiller_numerique", "france_services"}
        if f == "oui"
        else {"conseiller_numerique"}
        for f in fs
    ]
    date = iso_date(text_column(df, "date_de_validation_en_comité_de_sélection"))
    return build_table(
        df,
        file,
        "cnfs_structures_2021",
        ids=text_column(df, "id").fillna(df["_record"].astype("string")),
        name=name,
        kinds=kinds,
        address=text_column(df, "adresse"),
        postcode=postcode,
        commune_code=df["insee_com"],
        lat=number_column(df, "latitude", file),
        lon=number_column(df, "longitude", file),
        services=None,
        date=date.fillna("2021-06"),
        kind_order=CNFS_FIRST,
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
    fs = plain_texts(text_column(df, c["france_services"]))
    kinds = [
        {"conseiller_numerique", "france_services"}
        if f == "oui"
        else {"conseiller_numerique"}
        for f in fs
    ]
    siret = siret_text(text_column(df, c["siret"]))
    out = build_table(
        df,
        file,
        "cnfs_structures_2023",
        ids=siret.fillna(df["_line"].astype("string")),
        name=df[c["name"]],
        kinds=kinds,
        address=text_column(df, c["address"]),
        postcode=df[c["postcode"]],
        commune_code=df[c["commune"]],
        lat=None,
        lon=None,
        services=None,
        date=iso_date(text_column(df, c["date"])).fillna("2023-04-05"),
        kind_order=CNFS_FIRST,
    )
    extras = {"posts": _to_number(df, c["posts"], file), "siret": siret}
    return with_extras(
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
    fs = plain_texts(text_column(df, c["france_services"]))
    kinds = [
        {"aidants_connect", "france_services"} if f == "true" else {"aidants_connect"}
        for f in fs
    ]
    out = build_table(
        df,
        file,
        "aidants_connect_2024",
        ids=df[c["id"]],
        name=df[c["name"]],
        kinds=kinds,
        address=text_column(df, c["address"]),
        postcode=text_column(df, c["postcode"]),
        commune_code=df[c["commune"]],
        lat=None,
        lon=None,
        services=None,
        date="2024-02-12",
        kind_order=AIDANTS_FIRST,
    )
    extras = {
        "active": pd.Series(
            [a == "true" for a in plain_texts(df[c["active"]])], index=df.index
        ),
    }
    for key in ("aidants", "users", "procedures"):
        if c[key] in df.columns:
            extras[key] = _to_number(df, c[key], file)
    extras["city"] = clean_text(text_column(df, c["city"]))
    extras["siret"] = siret_text(text_column(df, c["siret"]))
    return with_extras(
        out, df[c["name"]], [df[c["commune"]], text_column(df, c["postcode"])], extras
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
    text = text.mask(text.isin(MISSING) | (text == ""))
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
    return build_table(
        df,
        file,
        "libraries_culture",
        ids=ids,
        name=df["Libelle1"],
        kinds=[{"library"}] * len(df),
        address=join_columns(df, ["Localisation", "voie"]),
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
    labels = text_column(df, "code_label").fillna("").str.upper().str.split(r"[-;,\s]+")
    kinds = [{"france_services"} if "MFS" in set(lab) else set() for lab in labels]
    return build_table(
        df,
        file,
        "mednum_bfc",
        ids=df["bfc_id"].str.strip().str.rstrip("_"),
        name=df["nom_structure"],
        kinds=kinds,
        address=text_column(df, "adresse"),
        postcode=df["code_postal"],
        commune_code=None,
        lat=number_column(df, "lat", file),
        lon=number_column(df, "lon", file),
        services=None,
        date=iso_date(text_column(df, "mise_a_jour")).fillna("2022-12"),
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
