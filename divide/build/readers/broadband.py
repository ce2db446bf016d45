"""Fixed broadband: ARCEP "Ma connexion internet" statistics per commune.

Two families of files are read into the same frame:

* the 2019 beta file (``commune-debit-beta``, state on 2019-09-30): a disclaimer
  line before the header, separator ``;``, class columns ``inel_hd``,
  ``elig_hd05``, ``elig_hd3``, ``elig_hd8``, ``elig_thd30``, ``elig_thd100``,
  ``elig_thd1g``. The seven columns are mutually exclusive (each premise counted
  once, under its best speed) and sum to ``nbr``;
* the quarterly statistics of data.arcep.fr
  (``fixe/maconnexioninternet/statistiques/<millésime>/commune/commune_debit*.csv``).
  ARCEP's schema page (repository ``ARCEP-dev/data.arcep.fr``, file
  ``fixe/statistiques.html``, "Schéma - commune_debit*") documents the columns
  ``code_insee``, ``nom_com``, ``code_dep``, ``code_reg``, ``nbr``, ``type``
  (``all``, ``log`` or ``loc``), ``inel_hd``, ``elig_cd_1`` … ``elig_cd_6``,
  ``date``, where ``elig_cd_1`` … ``elig_cd_6`` are the classes HD05, HD3, BHD8,
  THD30, THD100 and THD1G of its "Classes de débit" table. Files published since
  then (as read by several public scripts) name the same classes ``elig_hd05``,
  ``elig_hd3``, ``elig_bhd8``, ``elig_thd30``, ``elig_thd100``, ``elig_thd1g``,
  with one ``type = all`` row per commune, and count them CUMULATIVELY (premises
  with at least that speed, so ``elig_thd100`` is a subset of ``elig_thd30``).

The reader recognises the header variant, skips any lines before the header, and
decides from the numbers whether the classes are exclusive (they sum to ``nbr``)
or cumulative (they never increase with speed and ``inel_hd + elig_hd05 = nbr``);
cumulative counts are turned into exclusive classes by difference.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from divide.build.readers._checks import (
    check_unique,
    commune_codes,
    decode,
    read_table,
    to_number,
)
from divide.errors import SourceError, suggest

#: Output class columns, from no usable speed to 1 Gbit/s and more.
CLASSES = ("inel", "hd05", "hd3", "hd8", "thd30", "thd100", "thd1g")

#: Source columns of each header variant, in the order of :data:`CLASSES`.
VARIANTS: dict[str, tuple[str, ...]] = {
    "beta_2019": (
        "inel_hd",
        "elig_hd05",
        "elig_hd3",
        "elig_hd8",
        "elig_thd30",
        "elig_thd100",
        "elig_thd1g",
    ),
    "statistiques": (
        "inel_hd",
        "elig_hd05",
        "elig_hd3",
        "elig_bhd8",
        "elig_thd30",
        "elig_thd100",
        "elig_thd1g",
    ),
    "statistiques_cd": (
        "inel_hd",
        "elig_cd_1",
        "elig_cd_2",
        "elig_cd_3",
        "elig_cd_4",
        "elig_cd_5",
        "elig_cd_6",
    ),
}
CODE, TOTAL, TYPE, DATE = "code_insee", "nbr", "type", "date"
#: ``type`` values meaning "housing plus business premises".
ALL_PREMISES = ("all", "logloc")
OUTPUT = ["code", "premises", *CLASSES, "date"]
#: The atlas's additive premises columns, derived by :func:`base_columns`.
BASE_COLUMNS = (
    "premises",
    "premises_no_thd",
    "premises_ineligible",
    "premises_bhd8",
    "premises_thd30",
    "premises_thd100",
    "premises_gig",
)


def base_columns(classes: pd.DataFrame) -> pd.DataFrame:
    """The atlas's premises columns from premises by best available class.

    Parameters
    ----------
    classes : pandas.DataFrame
        ``code``, ``premises`` and the seven exclusive classes of :data:`CLASSES`
        (as returned by :func:`read_arcep_fixed`, or by the building-level
        aggregation of :mod:`divide.build.buildings`).

    Returns
    -------
    pandas.DataFrame
        ``code`` and :data:`BASE_COLUMNS`: all premises, premises without
        ≥ 30 Mbit/s, ineligible (below 0.5 Mbit/s), with ≥ 8 Mbit/s (BHD8 and
        better), ≥ 30 Mbit/s, ≥ 100 Mbit/s and ≥ 1 Gbit/s.
    """
    thd30 = classes["thd30"] + classes["thd100"] + classes["thd1g"]
    return pd.DataFrame(
        {
            "code": classes["code"],
            "premises": classes["premises"],
            "premises_no_thd": classes["premises"] - thd30,
            "premises_ineligible": classes["inel"],
            "premises_bhd8": classes["hd8"] + thd30,
            "premises_thd30": thd30,
            "premises_thd100": classes["thd100"] + classes["thd1g"],
            "premises_gig": classes["thd1g"],
        }
    )


def read_arcep_fixed(
    path: str | Path | bytes, *, name: str | None = None
) -> pd.DataFrame:
    """Read ARCEP's per-commune fixed-broadband speed classes.

    Parameters
    ----------
    path : str, Path or bytes
        A ``commune-debit-beta`` file (2019) or a data.arcep.fr
        ``commune_debit*.csv`` file, or its content.
    name : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    pandas.DataFrame
        One row per commune: ``code`` (str, as in the file), ``premises`` (float,
        ``nbr``: housing plus business premises), the seven mutually exclusive
        classes of best available download speed ``inel`` (no usable fixed
        access, below 0.5 Mbit/s), ``hd05``, ``hd3``, ``hd8``, ``thd30``,
        ``thd100``, ``thd1g`` (floats, summing to ``premises``) and ``date``
        (str, state of the data). ``attrs`` records ``arcep_variant`` (header
        variant) and ``arcep_cumulative`` (whether the file counted the classes
        cumulatively).

    Raises
    ------
    SourceError
        Unreadable or empty file, missing column, non-numeric or negative count,
        classes inconsistent with ``nbr``, missing, malformed or duplicated code.
    """
    raw, file = _load(path, name)
    text = decode(raw, file)
    skip = _header_index(text)
    df = read_table(raw, [CODE], name=file, skiprows=skip)
    header_line = skip + 1
    variant = _variant(df.columns)
    source_cols = VARIANTS[variant]
    missing = [c for c in (TOTAL, *source_cols) if c not in df.columns]
    if missing:
        hints = "".join(suggest(m, df.columns) for m in missing)
        raise SourceError(
            file,
            f"missing column(s) {', '.join(missing)}.{hints} "
            f"Found: {', '.join(df.columns[:20])}",
            row=header_line,
            column=missing[0],
        )
    df = _keep_all_premises(df, file)
    if df.empty:
        raise SourceError(file, "no data rows below the header", row=header_line)

    code = commune_codes(df, CODE, file)
    total = _number(df, TOTAL, file, minimum=0)
    counts = pd.DataFrame(
        {c: _number(df, c, file, minimum=0) for c in source_cols}, index=df.index
    )
    cumulative = _is_cumulative(df, counts, total, file)
    if cumulative:
        values = counts.to_numpy()
        exclusive = values.copy()
        # inel stays; each class = premises with at least this speed minus those
        # with at least the next one; the top class stays as is.
        exclusive[:, 1:-1] = values[:, 1:-1] - values[:, 2:]
        counts = pd.DataFrame(exclusive, columns=source_cols, index=df.index)

    out = pd.DataFrame({"code": code.astype(str), "premises": total})
    for target, source in zip(CLASSES, source_cols, strict=True):
        out[target] = counts[source].astype(float)
    if DATE in df.columns:
        out["date"] = df[DATE].astype("string").str.strip().astype(str)
    else:
        out["date"] = np.nan
    out = out.assign(_line=df["_line"])
    check_unique(out.rename(columns={"code": CODE}), CODE, file)
    out = out[OUTPUT].reset_index(drop=True)
    out.attrs.update(arcep_variant=variant, arcep_cumulative=cumulative)
    return out


def _load(path: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(path, bytes | bytearray):
        return bytes(path), name or "upload"
    p = Path(path)
    file = name or p.name
    if not p.is_file():
        raise SourceError(file, f"file not found: {p}")
    return p.read_bytes(), file


def _header_index(text: str, look: int = 5) -> int:
    """Index of the header line: the first of the first lines naming ``code_insee``.

    The 2019 beta file starts with a one-line disclaimer; later files do not.
    """
    for i, line in enumerate(text.splitlines()[:look]):
        if CODE in line.lower():
            return i
    return 0


def _variant(columns: pd.Index) -> str:
    cols = set(columns)
    if "elig_cd_1" in cols:
        return "statistiques_cd"
    if "elig_bhd8" in cols:
        return "statistiques"
    return "beta_2019"


def _keep_all_premises(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """Keep the rows counting all premises when the file splits them by ``type``."""
    if TYPE not in df.columns:
        return df
    kind = df[TYPE].astype("string").str.strip().str.lower()
    if kind.isna().all():
        return df
    keep = kind.isin(ALL_PREMISES)
    if not keep.any():
        found = ", ".join(sorted(kind.dropna().unique())[:5])
        raise SourceError(
            file,
            f"no row of type {' or '.join(ALL_PREMISES)} (housing plus business "
            f"premises); found: {found}",
            column=TYPE,
        )
    return df[keep.fillna(False)]


def _is_cumulative(
    df: pd.DataFrame, counts: pd.DataFrame, total: pd.Series, file: str
) -> bool:
    """Decide whether the classes are cumulative and check every row against it.

    Raises on the first row that fits neither the file's reading nor the total.
    """
    values = counts.to_numpy(dtype=float)
    tot = total.to_numpy(dtype=float)
    known = ~np.isnan(values).any(axis=1) & ~np.isnan(tot)
    tol = np.maximum(0.5, 1e-6 * np.nan_to_num(tot))
    sums = values.sum(axis=1)
    fits_exclusive = ~known | (np.abs(sums - tot) <= tol)
    elig = values[:, 1:]
    never_up = (elig[:, :-1] >= elig[:, 1:] - tol[:, None]).all(axis=1)
    fits_cumulative = ~known | (
        never_up & (np.abs(values[:, 0] + elig[:, 0] - tot) <= tol)
    )
    cumulative = bool(fits_cumulative.sum() > fits_exclusive.sum())
    fits = fits_cumulative if cumulative else fits_exclusive
    if not fits.all():
        i = int((~fits).nonzero()[0][0])
        cols = ", ".join(counts.columns)
        if cumulative:
            detail = (
                f"the cumulative classes ({cols}) must not increase with speed and "
                f"inel_hd + {counts.columns[1]} must equal nbr ({tot[i]:g})"
            )
        else:
            word = "exceed" if sums[i] > tot[i] else "fall short of"
            detail = (
                f"the classes ({cols}) sum to {sums[i]:g} and {word} nbr ({tot[i]:g})"
            )
        raise SourceError(file, detail, row=int(df["_line"].iloc[i]), column=TOTAL)
    return cumulative


def _number(df: pd.DataFrame, column: str, file: str, **options) -> pd.Series:
    """Call ``to_number``, checking its bounds on the non-missing cells only.

    ``to_number`` raises a TypeError instead of a SourceError when a column holds
    both missing cells and an out-of-range value; checking the bounds on the known
    cells alone gives the intended message.
    """
    bounds = {k: options.pop(k) for k in ("minimum", "maximum") if k in options}
    values = to_number(df, column, file, **options)
    if bounds:
        to_number(df[values.notna()], column, file, **options, **bounds)
    return values


#: ``commune_meilleure_techno_thd.csv``: premises counted once, under the best
#: technology giving ≥ 30 Mbit/s. Fixed 4G was ``elig_4fg`` before 2021, then
#: ``elig_4gf``: both read as ``4gf``.
TECHNOLOGIES = {
    "elig_ftth": "ftth",
    "elig_coax": "coax",
    "elig_cu_30": "cu30",
    "elig_thdr": "thdr",
    "elig_4gf": "4gf",
    "elig_4fg": "4gf",
    "elig_sat": "sat",
}
QUARTER = r"(20\d\d)_T([1-4])"


def read_arcep_best_technology(path: str | Path | bytes, *, name: str | None = None):
    """Read ARCEP's ``commune_meilleure_techno_thd.csv`` (quarterly statistics).

    Parameters
    ----------
    path : str, Path or bytes
        The file or its content.
    name : str, optional
        Name used in messages.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``premises`` (``nbr``), one column per technology of
        :data:`TECHNOLOGIES` present (``ftth``, ``coax``, ``cu30``, ``thdr``,
        ``4gf``, ``sat``: premises whose best ≥ 30 Mbit/s access is that
        technology) and ``date``.

    Raises
    ------
    SourceError
        Missing ``code_insee``, ``nbr`` or ``elig_ftth``; both ``elig_4fg`` and
        ``elig_4gf``; a bad number or code; a commune given twice.
    """
    raw, file = _load(path, name)
    text = decode(raw, file)
    df = read_table(
        raw, [CODE, TOTAL, "elig_ftth"], name=file, skiprows=_header_index(text)
    )
    if {"elig_4fg", "elig_4gf"} <= set(df.columns):
        raise SourceError(file, "both elig_4fg and elig_4gf: keep one fixed-4G column")
    df = _keep_all_premises(df, file)
    code = commune_codes(df, CODE, file)
    out = pd.DataFrame(
        {"code": code.astype(str), "premises": _number(df, TOTAL, file, minimum=0)}
    )
    for column, target in TECHNOLOGIES.items():
        if column in df.columns:
            out[target] = _number(df, column, file, minimum=0)
    out["date"] = df[DATE].astype(str).str.strip() if DATE in df.columns else np.nan
    check_unique(
        out.assign(_line=df["_line"]).rename(columns={"code": CODE}), CODE, file
    )
    return out.reset_index(drop=True)


def quarter_end(folder: str) -> str:
    """The last day of an ARCEP statistics quarter named ``YYYY_Tn``: ISO date."""
    match = re.fullmatch(QUARTER, folder)
    if not match:
        raise SourceError(
            folder, "an ARCEP statistics folder is named YYYY_Tn (e.g. 2024_T3)"
        )
    year, quarter = int(match.group(1)), int(match.group(2))
    return {
        1: f"{year}-03-31",
        2: f"{year}-06-30",
        3: f"{year}-09-30",
        4: f"{year}-12-31",
    }[quarter]


def statistics_vintages(folder: str | Path) -> list[tuple[str, Path]]:
    """ARCEP quarterly statistics found under ``folder``: ``<YYYY_Tn>/commune/``.

    Returns
    -------
    list of (date, commune folder)
        Oldest first; folders without ``commune_debit.csv`` are skipped.
    """
    root = Path(folder)
    if not root.is_dir():
        return []
    found = []
    for child in sorted(root.iterdir()):
        commune = child / "commune"
        if (
            re.fullmatch(QUARTER, child.name)
            and (commune / "commune_debit.csv").is_file()
        ):
            found.append((quarter_end(child.name), commune))
    return found
