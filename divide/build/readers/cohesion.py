"""Reader for ANCT's « cohésion numérique des territoires » operators per département.

The State subsidises satellite, fixed-4G and THD-radio equipment for premises without
good broadband; the file lists, per département, the operators whose offers are
eligible.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from divide.build.readers._checks import decode
from divide.errors import SourceError

#: Most operators a feature lists (``opérateur1`` … ``opérateur7``).
MAX_OPERATORS = 7


def read_cohesion_operators(path: str | Path) -> pd.DataFrame:
    """Read the operators eligible to the subsidy, one row per département × operator.

    Parameters
    ----------
    path : str or Path
        ``anct_cohesion_numerique_operateurs_departement_2024.geojson``: features
        with ``insee_dep`` and ``opérateur<n>``, ``technologie<n>``, ``site<n>``
        (n = 1…7). A département may appear in several features.

    Returns
    -------
    pandas.DataFrame
        ``departement`` (text: ``"01"``, ``"2A"``, ``"974"``), ``operator``,
        ``technology``, ``site``; one row per distinct (département, operator,
        technology), sorted. ``attrs``: ``rows_read`` (features),
        ``departements`` (distinct codes), ``file``.

    Raises
    ------
    SourceError
        Not a GeoJSON feature collection, or a feature without ``insee_dep``.
    """
    p = Path(path)
    file = p.name
    if not p.is_file():
        raise SourceError(file, f"file not found: {p}")
    try:
        data = json.loads(decode(p.read_bytes(), file))
    except json.JSONDecodeError as exc:
        raise SourceError(file, f"invalid JSON: {exc.msg}", row=exc.lineno) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise SourceError(file, "expected a GeoJSON FeatureCollection with features")
    rows = []
    for i, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        dep = str(props.get("insee_dep") or "").strip()
        if not dep:
            raise SourceError(file, f"feature {i} has no 'insee_dep'")
        if dep.isdigit() and len(dep) < 2:
            dep = dep.zfill(2)
        for n in range(1, MAX_OPERATORS + 1):
            operator = str(props.get(f"opérateur{n}") or "").strip()
            if operator:
                rows.append(
                    {
                        "departement": dep,
                        "operator": operator,
                        "technology": str(props.get(f"technologie{n}") or "").strip(),
                        "site": str(props.get(f"site{n}") or "").strip(),
                    }
                )
    out = pd.DataFrame(rows, columns=["departement", "operator", "technology", "site"])
    out = out.drop_duplicates(["departement", "operator", "technology"])
    out = (
        out.sort_values(["departement", "operator", "technology"])
        .reset_index(drop=True)
        .astype("string")
    )
    out.attrs = {
        "file": file,
        "rows_read": len(features),
        "departements": int(out["departement"].nunique()),
    }
    return out
