"""Readers for ARCEP "Mon réseau mobile" lists of mobile antenna sites.

These files list antenna **sites** (a mast or rooftop with the technologies it
carries), not coverage: a commune with no site may well be covered from a
neighbouring one, and a site says nothing about signal quality. The files carry no
commune code; :mod:`divide` places the points in communes elsewhere, by
point-in-polygon.

Both readers return the same columns:

``operator``
    MCC-MNC code as a string (``"20801"``).
``operator_name``
    Commercial name when the code is known, else the code itself.
``lon``, ``lat``
    WGS84 degrees.
``has_2g``, ``has_3g``, ``has_4g``
    Booleans.
``territory``
    ``"mainland"`` or the overseas code from the file name (``"GUA"``, ``"REU"`` ...).
``vintage``
    ``"2018-01"`` (month) or ``"2020-Q2"`` (quarter).

Rows without coordinates are dropped and counted in
``df.attrs["dropped"] == {"no coordinates": n}``; ``df.attrs["dropped_rows"]``
lists them (``record`` = file and line, ``reason``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from divide.build.readers._checks import FRANCE_BOXES, read_table, to_number
from divide.errors import SourceError

#: Operator names by MCC-MNC. Mainland codes from the file's documentation; the
#: overseas ones (MCC 340 French Antilles and Guiana, 647 Réunion and Mayotte) from
#: the public MCC-MNC lists, as they stood in 2020.
OPERATOR_NAMES = {
    "20801": "Orange",
    "20810": "SFR",
    "20815": "Free",
    "20820": "Bouygues Telecom",
    "34001": "Orange",
    "34002": "SFR Caraïbe",
    "34008": "Dauphin Telecom",
    "34020": "Digicel",
    "64700": "Orange",
    "64702": "Only",
    "64703": "Free",
    "64704": "Zeop",
    "64710": "SFR Réunion",
}

#: Overseas territory codes used in the ARCEP file names, with the box (lon0, lat0,
#: lon1, lat1) of ``FRANCE_BOXES`` their sites must fall in.
TERRITORY_BOXES = {
    "GUA": FRANCE_BOXES[1],  # Guadeloupe
    "STB": FRANCE_BOXES[1],  # Saint-Barthélemy
    "STM": FRANCE_BOXES[1],  # Saint-Martin
    "MAR": FRANCE_BOXES[2],  # Martinique
    "GUY": FRANCE_BOXES[3],  # Guyane
    "REU": FRANCE_BOXES[4],  # La Réunion
    "MAY": FRANCE_BOXES[5],  # Mayotte
    "SPM": FRANCE_BOXES[6],  # Saint-Pierre-et-Miquelon
}
MAINLAND_BOX = FRANCE_BOXES[0]
COLUMNS = [
    "operator",
    "operator_name",
    "lon",
    "lat",
    "has_2g",
    "has_3g",
    "has_4g",
    "territory",
    "vintage",
]
# Spreadsheet exports write these for a missing value (the 2018 file has "#N/A").
MISSING = ("#N/A", "N/A", "NA", "NaN", "nan", "-")
_L93_TO_WGS84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def read_mobile_sites_mainland(
    path: str | Path, *, vintage: str | None = None
) -> pd.DataFrame:
    """Read the ARCEP list of mobile antenna sites of mainland France (Lambert-93).

    This is a list of antenna *sites*, not a coverage map: it tells where masts
    are and which technologies (2G/3G/4G) each carries, not who receives a signal.

    Parameters
    ----------
    path : str or Path
        ``arcep_2018_01_Sites_mobiles_2G_3G_4G_France_metropolitaine_L93.csv`` or a
        file with the same columns: ``Operateur`` (MCC-MNC), ``x``, ``y``
        (Lambert-93 metres, EPSG:2154), ``2G``, ``3G``, ``4G`` (0/1).
    vintage : str, optional
        Month of the list (``"2018-01"``); read from the file name
        (``..._2018_01_...``) when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per site with the columns listed in :mod:`divide.build.readers.mobile`,
        coordinates reprojected to WGS84. ``attrs["dropped"]`` counts the rows
        dropped for lack of coordinates.

    Raises
    ------
    SourceError
        Missing column, non-numeric coordinate, a site outside mainland France and
        Corsica, a flag other than 0/1, or no vintage in the file name.
    """
    file = Path(path).name
    if vintage is None:
        year, month = _from_name(
            file, r"(20\d\d)_(0[1-9]|1[0-2])(?!\d)", "the month", "2018_01", "YYYY-MM"
        )
        vintage = f"{year}-{month}"
    df = read_table(path, ["Operateur", "x", "y", "2G", "3G", "4G"])
    df, x, y, dropped_rows = _located(df, "x", "y", file)
    lon, lat = _L93_TO_WGS84.transform(x.to_numpy(), y.to_numpy())
    lon, lat = pd.Series(lon, index=df.index), pd.Series(lat, index=df.index)
    _check_box(
        df,
        lon,
        lat,
        MAINLAND_BOX,
        file,
        "x, y",
        "mainland France (Lambert-93 metres, EPSG:2154, expected)",
    )
    out = _assemble(df, lon, lat, ("2G", "3G", "4G"), file, "mainland", vintage)
    return _with_dropped(out, dropped_rows)


def read_mobile_sites_overseas(
    path: str | Path, *, territory: str | None = None, vintage: str | None = None
) -> pd.DataFrame:
    """Read an ARCEP list of mobile antenna sites of one overseas territory (WGS84).

    This is a list of antenna *sites*, not a coverage map: it tells where masts
    are and which technologies (2G/3G/4G) each carries, not who receives a signal.

    Parameters
    ----------
    path : str or Path
        ``arcep_monreseaumobile_sites_<TER>_2020_T2.csv`` or a file with the same
        columns: ``Operateur`` (MCC-MNC), ``X`` (longitude), ``Y`` (latitude),
        ``C2G``, ``C3G``, ``C4G`` (0/1).
    territory : str, optional
        Territory code (``"GUA"``, ``"GUY"``, ``"MAR"``, ``"MAY"``, ``"REU"``,
        ``"STB"``, ``"STM"``, ``"SPM"``); read from the file name when omitted.
    vintage : str, optional
        Quarter of the list (``"2020-Q2"``); read from the file name
        (``..._2020_T2...``) when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per site with the columns listed in :mod:`divide.build.readers.mobile`.
        ``attrs["dropped"]`` counts the rows dropped for lack of coordinates.

    Raises
    ------
    SourceError
        Unknown territory, missing column, non-numeric coordinate, a site outside
        its territory, a flag other than 0/1, or no vintage in the file name.
    """
    file = Path(path).name
    if territory is None:
        match = re.search(r"(?:^|_)([A-Z]{3})_20\d\d", file)
        if not match:
            raise SourceError(
                file,
                "cannot tell the territory from the file name (expected e.g. "
                f"'sites_GUA_2020_T2'); pass territory= one of "
                f"{', '.join(TERRITORY_BOXES)}",
            )
        territory = match.group(1)
    if territory not in TERRITORY_BOXES:
        raise SourceError(
            file,
            f"unknown territory '{territory}'. Valid: {', '.join(TERRITORY_BOXES)}",
        )
    if vintage is None:
        year, quarter = _from_name(
            file, r"(20\d\d)_T([1-4])(?!\d)", "the quarter", "2020_T2", "YYYY-Qn"
        )
        vintage = f"{year}-Q{quarter}"
    df = read_table(path, ["Operateur", "X", "Y", "C2G", "C3G", "C4G"])
    df, lon, lat, dropped_rows = _located(df, "X", "Y", file)
    _check_box(
        df,
        lon,
        lat,
        TERRITORY_BOXES[territory],
        file,
        "X, Y",
        f"territory {territory} (longitude X, latitude Y in WGS84 degrees expected)",
    )
    out = _assemble(df, lon, lat, ("C2G", "C3G", "C4G"), file, territory, vintage)
    return _with_dropped(out, dropped_rows)


def _from_name(
    file: str, pattern: str, what: str, example: str, form: str
) -> tuple[str, str]:
    """The vintage's two groups of ``pattern`` in the file name, or a clear error."""
    match = re.search(pattern, file)
    if not match:
        raise SourceError(
            file,
            f"cannot tell {what} of the list from the file name "
            f"(expected e.g. '{example}'); pass vintage='{form}'",
        )
    return match.group(1), match.group(2)


def _located(
    df: pd.DataFrame, x: str, y: str, file: str
) -> tuple[pd.DataFrame, pd.Series, pd.Series, list[dict]]:
    """The rows with both coordinates, the coordinates, and the rows dropped."""
    xs = to_number(df, x, file, missing=MISSING)
    ys = to_number(df, y, file, missing=MISSING)
    keep = xs.notna() & ys.notna()
    dropped_rows = _dropped_rows(file, np.flatnonzero(~keep.to_numpy()))
    return df[keep], xs[keep], ys[keep], dropped_rows


def _with_dropped(out: pd.DataFrame, dropped_rows: list[dict]) -> pd.DataFrame:
    """The sites, with the count and the list of rows dropped in ``attrs``."""
    out.attrs["dropped"] = {"no coordinates": len(dropped_rows)}
    out.attrs["dropped_rows"] = dropped_rows
    return out


def _check_box(
    df: pd.DataFrame,
    lon: pd.Series,
    lat: pd.Series,
    box: tuple[float, float, float, float],
    file: str,
    columns: str,
    where: str,
) -> None:
    """Raise on the first site outside ``box``, naming its line."""
    x0, y0, x1, y1 = box
    outside = ~(lon.between(x0, x1) & lat.between(y0, y1))
    if outside.any():
        i = int(np.flatnonzero(outside.to_numpy())[0])
        raise SourceError(
            file,
            f"site at longitude {lon.iloc[i]:.5f}, latitude {lat.iloc[i]:.5f} is "
            f"outside {where}",
            row=int(df["_line"].iloc[i]),
            column=columns,
        )


def _assemble(
    df: pd.DataFrame,
    lon: pd.Series,
    lat: pd.Series,
    flags: tuple[str, str, str],
    file: str,
    territory: str,
    vintage: str,
) -> pd.DataFrame:
    """Validate operator and flags and build the output frame."""
    operator = df["Operateur"].astype("string").str.strip()
    operator = operator.str.replace(r"\.0$", "", regex=True)
    bad = ~operator.str.fullmatch(r"\d{5,6}").fillna(False)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceError(
            file,
            f"'{df['Operateur'].iloc[i]}' is not an MCC-MNC operator code "
            "(5 or 6 digits, e.g. 20801)",
            row=int(df["_line"].iloc[i]),
            column="Operateur",
        )
    out = pd.DataFrame(
        {
            "operator": operator.to_numpy(),
            "operator_name": operator.map(lambda c: OPERATOR_NAMES.get(c, c)),
            "lon": lon.to_numpy(dtype=float),
            "lat": lat.to_numpy(dtype=float),
        },
        index=df.index,
    )
    for column, name in zip(flags, ("has_2g", "has_3g", "has_4g"), strict=True):
        text = (
            df[column].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
        )
        bad = ~text.isin(["0", "1"]).fillna(False)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            value = df[column].iloc[i]
            shown = "an empty cell" if pd.isna(value) else f"'{value}'"
            raise SourceError(
                file,
                f"{shown} is not a 0/1 flag",
                row=int(df["_line"].iloc[i]),
                column=column,
            )
        out[name] = (text == "1").to_numpy(dtype=bool)
    out["operator"] = out["operator"].astype("string")
    out["operator_name"] = out["operator_name"].astype("string")
    out["territory"] = pd.Series(territory, index=out.index, dtype="string")
    out["vintage"] = pd.Series(vintage, index=out.index, dtype="string")
    return out[COLUMNS].reset_index(drop=True)


def _dropped_rows(file: str, positions: np.ndarray) -> list[dict]:
    """The rows dropped for lack of coordinates, by file line (header = line 1)."""
    return [
        {"record": f"{file} line {int(i) + 2}", "reason": "no coordinates"}
        for i in positions
    ]
