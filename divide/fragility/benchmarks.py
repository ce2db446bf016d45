"""The index against MedNum's IFN (2019/20) and the IFN 2023: how they agree."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from divide.atlas import Atlas
from divide.errors import DivideError
from divide.formatting import format_decimal
from divide.fragility.method import as_atlas
from divide.i18n import t
from divide.safe_text import html


def correlation_with_ifn(
    index_df: pd.DataFrame,
    atlas: Atlas | pd.DataFrame,
    level: str,
    column: str = "v_ifn_mednum",
) -> dict:
    """Spearman correlation between the index and MedNum's IFN at a level.

    Computed on the territories where both exist. MedNum's IFN is relative to a
    regional reference (100 = the région), while this index may be national, so
    expect a positive but imperfect agreement.

    Parameters
    ----------
    index_df : DataFrame
        An output of :func:`compute_index`.
    atlas : Atlas or DataFrame
        Where ``v_ifn_mednum`` comes from.
    level : str
        The level of ``index_df``.

    Returns
    -------
    dict
        ``rho``, ``pvalue``, ``n`` (territories used) and ``level``.
    """
    from scipy.stats import spearmanr  # heavy (scipy.stats): only for this check

    if "score" not in index_df.columns:
        raise DivideError("index_df is not an output of compute_index()")
    pairs = _ifn_pairs(index_df, atlas, level, column)
    if len(pairs) < 3:
        raise DivideError(
            f"only {len(pairs)} territories have both the index and the IFN: "
            "too few for a correlation"
        )
    result = spearmanr(pairs["score"], pairs["ifn"])
    return {
        "rho": float(result.statistic),
        "pvalue": float(result.pvalue),
        "n": len(pairs),
        "level": level,
    }


def _ifn_pairs(
    index_df: pd.DataFrame, atlas: Atlas | pd.DataFrame, level: str, column: str
) -> pd.DataFrame:
    """The index score and a MedNum column, on the territories with both."""
    table = as_atlas(atlas).level(level)
    if column not in table.columns:
        raise DivideError(
            f"the territory table has no column '{column}': rebuild the atlas"
        )
    ifn = table[column].astype(float)
    ifn.index = ifn.index.astype(str)
    return pd.concat(
        [
            index_df["score"].astype(float).rename("score"),
            ifn.rename("ifn"),
            index_df["name"].rename("name") if "name" in index_df else None,
        ],
        axis=1,
        join="inner",
    ).dropna(subset=["score", "ifn"])


def ifn_disagreements(
    index_df: pd.DataFrame,
    atlas: Atlas | pd.DataFrame,
    level: str,
    column: str = "v_ifn2023_total",
    n: int = 10,
) -> pd.DataFrame:
    """Territories where the index and a MedNum index disagree most, by rank.

    Both are turned into percentile ranks (0-100) on the territories where both
    exist; the gap is the index's rank minus MedNum's. Returns the ``n`` largest
    absolute gaps: ``code``, ``name``, ``score``, ``ifn``, ``rank_index``,
    ``rank_ifn``, ``gap``.
    """
    pairs = _ifn_pairs(index_df, atlas, level, column)
    pairs["rank_index"] = 100 * pairs["score"].rank(pct=True)
    pairs["rank_ifn"] = 100 * pairs["ifn"].rank(pct=True)
    pairs["gap"] = pairs["rank_index"] - pairs["rank_ifn"]
    order = pairs["gap"].abs().sort_values(ascending=False, kind="stable").index
    out = pairs.loc[order[: max(int(n), 0)]].copy()
    out.insert(0, "code", out.index.astype(str))
    return out.reset_index(drop=True)


def ifn_scatter(
    index_df: pd.DataFrame,
    atlas: Atlas | pd.DataFrame,
    level: str,
    lang: str,
    column: str = "v_ifn2023_total",
):
    """Scatter of the index (x) against a MedNum index (y), names escaped."""
    pairs = _ifn_pairs(index_df, atlas, level, column)
    names = [html(str(v)) for v in pairs.get("name", pairs.index)]
    fig = go.Figure(
        go.Scattergl(
            x=pairs["score"],
            y=pairs["ifn"],
            mode="markers",
            marker={"size": 4, "opacity": 0.5},
            text=names,
            hovertemplate="%{text}<br>%{x:.1f} / %{y:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title=html(t("frag_score", lang)),
        yaxis_title=html(t("frag_ifn2023_axis", lang)),
        height=420,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def ifn_text(result: Mapping, lang: str, plural: str) -> str:
    """The sentence giving :func:`correlation_with_ifn`'s rho, n and p."""
    rho, p = format_decimal(result["rho"], lang, 2), f"{result['pvalue']:.2g}"
    if result["pvalue"] < 1e-4:
        p = "< " + format_decimal(0.0001, lang, 4)
    elif lang == "fr":
        p = p.replace(".", ",")
    return t("frag_ifn_result", lang, rho=rho, n=result["n"], plural=plural, p=p)
