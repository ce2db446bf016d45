"""The merge of places listed by several sources: similar names, close points."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from divide.build.readers.mediation.kinds import (
    COLUMNS,
    KINDS,
    SOURCES,
    join_kinds,
    join_sources,
)
from divide.build.readers.mediation.table import ascii_folded

#: Two places closer than this (metres) with similar names are one place.
MERGE_DISTANCE_M = 150.0


#: Two places with the same name and commune are *not* merged when both have
#: coordinates further apart than this (metres): e.g. two "Bibliothèque municipale"
#: in the same large commune.
SAME_NAME_MAX_DISTANCE_M = 2000.0


#: Token-set Jaccard similarity from which two names are "similar".
NAME_SIMILARITY = 0.5


_STOPWORDS = frozenset(
    "a au aux d de des du en et l la le les par pour sur sous un une".split()
)


_EARTH_RADIUS_M = 6_371_008.8


_SYNONYMS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:maison|espace|point) (?:de )?services? au public\b", "fs"),
        (r"\b(?:(?:maison|espace) )?france services?\b", "fs"),
        (r"\b(?:msap|mfs)\b", "fs"),
        (r"\bcentre communal d action sociale\b", "ccas"),
        (r"\bcentre intercommunal d action sociale\b", "cias"),
        (r"\bcommunaute (?:de|des) communes\b", "cc"),
        (r"\bcommunaute d agglomeration\b", "ca"),
        (r"\bst\b", "saint"),
        (r"\bste\b", "sainte"),
    )
)


# Words naming a distinct kind of service, after normalise_name.
_SERVICE_WORDS = {
    "bibliotheque": "library",
    "bibliotheques": "library",
    "mediatheque": "library",
    "mediatheques": "library",
    "fs": "france_services",
    "poste": "post_office",
}


def normalise_name(name: object) -> tuple[str, ...]:
    """Tokens of a name for comparison: lowercase, no accents, no punctuation.

    A few names of the same thing are spelt one way: France Services, its
    "Maison", "Espace", the former MSAP and the MFS code all become ``fs``; a
    centre (inter)communal d'action sociale ``ccas`` (``cias``); communauté de
    communes ``cc``; ``st``/``ste`` ``saint``/``sainte``. Common French function
    words (de, la, les, du ...) are then removed unless nothing else is left.
    ``"Médiathèque de l'Ile"`` → ``("mediatheque", "ile")``, ``"MSAP de Semur"`` →
    ``("fs", "semur")``.
    """
    if name is None or name is pd.NA or (isinstance(name, float) and np.isnan(name)):
        return ()
    text = " ".join(re.findall(r"[a-z0-9]+", ascii_folded(str(name))))
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    tokens = text.split()
    kept = tuple(t for t in tokens if t not in _STOPWORDS)
    return kept or tuple(tokens)


def names_similar(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two token sets name the same place.

    True when the token-set Jaccard index is at least :data:`NAME_SIMILARITY`, or
    when every token of one name is in the other (``"Mairie"`` and ``"Mairie de
    Lunel"``). Empty names are never similar, nor are names that say they are two
    different services: a library (bibliothèque, médiathèque), a France Services
    and a post office (``"France services de Tessy"`` is not ``"Bibliothèque de
    Tessy"``, though the shared commune name makes the Jaccard index 0.5).
    """
    a, b = set(a), set(b)
    if not a or not b:
        return False
    if _conflict(_services_named(a), _services_named(b)):
        return False
    common = len(a & b)
    return common / len(a | b) >= NAME_SIMILARITY or common == min(len(a), len(b))


def deduplicate_sites(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Merge the rows that describe the same place, seen by several sources.

    Rule. Two rows are the same place when they come from different sources and

    1. they are within :data:`MERGE_DISTANCE_M` (150 m) of each other and their
       names are similar (:func:`names_similar` on :func:`normalise_name`: token
       Jaccard ≥ 0.5, or one name's tokens all in the other), or
    2. they have the same normalised name and the same commune code, or the same
       postcode, unless both have coordinates more than
       :data:`SAME_NAME_MAX_DISTANCE_M` (2 km) apart.

    Distances are chord lengths between points on a sphere (metres), which works
    the same in mainland France and overseas; candidate pairs come from a
    :class:`scipy.spatial.cKDTree`. Pairs are merged closest first (rule 1 before
    rule 2) and a merge is refused when the two groups already hold a row of the
    same source, so that a group never holds two rows of one source (two rows of
    one file are two places, as its publisher says), or when their names say they
    are different services (a library and a France Services: see
    :func:`names_similar`), so that a generic "Commune de X" close to both cannot
    chain them together.

    In each group the row of the most authoritative / recent source is kept
    (order :data:`SOURCES`, unknown sources last). ``kinds`` and ``sources`` become
    the union over the group (``other`` is left out of ``kinds`` when the group
    has a known kind); ``kind`` stays the kept row's, except that ``other``
    gives way to the first known kind of the group. Missing ``commune_code``,
    ``postcode``, ``address``, ``services`` and coordinates are filled from the
    other rows, in source order.

    Parameters
    ----------
    df : pandas.DataFrame
        Unified table(s) from the readers, concatenated.

    Returns
    -------
    sites : pandas.DataFrame
        One row per place, sorted by ``site_id``.
    report : dict
        ``rows_in``, ``rows_out``, ``merged`` (``{"<kept source> + <merged
        source>": rows absorbed}``), ``merged_by_rule`` and ``absorbed``
        (``{kept site_id: [site_ids merged into it]}``, to audit the merges).
    """
    data = df[COLUMNS].sort_values("site_id", kind="stable").reset_index(drop=True)
    n = len(data)
    rank = {s: i for i, s in enumerate(SOURCES)}
    source_rank = np.array(
        [rank.get(s, len(SOURCES)) for s in data["source"].astype(str)], dtype=int
    )
    member_sources = [
        frozenset(str(s).split(";")) for s in data["sources"].fillna(data["source"])
    ]
    tokens = [normalise_name(x) for x in data["name"]]
    lat = data["lat"].to_numpy(dtype=float)
    lon = data["lon"].to_numpy(dtype=float)
    xyz = _to_xyz(lat, lon)
    candidates = _candidates(data, tokens, xyz, member_sources)
    roots, by_rule = _groups(candidates, n, tokens, member_sources, source_rank)
    out, merged, absorbed = _fold(data, roots, lat, lon, source_rank, member_sources)
    report = {
        "rows_in": n,
        "rows_out": len(out),
        "merged": dict(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))),
        "merged_by_rule": by_rule,
        "absorbed": dict(sorted(absorbed.items())),
    }
    return out, report


def _candidates(
    data: pd.DataFrame,
    tokens: list[tuple[str, ...]],
    xyz: np.ndarray,
    member_sources: list[frozenset[str]],
) -> dict[tuple[int, int], tuple[int, float]]:
    """The pairs of rows that may be one place: ``(i, j) → (rule, distance)``.

    Rule 1: close, with similar names; rule 2: the same name and commune code
    or postcode, not too far apart. Rows of a common source are never paired.
    """
    key = [" ".join(t) for t in tokens]
    located = np.flatnonzero(~np.isnan(xyz[:, 0]))
    candidates: dict[tuple[int, int], tuple[int, float]] = {}
    if len(located) > 1:
        # Imported here: the app imports this module for its kinds of sites, and
        # scipy (0.5 s) is needed only when a build deduplicates sites.
        from scipy.spatial import cKDTree

        tree = cKDTree(xyz[located])
        pairs = tree.query_pairs(MERGE_DISTANCE_M, output_type="ndarray")
        for p, q in located[pairs]:
            i, j = (int(p), int(q)) if p < q else (int(q), int(p))
            if member_sources[i] & member_sources[j]:
                continue
            if names_similar(tokens[i], tokens[j]):
                candidates[(i, j)] = (1, _distance(xyz, i, j))
    for column in ("commune_code", "postcode"):
        groups: dict[tuple[str, str], list[int]] = {}
        for i, (k, code) in enumerate(zip(key, data[column], strict=True)):
            if k and not pd.isna(code):
                groups.setdefault((k, str(code)), []).append(i)
        for members in groups.values():
            for a, i in enumerate(members):
                for j in members[a + 1 :]:
                    if (i, j) in candidates or member_sources[i] & member_sources[j]:
                        continue
                    d = _distance(xyz, i, j)
                    if d > SAME_NAME_MAX_DISTANCE_M:
                        continue
                    candidates[(i, j)] = (2, d)
    return candidates


def _groups(
    candidates: dict[tuple[int, int], tuple[int, float]],
    n: int,
    tokens: list[tuple[str, ...]],
    member_sources: list[frozenset[str]],
    source_rank: np.ndarray,
) -> tuple[np.ndarray, dict[str, int]]:
    """Merge the candidate pairs closest first; each row's group root, merges by rule.

    A merge is refused when the two groups share a source or name different
    services; the root is the better-ranked row (the one kept).
    """
    parent = list(range(n))
    group_sources = list(member_sources)
    group_services = [_services_named(t) for t in tokens]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_rule = {"nearby, similar name": 0, "same name and commune/postcode": 0}
    order = sorted(
        candidates.items(),
        key=lambda item: (item[1][0], np.nan_to_num(item[1][1], nan=np.inf), item[0]),
    )
    for (i, j), (rule, _) in order:
        a, b = find(i), find(j)
        if a == b or group_sources[a] & group_sources[b]:
            continue
        if _conflict(group_services[a], group_services[b]):
            continue
        # The root is the better-ranked row, so that it is the one kept.
        if (source_rank[b], b) < (source_rank[a], a):
            a, b = b, a
        parent[b] = a
        group_sources[a] = group_sources[a] | group_sources[b]
        group_services[a] = group_services[a] | group_services[b]
        by_rule[
            "nearby, similar name" if rule == 1 else "same name and commune/postcode"
        ] += 1
    return np.array([find(i) for i in range(n)], dtype=int), by_rule


def _fold(
    data: pd.DataFrame,
    roots: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    source_rank: np.ndarray,
    member_sources: list[frozenset[str]],
) -> tuple[pd.DataFrame, dict[str, int], dict[str, list[str]]]:
    """One row per group: the kept row, completed from the others.

    Returns the rows, the merges per pair of sources and the site ids absorbed
    by each kept row.
    """
    n = len(data)
    merged: dict[str, int] = {}
    absorbed: dict[str, list[str]] = {}
    groups_of: dict[int, list[int]] = {}
    for i in np.flatnonzero(roots != np.arange(n)):
        groups_of.setdefault(int(roots[i]), [int(roots[i])]).append(int(i))
    # Plain lists: element-wise pandas access on string columns is slow.
    col = {
        c: data[c].astype(object).where(data[c].notna(), None).tolist() for c in COLUMNS
    }
    col["lat"], col["lon"] = lat.tolist(), lon.tolist()
    for members in groups_of.values():
        members = np.array(members)
        members = members[np.lexsort((members, source_rank[members]))]
        keep = int(members[0])
        kinds: set[str] = set()
        sources: set[str] = set()
        for m in members:
            kinds |= set(str(col["kinds"][m]).split(";"))
            sources |= member_sources[m]
        absorbed[col["site_id"][keep]] = [col["site_id"][m] for m in members[1:]]
        for m in members[1:]:
            pair = f"{col['source'][keep]} + {col['source'][m]}"
            merged[pair] = merged.get(pair, 0) + 1
            for c in ("commune_code", "postcode", "address", "services"):
                if col[c][keep] is None and col[c][m] is not None:
                    col[c][keep] = col[c][m]
            if np.isnan(col["lat"][keep]) and not np.isnan(col["lat"][m]):
                col["lat"][keep], col["lon"][keep] = col["lat"][m], col["lon"][m]
        col["kinds"][keep] = join_kinds(kinds)
        col["sources"][keep] = join_sources(sources)
        if col["kind"][keep] == "other":
            col["kind"][keep] = next((k for k in KINDS if k in kinds), "other")
    out = pd.DataFrame(col)
    for c in COLUMNS:
        if c not in ("lat", "lon"):
            out[c] = out[c].astype("string")
    out = out[roots == np.arange(n)].reset_index(drop=True)
    return out, merged, absorbed


def _services_named(tokens: Iterable[str]) -> frozenset[str]:
    """Distinct services a name says it is (library, France Services, post office)."""
    return frozenset(_SERVICE_WORDS[t] for t in tokens if t in _SERVICE_WORDS)


def _conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two names (or groups) are plainly different services."""
    return bool(a) and bool(b) and not a & b


def _to_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on a sphere of the Earth's mean radius, in metres (NaN stays NaN)."""
    phi, lam = np.radians(lat), np.radians(lon)
    return _EARTH_RADIUS_M * np.column_stack(
        (np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi))
    )


def _distance(xyz: np.ndarray, i: int, j: int) -> float:
    """Chord distance in metres between rows ``i`` and ``j`` (NaN if one is unknown)."""
    return float(np.sqrt(((xyz[i] - xyz[j]) ** 2).sum()))
