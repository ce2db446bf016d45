"""The rows of an export: territories of an area, indicator columns, thresholds."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from divide import typology
from divide.atlas import TYPE_COLUMNS, Atlas, check_level
from divide.errors import DivideError, unknown
from divide.indicators import format_value, value_column, value_range
from divide.registry import (
    RANGE_ENDS,
    Indicator,
    indicator,
    indicators,
    range_end_of,
)

ID_COLUMNS = ["code", "name", "epci", "departement", "region"]


#: The parents whose names an export carries beside their codes.
PARENTS = ("epci", "departement", "region")


NAME_COLUMNS = [f"{p}_name" for p in PARENTS]


#: Comparison operators of a typed threshold (ASCII, as the CLI takes them).
OPERATORS = ("<=", ">=", "<", ">")


#: The same, as the app shows them.
OPERATOR_SIGNS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}


PREFIX = {"departement": "dep", "region": "reg", "epci": "epci"}


# Scopes a level can be limited to. An EPCI's département and région are those of
# its most populous commune; a département or région has no EPCI.
SCOPES = {
    "commune": ("epci", "departement", "region"),
    "epci": ("epci", "departement", "region"),
    "departement": ("departement", "region"),
    "region": ("region",),
    "france": (),
}


def id_columns(level: str) -> list[str]:
    """Code, name and the parent codes that a level has (no type columns)."""
    check_level(level)
    parents = {
        "commune": ["epci", "departement", "region"],
        "epci": ["departement", "region"],
        "departement": ["region"],
    }
    return ["code", "name", *parents.get(level, [])]


def with_names(atlas: Atlas, frame: pd.DataFrame) -> pd.DataFrame:
    """Put each parent's name beside its code (``departement_name``...)."""
    out = frame.copy()
    for parent in PARENTS:
        if parent not in out.columns:
            continue
        names = atlas.level(parent)["name"]
        names.index = names.index.astype(str)
        values = out[parent].astype("string").map(names)
        out.insert(out.columns.get_loc(parent) + 1, f"{parent}_name", values)
    return out


def check_indicators(
    ids: list[str] | None, extra: Mapping[str, Indicator] | None = None
) -> list[str]:
    """Checked indicator ids, duplicates dropped (all of them when ``None``).

    ``extra``: indicators of one's own (a session's uploads) besides the
    registry's, as :attr:`divide.atlas.Atlas.uploaded`.

    Raises
    ------
    DivideError
        For an unknown id, with the closest ids.
    """
    if ids is None:
        return list(indicators())
    if isinstance(ids, str):
        ids = [ids]
    out = []
    for ind_id in ids:
        indicator(ind_id, extra)
        if ind_id not in out:
            out.append(ind_id)
    return out


def resolve_scope(
    atlas: Atlas, level: str, within: str | tuple[str, str] | None
) -> tuple[str, str] | None:
    """Parse and check a scope for a level.

    Parameters
    ----------
    atlas : Atlas
    level : str
        The level being exported.
    within : str or (level, code), optional
        ``dep:29``, ``reg:53``, ``epci:200054781``, a bare unambiguous code such
        as ``29``, or a ``(level, code)`` pair. ``None`` or France: everywhere.

    Returns
    -------
    (level, code) or None

    Raises
    ------
    DivideError
        Unknown or ambiguous code (``11`` is both a département and a région), or a
        scope that does not contain territories of ``level``.
    """
    check_level(level)
    if within is None:
        return None
    if isinstance(within, str):
        prefix, colon, code = within.strip().partition(":")
        text = f"{prefix.strip()}:{code.strip().upper()}" if colon else prefix.upper()
        if text in ("", "FR", "FRANCE"):
            return None
        scope = atlas.resolve_within(text)
    else:
        scope_level, code = within
        if scope_level == "france":
            return None
        if scope_level not in PREFIX:
            raise unknown("scope level", scope_level, PREFIX)
        atlas.territory(scope_level, code)
        scope = (scope_level, str(code))
    if scope[0] not in SCOPES[level]:
        allowed = ", ".join(f"{PREFIX[s]}:CODE" for s in SCOPES[level]) or "none"
        raise DivideError(
            f"cannot limit the {level} level to a {scope[0]} ({scope[1]}): choose a "
            f"finer level, or a scope among: {allowed}."
        )
    return scope


def table(
    atlas: Atlas,
    level: str,
    *,
    within: str | tuple[str, str] | None = None,
    indicator_ids: list[str] | None = None,
    ranges: dict[str, tuple[float | None, float | None]] | None = None,
    where: dict[str, list[str]] | None = None,
    thresholds: list[Threshold] | None = None,
    names: bool = True,
) -> pd.DataFrame:
    """Rows of a level, limited to a scope, with the chosen indicators.

    Parameters
    ----------
    atlas : Atlas
    level : str
        commune, epci, departement, region or france.
    within : str or (level, code), optional
        A scope such as ``dep:29`` (see :func:`resolve_scope`).
    indicator_ids : list of str, optional
        Indicators to include (all by default; an empty list keeps only the ids).
    ranges : dict, optional
        ``{indicator: (low, high)}`` filters on values, in registry units (shares
        as fractions); ``None`` leaves a side open. Rows without a value for a
        filtered indicator are dropped.
    where : dict, optional
        Filters by type of territory, ``{"density3": ["rural"]}`` (see
        :func:`divide.typology.check_where`). Only the communes of those types
        are kept; above commune level each territory's values are recomputed
        over its kept communes, and a territory with none is left out.
    thresholds : list of Threshold, optional
        Typed value filters (:func:`parse_threshold`); all must hold, rows
        without a value for a filtered indicator are dropped.
    names : bool
        Put each parent's name beside its code (``departement_name``...).

    Returns
    -------
    DataFrame
        Code, name and parent codes (strings) with their names, at commune
        level the types of
        territory (:data:`~divide.atlas.TYPE_COLUMNS`, class ids), then one
        column per indicator; a modelled one with a range is followed by
        ``<id>_low`` and ``<id>_high`` (:func:`divide.registry.range_end`).
    """
    ids = check_indicators(indicator_ids, atlas.uploaded)
    atlas = typology.restrict(atlas, where)
    scope = resolve_scope(atlas, level, within)
    rows = atlas.members(level, scope)
    types = list(TYPE_COLUMNS) if level == "commune" else []
    out = rows[id_columns(level) + types].copy()
    for ind_id in ids:
        out[ind_id] = _values(rows, ind_id)
        ind = atlas.indicator(ind_id)
        ends = value_range(rows, ind)
        for end, values in zip(RANGE_ENDS, ends or (), strict=False):
            if f"{ind_id}{end}" not in ids:  # a modelled value: its range beside it
                out[f"{ind_id}{end}"] = values
    for ind_id, bounds in (ranges or {}).items():
        atlas.indicator(ind_id)
        if ind_id not in out.columns:
            raise DivideError(
                f"cannot filter on '{ind_id}': it is not among the exported "
                "indicators; add it to the list."
            )
        low, high = bounds
        low = -math.inf if low is None else float(low)
        high = math.inf if high is None else float(high)
        if low > high:
            raise DivideError(f"filter on '{ind_id}': low {low} is above high {high}")
        out = out[out[ind_id].between(low, high)]
    for rule in thresholds or ():
        if rule.indicator not in out.columns:
            raise DivideError(
                f"cannot filter on '{rule.indicator}': it is not among the exported "
                "indicators; add it to the list."
            )
        out = out[rule.mask(out[rule.indicator])]
    if names:
        out = with_names(atlas, out)
    return out.reset_index(drop=True)


def _values(rows: pd.DataFrame, ind_id: str) -> pd.Series:
    """An indicator's values, or one end of a ranged one's range."""
    end = range_end_of(ind_id)
    if end is None:
        return rows[value_column(ind_id)]
    low, high = value_range(rows, indicator(end[0]))
    return low if end[1] == RANGE_ENDS[0] else high


def indicator_columns(frame: pd.DataFrame) -> list[str]:
    """The indicator columns of an export table."""
    others = {*ID_COLUMNS, *NAME_COLUMNS, *TYPE_COLUMNS, "geometry"}
    return [c for c in frame.columns if c not in others]


def described_columns(frame: pd.DataFrame) -> list[str]:
    """The columns an export's dictionary describes: types, then indicators."""
    return [c for c in frame.columns if c in TYPE_COLUMNS] + indicator_columns(frame)


def file_stem(level: str, scope: tuple[str, str] | None = None) -> str:
    """A file name for an export: ``divide_commune_dep29``."""
    stem = f"divide_{level}"
    if scope is not None:
        stem += f"_{PREFIX.get(scope[0], scope[0])}{scope[1]}"
    return stem


@dataclass(frozen=True)
class Threshold:
    """Keep the rows where ``indicator op value`` (registry units: shares 0–1)."""

    indicator: str
    op: str
    value: float
    #: The indicator itself (an upload is not in the registry).
    about: Indicator | None = field(default=None, compare=False, repr=False)

    def mask(self, values: pd.Series) -> pd.Series:
        """True where a value passes (a missing value never does)."""
        ops = {
            "<": values.lt,
            "<=": values.le,
            ">": values.gt,
            ">=": values.ge,
        }
        return ops[self.op](self.value).fillna(False).astype(bool)

    def text(self, lang: str) -> str:
        """``Accès ≥ 30 Mbit/s < 50,0 %`` as the app shows it."""
        ind = self.about or indicator(self.indicator)
        from_value = format_value(self.value, ind, lang)
        return f"{ind.name(lang)} {OPERATOR_SIGNS[self.op]} {from_value}"


def threshold(
    ind_id: str,
    op: str,
    value: float | str,
    extra: Mapping[str, Indicator] | None = None,
) -> Threshold:
    """A checked :class:`Threshold` (``value`` in registry units).

    Raises
    ------
    DivideError
        Unknown indicator or operator, or a value that is not a finite number.
    """
    about = indicator(ind_id, extra)
    if op not in OPERATORS:
        raise DivideError(
            f"unknown comparison '{op}' for '{ind_id}': use one of "
            + ", ".join(OPERATORS)
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise DivideError(
            f"threshold on '{ind_id}': '{value}' is not a number; write e.g. "
            f"{ind_id}{op}0.5"
        )
    return Threshold(ind_id, op, number, about)


def parse_threshold(item: str) -> Threshold | None:
    """``thd30_share<0.5`` (or ``<50%``, ``>=``, ``<=``, ``>``) → a Threshold.

    Shares are fractions 0–1 as in the export, or percentages when the value
    ends with ``%``. Returns None for an item without a comparison (a
    ``KEY=VALUE`` type filter).

    Raises
    ------
    DivideError
        Unknown indicator, a missing or non-numeric value.
    """
    text = str(item).strip()
    for op in OPERATORS:  # two-character operators first
        ind_id, found, value = text.partition(op)
        if found:
            break
    else:
        return None
    ind_id, value = ind_id.strip(), value.strip().replace(",", ".")
    if value.startswith("="):
        raise DivideError(f"--where '{item}': write {ind_id}<=VALUE or {ind_id}>=VALUE")
    ind = indicator(ind_id)
    percent = value.endswith("%")
    if percent:
        value = value[:-1].strip()
        if ind.unit != "share":
            raise DivideError(
                f"--where '{item}': '%' is only for shares; {ind_id} is in {ind.unit}"
            )
    found = threshold(ind_id, op, value)
    if percent:
        found = Threshold(ind_id, op, found.value / 100)
    return found


def split_where(items) -> tuple[list[str], list[Threshold]]:
    """``--where`` items → (type filters ``KEY=VALUE``, value thresholds)."""
    types, thresholds = [], []
    for item in items or ():
        found = parse_threshold(item)
        if found is None:
            types.append(item)
        else:
            thresholds.append(found)
    return types, thresholds


def display_factor(ind_id: str, extra: Mapping[str, Indicator] | None = None) -> float:
    """Display value = registry value × this factor (100 for shares)."""
    return 100.0 if indicator(ind_id, extra).unit == "share" else 1.0
