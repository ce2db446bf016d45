"""Illectronisme: national rates published by INSEE (survey TIC ménages).

INSEE publishes no per-commune illectronisme. The staged file
(``insee_tic_menages_illectronisme_published_figures.csv``) is a hand
transcription of published national figures, one row per figure, with its
source. The headline measure is the indicator named ``illectronisme``:

* survey 2021 (Insee Première 1953, 2023): 15.4 % of people aged 15+, i.e. no
  Internet use in the last 3 months (13.9 %) plus users lacking basic digital
  skills (1.5 %); breakdowns by age, diploma, standard of living and PCS;
* survey 2019 (Insee Première 1780): 17 %, no Internet use in the year or no
  skills (national figure only; the 2019 breakdowns concern other indicators);
* survey 2017 (Insee Références 2019): 19 %, breakdowns by age and diploma;
* ``survey_year == "unknown"``: an age breakdown quoted by the press with a
  different definition; do not mix it with the 2021 figures.

Other indicators (``pas d'usage d'Internet…``, ``aucun accès à Internet au
domicile``, ``capacités numériques faibles``…) are components or neighbours of
the headline measure. Relative risks (``risque_relatif``) have no rate, only a
ratio in the qualifier (``x7``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from divide.build.readers._checks import read_table, require, to_number
from divide.errors import DivideError, SourceError, unknown

#: The indicator holding the headline illectronisme rate.
HEADLINE = "illectronisme"
#: Breakdowns that can be matched to a commune's population structure.
USABLE_DIMENSIONS = ("ensemble", "age", "diplome", "niveau_de_vie")
KEY = ("survey_year", "dimension", "category", "indicator")
COLUMNS = {
    "survey_year": "survey_year",
    "publication": "publication",
    "source_url": "source_url",
    "source_kind": "source_kind",
    "dimension": "dimension",
    "category": "category",
    "indicator": "indicator",
    "value_pct": "rate",
    "value_qualifier": "qualifier",
    "population_scope": "population_scope",
    "note": "note",
}
OUTPUT = [
    "survey_year",
    "publication",
    "source_url",
    "source_kind",
    "dimension",
    "category",
    "indicator",
    "rate",
    "qualifier",
    "population_scope",
    "note",
]


def read_illectronisme_rates(
    path: str | Path | bytes, *, name: str | None = None
) -> pd.DataFrame:
    """Read the published national illectronisme figures.

    Parameters
    ----------
    path : str, Path or bytes
        The transcription table, or its content.
    name : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    pandas.DataFrame
        One row per published figure: ``survey_year`` (str: ``"2017"``,
        ``"2019"``, ``"2021"`` or ``"unknown"``), ``publication``,
        ``source_url``, ``source_kind`` (``insee_page_excerpt`` or
        ``press_citing_insee``), ``dimension`` (``ensemble``, ``age``,
        ``diplome``, ``niveau_de_vie``, ``pcs``, ``risque_relatif``,
        ``raison_non_equipement``), ``category``, ``indicator``, ``rate``
        (``value_pct`` / 100, a fraction; NaN where no percentage is given),
        ``qualifier`` (``approx``; ``lt`` = the rate is an upper bound, "less
        than"; ``x7`` etc. = a relative risk), ``population_scope`` and ``note``.

    Raises
    ------
    SourceError
        Unreadable or empty file, missing column, non-numeric or out-of-range
        percentage, or the same figure (year, dimension, category, indicator)
        given twice.
    """
    file = name or (
        "upload" if isinstance(path, bytes | bytearray) else Path(path).name
    )
    df = read_table(path, ["survey_year"], name=file)
    require(df, list(COLUMNS), file)
    for column in ("survey_year", "dimension", "category", "indicator"):
        text = df[column].astype("string").str.strip()
        empty = text.isna() | (text == "")
        if empty.any():
            i = empty.to_numpy().nonzero()[0][0]
            raise SourceError(
                file, "empty cell", row=int(df["_line"].iloc[i]), column=column
            )
        df[column] = text.astype(str)
    key = df[list(KEY)].agg(" | ".join, axis=1)
    dup = key.duplicated()
    if dup.any():
        i = dup.to_numpy().nonzero()[0][0]
        raise SourceError(
            file,
            f"the figure '{key.iloc[i]}' (survey_year | dimension | category | "
            "indicator) appears more than once",
            row=int(df["_line"].iloc[i]),
            column="indicator",
        )
    rate = to_number(df, "value_pct", file, decimal_comma=True, minimum=0, maximum=100)
    out = df[list(COLUMNS)].rename(columns=COLUMNS)
    out["rate"] = rate / 100
    return out[OUTPUT].reset_index(drop=True)


def rates_for(
    df: pd.DataFrame,
    survey_year: str | int,
    indicator: str = HEADLINE,
    *,
    dimensions: Iterable[str] = USABLE_DIMENSIONS,
    exclude_qualifiers: Iterable[str] = (),
) -> dict[str, dict[str, float]]:
    """Return the published rates of one indicator and survey, by breakdown.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`read_illectronisme_rates`.
    survey_year : str or int
        Survey year (``2021``, ``"2019"``, ``"unknown"``…).
    indicator : str
        Indicator name; the default ``"illectronisme"`` is the headline measure
        (no Internet use or no basic digital skills, among people aged 15+).
    dimensions : iterable of str
        Breakdowns to return; by default those a commune's population structure
        can be matched to: ``ensemble``, ``age``, ``diplome``, ``niveau_de_vie``.
    exclude_qualifiers : iterable of str
        Leave out figures with these qualifiers, e.g. ``("lt",)`` to drop the
        upper bounds ("less than 5 %"), kept by default at their bound.

    Returns
    -------
    dict of str to dict of str to float
        ``{dimension: {category: rate}}`` with rates as fractions, for the
        dimensions that have at least one rate. Age and diploma categories
        differ between surveys and need not cover every group (the 2021 age
        breakdown has no 40-59 band).

    Raises
    ------
    DivideError
        Unknown survey year, an indicator with no rate that year, or the same
        category given twice.
    """
    year = str(survey_year).strip()
    years = df["survey_year"].astype(str)
    if year not in set(years):
        raise unknown("survey year", year, years)
    of_year = df[years == year]
    if indicator not in set(of_year["indicator"]):
        raise unknown(f"indicator for survey {year}", indicator, of_year["indicator"])
    wanted = list(dimensions)
    rows = of_year[
        (of_year["indicator"] == indicator)
        & of_year["dimension"].isin(wanted)
        & of_year["rate"].notna()
        & ~of_year["qualifier"].isin(list(exclude_qualifiers))
    ]
    result: dict[str, dict[str, float]] = {}
    for dimension, category, rate in rows[["dimension", "category", "rate"]].itertuples(
        index=False
    ):
        block = result.setdefault(dimension, {})
        if category in block:
            raise DivideError(
                f"survey {year}, indicator '{indicator}': category '{category}' of "
                f"'{dimension}' is given twice"
            )
        block[category] = float(rate)
    return {d: result[d] for d in wanted if d in result}
