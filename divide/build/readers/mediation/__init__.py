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

Modules: :mod:`~divide.build.readers.mediation.kinds` (sources, files, kinds and
columns; :func:`settle_kinds`, :func:`posts_per_site`),
:mod:`~divide.build.readers.mediation.files` (one reader per file,
:func:`read_all_sites`), :mod:`~divide.build.readers.mediation.table` (a file's
records made into the unified table) and
:mod:`~divide.build.readers.mediation.merge` (:func:`deduplicate_sites`).
"""

from __future__ import annotations

from divide.build.readers.mediation.files import (
    AIDANTS_COLUMNS,
    CNFS_2023_COLUMNS,
    INACTIVE,
    READERS,
    active_aidants,
    read_aidants_connect,
    read_all_sites,
    read_bfc_hub,
    read_cnfs_structures,
    read_cnfs_structures_2023,
    read_france_services,
    read_libraries,
    read_lieux_mediation,
)
from divide.build.readers.mediation.kinds import (
    COLUMNS,
    FILES,
    INCOMPLETE,
    KINDS,
    LIBRARY_LIST,
    MEDIATION_KINDS,
    NO_NAME,
    NO_PLACE,
    OFFICIAL_FRANCE_SERVICES,
    OFFICIAL_FRANCE_SERVICES_DATE,
    OUTSIDE,
    SOURCES,
    SWAPPED,
    posts_per_site,
    settle_kinds,
)
from divide.build.readers.mediation.merge import (
    MERGE_DISTANCE_M,
    NAME_SIMILARITY,
    SAME_NAME_MAX_DISTANCE_M,
    deduplicate_sites,
    names_similar,
    normalise_name,
)

__all__ = [
    "AIDANTS_COLUMNS",
    "CNFS_2023_COLUMNS",
    "COLUMNS",
    "FILES",
    "INACTIVE",
    "INCOMPLETE",
    "KINDS",
    "LIBRARY_LIST",
    "MEDIATION_KINDS",
    "MERGE_DISTANCE_M",
    "NAME_SIMILARITY",
    "NO_NAME",
    "NO_PLACE",
    "OFFICIAL_FRANCE_SERVICES",
    "OFFICIAL_FRANCE_SERVICES_DATE",
    "OUTSIDE",
    "READERS",
    "SAME_NAME_MAX_DISTANCE_M",
    "SOURCES",
    "SWAPPED",
    "active_aidants",
    "deduplicate_sites",
    "names_similar",
    "normalise_name",
    "posts_per_site",
    "read_aidants_connect",
    "read_all_sites",
    "read_bfc_hub",
    "read_cnfs_structures",
    "read_cnfs_structures_2023",
    "read_france_services",
    "read_libraries",
    "read_lieux_mediation",
    "settle_kinds",
]
