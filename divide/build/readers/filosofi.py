"""Income and poverty: INSEE Filosofi "chiffres clés" per commune.

The file (e.g. ``cc_filosofi_2021_COM.csv``) is ``;``-separated, uses a decimal
comma, and marks unpublished cells ``s`` (statistical secrecy) or ``nd`` (not
available, 12 communes in the 2021 edition). Columns carry the two-digit vintage
as a suffix (``MED21``, ``TP6021``), which is read from the header so other
vintages load too. Paris, Lyon and Marseille appear both as whole communes and
as arrondissements; both are kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from divide.build.readers._checks import (
    check_unique,
    commune_codes,
    read_table,
    require,
    to_number,
)
from divide.errors import SourceError

CODE = "CODGEO"
#: Secrecy and "not available" markers: read as NaN, never 0.
MISSING = ("s", "nd")
#: Output column -> source column stem (the vintage suffix is appended).
STEMS = {
    "households": "NBMENFISC",
    "persons": "NBPERSMENFISC",
    "median_income": "MED",
    "poverty_rate": "TP60",
}
#: Optional: D9/D1, the ratio of the 9th to the 1st decile (published for the
#: larger communes only); NaN when the column is absent.
DISPERSION = "RD"
OUTPUT = ["code", *STEMS, "d9_d1", "vintage"]


def read_filosofi(path: str | Path | bytes, *, name: str | None = None) -> pd.DataFrame:
    """Read Filosofi per-commune households, median income and poverty rate.

    Parameters
    ----------
    path : str, Path or bytes
        A ``cc_filosofi_20yy_COM.csv`` file (any vintage), or its content.
    name : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    pandas.DataFrame
        One row per code as found in the file (communes and PLM
        arrondissements): ``code`` (str), ``households`` (``NBMENFISCyy``, tax
        households), ``persons`` (``NBPERSMENFISCyy``, people in them),
        ``median_income`` (``MEDyy``, median disposable income per consumption
        unit, euros), ``poverty_rate`` (``TP60yy`` / 100: share of people below
        60 % of the national median, a fraction in [0, 1]), ``d9_d1`` (``RDyy``,
        D9/D1, NaN where secret or absent) and ``vintage``
        (str, e.g. ``"2021"``). Secret or unavailable cells are NaN.

    Raises
    ------
    SourceError
        Unreadable or empty file, no vintage-suffixed columns, missing column,
        non-numeric or out-of-range value, malformed or duplicated code.
    """
    file = name or (
        "upload" if isinstance(path, bytes | bytearray) else Path(path).name
    )
    df = read_table(path, [CODE], name=file)
    yy = _vintage(df.columns, file)
    source = {out: f"{stem}{yy}" for out, stem in STEMS.items()}
    require(df, list(source.values()), file)

    df[CODE] = commune_codes(df, CODE, file)
    check_unique(df, CODE, file)

    def number(out: str, **bounds: float) -> pd.Series:
        return to_number(
            df, source[out], file, decimal_comma=True, missing=MISSING, **bounds
        )

    out = pd.DataFrame(
        {
            "code": df[CODE],
            "households": number("households", minimum=0),
            "persons": number("persons", minimum=0),
            "median_income": number("median_income", minimum=0),
            "poverty_rate": number("poverty_rate", minimum=0, maximum=100) / 100,
            "d9_d1": (
                to_number(
                    df,
                    f"{DISPERSION}{yy}",
                    file,
                    decimal_comma=True,
                    missing=MISSING,
                    minimum=1,
                )
                if f"{DISPERSION}{yy}" in df.columns
                else float("nan")
            ),
            "vintage": f"20{yy}",
        }
    )
    return out[OUTPUT].reset_index(drop=True)


def _vintage(columns: pd.Index, file: str) -> str:
    """Return the two-digit year suffix of ``NBMENFISCyy`` in the header."""
    years = sorted(
        {m.group(1) for c in columns if (m := re.fullmatch(r"NBMENFISC(\d{2})", c))}
    )
    if len(years) != 1:
        found = ", ".join(f"NBMENFISC{y}" for y in years) or "none"
        raise SourceError(
            file,
            "expected exactly one household-count column NBMENFISCyy (yy = two-digit "
            f"vintage, e.g. NBMENFISC21); found: {found}",
            row=1,
            column="NBMENFISCyy",
        )
    return years[0]
