"""Types of territory: the five commune attributes, their classes, labels, sources.

The vocabulary shared by the build (which writes the attribute columns,
:func:`commune_types`, and counts them in the quality report, :func:`grid_report`),
the filters and tables by type (:mod:`divide.typology`) and the exports
(:func:`describe`). The classes come from the Observatoire des territoires' grids
(:data:`divide.build.readers.typology.CLASSES`); see :mod:`divide.typology` for
what each attribute holds.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from divide.atlas import TYPE_COLUMNS
from divide.build.readers.typology import CLASSES
from divide.errors import unknown
from divide.i18n import t
from divide.registry import source

#: The commune attributes, in the order they are shown and exported.
GRIDS = TYPE_COLUMNS
#: The source behind each attribute (``density3`` is derived from ``density``).
SOURCES = {
    "density": "ot_density",
    "density3": "ot_density",
    "rurality": "ot_rurality",
    "centrality": "ot_centrality",
    "mountain": "ot_mountain",
}
#: INSEE's grouping of the 7 density levels into 3.
DENSITY3 = {
    "grands_centres_urbains": "dense",
    "centres_urbains_intermediaires": "dense",
    "ceintures_urbaines": "intermediate",
    "petites_villes": "intermediate",
    "bourgs_ruraux": "rural",
    "rural_disperse": "rural",
    "rural_tres_disperse": "rural",
}
#: The group of communes without a class (a filter value too).
NONE = "none"
#: In a filter: any class of the grid (``mountain=any``: every mountain commune).
ANY = "any"
#: The row of a :func:`by_type` table holding the whole territory.
ALL = "all"


def classes(grid: str) -> tuple[str, ...]:
    """The class ids of a grid, in its own order (without :data:`NONE`).

    Raises
    ------
    DivideError
        For an unknown grid, naming the valid ones.
    """
    check_grid(grid)
    if grid == "density3":
        return tuple(dict.fromkeys(DENSITY3.values()))
    return tuple(c for c in CLASSES[grid].values() if c is not None)


def check_grid(grid: str) -> None:
    """Raise a clear error for an unknown grid."""
    if grid not in GRIDS:
        raise unknown("type of territory", grid, GRIDS)


def grid_label(grid: str, lang: str) -> str:
    """The name of a grid in a language."""
    check_grid(grid)
    return t(f"type_grid_{grid}", lang)


def class_label(grid: str, value: str, lang: str) -> str:
    """The name of a class (or of :data:`NONE`, :data:`ALL`) in a language."""
    if value == ALL:
        return t("type_all", lang)
    if value == NONE:
        return t("type_none_mountain" if grid == "mountain" else "type_none", lang)
    return t(f"type_{grid}_{value}", lang)


def describe(grid: str) -> dict[str, str]:
    """A commune attribute for a data dictionary: labels, source, values.

    Returns
    -------
    dict
        ``label_fr``, ``label_en``, ``sources``, ``vintage``, ``as_of``, ``licence``,
        ``url``, and ``note_fr`` / ``note_en`` listing every value as
        ``id = label`` (an empty cell: no class).
    """
    check_grid(grid)
    src = source(SOURCES[grid])
    notes = {}
    for lang in ("fr", "en"):
        values = "; ".join(f"{c} = {class_label(grid, c, lang)}" for c in classes(grid))
        empty = class_label(grid, NONE, lang)
        notes[lang] = f"{values}; {t('type_empty_cell', lang)} = {empty}"
        if grid == "density3":
            groups = "; ".join(
                f"{group} = {' + '.join(k for k, g in DENSITY3.items() if g == group)}"
                for group in classes("density3")
            )
            notes[lang] += f". {t('type_grouping', lang)}: {groups}"
    return {
        "label_fr": grid_label(grid, "fr"),
        "label_en": grid_label(grid, "en"),
        "sources": f"{src.producer}: {src.title}",
        "vintage": src.vintage,
        "as_of": src.as_of,
        "licence": src.licence,
        "url": src.url,
        "note_fr": notes["fr"],
        "note_en": notes["en"],
    }


def commune_types(grids: Mapping[str, pd.Series], codes: pd.Index) -> pd.DataFrame:
    """The five attribute columns for today's communes.

    Parameters
    ----------
    grids : mapping
        ``density``, ``rurality``, ``centrality``, ``mountain`` → class ids
        indexed by current commune code (as harmonised from each file).
    codes : Index
        Today's commune codes.

    Returns
    -------
    DataFrame
        Indexed by ``codes``: :data:`GRIDS` as string columns, missing where a
        commune has no class.
    """
    out = pd.DataFrame(index=pd.Index(codes, name="code"))
    for grid in GRIDS:
        if grid == "density3":
            out[grid] = out["density"].map(DENSITY3)
        else:
            out[grid] = grids[grid].reindex(out.index)
        out[grid] = out[grid].astype("string")
    return out


def grid_report(values: pd.Series, grid: str, no_class_labels: dict) -> dict:
    """Counts per class, and the communes without one, for the quality report."""
    present = values.value_counts()
    report = {
        "classes": {c: int(present.get(c, 0)) for c in classes(grid)},
        "no_class": int(values.isna().sum()),
    }
    if no_class_labels:
        report["no_class_labels"] = dict(sorted(no_class_labels.items()))
    if grid != "mountain":  # a non-mountain commune is not a gap worth listing
        report["no_class_codes"] = sorted(values.index[values.isna()])[:200]
    return report
