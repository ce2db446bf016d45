"""Find territories by name, code or postcode: accents, case and typos forgiven.

- names: exact, then starting with the query, then containing it, then close to
  it (typo-tolerant, :mod:`rapidfuzz`: "Quimpr" and "Qimper" find Quimper);
- arrondissements of Paris, Lyon and Marseille ("Lyon 3e", "Paris 15e",
  "Marseille 1er", the postcode 75015 or the INSEE code 75115) find their commune,
  with a note naming the arrondissement (the atlas holds communes only);
- digits match commune codes and postcodes; each hit says which it matched
  (``match`` is ``"code"``, ``"postcode"`` or ``"name"``), so "13001" shows
  Marseille (postcode of the 1er arrondissement) beside Aix-en-Provence (commune
  code 13001), the larger first;
- each commune carries its département's name and code, so homonyms
  ("Saint-Denis" in Aude, Gard, Seine-Saint-Denis, La Réunion) can be told apart.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
from rapidfuzz import fuzz, process

from divide.i18n import t

LEVEL_ORDER = {"region": 0, "departement": 1, "epci": 2, "commune": 3, "france": 4}
#: A name is a typo-tolerant match from this similarity (0–100) on.
FUZZY_MIN = 80
#: Paris, Lyon, Marseille: commune code, normalised name, the arrondissements'
#: INSEE code prefix and postcode prefix (postcode = prefix + number, 75116 = 16e).
PLM = {
    "75056": ("paris", "751", "750"),
    "69123": ("lyon", "6938", "6900"),
    "13055": ("marseille", "132", "130"),
}
_ARR_WORDS = r"(?:e|er|eme|ème|ieme|re)?(?:\s*arr(?:ondissement)?)?"


def normalise(text: str) -> str:
    """Lowercase, strip accents, turn punctuation and hyphens into single spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")
    text = re.sub(r"\bst\b", "saint", text)
    text = re.sub(r"\bste\b", "sainte", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def search_index(territories: pd.DataFrame) -> pd.DataFrame:
    """Columns used for search: normalised name, code, postcodes, level, département."""
    index = territories[["level", "code", "name"]].copy()
    index["key"] = territories["name"].fillna("").map(normalise)
    index["postcodes"] = territories.get("postcodes", pd.Series("", index=index.index))
    index["postcodes"] = index["postcodes"].fillna("")
    index["population"] = territories.get("population")
    index["rank"] = index["level"].map(LEVEL_ORDER)
    deps = territories[territories["level"] == "departement"]
    dep_names = dict(zip(deps["code"], deps["name"], strict=True))
    dep = territories.get("departement", pd.Series(None, index=index.index))
    index["departement"] = dep.where(territories["level"] == "commune")
    index["departement_name"] = index["departement"].map(dep_names)
    return index[index["level"] != "france"].reset_index(drop=True)


def _arrondissement(query: str) -> tuple[str, int, str] | None:
    """The commune, arrondissement number and what matched, or None.

    ("75056", 15, "name") for "Paris 15e" or "paris 15eme arrondissement",
    ("75056", 15, "postcode") for 75015, ("75056", 15, "code") for 75115.
    """
    compact = query.replace(" ", "")
    for commune, (_, code_prefix, post_prefix) in PLM.items():
        for prefix, how in ((code_prefix, "code"), (post_prefix, "postcode")):
            width = 5 - len(prefix)
            if re.fullmatch(rf"{prefix}\d{{{width}}}", compact):
                number = int(compact[len(prefix) :])
                if commune == "75056" and compact == "75116":
                    number = 16
                if 1 <= number <= {"75056": 20, "69123": 9, "13055": 16}[commune]:
                    return commune, number, how
    key = normalise(query)
    for commune, (name, _, _) in PLM.items():
        found = re.fullmatch(rf"{name}\s*(\d{{1,2}})\s*{_ARR_WORDS}", key)
        if found:
            number = int(found.group(1))
            if 1 <= number <= {"75056": 20, "69123": 9, "13055": 16}[commune]:
                return commune, number, "name"
    return None


def arrondissement_name(number: int, lang: str) -> str:
    """The arrondissement's name: "1er arrondissement", "15th arrondissement"."""
    if lang == "fr":
        return f"{number}{'er' if number == 1 else 'e'} arrondissement"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10)
    return f"{number}{suffix or 'th'} arrondissement"


def search(index: pd.DataFrame, query: str, limit: int = 20) -> pd.DataFrame:
    """Territories matching a query, best first.

    Returns the index's rows with ``tier`` (-1 a named arrondissement, 0 exact …
    3 close spelling), ``match`` ("code", "postcode", "name", "arrondissement",
    "arrondissement_postcode", "arrondissement_code") and ``arrondissement`` (its
    number, or 0).
    """
    query = str(query or "").strip()
    empty = index.iloc[0:0].assign(tier=0, match="", arrondissement=0)
    empty = empty.drop(columns="score", errors="ignore")
    if not query:
        return empty
    arr = _arrondissement(query)
    compact = query.replace(" ", "").upper()
    if re.fullmatch(r"\d[\dAB]*|2[AB]\d*", compact):
        hits = _by_code(index, compact)
    else:
        hits = _by_name(index, query)
    if arr is not None:
        commune, number, how = arr
        hits = hits[~((hits["level"] == "commune") & (hits["code"] == commune))]
        row = index[(index["level"] == "commune") & (index["code"] == commune)]
        row = row.assign(
            tier=-1 if how == "name" else 0,
            match="arrondissement" if how == "name" else f"arrondissement_{how}",
            arrondissement=number,
            score=100.0,
        )
        hits = pd.concat([row, hits])
    if hits.empty:
        return empty
    hits = hits.sort_values(
        ["tier", "score", "rank", "population"], ascending=[True, False, True, False]
    )
    hits = hits.drop(columns="score", errors="ignore")
    hits["arrondissement"] = hits["arrondissement"].fillna(0).astype(int)
    return hits.head(limit)


def _by_code(index: pd.DataFrame, compact: str) -> pd.DataFrame:
    code = index["code"].str.upper()
    by_code = code.str.startswith(compact)
    by_post = index["postcodes"].str.contains(rf"\b{re.escape(compact)}", regex=True)
    exact_post = index["postcodes"].str.contains(
        rf"\b{re.escape(compact)}\b", regex=True
    )
    hits = index[by_code | by_post].copy()
    exact = (code[hits.index] == compact) | exact_post[hits.index]
    hits["tier"] = (~exact).astype(int)
    hits["match"] = ["code" if c else "postcode" for c in by_code[hits.index]]
    # an exact postcode beats a longer code that merely starts with the query
    hits.loc[exact_post[hits.index] & (code[hits.index] != compact), "match"] = (
        "postcode"
    )
    hits["arrondissement"] = 0
    hits["score"] = 100.0
    return hits


def _by_name(index: pd.DataFrame, query: str) -> pd.DataFrame:
    key = normalise(query)
    if not key:
        return index.iloc[0:0].assign(tier=0, match="", arrondissement=0, score=0.0)
    keys = index["key"]
    tier = pd.Series(4, index=index.index)
    tier[keys.str.contains(key, regex=False)] = 2
    tier[keys.str.startswith(key)] = 1
    tier[keys == key] = 0
    score = pd.Series(100.0, index=index.index)
    if len(key) >= 4:
        close = process.extract(
            key,
            keys,
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_MIN,
            limit=None,
        )
        for _, value, row in close:
            if tier[row] == 4:
                tier[row] = 3
                score[row] = value
    found = tier < 4
    hits = index[found].assign(tier=tier[found], score=score[found])
    hits["match"] = "name"
    hits["arrondissement"] = 0
    return hits


def label(hit, lang: str) -> str:
    """How a hit reads in the results list.

    "Saint-Denis — commune, Seine-Saint-Denis (93)"; "Marseille — commune, code
    postal 13001 (1er arrondissement)"; "Aix-en-Provence — commune, code commune
    13001".
    """
    text = f"{hit.name} — {t('level_' + hit.level, lang)}"
    if hit.level == "commune" and isinstance(hit.departement_name, str):
        text += f", {hit.departement_name} ({hit.departement})"
    elif hit.level != "commune":
        text += f" {hit.code}"
    arr = arrondissement_name(int(hit.arrondissement or 0), lang)
    if hit.match == "arrondissement":
        text += " · " + t("search_arrondissement", lang, arr=arr)
    elif hit.match == "arrondissement_postcode":
        text += " · " + t("search_arrondissement_postcode", lang, arr=arr)
    elif hit.match == "arrondissement_code":
        text += " · " + t("search_arrondissement_code", lang, arr=arr)
    elif hit.match == "postcode":
        text += " · " + t("search_postcode", lang)
    elif hit.match == "code" and hit.level == "commune":
        text += " · " + t("search_code", lang, code=hit.code)
    elif hit.tier == 3:
        text += " · " + t("search_close", lang)
    return text
