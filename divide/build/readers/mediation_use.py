"""Readers for the *use* of digital mediation and the postcode table it needs.

``read_conum_activity`` reads the conseillers numériques' activity reports
(« comptes rendus d'activité », CRA) summed by postcode; ``read_postcodes`` the
La Poste table that links postcodes to communes. Placing postcodes on communes
(split by population) is the build's job (:func:`divide.build.sources.mediation_use`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from divide.build.readers._checks import read_table, to_number
from divide.errors import SourceError

#: Age bands of the activity file, in order: their sum is the people accompanied.
AGE_BANDS = {
    "under_12": "Somme de Moins12ans",
    "age_12_18": "Somme de De12a18ans",
    "age_18_35": "Somme de De18a35ans",
    "age_35_60": "Somme de De35a60ans",
    "over_60": "Somme de Plus60ans",
}
#: Situations of the people accompanied (not additive with the age bands).
SITUATIONS = {
    "student": "Somme de Etudiant",
    "job_seeker": "Somme de SansEmploi",
    "employed": "Somme de EnEmploi",
    "retired": "Somme de Retraite",
    "mixed": "Somme de Heterogene",
}
MALFORMED = "malformed postcode (not 5 digits): cannot be placed"
_POSTCODE = re.compile(r"\d{5}")


def read_conum_activity(path: str | Path) -> pd.DataFrame:
    """Read the people accompanied by conseillers numériques, by postcode.

    Parameters
    ----------
    path : str or Path
        ``anct_conum_cra_par_code_postal_2023-07-17.csv`` (``,``-separated):
        ``CodePostal`` then the age bands of :data:`AGE_BANDS` and the situations
        of :data:`SITUATIONS`.

    Returns
    -------
    pandas.DataFrame
        One row per well-formed postcode: ``postcode`` (5-character text, never
        zero-filled: ``" 0400"`` is *not* taken as ``"00400"``), ``people`` (the
        sum of the age bands), each age band and situation (floats).
        ``attrs``: ``rows_read``, ``malformed`` (``[{"record", "reason"}]``: the
        rows whose postcode is not 5 digits, as written), ``malformed_people``
        (their people), ``file``.

    Raises
    ------
    SourceError
        Missing column or a count that is not a number.
    """
    file = Path(path).name
    df = read_table(path, ["CodePostal", *AGE_BANDS.values()])
    code = df["CodePostal"].astype("string").str.strip()
    good = code.str.fullmatch(_POSTCODE.pattern).fillna(False)
    out = pd.DataFrame({"postcode": code.astype("string")})
    for key, column in {**AGE_BANDS, **SITUATIONS}.items():
        if column in df.columns:
            out[key] = to_number(df, column, file)
    out["people"] = out[list(AGE_BANDS)].sum(axis=1, min_count=1)
    malformed = [
        {"record": f"line {line}: {raw!r}", "reason": MALFORMED}
        for line, raw in zip(
            df.loc[~good, "_line"], df.loc[~good, "CodePostal"], strict=True
        )
    ]
    others = [k for k in out.columns if k not in ("postcode", "people")]
    out = out[["postcode", "people", *others]]
    people_bad = out.loc[~good.to_numpy(), "people"].sum()
    out = out[good.to_numpy()].reset_index(drop=True)
    out.attrs = {
        "file": file,
        "rows_read": len(df),
        "malformed": malformed,
        "malformed_people": float(people_bad),
    }
    return out


def read_postcodes(path: str | Path) -> pd.DataFrame:
    """Read La Poste's postcode table: which communes each postcode serves.

    Parameters
    ----------
    path : str or Path
        ``laposte_hexasmal_codes_postaux_gps.csv`` (``;``-separated):
        ``Code_commune_INSEE``, ``Code_postal`` (one row per commune × postcode ×
        delivery line).

    Returns
    -------
    pandas.DataFrame
        ``postcode``, ``commune_code`` (5-character text), ``name`` (La Poste's
        upper-case commune name), one row per distinct (postcode, commune), sorted.
    """
    file = Path(path).name
    df = read_table(path, ["Code_commune_INSEE", "Code_postal"], sep=";")
    out = pd.DataFrame(
        {
            "postcode": df["Code_postal"].astype("string").str.strip(),
            "commune_code": df["Code_commune_INSEE"].astype("string").str.strip(),
            "name": df.get("Nom_commune", pd.Series(pd.NA, index=df.index))
            .astype("string")
            .str.strip(),
        }
    )
    bad = ~out["postcode"].str.fullmatch(_POSTCODE.pattern).fillna(False)
    if bad.all():
        raise SourceError(file, "no 5-digit postcode in 'Code_postal'")
    out = out[~bad].drop_duplicates(["postcode", "commune_code"])
    out = out.sort_values(["postcode", "commune_code"])
    return out.reset_index(drop=True)


def name_key(names: pd.Series) -> pd.Series:
    """Commune names reduced for matching: upper ASCII, no punctuation, SAINT spelt.

    ``"Saint-Étienne"``, ``"ST ETIENNE"`` → ``"SAINT ETIENNE"``.
    """
    text = names.astype("string").fillna("").str.normalize("NFKD")
    text = text.str.encode("ascii", "ignore").str.decode("ascii").str.upper()
    text = text.str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()
    text = text.str.replace(r"\bSTE\b", "SAINTE", regex=True)
    return text.str.replace(r"\bST\b", "SAINT", regex=True)


def commune_by_postcode(
    postcode: pd.Series, name: pd.Series, table: pd.DataFrame
) -> pd.Series:
    """The commune code of places known by postcode and commune name only.

    The commune of ``table`` (:func:`read_postcodes`) with that postcode and that
    name (:func:`name_key`); when no name matches, the postcode's only commune if it
    serves just one; else NA.
    """
    keys = pd.DataFrame(
        {"postcode": postcode.astype("string"), "key": name_key(name)},
        index=postcode.index,
    )
    ref = table.assign(key=name_key(table["name"]))
    by_name = ref.drop_duplicates(["postcode", "key"], keep=False)
    by_name = by_name.set_index(["postcode", "key"])["commune_code"]
    found = pd.Series(
        [
            by_name.get((p, k), pd.NA)
            for p, k in zip(keys["postcode"], keys["key"], strict=True)
        ],
        index=keys.index,
        dtype="string",
    )
    single = ref.groupby("postcode")["commune_code"].agg(
        lambda s: s.iloc[0] if len(s) == 1 else pd.NA
    )
    return found.fillna(keys["postcode"].map(single)).astype("string")
