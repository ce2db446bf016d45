"""Territories: levels, codes, scopes and the metric projection of each place.

The one home of each of these facts; every other module imports them from here.

* **Levels**: :data:`LEVELS` (the four levels of territories, finest first),
  :data:`ALL_LEVELS` (with France), :data:`PARENT_LEVELS` (those a commune belongs
  to), :data:`CODE_WIDTH` (how many characters a code has).
* **Codes**: :func:`normalise_codes` (a code as the atlas writes it, whatever a
  spreadsheet did to it), :data:`PLM_ARRONDISSEMENTS` (the municipal
  arrondissements of Paris, Lyon and Marseille, folded into their commune).
* **Scopes**: a view limited to one territory is written ``dep:29``,
  ``reg:53`` or ``epci:200054781`` (:func:`scope_text`, :func:`parse_scope`).
* **Projection**: :data:`PLACES` (mainland France and each overseas territory:
  its metric CRS and lon/lat box), :func:`place_of_departement`,
  :func:`metric_crs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from divide.errors import DivideError, unknown

__all__ = [
    "ALL_LEVELS",
    "CODE_WIDTH",
    "LEVELS",
    "OVERSEAS",
    "PARENT_LEVELS",
    "PLACES",
    "PLM_ARRONDISSEMENTS",
    "SCOPE_PREFIX",
    "Place",
    "metric_crs",
    "normalise_codes",
    "parse_scope",
    "place_of_departement",
    "scope_text",
]

#: The four levels of territories, finest first.
LEVELS = ("commune", "epci", "departement", "region")
#: The levels with France as a whole last.
ALL_LEVELS = (*LEVELS, "france")
#: The levels a commune belongs to (columns of the commune table).
PARENT_LEVELS = ("epci", "departement", "region")
#: Characters in a code of each level (digits are zero-padded to it).
CODE_WIDTH = {"commune": 5, "epci": 9, "departement": 2, "region": 2}
#: The five overseas départements (DROM), by code.
OVERSEAS = ("971", "972", "973", "974", "976")

#: Municipal arrondissement codes of Paris, Lyon and Marseille, by commune code.
PLM_ARRONDISSEMENTS = {
    "75056": range(75101, 75121),
    "69123": range(69381, 69390),
    "13055": range(13201, 13217),
}

#: How a scope's level is written before its code (``dep:29``).
SCOPE_PREFIX = {"epci": "epci", "departement": "dep", "region": "reg"}


def normalise_codes(
    series: pd.Series, level: str = "commune", *, width: int | None = None
) -> pd.Series:
    """Territory codes as the atlas writes them; empty cells become missing.

    Spaces (also non-breaking ones) and a leading apostrophe (Excel's text
    marker) are removed, letters upper-cased (``2a004`` → ``2A004``), a trailing
    ``.0`` dropped (a code read as a number) and a lost leading zero restored
    (``1001`` → ``01001`` for a commune, ``1`` → ``01`` for a département).
    ``width`` pads to another width (an IRIS code has 9 characters).
    """
    if width is None:
        if level not in CODE_WIDTH:
            raise unknown("level", level, CODE_WIDTH)
        width = CODE_WIDTH[level]
    s = series.astype("string").str.strip().str.lstrip("'")
    s = s.str.replace(r"[\s\u00a0\u202f]+", "", regex=True).str.upper()
    s = s.str.replace(r"\.0+$", "", regex=True)
    digits = s.str.fullmatch(r"\d+").fillna(False)
    s = s.where(~digits, s.str.zfill(width))
    return s.mask(s == "")


def scope_text(level: str, code: str) -> str:
    """A scope as the URL, the CLI and the export page write it: ``dep:29``."""
    if level not in SCOPE_PREFIX:
        raise unknown("scope level", level, SCOPE_PREFIX)
    return f"{SCOPE_PREFIX[level]}:{code}"


def parse_scope(text: str) -> tuple[str, str] | None:
    """``dep:29`` → ``("departement", "29")``; ``france`` (or empty) → None.

    The level's own name is accepted too (``departement:29``). The code is not
    checked against an atlas here (:meth:`divide.atlas.Atlas.resolve_within`
    does that, and also takes a bare code).
    """
    prefix, colon, code = text.strip().partition(":")
    if not colon:
        if prefix.lower() in ("", "fr", "france"):
            return None
        raise DivideError(
            f"scope {text!r}: write it as LEVEL:CODE, e.g. dep:29, reg:53, "
            "epci:200054781, or 'france'"
        )
    levels = {p: lvl for lvl, p in SCOPE_PREFIX.items()} | {
        lvl: lvl for lvl in SCOPE_PREFIX
    }
    level = levels.get(prefix.strip().lower())
    if level is None:
        raise unknown("scope level", prefix.strip(), sorted(SCOPE_PREFIX.values()))
    return level, code.strip().upper()


@dataclass(frozen=True)
class Place:
    """Mainland France or one overseas territory: points are matched only within it."""

    epsg: int
    name: str
    box: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max


#: Mainland France (with Corsica) and each overseas territory, with the metric
#: CRS used for distances there: Lambert-93, or the local UTM zone.
PLACES: dict[str, Place] = {
    "metro": Place(2154, "France métropolitaine", (-5.8, 41.2, 10.0, 51.3)),
    "971": Place(5490, "Guadeloupe", (-61.9, 15.8, -60.95, 16.6)),
    "972": Place(5490, "Martinique", (-61.3, 14.35, -60.75, 14.95)),
    "973": Place(2972, "Guyane", (-54.7, 2.0, -51.5, 6.0)),
    "974": Place(2975, "La Réunion", (55.1, -21.5, 55.9, -20.8)),
    "975": Place(4467, "Saint-Pierre-et-Miquelon", (-56.6, 46.7, -56.0, 47.2)),
    "976": Place(4471, "Mayotte", (44.9, -13.1, 45.4, -12.5)),
    "977": Place(5490, "Saint-Barthélemy", (-62.95, 17.85, -62.75, 17.97)),
    "978": Place(5490, "Saint-Martin", (-63.2, 17.98, -62.95, 18.15)),
}

_MAINLAND = frozenset(
    [f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B", "20"]
)


def place_of_departement(departement: object) -> str:
    """The key of :data:`PLACES` a département belongs to (``""`` if none)."""
    if departement is None or departement is pd.NA:
        return ""
    text = str(departement).strip().upper()
    if text in ("", "NAN"):
        return ""
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    if text in _MAINLAND:
        return "metro"
    return text if text in PLACES else ""


def metric_crs(departement: str) -> str:
    """The metric CRS (``EPSG:…``) used for distances in a département."""
    place = place_of_departement(departement) or "metro"
    return f"EPSG:{PLACES[place].epsg}"
