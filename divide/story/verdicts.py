"""The slides that weigh several measures: the fragility index, and what to do."""

from __future__ import annotations

from collections.abc import Mapping

from divide import fragility
from divide.formatting import format_count
from divide.i18n import t
from divide.knowledge import SOURCES, Knowledge
from divide.recommend import Match, where_it_fires
from divide.registry import indicator
from divide.story.advice import Advisor, aggregate_advice
from divide.story.facts import as_float, missing, place_name, source_text
from divide.story.outline import CALLS_FOR_GENERAL, CALLS_FOR_RULES, Advice, KeyFigure


def _fragility_sources() -> tuple[str, ...]:
    ids: list[str] = []
    for ind_id in fragility.DEFAULT_COMPONENTS:
        ids.extend(indicator(ind_id).sources)
    return tuple(dict.fromkeys(ids))


def fragility_slide(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """The fragility index: networks against skills."""
    if ctx["level"] == "france":
        return _fragility_france(ctx)
    return _fragility_territory(ctx)


def _fragility_france(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """France: how many départements call for deployment, mediation or both."""
    atlas, lang = ctx["atlas"], ctx["lang"]
    advisor: Advisor = ctx["advisor"]
    sources = source_text(_fragility_sources(), lang, modelled=True, dates=atlas.as_of)
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
    reason = t("story_frag_france_reason", lang, **{k: str(v) for k, v in n.items()})
    rules = CALLS_FOR_RULES["deployment"] + CALLS_FOR_RULES["mediation"][:3]
    return figure, visual, advisor.general("digital_rights", reason, rules)


def _fragility_territory(ctx: dict) -> tuple[KeyFigure, dict, Advice]:
    """A territory: its score, the two axes, its rank; bars against its parents."""
    atlas, lang, level = ctx["atlas"], ctx["lang"], ctx["level"]
    advisor: Advisor = ctx["advisor"]
    sources = source_text(_fragility_sources(), lang, modelled=True, dates=atlas.as_of)
    infra_label, skills_label = t("story_infra", lang), t("story_skills", lang)
    index = fragility.compute_index(atlas, level)
    row = index.loc[str(ctx["code"])]
    score = as_float(row["score"])
    infra, skills = as_float(row["infrastructure_score"]), as_float(row["skills_score"])
    verdict = None if missing(row["calls_for"]) else str(row["calls_for"])
    ranked = int(index["rank"].notna().sum())

    def points(x: float | None) -> str:
        return t("no_data", lang) if x is None else f"{format_count(x, lang)}/100"

    comparison = [(infra_label, points(infra)), (skills_label, points(skills))]
    if not missing(row["rank"]):
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
    visual = {
        "kind": "bar",
        "title": t("story_frag_title", lang),
        "axis": t("story_frag_axis", lang),
        "bars": _axes_bars(ctx, index, infra_label, skills_label),
        "range": [0, 100],
    }
    verdict = verdict or "both"
    advice = advisor.for_rules(CALLS_FOR_RULES[verdict], CALLS_FOR_GENERAL[verdict])
    return figure, visual, advice


def _axes_bars(ctx: dict, index, infra_label: str, skills_label: str) -> list[dict]:
    """The two axes' scores of the territory and its parents, grouped by axis.

    ``index`` is the fragility index at the territory's level (read again for
    each parent's level).
    """
    atlas, lang, level = ctx["atlas"], ctx["lang"], ctx["level"]
    bars = []
    for i, (lvl, c, name) in enumerate(ctx["chain"]):
        if lvl not in fragility.INDEX_LEVELS:
            continue
        scores = index if lvl == level else fragility.compute_index(atlas, lvl)
        part = scores.loc[c]
        for group, column in (
            (infra_label, "infrastructure_score"),
            (skills_label, "skills_score"),
        ):
            value = as_float(part[column])
            bars.append(
                {
                    "label": place_name(lvl, name, lang),
                    "value": value,
                    "text": "" if value is None else format_count(value, lang),
                    "highlight": i == 0,
                    "group": group,
                }
            )
    return bars


def actions_slide(ctx: dict) -> tuple[KeyFigure, dict, Advice, tuple[Advice, ...]]:
    """What to do: the rules that fire and the recommendations they call for."""
    if ctx["level"] == "france":
        return _actions_france(ctx)
    return _actions_territory(ctx)


def _actions_france(
    ctx: dict,
) -> tuple[KeyFigure, dict, Advice, tuple[Advice, ...]]:
    """France: each recommendation by the number of départements that call for it."""
    lang = ctx["lang"]
    advisor: Advisor = ctx["advisor"]
    kb: Knowledge = advisor.kb
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
        aggregate_advice(
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


def _actions_territory(
    ctx: dict,
) -> tuple[KeyFigure, dict, Advice, tuple[Advice, ...]]:
    """A territory: its fired rules out of the applicable ones, by strength."""
    lang, name = ctx["lang"], ctx["name"]
    advisor: Advisor = ctx["advisor"]
    kb: Knowledge = advisor.kb
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
    advice = _advice_of_fired(advisor, fired)
    return figure, visual, advice[0], tuple(advice[1:])


def _advice_of_fired(advisor: Advisor, fired: list[Match]) -> list[Advice]:
    """Up to three recommendations: those of the most fired rules, then strongest.

    The theme's general advice (digital rights) when no rule fires.
    """
    lang, kb = advisor.lang, advisor.kb
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
        aggregate_advice(
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
    return advice or [advisor.general("digital_rights")]


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
