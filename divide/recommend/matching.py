"""The rules matched against territories: conditions, status, strength, reasons."""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from divide.atlas import Atlas, check_level
from divide.errors import DivideError
from divide.formatting import format_count
from divide.fragility import as_atlas
from divide.i18n import both, t
from divide.indicators import format_value, value_and_range, value_column, value_range
from divide.knowledge import (
    Condition,
    Knowledge,
    Rule,
    knowledge,
)
from divide.registry import indicator
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


def check_matched_level(level: str) -> None:
    """Raise unless recommendations are matched at ``level``."""
    check_level(level)
    if level not in LEVELS:
        raise DivideError(
            f"recommendations are matched for a territory of one of "
            f"{', '.join(LEVELS)} (not '{level}')"
        )


def as_number(value) -> float | None:
    """A float, or None where the value is missing."""
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else value


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
    value_ends, reference_ends : tuple of float, or None
        The plausible range of a MODELLED value (and of a reference
        territory's value), None for a measured indicator.
    """

    indicator: str
    kind: str
    op: str | None
    value: float | None
    reference: float | None
    cut: float | None
    reference_name: dict[str, str]
    passed: bool | None
    value_ends: tuple[float, float] | None = None
    reference_ends: tuple[float, float] | None = None

    def value_display(self, lang: str) -> str:
        """The value with its unit, and its range when modelled ('' if missing)."""
        return value_text(self.value, self.indicator, lang, self.value_ends)

    def reference_display(self, lang: str) -> str:
        """The reference likewise (a threshold or percentile has no range)."""
        return value_text(self.reference, self.indicator, lang, self.reference_ends)

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
            "value_range": list(self.value_ends) if self.value_ends else None,
            "value_display": self.value_display(lang),
            "reference": self.reference,
            "reference_range": (
                list(self.reference_ends) if self.reference_ends else None
            ),
            "reference_display": self.reference_display(lang),
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


class Tables:
    """Level tables of one atlas, read once per call."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._levels: dict[str, pd.DataFrame] = {}

    def level(self, level: str) -> pd.DataFrame:
        """A level's table, its codes as plain text (read once)."""
        if level not in self._levels:
            table = self.atlas.level(level)
            # Plain object codes: lookups on Arrow-backed indexes are much slower.
            table.index = pd.Index(table.index.astype(str).to_numpy(object))
            self._levels[level] = table
        return self._levels[level]

    @cached_property
    def france(self) -> pd.Series | None:
        """France's row (None in an atlas without it)."""
        table = self.level("france")
        return None if table.empty else table.iloc[0]

    def column(self, level: str, ind_id: str) -> pd.Series:
        """An indicator's values at a level, as floats."""
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


def _condition_frame(ctx: Tables, cond: Condition, level: str) -> pd.DataFrame:
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


def _badness_percentile(ctx: Tables, level: str, ind_id: str) -> pd.Series:
    values = ctx.column(level, ind_id)
    if indicator(ind_id).direction == "lower_worse":
        values = -values
    return values.rank(pct=True, method="average") * 100


def _rule_frames(
    ctx: Tables, rule: Rule, level: str
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


def value_text(
    value: float | None,
    ind_id: str,
    lang: str,
    ends: tuple[float, float] | None = None,
) -> str:
    """A value with its unit, then its range if ``ends`` are given ("" if missing)."""
    if value is None:
        return ""
    ind = indicator(ind_id)
    if ends is None:
        return format_value(float(value), ind, lang)
    return value_and_range(float(value), *ends, ind, lang)


def _ends(
    ctx: Tables, level: str, code: object, ind_id: str
) -> tuple[float, float] | None:
    """A territory's range of a modelled indicator, None if measured or missing."""
    if not indicator(ind_id).ranged or not isinstance(code, str):
        return None
    table = ctx.level(level)
    if code not in table.index:
        return None
    ends = value_range(table.loc[[code]], indicator(ind_id))
    if ends is None:
        return None
    low, high = (as_number(end.iloc[0]) for end in ends)
    return None if low is None or high is None else (low, high)


def _reference_ends(
    ctx: Tables, cond: Condition, frame: pd.DataFrame, code: str
) -> tuple[float, float] | None:
    """The range of the reference territory's value (kind ``reference`` only)."""
    if cond.kind != "reference":
        return None
    ref_level = str(frame.at[code, "ref_level"])
    ref_code = frame.at[code, "ref_code"]
    if ref_level == "france":
        table = ctx.level("france")
        ref_code = None if table.empty else str(table.index[0])
    return _ends(ctx, ref_level, ref_code, cond.indicator)


def gap_text(
    value: float | None, reference: float | None, ind_id: str, lang: str
) -> str:
    """The signed gap of a value to its reference ('' when either is missing)."""
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
    ctx: Tables, cond: Condition, level: str, frame: pd.DataFrame, code: str
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
    ctx: Tables,
    rule: Rule,
    level: str,
    code: str,
    status_frame: pd.DataFrame,
    frames: list[pd.DataFrame],
    name: str,
) -> Match:
    status = str(status_frame.at[code, "status"])
    strength = as_number(status_frame.at[code, "strength"])
    results = []
    for cond, frame in zip(rule.conditions if frames else (), frames, strict=True):
        passed = frame.at[code, "passed"]
        results.append(
            ConditionResult(
                indicator=cond.indicator,
                kind=cond.kind,
                op=cond.op,
                value=as_number(frame.at[code, "value"]),
                reference=as_number(frame.at[code, "reference"]),
                cut=as_number(frame.at[code, "cut"]),
                reference_name=_reference_name(ctx, cond, level, frame, code),
                passed=None if passed is pd.NA else bool(passed),
                value_ends=_ends(ctx, level, code, cond.indicator),
                reference_ends=_reference_ends(ctx, cond, frame, code),
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
    value = result.value_display(lang) or t("no_data", lang)
    colon = "\u00a0:" if lang == "fr" else ":"
    if result.kind == "missing":
        return f"{label}{colon} {value}, {t('rec_fires_if_missing', lang)}"
    text = f"{label}{colon} {value}"
    if result.kind == "reference":
        reference = result.reference_display(lang)
        name = result.reference_name[lang]
        text += f" {t('rec_against', lang)} {reference} ({name})"
    cut = value_text(result.cut, result.indicator, lang)
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
        values[f"value{suffix}"] = r.value_display(lang) or t("no_data", lang)
        values[f"reference{suffix}"] = r.reference_display(lang)
        values[f"gap{suffix}"] = gap_text(r.value, r.reference, r.indicator, lang)
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
    check_matched_level(level)
    row = atlas.territory(level, code)
    code = str(row["code"])
    ctx = Tables(atlas)
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
    check_matched_level(level)
    rule = (kb or knowledge()).rule(rule_id)
    ctx = Tables(atlas)
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
    check_matched_level(level)
    ctx = Tables(atlas)
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
