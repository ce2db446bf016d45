"""Browsing the knowledge base: filters, countries, where a recommendation fires."""

from __future__ import annotations

import pandas as pd

from divide.atlas import Atlas
from divide.errors import check_lang, unknown
from divide.fragility import as_atlas
from divide.i18n import both, t
from divide.knowledge import (
    KINDS,
    Controversy,
    Initiative,
    Knowledge,
    Recommendation,
    knowledge,
)
from divide.recommend.matching import where_it_fires
from divide.registry import Indicator

#: A recommendation's strength in a territory, as an indicator for maps.
STRENGTH = Indicator(
    id="recommendation_strength",
    label=both("reco_strength"),
    unit="index",
    direction="higher_worse",
    numerator="strength",
    sources=(),
)


def _countries_of(initiative: Initiative) -> list[str]:
    return [c.strip() for c in initiative.country.split(",") if c.strip()]


def countries(kb: Knowledge | None = None) -> list[str]:
    """The countries named by the initiatives, sorted ("France, Morocco" is two)."""
    base = kb or knowledge()
    return sorted({c for i in base.initiatives.values() for c in _countries_of(i)})


def browse(
    kb: Knowledge | None = None,
    *,
    theme: str | None = None,
    country: str | None = None,
    kind: str | None = None,
) -> tuple[list[Recommendation], list[Initiative], list[Controversy]]:
    """Filter the knowledge base for browsing.

    Parameters
    ----------
    kb : Knowledge, optional
        Another knowledge base (default: the package's).
    theme : str, optional
        Keep the entries tagged with this theme (all three kinds of entry).
    country : str, optional
        Keep the initiatives that name this country.
    kind : str, optional
        Keep the initiatives of this kind (project, tool, programme...).

    Returns
    -------
    tuple
        Recommendations (by number), initiatives and controversies (file order).

    Raises
    ------
    DivideError
        Unknown theme or kind (with close matches).
    """
    base = kb or knowledge()
    if theme and theme not in base.themes:
        raise unknown("theme", theme, base.themes)
    if kind and kind not in KINDS:
        raise unknown("kind", kind, KINDS)
    recs = sorted(base.recommendations.values(), key=lambda r: r.number)
    inits = list(base.initiatives.values())
    contros = list(base.controversies.values())
    if theme:
        recs = [r for r in recs if theme in r.themes]
        inits = [i for i in inits if theme in i.themes]
        contros = [c for c in contros if theme in c.themes]
    if country:
        inits = [i for i in inits if country in _countries_of(i)]
    if kind:
        inits = [i for i in inits if i.kind == kind]
    return recs, inits, contros


def fires_values(
    atlas: Atlas | pd.DataFrame,
    rec_id: str,
    level: str,
    *,
    kb: Knowledge | None = None,
) -> pd.DataFrame:
    """Every territory of a level with the recommendation's strength, for a map.

    Returns
    -------
    DataFrame
        ``code``, ``name``, ``value`` (the strength of :func:`where_it_fires`;
        NaN where the recommendation does not fire).
    """
    atlas = as_atlas(atlas)
    fired = where_it_fires(atlas, rec_id, level, kb=kb)
    table = atlas.level(level)
    out = pd.DataFrame(
        {
            "code": table["code"].astype(str).to_numpy(),
            "name": table["name"].astype(str).to_numpy(),
        }
    )
    out["value"] = out["code"].map(fired["strength"]).astype(float)
    return out


def fires_view(
    frame: pd.DataFrame, lang: str, kb: Knowledge | None = None
) -> pd.DataFrame:
    """Rows of :func:`where_it_fires` for display: rule titles, headers in a language.

    Parameters
    ----------
    frame : DataFrame
        Rows of :func:`where_it_fires` (e.g. its first ten).
    lang : {"fr", "en"}
        Language of rule titles and headers.
    kb : Knowledge, optional
        Another knowledge base (default: the package's).
    """
    base = kb or knowledge()
    out = frame.reset_index()
    out["rules"] = [
        "; ".join(base.rule(r).title[lang] for r in str(rules).split(";") if r)
        for rules in out["rules"]
    ]
    out["strength"] = out["strength"].round(1)
    heads = {
        "code": "code",
        "name": "name",
        "departement": "level_departement",
        "region": "level_region",
        "rules": "reco_col_rules",
        "strength": "reco_col_strength",
    }
    keep = [c for c in heads if c in out.columns]
    out = out[keep]
    out.columns = [t(heads[c], check_lang(lang)) for c in keep]
    return out
