"""Diagnosis tied to action: the recommendations and initiatives a territory calls for.

The rules live in ``divide/knowledge/rules.yaml`` (see the comment at its top for
the condition types). This module evaluates them, for one territory
(:func:`evaluate`, :func:`recommend_json`) or for every territory of a level
(:func:`rule_status`, :func:`where_it_fires`). Both paths run the same vectorised
code, so the page that lists territories and the page of one territory can never
disagree.

Every rule ends in one of four states:

``fired``
    all its conditions hold;
``not_fired``
    at least one condition is false;
``no_data``
    no condition is false but one cannot be checked (missing value or missing
    reference): "not evaluated: no data";
``not_applicable``
    the rule is not meant for this level (e.g. mediation density, which is 0 in
    most small communes by construction).

A fired rule's **strength** is the mean, over its indicators, of the territory's
percentile among the territories of its level nationally, oriented so that 100
is the worst; :func:`where_it_fires` lists the strongest first.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from divide.atlas import Atlas, check_level
from divide.errors import DivideError, check_lang, unknown
from divide.formatting import format_count
from divide.fragility import as_atlas
from divide.i18n import both, t
from divide.indicators import format_value, value_column
from divide.knowledge import (
    KINDS,
    SOURCES,
    Condition,
    Controversy,
    Initiative,
    Knowledge,
    Recommendation,
    Rule,
    knowledge,
)
from divide.registry import Indicator, indicator
from divide.territory import ALL_LEVELS, LEVELS

STATUSES = ("fired", "not_fired", "no_data", "not_applicable")
#: The level above each level, for ``reference: parent``.
PARENT = {
    "commune": "epci",
    "epci": "departement",
    "departement": "region",
    "region": "france",
}
_ORDER = ALL_LEVELS
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
#: Key of "fires below / at most / above / from" in the strings table.
_FIRES_WHEN = {
    "<": "rec_fires_lt",
    "<=": "rec_fires_le",
    ">": "rec_fires_gt",
    ">=": "rec_fires_ge",
}


def _check(level: str) -> None:
    check_level(level)
    if level not in LEVELS:
        raise DivideError(
            f"recommendations are matched for a territory of one of "
            f"{', '.join(LEVELS)} (not '{level}')"
        )


def _number(value) -> float | None:
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else value


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class ConditionResult:
    """One condition checked for one territory.

    Attributes
    ----------
    indicator : str
        Indicator id.
    kind : str
        ``threshold``, ``percentile``, ``reference`` or ``missing``.
    op : str or None
        The comparison (``value op cut``).
    value : float or None
        The territory's value (as stored: shares in 0–1).
    reference : float or None
        What the value is set against: the reference territory's value, the
        percentile's value or the threshold.
    cut : float or None
        The number the value is compared with (reference ± margin or × factor).
    reference_name : dict
        FR/EN name of the reference ("Nouvelle-Aquitaine", "France", "80th
        percentile of départements", "threshold").
    passed : bool or None
        None when it could not be checked.
    """

    indicator: str
    kind: str
    op: str | None
    value: float | None
    reference: float | None
    cut: float | None
    reference_name: dict[str, str]
    passed: bool | None

    def to_dict(self, lang: str = "en") -> dict:
        """A JSON-ready description, texts in ``lang``."""
        ind = indicator(self.indicator)
        return {
            "indicator": self.indicator,
            "label": ind.name(lang),
            "modelled": ind.modelled,
            "kind": self.kind,
            "op": self.op,
            "value": self.value,
            "value_display": _fmt(self.value, self.indicator, lang),
            "reference": self.reference,
            "reference_display": _fmt(self.reference, self.indicator, lang),
            "reference_name": self.reference_name.get(lang, ""),
            "cut": self.cut,
            "passed": self.passed,
        }


@dataclass(frozen=True)
class Match:
    """The outcome of one rule for one territory.

    Attributes
    ----------
    rule_id : str
        The rule.
    status : str
        ``fired``, ``not_fired``, ``no_data`` or ``not_applicable``.
    title : dict
        FR/EN title of the rule.
    recommendations, initiatives : tuple of str
        Ids the rule selects (whether or not it fired).
    reason : dict
        FR/EN sentence with the actual numbers, formatted with their units.
    conditions : tuple of ConditionResult
        Each condition with its numbers.
    strength : float or None
        Mean oriented national percentile of the rule's indicators (0–100).
    """

    rule_id: str
    status: str
    title: dict[str, str]
    recommendations: tuple[str, ...]
    initiatives: tuple[str, ...]
    reason: dict[str, str]
    conditions: tuple[ConditionResult, ...]
    strength: float | None

    @property
    def fired(self) -> bool:
        """True when every condition holds."""
        return self.status == "fired"

    @property
    def numbers(self) -> dict[str, float | None]:
        """Indicator id → the territory's value, for the rule's indicators."""
        return {c.indicator: c.value for c in self.conditions}

    def to_dict(self, lang: str = "en") -> dict:
        """A JSON-ready description, texts in ``lang``."""
        return {
            "rule": self.rule_id,
            "title": self.title[lang],
            "status": self.status,
            "reason": self.reason[lang],
            "strength": None if self.strength is None else round(self.strength, 1),
            "recommendations": list(self.recommendations),
            "initiatives": list(self.initiatives),
            "conditions": [c.to_dict(lang) for c in self.conditions],
        }


# ------------------------------------------------------------------ evaluation


class _Context:
    """Level tables of one atlas, read once per call."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._levels: dict[str, pd.DataFrame] = {}

    def level(self, level: str) -> pd.DataFrame:
        if level not in self._levels:
            table = self.atlas.level(level)
            # Plain object codes: lookups on Arrow-backed indexes are much slower.
            table.index = pd.Index(table.index.astype(str).to_numpy(object))
            self._levels[level] = table
        return self._levels[level]

    @cached_property
    def france(self) -> pd.Series | None:
        table = self.level("france")
        return None if table.empty else table.iloc[0]

    def column(self, level: str, ind_id: str) -> pd.Series:
        table = self.level(level)
        column = value_column(ind_id)
        if column not in table.columns:
            raise DivideError(f"the territory table has no column '{column}'")
        return table[column].astype(float)


def _applies(rule: Rule, level: str) -> bool:
    if level not in rule.levels:
        return False
    return all(c.threshold is None or level in c.threshold for c in rule.conditions)


def _reference_level(cond: Condition, level: str) -> str:
    wanted = PARENT[level] if cond.reference == "parent" else cond.reference
    if _ORDER.index(wanted) <= _ORDER.index(level):
        return "france"
    return wanted


def _condition_frame(ctx: _Context, cond: Condition, level: str) -> pd.DataFrame:
    """value, reference, cut, passed and reference name for every territory."""
    table = ctx.level(level)
    value = ctx.column(level, cond.indicator)
    frame = pd.DataFrame({"value": value}, index=table.index)
    frame["ref_code"] = None
    frame["ref_level"] = ""
    if cond.kind == "missing":
        frame["reference"] = np.nan
        frame["cut"] = np.nan
        frame["passed"] = pd.arrays.BooleanArray(
            value.isna().to_numpy(), np.zeros(len(value), dtype=bool)
        )
        return frame
    if cond.kind == "threshold":
        frame["reference"] = cond.threshold[level]
        frame["cut"] = cond.threshold[level]
    elif cond.kind == "percentile":
        values = value.dropna()
        cut = float(values.quantile(cond.percentile / 100)) if len(values) else np.nan
        frame["reference"] = cut
        frame["cut"] = cut
    else:
        ref_level = _reference_level(cond, level)
        frame["ref_level"] = ref_level
        if ref_level == "france":
            row = ctx.france
            ref_value = (
                np.nan if row is None else float(row[value_column(cond.indicator)])
            )
            frame["reference"] = ref_value
            frame["ref_code"] = "FR" if row is not None else None
        else:
            parents = table[ref_level].astype(object).where(table[ref_level].notna())
            ref_values = ctx.column(ref_level, cond.indicator)
            frame["reference"] = parents.map(ref_values).astype(float).to_numpy()
            frame["ref_code"] = parents.to_numpy()
        if cond.factor is not None:
            frame["cut"] = frame["reference"] * cond.factor
        elif cond.op in ("<", "<="):
            frame["cut"] = frame["reference"] - cond.margin
        else:
            frame["cut"] = frame["reference"] + cond.margin
    values = frame["value"].to_numpy(dtype=float)
    cuts = frame["cut"].to_numpy(dtype=float)
    known = ~np.isnan(values) & ~np.isnan(cuts)
    result = np.zeros(len(values), dtype=bool)
    result[known] = _OPS[cond.op](values[known], cuts[known])
    frame["passed"] = pd.arrays.BooleanArray(result, ~known)
    return frame


def _badness_percentile(ctx: _Context, level: str, ind_id: str) -> pd.Series:
    values = ctx.column(level, ind_id)
    if indicator(ind_id).direction == "lower_worse":
        values = -values
    return values.rank(pct=True, method="average") * 100


def _rule_frames(
    ctx: _Context, rule: Rule, level: str
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Status and strength of a rule for every territory, plus condition frames."""
    table = ctx.level(level)
    out = pd.DataFrame(index=table.index)
    if not _applies(rule, level):
        out["status"] = "not_applicable"
        out["strength"] = np.nan
        return out, []
    frames = [_condition_frame(ctx, c, level) for c in rule.conditions]
    passed = pd.concat([f["passed"] for f in frames], axis=1)
    any_false = (passed == False).any(axis=1)  # noqa: E712 (nullable booleans)
    any_na = passed.isna().any(axis=1)
    status = pd.Series("fired", index=table.index, dtype=object)
    status[any_na] = "no_data"
    status[any_false] = "not_fired"
    out["status"] = status
    scored = [c.indicator for c in rule.conditions if c.kind != "missing"]
    if scored:
        pct = pd.concat([_badness_percentile(ctx, level, i) for i in scored], axis=1)
        out["strength"] = pct.mean(axis=1)
    else:
        out["strength"] = np.nan
    return out, frames


def _fmt(value: float | None, ind_id: str, lang: str) -> str:
    if value is None:
        return ""
    return format_value(float(value), indicator(ind_id), lang)


def _gap(value: float | None, reference: float | None, ind_id: str, lang: str) -> str:
    if value is None or reference is None:
        return ""
    diff = value - reference
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    ind = indicator(ind_id)
    if ind.unit == "share":
        number = format_count(abs(diff) * 100, lang, 1)
        return f"{sign}{number}\u00a0{t('rec_points', lang)}"
    return f"{sign}{format_value(abs(diff), ind, lang)}"


def _reference_name(
    ctx: _Context, cond: Condition, level: str, frame: pd.DataFrame, code: str
) -> dict[str, str]:
    if cond.kind == "missing":
        return {"fr": "", "en": ""}
    if cond.kind == "threshold":
        return both("rec_threshold")
    if cond.kind == "percentile":
        return {
            lang: t(
                "rec_percentile",
                lang,
                p=cond.percentile,
                peers=t(f"rec_peers_{level}", lang),
            )
            for lang in ("fr", "en")
        }
    ref_level = frame.at[code, "ref_level"]
    ref_code = frame.at[code, "ref_code"]
    if ref_level == "france" or not isinstance(ref_code, str):
        return {"fr": "France", "en": "France"}
    table = ctx.level(ref_level)
    name = str(table.at[ref_code, "name"]) if ref_code in table.index else ref_code
    return {"fr": name, "en": name}


def _match(
    ctx: _Context,
    rule: Rule,
    level: str,
    code: str,
    status_frame: pd.DataFrame,
    frames: list[pd.DataFrame],
    name: str,
) -> Match:
    status = str(status_frame.at[code, "status"])
    strength = _number(status_frame.at[code, "strength"])
    results = []
    for cond, frame in zip(rule.conditions if frames else (), frames, strict=True):
        passed = frame.at[code, "passed"]
        results.append(
            ConditionResult(
                indicator=cond.indicator,
                kind=cond.kind,
                op=cond.op,
                value=_number(frame.at[code, "value"]),
                reference=_number(frame.at[code, "reference"]),
                cut=_number(frame.at[code, "cut"]),
                reference_name=_reference_name(ctx, cond, level, frame, code),
                passed=None if passed is pd.NA else bool(passed),
            )
        )
    reason = {}
    for lang in ("fr", "en"):
        if status == "not_applicable":
            reason[lang] = t("rec_not_applicable", lang, what=", ".join(rule.levels))
        elif status == "no_data":
            what = ", ".join(
                indicator(r.indicator).name(lang) for r in results if r.passed is None
            )
            reason[lang] = t("rec_no_data", lang, what=what)
        elif status == "not_fired":
            sep = "\u202f; " if lang == "fr" else "; "
            what = sep.join(_describe(r, lang) for r in results if r.passed is False)
            reason[lang] = t("rec_not_fired", lang, what=what)
        else:
            reason[lang] = rule.reason[lang].format(
                **_placeholders(results, lang, level, name)
            )
    return Match(
        rule_id=rule.id,
        status=status,
        title=rule.title,
        recommendations=rule.recommendations,
        initiatives=rule.initiatives,
        reason=reason,
        conditions=tuple(results),
        strength=strength,
    )


def _describe(result: ConditionResult, lang: str) -> str:
    """One condition in words, with its numbers (for rules that did not fire)."""
    label = indicator(result.indicator).name(lang)
    value = _fmt(result.value, result.indicator, lang) or t("no_data", lang)
    colon = "\u00a0:" if lang == "fr" else ":"
    if result.kind == "missing":
        return f"{label}{colon} {value}, {t('rec_fires_if_missing', lang)}"
    text = f"{label}{colon} {value}"
    if result.kind == "reference":
        reference = _fmt(result.reference, result.indicator, lang)
        name = result.reference_name[lang]
        text += f" {t('rec_against', lang)} {reference} ({name})"
    cut = _fmt(result.cut, result.indicator, lang)
    text = f"{text}, {t(_FIRES_WHEN[result.op], lang, cut=cut)}"
    if result.kind == "percentile":
        text += f" ({result.reference_name[lang]})"
    return text


def _placeholders(
    results: list[ConditionResult], lang: str, level: str, name: str
) -> dict[str, str]:
    values = {"name": name, "peers": t(f"rec_peers_{level}", lang)}
    for i, r in enumerate(results, start=1):
        suffix = "" if i == 1 else f"_{i}"
        values[f"value{suffix}"] = _fmt(r.value, r.indicator, lang) or (
            t("no_data", lang)
        )
        values[f"reference{suffix}"] = _fmt(r.reference, r.indicator, lang)
        values[f"gap{suffix}"] = _gap(r.value, r.reference, r.indicator, lang)
        values[f"ref_name{suffix}"] = r.reference_name.get(lang, "")
    return values


def _rules(kb: Knowledge | None) -> list[Rule]:
    return list((kb or knowledge()).rules.values())


def evaluate(
    atlas: Atlas | pd.DataFrame,
    level: str,
    code: str | None,
    *,
    kb: Knowledge | None = None,
) -> list[Match]:
    """Evaluate every rule for one territory.

    Parameters
    ----------
    atlas : Atlas or DataFrame
        The atlas, or a table shaped like ``atlas.territories`` (see
        :func:`divide.fragility.as_atlas`): rows of several levels, with
        ``level``, ``code``, ``name``, parent codes and ``v_<indicator>`` columns.
    level : str
        ``commune``, ``epci``, ``departement`` or ``region``.
    code : str
        The territory's code.
    kb : Knowledge, optional
        Another knowledge base (default: the package's).

    Returns
    -------
    list of Match
        One per rule: fired rules first (strongest first), then the others in
        file order.

    Raises
    ------
    DivideError
        Unknown level or code (with close matches).
    """
    atlas = as_atlas(atlas)
    _check(level)
    row = atlas.territory(level, code)
    code = str(row["code"])
    ctx = _Context(atlas)
    name = str(row.get("name", code))
    matches = []
    for rule in _rules(kb):
        status_frame, frames = _rule_frames(ctx, rule, level)
        matches.append(_match(ctx, rule, level, code, status_frame, frames, name))
    fired = sorted(
        (m for m in matches if m.fired),
        key=lambda m: -(m.strength if m.strength is not None else -1.0),
    )
    return fired + [m for m in matches if not m.fired]


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
    _check(level)
    row = atlas.territory(level, code)
    france = _Context(atlas).france
    if france is None:
        return None
    best = None
    for ind_id in NEED_INDICATORS:
        column = value_column(ind_id)
        if column not in row.index or column not in france.index:
            continue
        value, ref = _number(row[column]), _number(france[column])
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
            value=_fmt(value, ind_id, lang),
            reference=_fmt(ref, ind_id, lang),
            gap=_gap(value, ref, ind_id, lang),
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
                **_offers(atlas, level, code, i.id, lang),
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


#: The initiative whose eligible operators depend on the département.
COHESION_INITIATIVE = "cohesion_numerique"


def cohesion_offers(atlas: Atlas, level: str, code: str | None) -> pd.DataFrame:
    """Operators eligible to the « cohésion numérique » subsidy in a territory.

    The operators of the territory's département (of every département of an EPCI
    or a région; none for France, where they vary by département): one row per
    operator, with its ``technologies`` (``" / "``-joined), ``site`` and the
    ``departements`` it serves there. Source: ANCT, 2024 (``cohesion_operators_2024``).
    """
    check_level(level)
    if level == "france" or code is None:
        deps: list[str] = []
    elif level == "departement":
        deps = [str(code)]
    else:
        row = atlas.territory(level, code)
        if level == "commune":
            deps = [str(row["departement"])]
        else:
            members = atlas.members("commune", (level, str(row["code"])))
            deps = sorted(members["departement"].dropna().astype(str).unique())
    table = atlas.cohesion_operators
    table = table[table["departement"].isin(deps)]
    columns = ["operator", "technologies", "site", "departements"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    grouped = table.groupby("operator", sort=True)
    return pd.DataFrame(
        {
            "technologies": grouped["technology"].agg(
                lambda s: " / ".join(sorted({x for x in s if x}))
            ),
            "site": grouped["site"].first(),
            "departements": grouped["departement"].agg(
                lambda s: ", ".join(sorted(set(s)))
            ),
        }
    ).reset_index()[columns]


def _offers(atlas: Atlas, level: str, code: str | None, init_id: str, lang: str):
    """The operators of the cohésion numérique initiative, with a sentence."""
    if init_id != COHESION_INITIATIVE:
        return {}
    offers = cohesion_offers(atlas, level, code)
    if offers.empty:
        return {"operators": []}
    names = ", ".join(
        f"{o.operator} ({o.technologies})" if o.technologies else o.operator
        for o in offers.itertuples()
    )
    return {
        "operators": offers.to_dict("records"),
        "operators_text": t("cohesion_initiative", lang, date="2024", operators=names),
    }


def rule_status(
    atlas: Atlas | pd.DataFrame,
    level: str,
    rule_id: str,
    *,
    kb: Knowledge | None = None,
) -> pd.DataFrame:
    """A rule's status for every territory of a level.

    Returns
    -------
    DataFrame
        Indexed by code: ``name``, ``status``, ``strength``, and per condition i
        (1-based) ``value_i``, ``cut_i`` and ``passed_i``.
    """
    atlas = as_atlas(atlas)
    _check(level)
    rule = (kb or knowledge()).rule(rule_id)
    ctx = _Context(atlas)
    status, frames = _rule_frames(ctx, rule, level)
    out = pd.DataFrame({"name": ctx.level(level)["name"]}, index=status.index)
    out = out.join(status)
    for i, frame in enumerate(frames, start=1):
        out[f"value_{i}"] = frame["value"]
        out[f"cut_{i}"] = frame["cut"]
        out[f"passed_{i}"] = frame["passed"]
    out.index = out.index.astype(str)
    out.index.name = "code"
    return out


def where_it_fires(
    atlas: Atlas | pd.DataFrame,
    rec_id: str,
    level: str,
    *,
    kb: Knowledge | None = None,
) -> pd.DataFrame:
    """The territories of a level where a recommendation fires, strongest first.

    Parameters
    ----------
    atlas : Atlas or DataFrame
        See :func:`evaluate`.
    rec_id : str
        A recommendation id (``governance``, ``digital_rights``...).
    level : str
        ``commune``, ``epci``, ``departement`` or ``region``.

    Returns
    -------
    DataFrame
        Indexed by code: ``name``, parent codes when the level has them,
        ``rules`` (the fired rules selecting the recommendation, ";"-joined),
        ``n_rules`` and ``strength`` (the highest among them); sorted by strength,
        then number of rules, descending. Empty when it fires nowhere.
    """
    base = kb or knowledge()
    base.recommendation(rec_id)
    atlas = as_atlas(atlas)
    _check(level)
    ctx = _Context(atlas)
    table = ctx.level(level)
    fired_rules = pd.Series("", index=table.index, dtype=object)
    count = pd.Series(0, index=table.index, dtype=int)
    strength = pd.Series(np.nan, index=table.index, dtype=float)
    for rule in base.rules_for(rec_id):
        status, _ = _rule_frames(ctx, rule, level)
        hit = status["status"] == "fired"
        fired_rules[hit] = fired_rules[hit] + ";" + rule.id
        count[hit] += 1
        strength[hit] = np.fmax(strength[hit], status.loc[hit, "strength"])
    keep = count > 0
    columns = ["name"] + [
        p for p in ("departement", "region") if p in table.columns and p != level
    ]
    if level == "region":
        columns = ["name"]
    out = table.loc[keep, columns].copy()
    out["rules"] = fired_rules[keep].str.lstrip(";")
    out["n_rules"] = count[keep]
    out["strength"] = strength[keep]
    out.index = out.index.astype(str)
    out.index.name = "code"
    return out.sort_values(
        ["strength", "n_rules"], ascending=False, na_position="last", kind="stable"
    )


# ------------------------------------------------------------------ browsing

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
