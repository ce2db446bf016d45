"""The slides of one measure: broadband, fibre over time, 4G, illectronisme, mediation.

Each builder takes the story's context (see :func:`divide.story.sequence.slides`)
and returns the key figure, the visual spec and the advice.
"""

from __future__ import annotations

from divide import series as dated
from divide.formatting import format_count
from divide.i18n import t
from divide.indicators import (
    display_values,
    format_date,
    format_share,
    format_value,
    range_text,
    unit_label,
)
from divide.registry import indicator
from divide.story.facts import (
    about,
    as_float,
    bars_against_parents,
    choropleth,
    indicator_figure,
    place_name,
    source_text,
)
from divide.story.outline import Advice, KeyFigure


def _figure(
    ind, value, text: str, detail: str, comparison, atlas, lang: str
) -> KeyFigure:
    """A slide's key figure for an indicator, with its source (and modelled flag)."""
    return KeyFigure(
        label=ind.name(lang),
        text=text,
        value=value,
        indicator=ind.id,
        detail=detail,
        comparison=comparison,
        source=source_text(ind.sources, lang, modelled=ind.modelled, dates=atlas.as_of),
        modelled=ind.modelled,
    )


def broadband_slide(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """Very-high-speed broadband (≥ 30 Mbit/s), on a map around the territory."""
    atlas, chain, lang = ctx["atlas"], ctx["chain"], ctx["lang"]
    ind = indicator("thd30_share")
    value, text, comparison = indicator_figure(ctx, ind.id)
    no_thd = as_float(ctx["row"](chain[0][0], chain[0][1])["v_premises_no_thd"])
    detail = (
        ""
        if no_thd is None
        else t("story_premises_no_thd", lang, n=format_count(no_thd, lang))
    )
    figure = _figure(ind, value, text, detail, comparison, atlas, lang)
    visual = choropleth(atlas, ctx["level"], ctx["code"], ind.id, lang)
    return figure, visual, ctx["advisor"].for_theme("broadband")


def progress_slide(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """Fibre deployment over time, against the région and France.

    A commune or EPCI is told through its département. Fibre is a measure apart
    from the ≥ 30 Mbit/s share of slide 1.
    """
    atlas, lang = ctx["atlas"], ctx["lang"]
    entry = dated.series("ftth_share")
    ind = dated.as_indicator(entry)
    lines = dated.lines(atlas, entry.id, ctx["level"], ctx["code"], lang)
    own = lines[lines["territory"] == lines["territory"].iloc[0]]
    first, last = own.iloc[0], own.iloc[-1]
    detail = t(
        "story_progress_detail",
        lang,
        start=format_value(first["value"], ind, lang),
        date=format_date(first["date"], lang),
    )
    latest = lines[lines["date"] == last["date"]]
    comparison = tuple(
        (r.territory, format_value(r.value, ind, lang))
        for r in latest.iloc[1:].itertuples()
    )
    figure = KeyFigure(
        label=f"{entry.name(lang)} — {format_date(last['date'], lang)}",
        text=format_value(last["value"], ind, lang),
        value=float(last["value"]),
        indicator=None,
        detail=detail,
        comparison=comparison,
        # The label dates the last point; the source line its vintage.
        source=source_text(entry.sources, lang, dates=atlas.as_of),
        modelled=False,
    )
    visual = {
        "kind": "line",
        "title": entry.name(lang),
        "axis": unit_label(ind, lang),
        "lines": [
            {
                "label": name,
                "dates": part["date"].tolist(),
                "values": display_values(part["value"], ind).round(1).tolist(),
                "highlight": name == first["territory"],
            }
            for name, part in lines.groupby("territory", sort=False)
        ],
        "note": entry.note.get(lang, ""),
    }
    return figure, visual, ctx["advisor"].for_theme("broadband")


def mobile_slide(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """Distance to the nearest 4G site, against the parents."""
    atlas, chain, lang = ctx["atlas"], ctx["chain"], ctx["lang"]
    ind = indicator("dist_4g_km")
    value, text, comparison = indicator_figure(ctx, ind.id)
    sites = as_float(ctx["row"](chain[0][0], chain[0][1])["v_sites_4g"])
    # The label says it is a distance, not coverage; the method note stays in
    # the dictionary and on the map page (a slide has no room for it).
    detail = (
        "" if sites is None else t("story_sites_4g", lang, n=format_count(sites, lang))
    )
    figure = _figure(ind, value, text, detail, comparison, atlas, lang)
    if ctx["level"] == "france":
        visual = choropleth(atlas, "france", "FR", ind.id, lang)
    else:
        visual = bars_against_parents(ctx, ind.id)
    return figure, visual, ctx["advisor"].for_theme("mobile")


def illectronisme_slide(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """People likely in illectronisme (modelled), with its range."""
    atlas, chain, lang = ctx["atlas"], ctx["chain"], ctx["lang"]
    ind = indicator("illectronisme_est")
    value, text, comparison = indicator_figure(ctx, ind.id)
    row = ctx["row"](chain[0][0], chain[0][1])
    people = as_float(row["v_people_at_risk"])
    parts = []
    if people is not None:
        parts.append(t("story_people_at_risk", lang, n=about(people, lang)))
    ends = range_text(row, ind, lang)
    if ends:
        parts.append(ends)
    figure = _figure(ind, value, text, "; ".join(parts), comparison, atlas, lang)
    visual = choropleth(atlas, ctx["level"], ctx["code"], ind.id, lang)
    return figure, visual, ctx["advisor"].for_theme("illectronisme")


def _far_share(ctx: dict, level: str, code: str) -> tuple[float | None, float | None]:
    """(people in illectronisme over 10 km from a site, their share of all of them)."""
    row = ctx["row"](level, code)
    far, risk = as_float(row["v_people_at_risk_far"]), as_float(row["v_people_at_risk"])
    share = None if far is None or not risk else far / risk
    return far, share


def mediation_slide(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """Access to mediation sites.

    A commune is near a site or not: its distance speaks. Above it, the share of
    its people in illectronisme who live over 10 km from any site, set against
    the same share of its parents (rates with rates, never counts with counts).
    """
    chain, lang, level = ctx["chain"], ctx["lang"], ctx["level"]
    row = ctx["row"](chain[0][0], chain[0][1])
    dist, far_ind = indicator("dist_mediation_km"), indicator("people_at_risk_far")
    sites = as_float(row["v_mediation_sites"])
    sites_text = (
        "" if sites is None else t("story_sites", lang, n=format_count(sites, lang))
    )
    colon = " :" if lang == "fr" else ":"
    if level == "commune":
        value, text, comparison = indicator_figure(ctx, dist.id)
        label, ind_id = dist.name(lang), dist.id
        far, _ = _far_share(ctx, chain[0][0], chain[0][1])
        parts = (
            []
            if far is None
            else [
                f"{far_ind.name(lang)}{colon} {about(far, lang)}"
                + (f" ({range_text(row, far_ind, lang)})" if far else "")
            ]
        )
    else:
        far, value = _far_share(ctx, chain[0][0], chain[0][1])
        label, ind_id = t("story_far_label", lang), None
        if value is None:
            text = t("no_data", lang)
        elif far == 0:
            # A giant "0" says nothing: say what it means.
            text = t("story_far_none", lang)
        else:
            text = format_share(value, lang, 1)
        comparison = tuple(
            (
                place_name(lvl, name, lang),
                t("no_data", lang) if share is None else format_share(share, lang, 1),
            )
            for lvl, c, name in chain[1:]
            for _, share in [_far_share(ctx, lvl, c)]
        )
        parts = []
        if far is not None:
            key = "story_far_nobody" if far == 0 else "story_far_people"
            parts.append(t(key, lang, n=about(far, lang)))
        # (the distance to a site is the chart beside it)
    if sites_text:
        parts.append(sites_text)
    figure = KeyFigure(
        label=label,
        text=text,
        value=value,
        indicator=ind_id,
        detail="; ".join(parts),
        comparison=comparison,
        source=source_text(
            dist.sources + far_ind.sources,
            lang,
            modelled=True,
            dates=ctx["atlas"].as_of,
        ),
        modelled=True,
    )
    if level == "france":
        visual = choropleth(ctx["atlas"], "france", "FR", "dist_mediation_km", lang)
    else:
        visual = bars_against_parents(ctx, "dist_mediation_km")
    return figure, visual, ctx["advisor"].for_theme("mediation")
