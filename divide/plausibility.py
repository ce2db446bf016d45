"""Plausibility of source values: figures outside what the data can mean.

Territories whose source values fall outside a plausible range are flagged in
the quality report and next to the figure.

A rule compares one ratio of additive base columns with a plausible range, at
département level and above (a commune may be an outlier for good reasons: a ski
resort has more homes than residents). A commune takes its département's flags.

The ranges come from the mainland départements in the embedded sources (ARCEP
2019, INSEE legal population 2023): premises per inhabitant 0.48–0.90, ineligible
premises at most 2.5 %. A range twice as wide catches only files that cannot be
right, such as Guadeloupe's 1.09 premises per inhabitant with 41 % ineligible
(premises counted but not matched to any network) or Mayotte's 0.11.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from divide.formatting import format_decimal, format_share
from divide.i18n import t


@dataclass(frozen=True)
class Rule:
    """A plausible range for ``numerator / denominator``."""

    id: str
    numerator: str
    denominator: str
    low: float
    high: float
    share: bool = False

    def text(self, value: float, lang: str) -> str:
        """A value of this rule as people read it."""
        if self.share:
            return format_share(value, lang, 1)
        return format_decimal(value, lang, 2)


RULES = (
    Rule("premises_per_inhabitant", "premises", "population", 0.4, 1.0),
    Rule("ineligible_share", "premises_ineligible", "premises", 0.0, 0.05, True),
)
LEVELS = ("departement", "region", "france")


def flags(territories: pd.DataFrame) -> pd.DataFrame:
    """Every (territory, rule) whose value falls outside the rule's range.

    Parameters
    ----------
    territories : DataFrame
        The atlas's stacked table (``level``, ``code``, ``name``, base columns).

    Returns
    -------
    DataFrame
        ``level``, ``code``, ``name``, ``rule``, ``value``, ``low``, ``high``,
        sorted by level, code and rule.
    """
    rows = []
    part = territories[territories["level"].isin(LEVELS)]
    for rule in RULES:
        den = part[rule.denominator].astype(float)
        value = part[rule.numerator].astype(float) / den.where(den > 0)
        bad = value.notna() & ((value < rule.low) | (value > rule.high))
        for (_, row), v in zip(part[bad].iterrows(), value[bad], strict=True):
            rows.append(
                {
                    "level": row["level"],
                    "code": str(row["code"]),
                    "name": str(row["name"]),
                    "rule": rule.id,
                    "value": round(float(v), 4),
                    "low": rule.low,
                    "high": rule.high,
                }
            )
    columns = ["level", "code", "name", "rule", "value", "low", "high"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["level", "code", "rule"], ignore_index=True)


def flags_for(territories: pd.DataFrame, row: pd.Series, lang: str) -> list[str]:
    """Sentences to show next to a territory's figures (its département's flags).

    Parameters
    ----------
    territories : DataFrame
        The atlas's stacked table.
    row : Series
        The territory's row (a commune or EPCI takes its département's flags).
    lang : str
    """
    level = row["level"]
    if level in LEVELS:
        key = (level, str(row["code"]))
    elif isinstance(row.get("departement"), str):
        key = ("departement", row["departement"])
    else:
        return []
    found = flags(territories[territories["level"] == key[0]])
    found = found[found["code"] == key[1]]
    by_id = {rule.id: rule for rule in RULES}
    return [
        t(
            f"plausibility_{f.rule}",
            lang,
            name=f.name,
            value=by_id[f.rule].text(f.value, lang),
            low=by_id[f.rule].text(f.low, lang),
            high=by_id[f.rule].text(f.high, lang),
        )
        for f in found.itertuples()
    ]
