"""The government's results barometer, département detail: dated values per département.

File: ``barometre-resultats-services-publics-et-territoires-detail-departemental.csv``
(Etalab / DITP, comma-separated, UTF-8), long format with the columns ``mesure``,
``indicateur``, ``id_indicateur``, ``code_departement``, ``libelle_departement``,
``date``, ``valeur``, ``unite``. Two indicators are read:

``taux-deploiement-fibre``
    FttH deployment, % of premises that can be connected to fibre (ARCEP's
    observatory figures, whole percent), quarter ends 2017-12-31 → 2022-09-30.
    Fibre only: not the "≥ 30 Mbit/s by any technology" share of ARCEP's commune
    file, and never one series with it.
``nb-labellisations-france-services``
    France Services labelled in the département, a running total per month,
    2020-01-31 → 2022-12-31.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from divide.build.readers._checks import read_table, to_number
from divide.errors import SourceError
from divide.territory import normalise_codes

#: Barometer indicator id → the atlas's series id and the factor to its unit.
INDICATORS = {
    "taux-deploiement-fibre": ("ftth_share", 0.01),
    "nb-labellisations-france-services": ("france_services", 1.0),
}
COLUMNS = ["id_indicateur", "code_departement", "date", "valeur"]
DEPARTEMENT = r"\d{2}|2[AB]|97[1-6]"


def read_barometer(path: str | Path) -> pd.DataFrame:
    """Read the département detail file into dated values.

    Parameters
    ----------
    path : str or Path
        The barometer's département detail CSV.

    Returns
    -------
    pandas.DataFrame
        ``series`` (``ftth_share`` as a share 0–1, ``france_services`` as a
        count), ``departement`` (str, ``"01"``, ``"2A"``, ``"971"``), ``date``
        (ISO str) and ``value`` (float), sorted; other indicators are left out.

    Raises
    ------
    SourceError
        Missing column, a value that is not a number, a bad date or département
        code, or a département given twice for one date.
    """
    file = Path(path).name
    df = read_table(path, COLUMNS)
    df = df[df["id_indicateur"].isin(INDICATORS)]
    if df.empty:
        raise SourceError(
            file, f"none of the indicators {', '.join(INDICATORS)} is in the file"
        )
    value = to_number(df, "valeur", file)
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        line = int(df.loc[dates.isna(), "_line"].iloc[0])
        raise SourceError(file, f"line {line}: date is not YYYY-MM-DD")
    series = df["id_indicateur"].map(lambda i: INDICATORS[i][0])
    factor = df["id_indicateur"].map(lambda i: INDICATORS[i][1])
    out = pd.DataFrame(
        {
            "series": series.astype(str),
            "departement": normalise_codes(df["code_departement"], "departement"),
            "date": dates.dt.strftime("%Y-%m-%d"),
            "value": (value * factor).round(6),
        }
    )
    bad = ~out["departement"].str.fullmatch(DEPARTEMENT).fillna(False)
    if bad.any():
        line = int(df.loc[bad, "_line"].iloc[0])
        raise SourceError(file, f"line {line}: département code is not valid")
    twice = out.duplicated(["series", "departement", "date"])
    if twice.any():
        row = out[twice].iloc[0]
        raise SourceError(
            file,
            f"{row['series']} for département {row['departement']} on {row['date']} "
            "is given twice",
        )
    out = out.dropna(subset=["value"])
    return out.sort_values(["series", "departement", "date"], ignore_index=True)
