"""MedNum's Indice de fragilité numérique 2023 (IFN 2023), commune and EPCI scores.

The staged files (``ifn/mednum_ifn2023_commune_scores.csv`` and
``..._epci_scores.csv``, from ``inclusion-numerique/stack``) hold, per territory,
six numbers whose column names end in ``_rate`` but which are **scores from 0 to
10** (10 = most fragile), not rates: no THD coverage, no 4G coverage, poverty,
people 65+, low diploma, and the ``total``. Some rows are empty (no score): they
are kept out and reported. MedNum does not publish how the scores are
normalised.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from divide.build.readers._checks import (
    check_unique,
    commune_codes,
    read_table,
    to_number,
)

CODE = "code"
#: Output column -> source column (a score from 0 to 10).
SCORES = {
    "ifn2023_thd": "no_thd_coverage_rate",
    "ifn2023_4g": "no_4g_coverage_rate",
    "ifn2023_poverty": "poverty_rate",
    "ifn2023_age65": "older_65_rate",
    "ifn2023_diploma": "nscol15p_rate",
    "ifn2023_total": "total",
}


def read_ifn2023(
    path: str | Path | bytes, *, level: str = "commune", name: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Read an IFN 2023 score file.

    Parameters
    ----------
    path : str, Path or bytes
        The commune or EPCI file, or its content.
    level : str
        ``"commune"`` (5-character INSEE codes) or ``"epci"`` (9-digit SIREN).
    name : str, optional
        Name used in messages.

    Returns
    -------
    scores : pandas.DataFrame
        ``code`` (str), ``name`` and the six scores of :data:`SCORES` (floats in
        [0, 10]), one row per territory with a score.
    empty : list of str
        Codes of the rows that carry no score at all (reported, not kept).

    Raises
    ------
    SourceError
        Unreadable file, missing column, a score that is not a number or lies
        outside [0, 10], a malformed or repeated code.
    """
    file = name or (
        "upload" if isinstance(path, bytes | bytearray) else Path(path).name
    )
    df = read_table(path, [CODE, "name", *SCORES.values()], name=file, sep=",")
    if level == "commune":
        df[CODE] = commune_codes(df, CODE, file)
    else:
        df[CODE] = df[CODE].str.strip()
    check_unique(df, CODE, file)
    out = pd.DataFrame({"code": df[CODE].astype(str), "name": df["name"]})
    for col, source in SCORES.items():
        out[col] = to_number(df, source, file, minimum=0, maximum=10)
    empty = out[list(SCORES)].isna().all(axis=1)
    return out[~empty].reset_index(drop=True), out.loc[empty, "code"].tolist()
