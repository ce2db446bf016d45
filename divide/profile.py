"""A territory's profile: its indicators next to its parents' and France's."""

from __future__ import annotations

import math

import pandas as pd

from divide.atlas import TYPE_COLUMNS, Atlas
from divide.indicators import compute, format_value, value_column, withheld_reason
from divide.registry import indicators, source
from divide.territory import PARENT_LEVELS


def _clean(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def parents(atlas: Atlas, level: str, code: str | None) -> list[tuple[str, str, str]]:
    """The territory, then its EPCI, département, région and France.

    Returns
    -------
    list of (level, code, name)
    """
    row = atlas.territory(level, code)
    chain = [(level, str(row["code"]), str(row["name"]))]
    if level != "france":
        start = PARENT_LEVELS.index(level) + 1 if level in PARENT_LEVELS else 0
        for parent in PARENT_LEVELS[start:]:
            parent_code = row.get(parent)
            if isinstance(parent_code, str) and parent_code:
                parent_row = atlas.territory(parent, parent_code)
                chain.append((parent, parent_code, str(parent_row["name"])))
        chain.append(("france", "FR", "France"))
    return chain


def territory_json(atlas: Atlas, level: str, code: str | None) -> dict:
    """Every indicator of one territory with value, unit, sources and vintage."""
    row = atlas.territory(level, code)
    out = {
        "level": level,
        "code": str(row["code"]),
        "name": str(row["name"]),
        "parents": {
            lvl: {"code": c, "name": n} for lvl, c, n in parents(atlas, level, code)[1:]
        },
        "indicators": {},
    }
    if level == "commune":  # types of territory: class ids, None for no class
        out["types"] = {
            grid: str(row[grid]) if isinstance(row.get(grid), str) else None
            for grid in TYPE_COLUMNS
        }
    for ind in indicators().values():
        value = _clean(row[value_column(ind.id)])
        entry = out["indicators"][ind.id] = {
            "label": ind.label["en"],
            "label_fr": ind.label["fr"],
            "value": value,
            "display": format_value(value if value is not None else math.nan, ind),
            "unit": ind.unit,
            "modelled": ind.modelled,
            "sources": [
                {
                    "id": s,
                    "producer": source(s).producer,
                    "vintage": source(s).vintage,
                    "licence": source(s).licence,
                }
                for s in ind.sources
            ],
            "vintage": ind.vintage(),
            "coverage": _clean(row.get(f"cov_{ind.id}")),
        }
        reason = withheld_reason(row, ind)
        if reason:
            partial = compute(row.to_frame().T, [ind.id]).iloc[0, 0]
            entry["withheld"] = reason
            entry["value_over_covered_communes"] = _clean(float(partial))
    return out


def comparison(
    atlas: Atlas, level: str, code: str | None, ids: list[str]
) -> pd.DataFrame:
    """Values of ``ids`` for the territory and each of its parents (columns)."""
    chain = parents(atlas, level, code)
    data = {}
    for lvl, c, name in chain:
        row = atlas.territory(lvl, c)
        data[(lvl, c, name)] = [row[value_column(i)] for i in ids]
    frame = pd.DataFrame(data, index=ids)
    return frame


def _summary(value: dict, width: int = 300) -> str:
    """A nested report entry on one line: scalars shown, long lists counted."""
    parts = []
    for key, item in value.items():
        if isinstance(item, dict) and len(item) > 20:
            shown = f"{len(item)} entries"
        elif isinstance(item, dict):
            shown = _summary(item, width=120)
        elif isinstance(item, list):
            shown = f"{len(item)} items"
        else:
            shown = str(item)
        parts.append(f"{key}={shown}")
    text = ", ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"


def quality_text(quality: dict) -> str:
    """The data-quality report as plain text."""
    lines = ["Data-quality report (per source: rows read / matched to COG 2026)"]
    for name, report in sorted(quality.get("sources", {}).items()):
        parts = [
            f"{key}={value}"
            for key, value in report.items()
            if key not in ("unmatched_codes", "not_placed_ids", "source")
            and not isinstance(value, list | dict)
        ]
        lines.append(f"- {name}: " + ", ".join(parts))
        codes = report.get("unmatched_codes") or []
        if codes:
            lines.append(
                f"    unmatched codes ({len(codes)} listed): "
                + " ".join(codes[:40])
                + (" ..." if len(codes) > 40 else "")
            )
        for key, value in report.items():
            if isinstance(value, dict):
                lines.append(f"    {key}: {_summary(value)}")
    communes = quality.get("communes", {})
    if communes:
        lines.append(
            f"- communes: {communes.get('current_communes')} current; "
            f"without polygon: {', '.join(communes.get('without_polygon', []))}; "
            f"without EPCI: {', '.join(communes.get('without_epci', []))}"
        )
    model = quality.get("illectronisme_model")
    if model:
        lines.append(f"- illectronisme model (modelled): {model}")
    return "\n".join(lines)
