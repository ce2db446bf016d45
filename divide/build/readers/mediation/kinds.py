"""Mediation places: their sources and files, kinds and columns; the kinds settled."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

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


NO_NAME = "no name"


NO_PLACE = "no coordinates, commune code or postcode"


OUTSIDE = "coordinates outside France"


INCOMPLETE = "incomplete coordinates"


SWAPPED = "coordinates swapped"


# A CnFS permanence held in a France Services is first a CnFS place.
CNFS_FIRST = ("conseiller_numerique", "france_services", "library", "other")


# An Aidants Connect structure held in a France Services is first an Aidants
# Connect place (the kind its own source knows it as).
AIDANTS_FIRST = ("aidants_connect", "france_services", "other")


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
        joined = join_kinds(kinds)
        kinds_out.append(joined)
        kind_out.append(joined.split(";")[0])
        claims.append(claim)
        claimed_by.append(join_sources(sources) if claim else None)
    out["kinds"] = pd.array(kinds_out, dtype="string")
    out["kind"] = pd.array(kind_out, dtype="string")
    out["claims"] = pd.array(claims, dtype="string")
    out["claimed_by"] = pd.array(claimed_by, dtype="string")
    return out


def join_kinds(kinds: Iterable[str]) -> str:
    """Join kinds in :data:`KINDS` order; ``other`` only when nothing else is known."""
    kinds = set(kinds) - {"other"} or {"other"}
    return ";".join(k for k in KINDS if k in kinds)


def join_sources(sources: Iterable[str]) -> str:
    """Sources ``;``-joined, in the order of :data:`SOURCES`."""
    rank = {s: i for i, s in enumerate(SOURCES)}
    return ";".join(sorted(set(sources), key=lambda s: (rank.get(s, len(SOURCES)), s)))
