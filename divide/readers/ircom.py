"""Low-income tax households per commune, derived from DGFiP IRCOM 2018.

``DERIVED_batch8_taux_pauvrete_IRCOM2018.csv`` is not an INSEE poverty rate: a
third party computed, from the DGFiP's IRCOM 2018 (income tax by commune), the
share of tax households whose reference income is at most 12,000 €. It is
empty where IRCOM has fewer than 1,000 households. The model of illectronisme
uses it only to predict a median standard of living where Filosofi has none
(Guadeloupe and Guyane are not in Filosofi 2021).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from divide.readers._checks import (
    check_unique,
    commune_codes,
    read_table,
    require,
    to_number,
)

CODE = "CODE_INSEE"
SHARE = "TX_POVERTY"
OUTPUT = ["code", "ircom_low_income_share"]


def read_ircom_low_income(
    path: str | Path | bytes, *, name: str | None = None
) -> pd.DataFrame:
    """Read the IRCOM 2018 share of tax households at most 12,000 €.

    Returns
    -------
    pandas.DataFrame
        One row per commune of the file: ``code`` (str) and
        ``ircom_low_income_share`` (``TX_POVERTY`` / 100, a fraction; NaN where
        the file leaves it empty, i.e. fewer than 1,000 households).

    Raises
    ------
    SourceError
        Unreadable or empty file, missing column, non-numeric or out-of-range
        value, malformed or duplicated code.
    """
    file = name or (
        "upload" if isinstance(path, bytes | bytearray) else Path(path).name
    )
    df = read_table(path, [CODE], name=file)
    require(df, [CODE, SHARE], file)
    share = to_number(df, SHARE, file, minimum=0, maximum=100)
    code = commune_codes(df, CODE, file)
    check = pd.DataFrame({CODE: code, "_line": df["_line"]})
    check_unique(check, CODE, file)
    out = pd.DataFrame({"code": check[CODE], "ircom_low_income_share": share / 100})
    return out[OUTPUT].reset_index(drop=True)
