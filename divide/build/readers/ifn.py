"""Indice de Fragilité Numérique (IFN, MedNum 2019/2020) per IRIS.

The source is the wide table extracted from MedNum's Tableau dashboard
(``ifn_mednum_tableau_extract_iris_wide.parquet``): one row per IRIS, scores
where 100 is the reference territory and higher means more fragile. Column
names carry stray spaces (``'SCORE GLOBAL '``) and are stripped. The first five
characters of the 9-character IRIS code are the commune code (2016-2019
geography). A commune or any larger area is summarised by a population-weighted
mean: ``ifn_weighted / ifn_population`` from :func:`ifn_by_commune`, summed
first when aggregating further.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from divide.build.readers._checks import (
    check_unique,
    clean_columns,
    to_number,
)
from divide.errors import DivideError, SourceError, suggest
from divide.territory import normalise_codes

IRIS = "code_iris"
POPULATION = "Population"
#: Output column -> source column (after stripping spaces from the names).
SCORES = {
    "ifn_score": "SCORE GLOBAL",
    "access_score": "GLOBAL ACCES",
    "skills_score": "GLOBAL COMPETENCES",
}
IRIS_PATTERN = r"[0-9][0-9AB][0-9]{7}"
OUTPUT = ["code_iris", "code", "population", *SCORES]


def read_ifn_iris(path: str | Path | bytes, *, name: str | None = None) -> pd.DataFrame:
    """Read the IFN scores and population of every IRIS from the wide parquet.

    Parameters
    ----------
    path : str, Path or bytes
        The wide parquet table, or its content.
    name : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    pandas.DataFrame
        One row per IRIS: ``code_iris`` (9-character str), ``code`` (its first
        five characters, the commune), ``population`` (float, the IFN's own
        population estimate), ``ifn_score`` (``SCORE GLOBAL``), ``access_score``
        (``GLOBAL ACCES``) and ``skills_score`` (``GLOBAL COMPETENCES``).
        A parquet file has no text lines: "line N" in error messages means the
        N-th data row (1-based).

    Raises
    ------
    SourceError
        Unreadable or empty parquet, missing column, non-numeric or negative
        value, malformed or duplicated IRIS code.
    """
    if isinstance(path, bytes | bytearray):
        file, source = name or "upload", io.BytesIO(bytes(path))
    else:
        file, source = name or Path(path).name, Path(path)
        if not source.is_file():
            raise SourceError(file, f"file not found: {source}")
    try:
        raw = pd.read_parquet(source)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise SourceError(
            file, f"cannot read as a parquet table ({type(exc).__name__}: {exc})"
        ) from None
    raw.columns = clean_columns(raw.columns, file)
    required = [IRIS, POPULATION, *SCORES.values()]
    missing = [c for c in required if c not in raw.columns]
    if missing:
        hints = "".join(suggest(m, raw.columns) for m in missing)
        raise SourceError(
            file,
            f"missing column(s) {', '.join(missing)}.{hints} "
            f"Found: {', '.join(raw.columns[:20])}",
            column=missing[0],
        )
    if raw.empty:
        raise SourceError(file, "the table has no rows")
    df = raw[required].reset_index(drop=True)
    df["_line"] = np.arange(len(df)) + 1

    iris = normalise_codes(df[IRIS], width=9)
    bad = iris.isna() | ~iris.str.fullmatch(IRIS_PATTERN).fillna(False)
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise SourceError(
            file,
            f"'{'' if pd.isna(iris.iloc[i]) else iris.iloc[i]}' is not a "
            "9-character IRIS code",
            row=int(df["_line"].iloc[i]),
            column=IRIS,
        )
    df[IRIS] = iris.astype(str)
    check_unique(df, IRIS, file)

    out = pd.DataFrame(
        {
            "code_iris": df[IRIS],
            "code": df[IRIS].str[:5],
            "population": to_number(df, POPULATION, file, minimum=0),
        }
    )
    for target, column in SCORES.items():
        out[target] = to_number(df, column, file, minimum=0)
    return out[OUTPUT]


def ifn_by_commune(iris_df: pd.DataFrame) -> pd.DataFrame:
    """Sum the IFN of IRIS into per-commune totals for population-weighted means.

    Parameters
    ----------
    iris_df : pandas.DataFrame
        Output of :func:`read_ifn_iris` (needs ``code``, ``population`` and
        ``ifn_score``).

    Returns
    -------
    pandas.DataFrame
        One row per commune code: ``ifn_population``, the population of its IRIS
        that have both a score and a population, and ``ifn_weighted``, the sum of
        score x population over the same IRIS. The commune's index is
        ``ifn_weighted / ifn_population``; any larger area sums both columns
        first. Both are NaN for a commune with no scored IRIS; a commune whose
        scored IRIS are all unpopulated has ``ifn_population == 0`` (index
        undefined).

    Raises
    ------
    DivideError
        A required column is missing.
    """
    need = ["code", "population", "ifn_score"]
    missing = [c for c in need if c not in iris_df.columns]
    if missing:
        raise DivideError(
            f"ifn_by_commune needs the columns {', '.join(need)} "
            f"(output of read_ifn_iris); missing: {', '.join(missing)}"
        )
    scored = iris_df["ifn_score"].notna() & iris_df["population"].notna()
    work = pd.DataFrame(
        {
            "code": iris_df["code"],
            "ifn_population": iris_df["population"].where(scored),
            "ifn_weighted": (iris_df["ifn_score"] * iris_df["population"]).where(
                scored
            ),
        }
    )
    grouped = work.groupby("code", sort=True)[["ifn_population", "ifn_weighted"]]
    return grouped.sum(min_count=1).reset_index()
