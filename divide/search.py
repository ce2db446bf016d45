"""Find territories by name, code or postcode, ignoring accents and case."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

LEVEL_ORDER = {"region": 0, "departement": 1, "epci": 2, "commune": 3, "france": 4}


def normalise(text: str) -> str:
    """Lowercase, strip accents, turn punctuation and hyphens into single spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")
    text = re.sub(r"\bst\b", "saint", text)
    text = re.sub(r"\bste\b", "sainte", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def search_index(territories: pd.DataFrame) -> pd.DataFrame:
    """Columns used for search: normalised name, code, postcodes, level."""
    index = territories[["level", "code", "name"]].copy()
    index["key"] = territories["name"].fillna("").map(normalise)
    index["postcodes"] = territories.get("postcodes", pd.Series("", index=index.index))
    index["postcodes"] = index["postcodes"].fillna("")
    index["population"] = territories.get("population")
    index["rank"] = index["level"].map(LEVEL_ORDER)
    return index[index["level"] != "france"].reset_index(drop=True)


def search(index: pd.DataFrame, query: str, limit: int = 20) -> pd.DataFrame:
    """Territories matching a query, best first.

    A query of digits (or 2A/2B) matches codes and postcodes by prefix; text
    matches names: exact name first, then names starting with the query, then
    names containing it; larger territories and populations first within a tier.
    """
    query = str(query or "").strip()
    if not query:
        return index.iloc[0:0]
    compact = query.replace(" ", "").upper()
    if re.fullmatch(r"\d[\dAB]*|2[AB]\d*", compact):
        by_code = index["code"].str.upper().str.startswith(compact)
        by_post = index["postcodes"].str.contains(
            rf"\b{re.escape(compact)}", regex=True
        )
        hits = index[by_code | by_post].assign(
            tier=lambda d: (d["code"].str.upper() != compact).astype(int)
        )
    else:
        key = normalise(query)
        if not key:
            return index.iloc[0:0]
        tier = pd.Series(3, index=index.index)
        tier[index["key"].str.contains(key, regex=False)] = 2
        tier[index["key"].str.startswith(key)] = 1
        tier[index["key"] == key] = 0
        hits = index[tier < 3].assign(tier=tier[tier < 3])
    hits = hits.sort_values(
        ["tier", "rank", "population"], ascending=[True, True, False]
    )
    return hits.head(limit)
