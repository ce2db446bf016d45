"""Types of territory: the Observatoire des territoires' commune grids (ANCT).

Four files of the same shape, ``ot_grille_<grid>.csv``: UTF-8 with a BOM,
comma-separated, columns ``insee_com,lib_com,niveau_<grid>``, one row per commune
(COG 2026):

* ``densite``: INSEE's communal density grid, 7 levels (labels only, the numeric
  prefix stripped by the Observatoire);
* ``ruralite``: ANCT's typology of rural areas (labels carry a leading space);
* ``centralite``: ANCT / Inrae centralities of facilities and services (5
  levels; overseas communes are ``" - undefined"``);
* ``montagne``: mountain communes only, by massif (``"02 - Massif du Jura"``).

The reader maps each label to a stable id (:data:`CLASSES`); a label it does not
know is an error naming the allowed ones, so a newer edition that renames a class
is caught rather than silently dropped. Labels that mean "no class" (centralité
``undefined``, rurality "commune whose boundaries changed") read as a missing id,
and are counted in the frame's ``attrs``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from divide.build.readers._checks import check_unique, commune_codes, read_table
from divide.errors import SourceError

CODE, NAME = "insee_com", "lib_com"
#: File suffix (French, as published) → grid id used in the atlas.
GRIDS = {
    "densite": "density",
    "ruralite": "rurality",
    "centralite": "centrality",
    "montagne": "mountain",
}
#: Per grid: the file's label (stripped) → class id, in the grid's own order.
#: ``None`` marks a label that gives no class.
CLASSES: dict[str, dict[str, str | None]] = {
    "density": {
        "Grands centres urbains": "grands_centres_urbains",
        "Centres urbains intermédiaires": "centres_urbains_intermediaires",
        "Ceintures urbaines": "ceintures_urbaines",
        "Petites villes": "petites_villes",
        "Bourgs ruraux": "bourgs_ruraux",
        "Rural à habitat dispersé": "rural_disperse",
        "Rural à habitat très dispersé": "rural_tres_disperse",
    },
    "rurality": {
        "Les petites polarités mixtes": "petites_polarites_mixtes",
        "Les petites polarités industrielles et artisanales": (
            "petites_polarites_industrielles"
        ),
        "Les ruralités productives agricoles": "productives_agricoles",
        "Les ruralités productives ouvrières": "productives_ouvrieres",
        "Les ruralités résidentielles aisées": "residentielles_aisees",
        "Les ruralités résidentielles mixtes": "residentielles_mixtes",
        "Les ruralités touristiques spécialisées": "touristiques_specialisees",
        "Les ruralités touristiques à dominante résidentielle": (
            "touristiques_residentielles"
        ),
        "Hors champ : DOM ou commune urbaine": "hors_champ",
        "Commune dont le périmètre a changé depuis la réalisation de la typologie": (
            None
        ),
    },
    "centrality": {
        "Centre majeur d'équipements et de services": "centre_majeur",
        "Centre structurant d'équipements et de services": "centre_structurant",
        "Centre intermédiaire d'équipements et de services": "centre_intermediaire",
        "Centre local d'équipements et de services": "centre_local",
        "Communes non centre": "non_centre",
        "- undefined": None,
    },
    "mountain": {
        "01 - Massif des Vosges": "vosges",
        "02 - Massif du Jura": "jura",
        "03 - Massif des Alpes": "alpes",
        "04 - Massif de Guadeloupe": "guadeloupe",
        "05 - Massif de Corse": "corse",
        "06 - Massif Central": "massif_central",
        "07 - Massif de Martinique": "martinique",
        "08 - Massif des Pyrénées": "pyrenees",
        "09 - Massif des Hauts de la Réunion": "hauts_reunion",
    },
}
OUTPUT = ["code", "name", "label", "class"]


def read_grid(path: str | Path | bytes, *, name: str | None = None) -> pd.DataFrame:
    """Read one Observatoire des territoires commune grid.

    Parameters
    ----------
    path : str, Path or bytes
        An ``ot_grille_<grid>.csv`` file (any of the four grids), or its content.
        The grid is recognised from the ``niveau_<grid>`` column.
    name : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    pandas.DataFrame
        One row per commune of the file: ``code`` (str, as in the file, e.g.
        ``"01001"``, ``"2A004"``), ``name`` (``lib_com``), ``label`` (the class
        label, surrounding spaces removed) and ``class`` (the stable id of
        :data:`CLASSES`, missing for a "no class" label). ``attrs["grid"]`` is
        the grid id (``density``, ``rurality``, ``centrality``, ``mountain``) and
        ``attrs["no_class_labels"]`` counts the rows whose label gives no class.

    Raises
    ------
    SourceError
        Unreadable or empty file, no ``niveau_<grid>`` column, a malformed or
        duplicated code, an empty or unknown label.
    """
    file = name or (
        "upload" if isinstance(path, bytes | bytearray) else Path(path).name
    )
    df = read_table(path, [CODE], name=file, sep=",")
    column, grid = _grid_column(df.columns, file)
    if df.empty:
        raise SourceError(file, "no data rows below the header", row=1)

    df[CODE] = commune_codes(df, CODE, file)
    check_unique(df, CODE, file)

    label = df[column].astype("string").str.strip()
    known = CLASSES[grid]
    unknown_label = label.isna() | ~label.isin(list(known))
    if unknown_label.any():
        i = unknown_label.to_numpy().nonzero()[0][0]
        shown = "" if pd.isna(label.iloc[i]) else label.iloc[i]
        allowed = "; ".join(known)
        raise SourceError(
            file,
            f"'{shown}' is not a class of the {grid} grid. Known classes: {allowed}",
            row=int(df["_line"].iloc[i]),
            column=column,
        )
    names = df[NAME] if NAME in df.columns else pd.Series(pd.NA, index=df.index)
    out = pd.DataFrame(
        {
            "code": df[CODE],
            "name": names.astype("string").str.strip(),
            "label": label,
            "class": label.map(known).astype("string"),
        }
    )
    out.attrs["grid"] = grid
    no_class = label[out["class"].isna()].value_counts()
    out.attrs["no_class_labels"] = {str(k): int(v) for k, v in no_class.items()}
    return out[OUTPUT].reset_index(drop=True)


def _grid_column(columns: pd.Index, file: str) -> tuple[str, str]:
    """The ``niveau_<grid>`` column and the grid id it names."""
    found = [c for c in columns if c.startswith("niveau_")]
    for column in found:
        suffix = column.removeprefix("niveau_")
        if suffix in GRIDS:
            return column, GRIDS[suffix]
    expected = ", ".join(f"niveau_{g}" for g in GRIDS)
    raise SourceError(
        file,
        f"no class column: expected one of {expected}; found: "
        f"{', '.join(columns[:10])}",
        row=1,
    )
