"""A territory's components and the index's tables and figures, in a language."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from divide.errors import unknown
from divide.formatting import format_count, plotly_separators
from divide.fragility.method import (
    BALANCE_MARGIN,
    badness,
    contributions,
    rank_change,
    weight_components,
)
from divide.i18n import both, t
from divide.indicators import format_value, value_with_range
from divide.registry import Indicator, indicator
from divide.safe_text import html

#: The index score as an indicator, for map classes, legends and formatting.
SCORE = Indicator(
    id="fragility_score",
    label=both("frag_score_label"),
    unit="index",
    direction="higher_worse",
    numerator="score",
    sources=(),
)


def component_table(
    index_df: pd.DataFrame, code: str, extra: Mapping[str, Indicator] | None = None
) -> pd.DataFrame:
    """One territory's components: raw value, percentile, score and contribution.

    Parameters
    ----------
    index_df : DataFrame
        An output of :func:`compute_index`.
    code : str
        A territory of the index.

    Returns
    -------
    DataFrame
        Indexed by component: ``value`` (raw, as stored), ``percentile`` (the
        mid-distribution percentile among the reference territories, oriented so
        that 100 is the most fragile, whatever the normalisation), and the
        columns of :func:`contributions` (``weight``, ``score``,
        ``contribution``, ``share``).
    """
    code = str(code)
    if code not in index_df.index:
        raise unknown("territory code", code, index_df.index)
    row = index_df.loc[code]
    out = contributions(row)
    reference = index_df[index_df["in_reference"].astype(bool)]
    values, percentiles = [], []
    for ind_id in out.index:
        value = row[f"value_{ind_id}"]
        values.append(float(value))
        pct = badness(
            pd.Series([value], dtype=float),
            reference[f"value_{ind_id}"],
            indicator(ind_id, extra).direction,
            "percentile",
        )
        percentiles.append(float(pct.iloc[0]))
    out.insert(0, "value", values)
    out.insert(1, "percentile", percentiles)
    return out


def contribution_figure(
    table: pd.DataFrame, labels: Mapping[str, str], lang: str, *, total: str
):
    """A horizontal waterfall of each component's contribution to the score.

    Parameters
    ----------
    table : DataFrame
        :func:`contributions` or :func:`component_table` of one territory.
    labels : mapping
        Component id → label (HTML-escaped here: plotly labels are HTML).
    lang : {"fr", "en"}
        Language of numbers.
    total : str
        Label of the last bar (the score).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    names = [html(str(labels.get(c, c))) for c in table.index]
    values = [float(v) for v in table["contribution"]]
    score = float(sum(values))

    def text(x: float) -> str:
        return format_count(x, lang, 1)

    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            measure=["relative"] * len(values) + ["total"],
            y=[*names, html(total)],
            x=[*values, score],
            text=[text(v) for v in values] + [text(score)],
            textposition="outside",
            cliponaxis=False,
            connector={"line": {"color": "#bbbbbb"}},
            increasing={"marker": {"color": "#f03b20"}},
            totals={"marker": {"color": "#67000d"}},
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(240, 34 * (len(values) + 1) + 80),
        margin={"l": 10, "r": 50, "t": 10, "b": 30},
        xaxis={"range": [0, max(100.0, score * 1.1)], "title": "0–100"},
        yaxis={"autorange": "reversed", "type": "category"},
        separators=plotly_separators(lang),
        showlegend=False,
    )
    return fig


def calls_for_text(value, lang: str) -> str:
    """The action a territory calls for, as words in a language."""
    key = value if isinstance(value, str) and value else "none"
    return t(f"frag_calls_{key}", lang)


def component_view(
    table: pd.DataFrame,
    labels: Mapping[str, str],
    lang: str,
    extra: Mapping[str, Indicator] | None = None,
    territory: pd.Series | None = None,
) -> pd.DataFrame:
    """:func:`component_table` with formatted values and headers in a language.

    Given the ``territory``'s atlas row, a modelled value shows its range.
    """
    return pd.DataFrame(
        {
            t("frag_col_component", lang): [labels.get(c, c) for c in table.index],
            t("frag_col_value", lang): [
                value_with_range(v, territory, indicator(c, extra), lang)
                for c, v in table["value"].items()
            ],
            t("frag_col_percentile", lang): table["percentile"].round(1).to_numpy(),
            t("frag_col_score", lang): table["score"].round(1).to_numpy(),
            t("frag_col_weight", lang): table["weight"].round(3).to_numpy(),
            t("frag_col_contribution", lang): table["contribution"].round(1).to_numpy(),
        }
    )


def movers_view(
    before: pd.DataFrame, after: pd.DataFrame, lang: str, n: int = 10
) -> pd.DataFrame:
    """The ``n`` biggest moves of :func:`rank_change`, headers in a language."""
    moves = rank_change(before, after).head(n).reset_index()
    heads = {
        "name": "name",
        "code": "code",
        "rank_before": "frag_col_rank_before",
        "rank_after": "frag_col_rank_after",
        "rank_change": "frag_col_rank_change",
        "score_before": "frag_col_score_before",
        "score_after": "frag_score",
    }
    moves = moves[list(heads)].round(1)
    moves.columns = [t(h, lang) for h in heads.values()]
    return moves


def index_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An index table, most fragile first, main columns, headers in a language."""
    heads = {
        "code": "code",
        "name": "name",
        "score": "frag_score",
        "rank": "rank",
        "infrastructure_score": "frag_col_infra",
        "skills_score": "frag_col_skills",
        "calls_for": "frag_calls_for",
        "components_used": "frag_col_used",
    }
    view = frame.sort_values(["rank", "name"], na_position="last").reset_index()
    view = view[list(heads)].round(1)
    view["calls_for"] = [calls_for_text(c, lang) for c in view["calls_for"]]
    view.columns = [t(h, lang) for h in heads.values()]
    return view


def _integer(n: int, lang: str) -> str:
    return format_count(n, lang)


def summary(index_df: pd.DataFrame, code: str, lang: str) -> dict:
    """One territory's headline figures as texts, for cards.

    Returns
    -------
    dict
        ``cards``: (label, value) pairs for the score, the two sub-scores and
        what it calls for; ``rank``: "rank r of n <level plural>" or ""; ``calls``:
        what the call means; ``missing``: components without a value here.
    """
    row = index_df.loc[str(code)]
    level = index_df.attrs.get("level", "")
    calls = row["calls_for"] if pd.notna(row["calls_for"]) else "none"
    margin = f"{index_df.attrs.get('balance_margin', BALANCE_MARGIN):g}"
    rank = ""
    if pd.notna(row["rank"]):
        rank = t(
            "frag_rank",
            lang,
            rank=_integer(int(row["rank"]), lang),
            n=_integer(int(index_df["score"].notna().sum()), lang),
            plural=t(f"levels_plural_{level}", lang) if level else "",
        )
    comps = weight_components(row)
    return {
        "cards": [
            (t("frag_score", lang), format_value(row["score"], SCORE, lang)),
            (
                t("frag_infra", lang),
                format_value(row["infrastructure_score"], SCORE, lang),
            ),
            (t("frag_skills", lang), format_value(row["skills_score"], SCORE, lang)),
            (t("frag_calls_for", lang), calls_for_text(row["calls_for"], lang)),
        ],
        "rank": rank,
        "calls": t(f"frag_calls_help_{calls}", lang, margin=margin)
        + " "
        + t("frag_calls_note", lang),
        "missing": [c for c in comps if pd.isna(row[f"score_{c}"])],
    }


def map_values(index_df: pd.DataFrame) -> pd.DataFrame:
    """``code``, ``name`` and ``value`` (the score) of an index, for a map layer."""
    return pd.DataFrame(
        {
            "code": index_df.index.astype(str),
            "name": index_df["name"].astype(str).to_numpy(),
            "value": index_df["score"].astype(float).to_numpy(),
        }
    )
