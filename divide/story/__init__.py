"""Presenter mode: a territory's digital divide told in six slides, as plain data.

:func:`slides` builds the sequence for one territory: very-high-speed broadband,
distance to 4G sites, people likely in illectronisme (modelled), access to
digital mediation, the fragility index (networks against skills) and a "what to
do" summary. Each :class:`Slide` holds one key figure (formatted, with its label,
source and vintage, flagged when modelled), a visual spec (a choropleth around
the territory or bars against its parents) and the recommendation it calls for.

Recommendations come from :mod:`divide.recommend`: the strongest fired rule of
the slide's theme selects it. Rules are matched for a région, département, EPCI
or commune; for France, a slide reports the theme's rule that fires in the most
départements. When nothing fires, the slide shows the theme's general
recommendation and says so (``Advice.fallback``).

The app draws the slides (``pages/presenter.py``); :func:`bar_figure` and
:func:`map_figure` turn the visual specs into plotly figures, which need no
network (map style ``white-bg``: no tiles). Every name that reaches plotly is
HTML-escaped, since plotly renders labels and hover boxes as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from shapely.geometry import shape

from divide import fragility, maps
from divide import series as dated
from divide.atlas import Atlas
from divide.classify import NO_DATA
from divide.errors import check_lang
from divide.formatting import format_count
from divide.i18n import t
from divide.indicators import (
    display_values,
    format_date,
    format_share,
    format_value,
    sources_as_of_text,
    unit_label,
    value_column,
)
from divide.knowledge import SOURCES, Knowledge, knowledge
from divide.profile import parents
from divide.recommend import Match, evaluate, rule_status, where_it_fires
from divide.registry import indicator, source
from divide.safe_text import html

#: Slide ids, in the order they are shown.
# "progress" comes last so that links to slides 1–6 made before it keep their slide.
SLIDES = (
    "broadband",
    "mobile",
    "illectronisme",
    "mediation",
    "fragility",
    "actions",
    "progress",
)
#: Per theme: the rules that speak to it (strongest fired first wins) and the
#: general recommendation shown when none fires.
THEMES: dict[str, dict] = {
    "broadband": {
        "rules": ("thd_below_region", "thd_bottom_quintile", "double_gap"),
        "general": "governance",
        "needs": ("thd30_share", "thd100_share", "ineligible_share"),
    },
    "mobile": {
        "rules": ("mobile_far",),
        "general": "governance",
        "needs": ("dist_4g_km",),
    },
    "illectronisme": {
        "rules": (
            "many_people_at_risk",
            "illectronisme_far_from_mediation",
            "double_gap",
            "low_diploma",
            "older_population",
            "poverty_cost_barrier",
        ),
        "general": "digital_rights",
        "needs": (
            "illectronisme_est",
            "low_diploma_share",
            "age65_share",
            "poverty_rate",
        ),
    },
    "mediation": {
        "rules": (
            "load_per_site",
            "people_at_risk_far",
            "illectronisme_far_from_mediation",
            "mediation_density_low",
            "france_services_far",
        ),
        "general": "partnerships",
        "needs": (
            "dist_mediation_km",
            "mediation_sites_per_10k",
            "dist_france_services_km",
        ),
    },
}
#: Every measure a territory's top need is read from (fragility, actions).
ALL_NEEDS = tuple(dict.fromkeys(n for theme in THEMES.values() for n in theme["needs"]))
#: For the fragility slide: which rules answer each "calls for" verdict.
CALLS_FOR_RULES = {
    "deployment": ("thd_below_region", "thd_bottom_quintile", "mobile_far"),
    "mediation": (
        "load_per_site",
        "many_people_at_risk",
        "illectronisme_far_from_mediation",
        "people_at_risk_far",
        "france_services_far",
        "mediation_density_low",
        "older_population",
        "low_diploma",
        "poverty_cost_barrier",
    ),
    "both": (),  # any fired rule
}
CALLS_FOR_GENERAL = {
    "deployment": "governance",
    "mediation": "digital_rights",
    "both": "digital_rights",
}
#: The map drawn around a territory: (level of the shapes, scope level).
MAP_VIEW = {
    "france": ("departement", None),
    "region": ("epci", "region"),
    "departement": ("commune", "departement"),
    "epci": ("commune", "epci"),
    "commune": ("commune", "departement"),
}
MAX_INITIATIVES = 4
HIGHLIGHT = "#bd0026"
OTHER = "#6b7280"
INFRA_COLOUR = "#2166ac"
SKILLS_COLOUR = "#b35806"
# Chart heights that leave the title, the key figure, the recommendation and the
# vintage on one 1280×720 screen (the smallest projector the presenter targets).
MAP_HEIGHT = 275
CHART_HEIGHT = 275
#: The app's font (Streamlit's "sans serif" theme font), for plotly's texts.
FONT_FAMILY = '"Source Sans", "Source Sans Pro", sans-serif'
#: Key-figure texts longer than this are a sentence: shown in smaller type.
SHORT_FIGURE = 12
#: Above this many sources, a slide names their producers only.
COMPACT_SOURCES = 4
# The map's narrowest usual width (a 1440 px page with the sidebar, less the
# legend: 387 px measured), for the initial zoom: wider screens show a margin.
MAP_WIDTH = 380


# ------------------------------------------------------------------ data types


@dataclass(frozen=True)
class KeyFigure:
    """The one number a slide is about.

    Attributes
    ----------
    label : str
        What the number is.
    text : str
        The value formatted with its unit ("30,8 %", "3.1 km").
    value : float or None
        The raw value (None when missing).
    indicator : str or None
        The registry indicator, when the figure is one.
    detail : str
        A second line (a count, a range), may be empty.
    comparison : tuple of (str, str)
        (place or measure, formatted value) pairs to set the figure against.
    source : str
        "Source: producer (vintage ...)", with the modelled note when modelled.
    modelled : bool
        True for a modelled estimate (not a measurement).
    """

    label: str
    text: str
    value: float | None
    indicator: str | None
    detail: str
    comparison: tuple[tuple[str, str], ...]
    source: str
    modelled: bool


@dataclass(frozen=True)
class Advice:
    """A recommendation a slide calls for, and why.

    Attributes
    ----------
    recommendation : str
        Recommendation id (``divide/knowledge/recommendations.yaml``).
    number : int
        Its number in the PFVT synthesis (1–8).
    title, summary : str
        Its text, in the slide's language.
    reason : str
        Why it is shown: the fired rule's reason with the territory's numbers,
        or the fallback explanation.
    rule : str or None
        The rule that selected it (None for a fallback or an aggregate).
    initiatives : tuple of str
        Names of initiatives that answer it.
    source : str
        Citation of the recommendation.
    fallback : bool
        True when no rule fired and the theme's general recommendation is shown.
    """

    recommendation: str
    number: int
    title: str
    summary: str
    reason: str
    rule: str | None
    initiatives: tuple[str, ...]
    source: str
    fallback: bool


@dataclass(frozen=True)
class Slide:
    """One slide of the story.

    Attributes
    ----------
    id : str
        One of :data:`SLIDES`.
    number : int
        1-based position.
    title : str
        Slide title.
    territory : str
        "Name — level" of the territory told.
    figure : KeyFigure
        The key figure.
    visual : dict
        ``{"kind": "choropleth", "indicator", "level", "scope", "highlight",
        "frame", "title"}`` or ``{"kind": "bar", "title", "axis", "bars":
        [{"label", "value", "text", "highlight", "group"}], "range"}``.
    advice : Advice
        The recommendation it calls for.
    more : tuple of Advice
        Further recommendations (the summary slide).
    """

    id: str
    number: int
    title: str
    territory: str
    figure: KeyFigure
    visual: dict
    advice: Advice
    more: tuple[Advice, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------ helpers


def _missing(value) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and math.isnan(value))
    )


def _float(value) -> float | None:
    return None if _missing(value) else float(value)


def _about(value: float, lang: str) -> str:
    """A modelled count rounded to three significant digits ("≈ 8 460 000")."""
    if value == 0:
        return "0"
    if value >= 1000:
        digits = math.floor(math.log10(value)) - 2
        value = round(value, -digits)
    return f"≈\u00a0{format_count(value, lang)}"


def source_text(
    source_ids,
    lang: str,
    *,
    modelled: bool = False,
    dates: Mapping[str, str] | None = None,
) -> str:
    """'Source: producer (vintage …); …' for a figure, with the modelled note.

    ``dates``: the atlas's :attr:`~divide.atlas.Atlas.as_of` (the date each
    source was built with), for the "data as of" part.
    """
    parts = []
    ids = list(dict.fromkeys(source_ids))
    for sid in ids:
        if sid == "divide_model":
            parts.append(t("story_model_source", lang))
            continue
        src = source(sid)
        producer, vintage = src.text("producer", lang), src.vintage_text(lang, dates)
        parts.append(f"{producer} ({t('vintage', lang)} {vintage})")
    colon = "\u00a0:" if lang == "fr" else ":"
    if len(ids) > COMPACT_SOURCES:
        # Many sources (the summary slides): their producers, the oldest date
        # below, and where each vintage is listed — one line a room can read.
        producers = dict.fromkeys(
            t("story_model_short", lang)
            if sid == "divide_model"
            else source(sid).producer.split(" (")[0]
            for sid in ids
        )
        parts = [t("story_sources_compact", lang, producers=", ".join(producers))]
    text = f"{t('source', lang)}{colon} " + "; ".join(parts)
    if modelled:
        text += f" — {t('modelled_note', lang)}"
    # For a room: the date and its age, not the operator's refresh steps.
    dated = sources_as_of_text(
        list(dict.fromkeys(source_ids)), lang, refresh=False, dates=dates
    )
    return f"{text} — {dated}" if dated else text


def _place(level: str, name: str, lang: str) -> str:
    if level == "france":
        return name
    return f"{name} ({t('level_' + level, lang)})"


class _Rows:
    """The rows of a territory and its parents, read once."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._rows: dict[tuple[str, str], pd.Series] = {}

    def __call__(self, level: str, code: str) -> pd.Series:
        if (level, code) not in self._rows:
            self._rows[level, code] = self.atlas.territory(level, code)
        return self._rows[level, code]


def _indicator_figure(
    ctx: dict, ind_id: str
) -> tuple[float | None, str, tuple[tuple[str, str], ...]]:
    """The territory's value, its text and its parents' values."""
    atlas, chain, lang = ctx["atlas"], ctx["chain"], ctx["lang"]
    ind = indicator(ind_id)
    values = [
        (lvl, name, _float(ctx["row"](lvl, c)[value_column(ind_id)]))
        for lvl, c, name in chain
    ]
    value = values[0][2]
    text = format_value(math.nan if value is None else value, ind, lang)
    if chain[0][0] == "france":
        comparison = _extremes(atlas, ind_id, lang)
    else:
        comparison = tuple(
            (
                _place(lvl, name, lang),
                format_value(math.nan if v is None else v, ind, lang),
            )
            for lvl, name, v in values[1:]
        )
    return value, text, comparison


def _extremes(atlas: Atlas, ind_id: str, lang: str) -> tuple[tuple[str, str], ...]:
    """For France: the worst and best département on an indicator."""
    ind = indicator(ind_id)
    table = atlas.level("departement")
    values = table[value_column(ind_id)].astype(float).dropna()
    if values.empty:
        return ()
    worst_first = ind.direction != "lower_worse"
    ordered = values.sort_values(ascending=not worst_first, kind="stable")
    worst, best = ordered.index[0], ordered.index[-1]
    return (
        (
            t("story_worst", lang, name=table.at[worst, "name"]),
            format_value(float(values[worst]), ind, lang),
        ),
        (
            t("story_best", lang, name=table.at[best, "name"]),
            format_value(float(values[best]), ind, lang),
        ),
    )


def _bars_against_parents(ctx: dict, ind_id: str) -> dict:
    lang = ctx["lang"]
    ind = indicator(ind_id)
    bars = []
    for i, (lvl, c, name) in enumerate(ctx["chain"]):
        value = _float(ctx["row"](lvl, c)[value_column(ind_id)])
        bars.append(
            {
                "label": _place(lvl, name, lang),
                "value": None
                if value is None
                else float(display_values(pd.Series([value]), ind).iloc[0]),
                "text": format_value(math.nan if value is None else value, ind, lang),
                "highlight": i == 0,
                "group": None,
            }
        )
    return {
        "kind": "bar",
        "title": ind.name(lang),
        # The slide's title names the measure: the axis gives its unit.
        "axis": unit_label(ind, lang),
        "bars": bars,
        "range": None,
    }


def _choropleth(atlas: Atlas, level: str, code: str, ind_id: str, lang: str) -> dict:
    shapes_level, scope_level = MAP_VIEW[level]
    if scope_level is None:
        scope = None
    elif level == "commune":
        scope = (scope_level, str(atlas.territory("commune", code)["departement"]))
    else:
        scope = (scope_level, code)
    name = (
        t("story_map_france", lang)
        if scope is None
        else t(
            "story_map_scope",
            lang,
            levels=t(f"levels_plural_{shapes_level}", lang),
            name=atlas.territory(*scope)["name"],
        )
    )
    return {
        "kind": "choropleth",
        "indicator": ind_id,
        "level": shapes_level,
        "scope": scope,
        "highlight": code if level == "commune" else None,
        "frame": "mainland" if scope is None else None,
        "title": f"{indicator(ind_id).name(lang)} — {name}",
    }


# ------------------------------------------------------------------ advice


class _Advisor:
    """Turns fired rules into :class:`Advice` for one territory."""

    def __init__(
        self, atlas: Atlas, level: str, code: str, name: str, lang: str, kb: Knowledge
    ) -> None:
        self.atlas, self.level, self.code, self.name = atlas, level, code, name
        self.lang, self.kb = lang, kb
        self.matches: list[Match] = (
            [] if level == "france" else evaluate(atlas, level, code, kb=kb)
        )
        self._national: dict[str, pd.DataFrame] = {}

    @property
    def fired(self) -> list[Match]:
        return [m for m in self.matches if m.fired]

    def _initiatives(self, ids) -> tuple[str, ...]:
        names = [self.kb.initiative(i).name for i in dict.fromkeys(ids)]
        return tuple(names[:MAX_INITIATIVES])

    def from_match(self, match: Match) -> Advice:
        rec = self.kb.recommendation(match.recommendations[0])
        return Advice(
            recommendation=rec.id,
            number=rec.number,
            title=rec.title[self.lang],
            summary=rec.summary[self.lang],
            reason=f"{match.title[self.lang]} — {match.reason[self.lang]}",
            rule=match.rule_id,
            initiatives=self._initiatives(match.initiatives),
            source=rec.citation(self.lang),
            fallback=False,
        )

    def top_need(self, ind_ids, *, lead: bool = True) -> str:
        """The territory's largest gap against France among some measures.

        The gap is relative to France's value, on the side where the measure is
        worse; with ``lead``, the first measure (the slide's own) is stated
        whenever it is worse than France. A territory at or better than France
        on all of them is told so.
        """
        here = self.atlas.territory(self.level, self.code)
        france = self.atlas.territory("france", None)
        best = None
        for ind_id in ind_ids:
            ind = indicator(ind_id)
            value, national = (
                _float(here[value_column(ind_id)]),
                _float(france[value_column(ind_id)]),
            )
            if value is None or national is None or ind.direction == "neutral":
                continue
            worse = (
                value - national
                if ind.direction == "higher_worse"
                else national - value
            )
            relative = worse / abs(national) if national else worse
            if worse > 0 and (best is None or relative > best[0]):
                best = (relative, ind, value, national)
            if lead and best is not None:
                break
            lead = False
        if best is None:
            names = ", ".join(indicator(i).name(self.lang) for i in ind_ids[:3])
            return t("story_need_none", self.lang, name=self.name, measures=names)
        _, ind, value, national = best
        if ind.unit == "share":
            gap = t(
                "story_points",
                self.lang,
                n=format_count(100 * abs(value - national), self.lang, 1),
            )
        else:
            gap = format_value(abs(value - national), ind, self.lang)
        side = "above" if value > national else "below"
        return t(
            "story_need",
            self.lang,
            name=self.name,
            measure=ind.name(self.lang),
            value=format_value(value, ind, self.lang),
            france=format_value(national, ind, self.lang),
            gap=gap,
            side=t(f"story_side_{side}", self.lang),
        )

    def general(
        self,
        rec_id: str,
        reason: str | None = None,
        rule_ids: tuple[str, ...] = (),
        needs: tuple[str, ...] = (),
    ) -> Advice:
        """The general recommendation of a theme, flagged as a fallback.

        Its examples are the initiatives of the theme's rules, else those that
        answer the recommendation. Its reason starts with the territory's top
        need against France (:meth:`top_need`), so every territory is told
        something about itself.
        """
        rec = self.kb.recommendation(rec_id)
        initiatives = [i for r in rule_ids for i in self.kb.rule(r).initiatives] or [
            i.id for i in self.kb.initiatives.values() if rec_id in i.recommendations
        ]
        if reason is None:
            key = (
                "story_fallback_france" if self.level == "france" else "story_fallback"
            )
            reason = t(key, self.lang, name=self.name)
            if self.level != "france":
                found = self.top_need(needs, lead=True) if needs else None
                reason = f"{found or self.top_need(ALL_NEEDS, lead=False)} {reason}"
        return Advice(
            recommendation=rec.id,
            number=rec.number,
            title=rec.title[self.lang],
            summary=rec.summary[self.lang],
            reason=reason,
            rule=None,
            initiatives=self._initiatives(initiatives),
            source=rec.citation(self.lang),
            fallback=True,
        )

    def national_status(self, rule_id: str) -> pd.DataFrame:
        if rule_id not in self._national:
            self._national[rule_id] = rule_status(
                self.atlas, "departement", rule_id, kb=self.kb
            )
        return self._national[rule_id]

    def for_rules(self, rule_ids, general: str, needs: tuple[str, ...] = ()) -> Advice:
        """The strongest fired rule among ``rule_ids`` (all fired when empty).

        When none fires: the general recommendation, with the top need among
        ``needs`` (every theme's measures by default).
        """
        for rid in rule_ids:
            self.kb.rule(rid)  # a renamed rule must fail loudly
        if self.level == "france":
            return self._france(rule_ids, general)
        for match in self.fired:
            if not rule_ids or match.rule_id in rule_ids:
                return self.from_match(match)
        return self.general(general, rule_ids=tuple(rule_ids), needs=needs)

    def for_theme(self, theme_id: str) -> Advice:
        """:meth:`for_rules` with a theme's rules, general advice and measures."""
        theme = THEMES[theme_id]
        return self.for_rules(theme["rules"], theme["general"], theme["needs"])

    def _france(self, rule_ids, general: str) -> Advice:
        """France: the theme's rule that fires in the most départements."""
        best = None
        for rid in rule_ids or tuple(self.kb.rules):
            status = self.national_status(rid)
            hits = status[status["status"] == "fired"]
            if len(hits) and (best is None or len(hits) > len(best[1])):
                best = (rid, hits, len(status))
        if best is None:
            return self.general(general, rule_ids=tuple(rule_ids))
        rid, hits, total = best
        rule = self.kb.rule(rid)
        rec = self.kb.recommendation(rule.recommendations[0])
        examples = hits.sort_values("strength", ascending=False, kind="stable")
        names = ", ".join(str(n) for n in examples["name"].head(3))
        return Advice(
            recommendation=rec.id,
            number=rec.number,
            title=rec.title[self.lang],
            summary=rec.summary[self.lang],
            reason=t(
                "story_france_reason",
                self.lang,
                rule=rule.title[self.lang],
                n=len(hits),
                total=total,
                examples=names,
            ),
            rule=rid,
            initiatives=self._initiatives(rule.initiatives),
            source=rec.citation(self.lang),
            fallback=False,
        )


# ------------------------------------------------------------------ slides


def _slide_broadband(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    atlas, chain, lang = ctx["atlas"], ctx["chain"], ctx["lang"]
    ind = indicator("thd30_share")
    value, text, comparison = _indicator_figure(ctx, ind.id)
    no_thd = _float(ctx["row"](chain[0][0], chain[0][1])["v_premises_no_thd"])
    detail = (
        ""
        if no_thd is None
        else t("story_premises_no_thd", lang, n=format_count(no_thd, lang))
    )
    figure = KeyFigure(
        label=ind.name(lang),
        text=text,
        value=value,
        indicator=ind.id,
        detail=detail,
        comparison=comparison,
        source=source_text(ind.sources, lang, modelled=ind.modelled, dates=atlas.as_of),
        modelled=ind.modelled,
    )
    visual = _choropleth(atlas, ctx["level"], ctx["code"], ind.id, lang)
    return figure, visual, ctx["advisor"].for_theme("broadband")


def _slide_progress(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
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


def _slide_mobile(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    atlas, chain, lang = ctx["atlas"], ctx["chain"], ctx["lang"]
    ind = indicator("dist_4g_km")
    value, text, comparison = _indicator_figure(ctx, ind.id)
    sites = _float(ctx["row"](chain[0][0], chain[0][1])["v_sites_4g"])
    # The label says it is a distance, not coverage; the method note stays in
    # the dictionary and on the map page (a slide has no room for it).
    detail = (
        "" if sites is None else t("story_sites_4g", lang, n=format_count(sites, lang))
    )
    figure = KeyFigure(
        label=ind.name(lang),
        text=text,
        value=value,
        indicator=ind.id,
        detail=detail,
        comparison=comparison,
        source=source_text(ind.sources, lang, modelled=ind.modelled, dates=atlas.as_of),
        modelled=ind.modelled,
    )
    if ctx["level"] == "france":
        visual = _choropleth(atlas, "france", "FR", ind.id, lang)
    else:
        visual = _bars_against_parents(ctx, ind.id)
    return figure, visual, ctx["advisor"].for_theme("mobile")


def _slide_illectronisme(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    atlas, chain, lang = ctx["atlas"], ctx["chain"], ctx["lang"]
    ind = indicator("illectronisme_est")
    value, text, comparison = _indicator_figure(ctx, ind.id)
    row = ctx["row"](chain[0][0], chain[0][1])
    people = _float(row["v_people_at_risk"])
    low, high = _float(row["v_illectronisme_low"]), _float(row["v_illectronisme_high"])
    parts = []
    if people is not None:
        parts.append(t("story_people_at_risk", lang, n=_about(people, lang)))
    if low is not None and high is not None:
        parts.append(
            t(
                "story_range",
                lang,
                low=format_value(low, ind, lang),
                high=format_value(high, ind, lang),
            )
        )
    figure = KeyFigure(
        label=ind.name(lang),
        text=text,
        value=value,
        indicator=ind.id,
        detail="; ".join(parts),
        comparison=comparison,
        source=source_text(ind.sources, lang, modelled=True, dates=atlas.as_of),
        modelled=True,
    )
    visual = _choropleth(atlas, ctx["level"], ctx["code"], ind.id, lang)
    return figure, visual, ctx["advisor"].for_theme("illectronisme")


def _far_share(ctx: dict, level: str, code: str) -> tuple[float | None, float | None]:
    """(people in illectronisme over 10 km from a site, their share of all of them)."""
    row = ctx["row"](level, code)
    far, risk = _float(row["v_people_at_risk_far"]), _float(row["v_people_at_risk"])
    share = None if far is None or not risk else far / risk
    return far, share


def _slide_mediation(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """Access to mediation sites.

    A commune is near a site or not: its distance speaks. Above it, the share of
    its people in illectronisme who live over 10 km from any site, set against
    the same share of its parents (rates with rates, never counts with counts).
    """
    chain, lang, level = ctx["chain"], ctx["lang"], ctx["level"]
    row = ctx["row"](chain[0][0], chain[0][1])
    dist, far_ind = indicator("dist_mediation_km"), indicator("people_at_risk_far")
    sites = _float(row["v_mediation_sites"])
    sites_text = (
        "" if sites is None else t("story_sites", lang, n=format_count(sites, lang))
    )
    colon = " :" if lang == "fr" else ":"
    if level == "commune":
        value, text, comparison = _indicator_figure(ctx, dist.id)
        label, ind_id = dist.name(lang), dist.id
        far, _ = _far_share(ctx, chain[0][0], chain[0][1])
        parts = (
            [] if far is None else [f"{far_ind.name(lang)}{colon} {_about(far, lang)}"]
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
                _place(lvl, name, lang),
                t("no_data", lang) if share is None else format_share(share, lang, 1),
            )
            for lvl, c, name in chain[1:]
            for _, share in [_far_share(ctx, lvl, c)]
        )
        parts = []
        if far is not None:
            key = "story_far_nobody" if far == 0 else "story_far_people"
            parts.append(t(key, lang, n=_about(far, lang)))
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
        visual = _choropleth(ctx["atlas"], "france", "FR", "dist_mediation_km", lang)
    else:
        visual = _bars_against_parents(ctx, "dist_mediation_km")
    return figure, visual, ctx["advisor"].for_theme("mediation")


def _fragility_sources() -> tuple[str, ...]:
    ids: list[str] = []
    for ind_id in fragility.DEFAULT_COMPONENTS:
        ids.extend(indicator(ind_id).sources)
    return tuple(dict.fromkeys(ids))


def _slide_fragility(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    atlas, chain, lang, level = ctx["atlas"], ctx["chain"], ctx["lang"], ctx["level"]
    advisor: _Advisor = ctx["advisor"]
    sources = source_text(_fragility_sources(), lang, modelled=True, dates=atlas.as_of)
    infra_label, skills_label = t("story_infra", lang), t("story_skills", lang)
    if level == "france":
        index = fragility.compute_index(atlas, "departement")
        counts = index["calls_for"].value_counts()
        n = {k: int(counts.get(k, 0)) for k in ("deployment", "mediation", "both")}
        figure = KeyFigure(
            label=t("story_frag_france_label", lang),
            text=format_count(n["mediation"], lang),
            value=float(n["mediation"]),
            indicator=None,
            detail=t("story_frag_method", lang),
            comparison=(
                (
                    t("story_calls_deployment", lang),
                    format_count(n["deployment"], lang),
                ),
                (t("story_calls_both", lang), format_count(n["both"], lang)),
            ),
            source=sources,
            modelled=True,
        )
        visual = {
            "kind": "bar",
            "title": t("story_frag_france_title", lang),
            "axis": t("levels_plural_departement", lang),
            "bars": [
                {
                    "label": t(f"story_calls_{k}", lang),
                    "value": float(v),
                    "text": format_count(v, lang),
                    "highlight": k == "mediation",
                    "group": None,
                }
                for k, v in n.items()
            ],
            "range": None,
        }
        reason = t(
            "story_frag_france_reason", lang, **{k: str(v) for k, v in n.items()}
        )
        rules = CALLS_FOR_RULES["deployment"] + CALLS_FOR_RULES["mediation"][:3]
        return figure, visual, advisor.general("digital_rights", reason, rules)

    index = fragility.compute_index(atlas, level)
    row = index.loc[str(ctx["code"])]
    score = _float(row["score"])
    infra, skills = _float(row["infrastructure_score"]), _float(row["skills_score"])
    verdict = None if _missing(row["calls_for"]) else str(row["calls_for"])
    ranked = int(index["rank"].notna().sum())

    def points(x: float | None) -> str:
        return t("no_data", lang) if x is None else f"{format_count(x, lang)}/100"

    comparison = [(infra_label, points(infra)), (skills_label, points(skills))]
    if not _missing(row["rank"]):
        comparison.append(
            (
                t("story_rank", lang),
                t(
                    "story_rank_of",
                    lang,
                    rank=format_count(int(row["rank"]), lang),
                    n=format_count(ranked, lang),
                    levels=t(f"levels_plural_{level}", lang),
                ),
            )
        )
    figure = KeyFigure(
        label=t("story_frag_label", lang),
        text=points(score),
        value=score,
        indicator=None,
        detail=t(f"story_verdict_{verdict}", lang) if verdict else "",
        comparison=tuple(comparison),
        source=sources,
        modelled=True,
    )
    bars = []
    for i, (lvl, c, name) in enumerate(chain):
        if lvl not in fragility.INDEX_LEVELS:
            continue
        scores = index if lvl == level else fragility.compute_index(atlas, lvl)
        part = scores.loc[c]
        for group, column in (
            (infra_label, "infrastructure_score"),
            (skills_label, "skills_score"),
        ):
            value = _float(part[column])
            bars.append(
                {
                    "label": _place(lvl, name, lang),
                    "value": value,
                    "text": "" if value is None else format_count(value, lang),
                    "highlight": i == 0,
                    "group": group,
                }
            )
    visual = {
        "kind": "bar",
        "title": t("story_frag_title", lang),
        "axis": t("story_frag_axis", lang),
        "bars": bars,
        "range": [0, 100],
    }
    verdict = verdict or "both"
    advice = advisor.for_rules(CALLS_FOR_RULES[verdict], CALLS_FOR_GENERAL[verdict])
    return figure, visual, advice


def _slide_actions(ctx: dict) -> tuple[KeyFigure, dict, Advice, tuple[Advice, ...]]:
    lang, level, name = ctx["lang"], ctx["level"], ctx["name"]
    advisor: _Advisor = ctx["advisor"]
    kb: Knowledge = advisor.kb
    if level == "france":
        source = _rules_source(kb.rules.values(), lang, ctx["atlas"].as_of)
        total = len(ctx["atlas"].level("departement"))
        counts = []
        for rec in kb.recommendations.values():
            where = where_it_fires(ctx["atlas"], rec.id, "departement", kb=kb)
            counts.append((rec, len(where)))
        counts.sort(key=lambda x: (-x[1], x[0].number))
        top_rec, top_n = counts[0]
        figure = KeyFigure(
            label=t("story_actions_france_label", lang, title=top_rec.title[lang]),
            text=f"{format_count(top_n, lang)} / {format_count(total, lang)}",
            value=float(top_n),
            indicator=None,
            detail=t("story_actions_france_detail", lang),
            comparison=tuple(
                (
                    f"{r.number}. {r.title[lang]}",
                    f"{format_count(n, lang)} / {format_count(total, lang)}",
                )
                for r, n in counts[1:3]
            ),
            source=source,
            modelled=True,
        )
        visual = {
            "kind": "bar",
            "title": t("story_actions_france_title", lang),
            "axis": t("levels_plural_departement", lang),
            "bars": [
                {
                    "label": f"{r.number}. {_short(r.title[lang], 34)}",
                    "value": float(n),
                    "text": format_count(n, lang),
                    "highlight": i == 0,
                    "group": None,
                }
                for i, (r, n) in enumerate(counts)
            ],
            "range": None,
        }
        advice = [
            _aggregate_advice(
                advisor,
                r.id,
                t("story_actions_france_reason", lang, n=n, total=total),
                [],
            )
            for r, n in counts[:3]
            if n > 0
        ]
        if not advice:
            advice = [advisor.general("digital_rights")]
        return figure, visual, advice[0], tuple(advice[1:])

    applicable = [m for m in advisor.matches if m.status != "not_applicable"]
    fired = advisor.fired
    rules = [kb.rule(m.rule_id) for m in applicable]
    modelled = any(indicator(c.indicator).modelled for r in rules for c in r.conditions)
    figure = KeyFigure(
        label=t("story_actions_label", lang),
        text=" / ".join(format_count(len(n), lang) for n in (fired, applicable)),
        value=float(len(fired)),
        indicator=None,
        detail=t("story_actions_detail", lang),
        comparison=tuple((m.title[lang], t("story_fired", lang)) for m in fired[:3]),
        source=_rules_source(rules, lang, ctx["atlas"].as_of),
        modelled=modelled,
    )
    shown = sorted(
        (m for m in applicable if m.strength is not None),
        key=lambda m: (not m.fired, -m.strength),
    )[:8]
    visual = {
        "kind": "bar",
        "title": t("story_actions_title", lang, name=name),
        "axis": t("story_actions_axis", lang),
        "bars": [
            {
                "label": m.title[lang],
                "value": float(m.strength),
                "text": format_count(m.strength, lang),
                "highlight": m.fired,
                "group": None,
            }
            for m in shown
        ],
        "range": [0, 100],
    }
    # Recommendations selected by the most fired rules first, then the strongest.
    by_rec: dict[str, list[Match]] = {}
    for m in fired:
        for rec_id in m.recommendations:
            by_rec.setdefault(rec_id, []).append(m)
    order = sorted(
        by_rec,
        key=lambda r: (
            -len(by_rec[r]),
            -max(m.strength or 0 for m in by_rec[r]),
            kb.recommendation(r).number,
        ),
    )
    advice = [
        _aggregate_advice(
            advisor,
            rec_id,
            t(
                "story_selected_by",
                lang,
                rules="; ".join(m.title[lang] for m in by_rec[rec_id]),
            ),
            [i for m in by_rec[rec_id] for i in m.initiatives],
        )
        for rec_id in order[:3]
    ]
    if not advice:
        advice = [advisor.general("digital_rights")]
    return figure, visual, advice[0], tuple(advice[1:])


def _rules_source(rules, lang: str, dates: Mapping[str, str] | None = None) -> str:
    """Sources of the rules' indicators, then where the rules come from."""
    ids = [
        s for r in rules for c in r.conditions for s in indicator(c.indicator).sources
    ]
    modelled = any(indicator(c.indicator).modelled for r in rules for c in r.conditions)
    text = source_text(ids, lang, modelled=modelled, dates=dates)
    return (
        f"{text} — {t('story_actions_source', lang, pfvt=SOURCES['pfvt_2020'][lang])}"
    )


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _aggregate_advice(
    advisor: _Advisor, rec_id: str, reason: str, initiative_ids: list[str]
) -> Advice:
    kb, lang = advisor.kb, advisor.lang
    rec = kb.recommendation(rec_id)
    if not initiative_ids:
        initiative_ids = [
            i.id for i in kb.initiatives.values() if rec_id in i.recommendations
        ]
    return Advice(
        recommendation=rec.id,
        number=rec.number,
        title=rec.title[lang],
        summary=rec.summary[lang],
        reason=reason,
        rule=None,
        initiatives=advisor._initiatives(initiative_ids),
        source=rec.citation(lang),
        fallback=False,
    )


_BUILDERS = {
    "broadband": _slide_broadband,
    "progress": _slide_progress,
    "mobile": _slide_mobile,
    "illectronisme": _slide_illectronisme,
    "mediation": _slide_mediation,
    "fragility": _slide_fragility,
    "actions": _slide_actions,
}


def slides(
    atlas: Atlas,
    level: str,
    code: str | None,
    lang: str = "fr",
    *,
    kb: Knowledge | None = None,
) -> list[Slide]:
    """The presenter story of one territory.

    Parameters
    ----------
    atlas : Atlas
        The atlas.
    level : str
        ``france``, ``region``, ``departement``, ``epci`` or ``commune``.
    code : str or None
        The territory's code (ignored for France).
    lang : {"fr", "en"}
        Language of every text.
    kb : Knowledge, optional
        Another knowledge base (default: the package's).

    Returns
    -------
    list of Slide
        Seven slides, in the order of :data:`SLIDES`.

    Raises
    ------
    DivideError
        Unknown language, level or code (with close matches).
    """
    check_lang(lang)
    row = atlas.territory(level, code)
    code = "FR" if level == "france" else str(row["code"])
    name = str(row["name"])
    base = kb or knowledge()
    ctx = {
        "atlas": atlas,
        "level": level,
        "code": code,
        "name": name,
        "lang": lang,
        "chain": parents(atlas, level, code),
        "row": _Rows(atlas),
        "advisor": _Advisor(atlas, level, code, name, lang, base),
    }
    territory = name if level == "france" else f"{name} — {t('level_' + level, lang)}"
    out = []
    for number, slide_id in enumerate(SLIDES, start=1):
        built = _BUILDERS[slide_id](ctx)
        figure, visual, advice = built[:3]
        more = built[3] if len(built) > 3 else ()
        out.append(
            Slide(
                id=slide_id,
                number=number,
                title=t(f"story_title_{slide_id}", lang),
                territory=territory,
                figure=figure,
                visual=visual,
                advice=advice,
                more=more,
            )
        )
    return out


# ------------------------------------------------------------------ figures


def _layout(fig: go.Figure, lang: str, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 90, "t": 10, "b": 10},
        font={"size": 18, "color": "#111827", "family": FONT_FAMILY},
        separators=", " if lang == "fr" else ".,",
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    return fig


def bar_figure(visual: dict, lang: str = "fr") -> go.Figure:
    """Horizontal bars of a ``bar`` visual spec (grouped when bars have groups).

    Labels and texts are HTML-escaped; the territory's bars are highlighted.
    """
    bars = visual["bars"]
    groups = list(dict.fromkeys(b["group"] for b in bars if b.get("group")))
    fig = go.Figure()
    if groups:
        colours = dict(zip(groups, (INFRA_COLOUR, SKILLS_COLOUR), strict=False))
        for group in groups:
            part = [b for b in bars if b["group"] == group]
            fig.add_trace(
                go.Bar(
                    x=[b["value"] for b in part],
                    y=[html(b["label"]) for b in part],
                    name=html(group),
                    orientation="h",
                    marker_color=colours.get(group, OTHER),
                    marker_line={
                        "color": "#111827",
                        "width": [3 if b["highlight"] else 0 for b in part],
                    },
                    text=[html(b["text"]) for b in part],
                    textposition="outside",
                    cliponaxis=False,
                    hovertemplate="%{y}: %{text}<extra>" + html(group) + "</extra>",
                )
            )
        fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.15})
    else:
        fig.add_trace(
            go.Bar(
                x=[b["value"] for b in bars],
                y=[html(b["label"]) for b in bars],
                orientation="h",
                marker_color=[HIGHLIGHT if b["highlight"] else OTHER for b in bars],
                text=[html(b["text"]) for b in bars],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra></extra>",
            )
        )
        fig.update_layout(showlegend=False)
    longest = max((len(b["label"]) for b in bars), default=0)
    fig.update_yaxes(
        autorange="reversed",
        type="category",
        automargin=True,
        tickfont={"size": 18 if longest <= 28 else 15},
    )
    fig.update_xaxes(
        title_text=html(visual.get("axis", "")),
        range=visual.get("range"),
        gridcolor="#e5e7eb",
        automargin=True,
        title_standoff=12,
    )
    height = 60 * len(bars) + 130 if not groups else 45 * len(bars) + 170
    return _layout(fig, lang, min(max(height, 240), CHART_HEIGHT))


def line_figure(visual: dict, lang: str = "fr") -> go.Figure:
    """Lines of a ``line`` visual spec: the territory highlighted, the others grey."""
    fig = go.Figure()
    greys = iter(("#6b7280", "#9ca3af", "#d1d5db"))
    for line in visual["lines"]:
        colour = HIGHLIGHT if line["highlight"] else next(greys, OTHER)
        fig.add_trace(
            go.Scatter(
                x=line["dates"],
                y=line["values"],
                name=html(line["label"]),
                mode="lines+markers",
                line={"color": colour, "width": 5 if line["highlight"] else 3},
                hovertemplate="%{x}: %{y}<extra>" + html(line["label"]) + "</extra>",
            )
        )
    fig.update_layout(
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
            "font": {"size": 16},
        }
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(
        title_text=html(visual.get("axis", "")),
        gridcolor="#e5e7eb",
        rangemode="tozero",
        automargin=True,
    )
    return _layout(fig, lang, CHART_HEIGHT)


def class_labels(edges: list[float], ind_id: str, lang: str) -> list[str]:
    """'low – high' text of each colour class, in display units."""
    ind = indicator(ind_id)

    def fmt(x: float) -> str:
        shown = float(display_values(pd.Series([x]), ind).iloc[0])
        digits = (
            0 if abs(shown) >= 100 or ind.unit in ("people", "premises", "sites") else 1
        )
        return format_count(shown, lang, digits)

    unit = unit_label(ind, lang)
    return [
        f"{fmt(edges[i])} – {fmt(edges[i + 1])} {unit}".rstrip()
        for i in range(max(len(edges) - 1, 0))
    ]


def _bounds(collection: dict) -> tuple[float, float, float, float] | None:
    boxes = [
        shape(f["geometry"]).bounds for f in collection["features"] if f.get("geometry")
    ]
    if not boxes:
        return None
    arr = np.array(boxes)
    return (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())


def _view(bounds: tuple[float, float, float, float]) -> tuple[dict, float]:
    """Centre and zoom that fit a box in the map (Web Mercator)."""
    x0, y0, x1, y1 = bounds

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max((x1 - x0) / 360, 1e-6)
    dy = max((merc(y1) - merc(y0)) / (2 * math.pi), 1e-6)
    # MapLibre's world is 512 px wide at zoom 0; the plot is the figure less margins.
    zoom = min(math.log2(MAP_WIDTH / 512 / dx), math.log2((MAP_HEIGHT - 20) / 512 / dy))
    zoom -= 0.1
    mid = (merc(y0) + merc(y1)) / 2
    lat = math.degrees(2 * math.atan(math.exp(mid)) - math.pi / 2)
    return {"lon": (x0 + x1) / 2, "lat": lat}, max(min(zoom, 14.0), 1.0)


def map_figure(
    collection: dict,
    edges: list[float],
    colours: list[str],
    visual: dict,
    lang: str = "fr",
    *,
    no_data: str = "",
) -> go.Figure:
    """A plotly choropleth (MapLibre, no tiles) of a ``choropleth`` visual spec.

    Parameters
    ----------
    collection : dict
        GeoJSON from :func:`divide.maps.feature_collection` (escaped names and
        value texts, a ``fill`` colour per feature).
    edges, colours : list
        The class edges and colours of the collection.
    visual : dict
        The slide's visual spec (``highlight``, ``frame``, ``indicator``).
    lang : {"fr", "en"}
        Language of the class labels.
    no_data : str
        Label of the no-data class.
    """
    palette = list(colours[: max(len(edges) - 1, 1)])
    labels = class_labels(edges, visual["indicator"], lang)[: len(palette)]
    palette.append(NO_DATA)
    labels.append(no_data or t("no_data", lang))
    index = {colour: i for i, colour in enumerate(palette)}
    features = collection["features"]
    k = len(palette)
    scale = []
    for i, colour in enumerate(palette):
        scale += [[i / k, colour], [(i + 1) / k, colour]]
    fig = go.Figure(
        go.Choroplethmap(
            geojson=collection,
            featureidkey="properties.code",
            locations=[f["properties"]["code"] for f in features],
            z=[index.get(f["properties"]["fill"], k - 1) for f in features],
            zmin=-0.5,
            zmax=k - 0.5,
            colorscale=scale,
            marker={"line": {"width": 0.4, "color": "#ffffff"}, "opacity": 0.9},
            customdata=[
                [f["properties"]["name"], f["properties"]["value"]] for f in features
            ],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
            colorbar={
                "tickvals": list(range(k)),
                "ticktext": [html(x) for x in labels],
                "tickfont": {"size": 16},
                "thickness": 22,
                "len": 0.9,
                "outlinewidth": 0,
            },
        )
    )
    highlight = visual.get("highlight")
    chosen = [f for f in features if highlight and f["properties"]["code"] == highlight]
    if chosen:
        fig.add_trace(
            go.Choroplethmap(
                geojson={"type": "FeatureCollection", "features": chosen},
                featureidkey="properties.code",
                locations=[highlight],
                z=[0],
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker={"line": {"width": 4, "color": "#000000"}},
                hoverinfo="skip",
            )
        )
    frame = visual.get("frame")
    bounds = maps.FRAMES[frame] if frame else _bounds(collection)
    centre, zoom = _view(bounds or maps.FRAMES["mainland"])
    fig.update_layout(map={"style": "white-bg", "center": centre, "zoom": zoom})
    return _layout(fig, lang, MAP_HEIGHT)
