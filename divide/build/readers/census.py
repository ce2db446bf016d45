"""Population structure: commune ratios derived from the 2017 census (RP 2017).

The only commune-level age and diploma table available is a third-party
derivation (``DERIVED_batch8_data_scol_menage_demandeurEmplois_RP2017.csv``) of
INSEE's "bases chiffres clés" RP 2017. It is ``,``-separated, starts with an
unnamed pandas index column, and holds percentages. Some codes appear twice: the
extra rows are entirely empty, so rows whose ``TX_*`` cells are all empty are
dropped first, and a code that is still duplicated is an error.
``TX_DEMANDEURS_EMPLOI`` (72 values, a known merge bug upstream) is ignored.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from divide.build.readers._checks import (
    check_unique,
    commune_codes,
    read_table,
    require,
    to_number,
)

CODE = "CODE_INSEE"
#: Output column -> source column (a percentage).
SHARES = {
    "low_diploma_share": "TX_NSCOL15P",
    "age65_share": "TX_65ETPLUS",
    "alone_share": "TX_MENSEUL",
    "young_share": "TX_25ETMOINS",
}
OUTPUT = ["code", *SHARES]
#: Float noise allowed above 100 % (the ratios were computed in floating point).
EPSILON = 1e-6


def read_census_ratios(
    path: str | Path | bytes, *, name: str | None = None
) -> pd.DataFrame:
    """Read the RP 2017 commune ratios used to weight illectronisme rates.

    Parameters
    ----------
    path : str, Path or bytes
        The derived RP 2017 table, or its content.
    name : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    pandas.DataFrame
        One row per code as found in the file: ``code`` (str) and three
        fractions in [0, 1] (NaN when not published):

        - ``low_diploma_share``: ``TX_NSCOL15P`` / 100, people aged 15+ out of
          school whose highest diploma is at most CAP/BEP (none, BEPC, CAP/BEP),
          over ALL people aged 15+;
        - ``age65_share``: ``TX_65ETPLUS`` / 100, people aged 65+ over the
          population aged **15 and over** (not the total population: multiply by
          the 15+ population, not by the total, to get a head count);
        - ``young_share``: ``TX_25ETMOINS`` / 100, people aged 15–24 over the
          population aged 15 and over (despite the name: 15–19 plus 20–24);
        - ``alone_share``: ``TX_MENSEUL`` / 100, one-person households over all
          households (a share of households, not of people).

    Raises
    ------
    SourceError
        Unreadable or empty file, missing column, non-numeric or out-of-range
        value, malformed code, or a code given twice with values.
    """
    file = name or (
        "upload" if isinstance(path, bytes | bytearray) else Path(path).name
    )
    df = read_table(path, [CODE], name=file)
    require(df, list(SHARES.values()), file)
    values = pd.DataFrame(
        {
            out: to_number(df, col, file, minimum=0, maximum=100 + EPSILON)
            for out, col in SHARES.items()
        },
        index=df.index,
    )
    # Every TX_* column decides whether a row is an empty filler, ignored or not;
    # its numbers are not checked (TX_DEMANDEURS_EMPLOI is not used).
    rates = [c for c in df.columns if c.startswith("TX_")]
    filled = df[rates].notna().any(axis=1)
    df, values = df[filled], values[filled]

    code = commune_codes(df, CODE, file)
    check = pd.DataFrame({CODE: code, "_line": df["_line"]})
    check_unique(check, CODE, file)

    out = (values / 100).clip(upper=1.0)
    out.insert(0, "code", check[CODE])
    return out[OUTPUT].reset_index(drop=True)
