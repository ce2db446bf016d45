"""A territory's diagnosis: its top need, what it calls for first, as JSON."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from divide.atlas import Atlas
from divide.errors import check_lang
from divide.fragility import as_atlas
from divide.i18n import t
from divide.indicators import value_column, value_with_range
from divide.knowledge import (
    SOURCES,
    Knowledge,
    knowledge,
)
from divide.recommend.cohesion import offers
from divide.recommend.matching import (
    Tables,
    as_number,
    check_matched_level,
    evaluate,
    gap_text,
)
from divide.registry import indicator

#: Rates compared with France for a territory's top need (shares only, so that
#: gaps are all in percentage points and comparable with one another).
NEED_INDICATORS = (
    "thd30_share",
    "illectronisme_est",
    "people_at_risk_far_share",
    "poverty_rate",
    "low_diploma_share",
    "age65_share",
)


@dataclass(frozen=True)
class TopNeed:
    """A territory's largest gap against France among :data:`NEED_INDICATORS`.

    ``gap`` is in percentage points (0-1 shares × 100), positive when the
    territory is worse off than France; ``text`` is the sentence in fr and en.
    """

    indicator: str
    value: float
    reference: float
    gap: float
    text: dict


def top_need(
    atlas: Atlas | pd.DataFrame, level: str, code: str | None
) -> TopNeed | None:
    """The territory's largest gap against France, worse side (its "top need").

    Every territory gets one, even when no rule fires; None only for France
    itself or when no indicator has data. Gaps are in points of share, signed so
    that positive is worse (below France for a ``lower_worse`` rate).
    """
    atlas = as_atlas(atlas)
    if level == "france":
        return None
    check_matched_level(level)
    row = atlas.territory(level, code)
    france = Tables(atlas).france
    if france is None:
        return None
    best = None
    for ind_id in NEED_INDICATORS:
        column = value_column(ind_id)
        if column not in row.index or column not in france.index:
            continue
        value, ref = as_number(row[column]), as_number(france[column])
        if value is None or ref is None:
            continue
        sign = -1.0 if indicator(ind_id).direction == "lower_worse" else 1.0
        gap = sign * (value - ref) * 100
        if best is None or gap > best[3]:
            best = (ind_id, value, ref, gap)
    if best is None:
        return None
    ind_id, value, ref, gap = best
    text = {}
    for lang in ("fr", "en"):
        key = "top_need" if gap > 0 else "top_need_better"
        text[lang] = t(
            f"rec_{key}",
            lang,
            what=indicator(ind_id).name(lang),
            value=value_with_range(value, row, indicator(ind_id), lang),
            reference=value_with_range(ref, france, indicator(ind_id), lang),
            gap=gap_text(value, ref, ind_id, lang),
        )
    return TopNeed(ind_id, value, ref, gap, text)


def first_call(
    atlas: Atlas | pd.DataFrame,
    level: str,
    code: str | None,
    lang: str = "en",
    *,
    kb: Knowledge | None = None,
) -> dict:
    """What a territory calls for first: its strongest fired rule, else its top need.

    Returns
    -------
    dict
        ``kind`` (``"rule"``, ``"top_need"`` or ``"none"``), ``rule`` (id or
        None), ``indicator`` (the top need's, or None), ``title`` and ``text`` in
        ``lang``.
    """
    lang = check_lang(lang)
    atlas = as_atlas(atlas)
    if level != "france":
        fired = [m for m in evaluate(atlas, level, code, kb=kb) if m.fired]
        if fired:
            m = fired[0]
            return {
                "kind": "rule",
                "rule": m.rule_id,
                "indicator": m.conditions[0].indicator if m.conditions else None,
                "title": m.title[lang],
                "text": m.reason[lang],
            }
    need = top_need(atlas, level, code)
    if need is None:
        return {
            "kind": "none",
            "rule": None,
            "indicator": None,
            "title": t("rec_top_need_title", lang),
            "text": t("rec_top_need_none", lang),
        }
    return {
        "kind": "top_need",
        "rule": None,
        "indicator": need.indicator,
        "title": t("rec_top_need_title", lang),
        "text": need.text[lang],
    }


def recommend_json(
    atlas: Atlas | pd.DataFrame,
    level: str,
    code: str | None,
    lang: str = "en",
    *,
    kb: Knowledge | None = None,
) -> dict:
    """A territory's diagnosis as a JSON-ready dictionary (the CLI prints it).

    Parameters
    ----------
    atlas : Atlas or DataFrame
        See :func:`evaluate`.
    level, code : str
        The territory.
    lang : str
        ``"en"`` or ``"fr"``: language of every text.
    kb : Knowledge, optional
        Another knowledge base (default: the package's).

    Returns
    -------
    dict
        ``territory``; ``fired`` (rules with reason, numbers and what they
        select, strongest first); ``recommendations`` and ``initiatives`` selected
        by the fired rules, each with the ``rules`` that selected it;
        ``not_fired`` (every other rule with its status and reason); ``sources``.
    """
    lang = check_lang(lang)
    base = kb or knowledge()
    atlas = as_atlas(atlas)
    matches = evaluate(atlas, level, code, kb=base)
    row = atlas.territory(level, code)
    fired = [m for m in matches if m.fired]
    rec_rules: dict[str, list[str]] = {}
    init_rules: dict[str, list[str]] = {}
    for m in fired:
        for rec in m.recommendations:
            rec_rules.setdefault(rec, []).append(m.rule_id)
        for init in m.initiatives:
            init_rules.setdefault(init, []).append(m.rule_id)
    recs = sorted((base.recommendation(r) for r in rec_rules), key=lambda r: r.number)
    return {
        "territory": {
            "level": level,
            "code": str(row["code"]),
            "name": str(row.get("name", row["code"])),
        },
        "lang": lang,
        "fired": [m.to_dict(lang) for m in fired],
        "recommendations": [
            {
                "id": r.id,
                "number": r.number,
                "title": r.title[lang],
                "summary": r.summary[lang],
                "themes": list(r.themes),
                "source": r.citation(lang),
                "rules": rec_rules[r.id],
            }
            for r in recs
        ],
        "initiatives": [
            {
                "id": i.id,
                "name": i.name,
                "place": i.place,
                "country": i.country,
                "kind": i.kind,
                "description": i.description[lang],
                "link": i.link,
                "source": i.citation(lang),
                "rules": init_rules[i.id],
                **offers(atlas, level, code, i.id, lang),
            }
            for i in (base.initiative(key) for key in init_rules)
        ],
        "first_call": first_call(atlas, level, code, lang, kb=base),
        "not_fired": [
            {
                "rule": m.rule_id,
                "title": m.title[lang],
                "status": m.status,
                "reason": m.reason[lang],
            }
            for m in matches
            if not m.fired
        ],
        "sources": [SOURCES["pfvt_2020"][lang]],
    }
