"""The official layout of ARCEP's building-level files, declared in one place.

ARCEP's "Ma connexion internet" publishes two building-level tables per
département (and one national file of each):

* ``base_imb_<DEP>.csv.gz`` — the *base immeubles*: one row per building
  (``imb_id``), with its commune (``imb_code_insee``), coordinates and number of
  premises (``imb_nbr_logloc``: housing units plus business premises);
* ``actuel_<DEP>.csv.gz`` — the *éligibilité*: one row per building × operator ×
  technology, with the download speed class (``classe_debit_descendant``).

Where each column's documentation comes from, and what is an assumption, is in
the README section "Address-level ARCEP data (layout implemented)". Every column
the code reads is declared in :data:`BUILDING_COLUMNS` and
:data:`ELIGIBILITY_COLUMNS`: a renamed column in a new vintage is one more entry
in ``aliases`` there, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from divide.build.readers.broadband import CLASSES


@dataclass(frozen=True)
class Column:
    """One column of an official file, as the converter reads it.

    Parameters
    ----------
    name : str
        Name in the current layout, and in the Parquet the converter writes.
    sql_type : str
        DuckDB type it is cast to (``VARCHAR`` for every code).
    meaning : str
        What it holds, in ARCEP's words where they exist.
    aliases : tuple of str
        Other names the same column has had in published vintages.
    required : bool
        Whether a file without it is refused.
    """

    name: str
    sql_type: str
    meaning: str
    aliases: tuple[str, ...] = ()
    required: bool = True


#: ``base_imb``: the columns read. Others (address fields) are ignored.
BUILDING_COLUMNS: tuple[Column, ...] = (
    Column("imb_id", "BIGINT", "ARCEP building id, not stable across vintages"),
    Column(
        "imb_x",
        "DOUBLE",
        "x of the building, EPSG:3857 (Web Mercator) metres",
        aliases=("imb_longitude", "x", "lon"),
    ),
    Column(
        "imb_y",
        "DOUBLE",
        "y of the building, EPSG:3857 (Web Mercator) metres",
        aliases=("imb_latitude", "y", "lat"),
    ),
    Column("imb_code_insee", "VARCHAR", "INSEE code of the building's commune"),
    Column(
        "imb_nbr_logloc",
        "INTEGER",
        "estimated premises in the building (housing plus business premises)",
        aliases=("nbr_logloc", "imb_nbr_log", "nb_log", "nbr_log"),
    ),
    Column("imb_type", "VARCHAR", "building type (PA house, IM block)", required=False),
)

#: ``actuel``: the columns read. ``addr_code``, ``imb_code``, ``limitation`` and
#: ``saturation`` are ignored (they do not change the best available class).
ELIGIBILITY_COLUMNS: tuple[Column, ...] = (
    Column("imb_id", "BIGINT", "ARCEP building id (joins base_imb)"),
    Column(
        "code_operateur",
        "VARCHAR",
        "commercial operator (absent from the first 2020 vintages)",
        aliases=("code_oc", "operateur"),
        required=False,
    ),
    Column("code_techno", "VARCHAR", "access technology, see TECHNOLOGIES"),
    Column(
        "classe_debit_descendant",
        "VARCHAR",
        "download speed class, see CLASS_CODES",
    ),
    Column(
        "classe_debit_montant",
        "VARCHAR",
        "upload speed class",
        required=False,
    ),
)

#: ARCEP's download classes, from no usable access to 1 Gbit/s. Bounds in
#: Mbit/s (ARCEP's "Classes de débit" table): INEL 0–0.512, HD05 0.512–4,
#: HD3 2–10, BHD8 6–25, THD30 20–100, THD100 100–1000, THD1G ≥ 1000.
ARCEP_CLASSES = ("INEL", "HD05", "HD3", "BHD8", "THD30", "THD100", "THD1G")
#: ARCEP class code → the atlas's class name (:data:`broadband.CLASSES`).
CLASS_CODES: dict[str, str] = dict(zip(ARCEP_CLASSES, CLASSES, strict=True))
#: Rank of each ARCEP class (0 = INEL); a building's best class is the highest.
CLASS_RANK: dict[str, int] = {code: i for i, code in enumerate(CLASS_CODES)}
#: First rank counted as "≥ 30 Mbit/s" (THD30).
THD30_RANK = CLASS_RANK["THD30"]

#: ARCEP technology codes. HD radio is ``WMX`` in ARCEP's schema page and ``HDR``
#: in its statistics' column names (``log_hdr``, ``elig_hdr``): both accepted.
TECHNOLOGIES: dict[str, str] = {
    "CU": "copper (DSL)",
    "COAX": "cable",
    "FO": "fibre (FTTH)",
    "4GF": "fixed 4G",
    "THDR": "very-high-speed radio",
    "WMX": "high-speed radio (WiMAX)",
    "HDR": "high-speed radio",
    "SAT": "satellite",
}
#: Technologies counted for a building's best class by default. Satellite is
#: left out (an assumption, see the README): it reaches almost every building,
#: so counting it would leave nearly no premises below 30 Mbit/s.
DEFAULT_TECHNOLOGIES: tuple[str, ...] = tuple(t for t in TECHNOLOGIES if t != "SAT")

#: Coordinates of ``base_imb`` (ARCEP's schema page: "WGS 84 / Pseudo-Mercator,
#: EPSG:3857", although the 2020 columns were named longitude / latitude).
SOURCE_EPSG = 3857

#: File name patterns of the official CSVs (``.csv`` or ``.csv.gz``), by table.
CSV_PATTERNS: dict[str, str] = {
    "buildings": "*base_imb*.csv*",
    "eligibility": "*actuel*.csv*",
}
#: Parquet sub-folders, partitioned Hive-style by département (``dep=29``).
TABLES: dict[str, tuple[Column, ...]] = {
    "buildings": BUILDING_COLUMNS,
    "eligibility": ELIGIBILITY_COLUMNS,
}
#: Partition column (a département code, always a string: "01", "2A", "971").
PARTITION = "dep"
#: Marker file of a SYNTHETIC data set (its content says how it was made).
SYNTHETIC_MARKER = "SYNTHETIC.json"
#: File of a converted data set recording what was converted.
MANIFEST = "manifest.json"


def departement_of(code_insee_sql: str) -> str:
    """SQL expression: the département of a commune code (``971`` for 97xxx)."""
    return (
        f"CASE WHEN {code_insee_sql} LIKE '97%' THEN left({code_insee_sql}, 3) "
        f"ELSE left({code_insee_sql}, 2) END"
    )


def class_rank_sql(column: str) -> str:
    """SQL expression: rank of an ARCEP class code; an unknown code raises.

    The Parquet written by the converter and the generator holds upper-case codes
    (the converter normalises them), so the codes are compared as they are.
    """
    whens = " ".join(f"WHEN '{code}' THEN {rank}" for code, rank in CLASS_RANK.items())
    known = ", ".join(CLASS_CODES)
    return (
        f"CASE {column} {whens} ELSE error("
        f"'unknown {column} ''' || coalesce({column}, '(empty)') || ''' for "
        f"imb_id ' || coalesce(CAST(imb_id AS VARCHAR), '?') || '; known: {known}') "
        "END"
    )
