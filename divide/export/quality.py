"""The quality notes an export carries: the build's counts, unmatched rows."""

from __future__ import annotations

import pandas as pd

QUALITY_COLUMNS = [
    "source",
    "rows_read",
    "matched",
    "merged",
    "unmatched",
    "match_rate",
    "notes",
]


#: Report keys shown in quality_table's own columns, not among its notes.
QUALITY_COUNTED = frozenset(
    {
        "source",
        "rows_read",
        "matched",
        "merged",
        "unmatched",
        "match_rate",
        "not_placed",
        "placed_by_code",
        "placed_by_point",
    }
)


def shown_notes(report: dict):
    """(key, value) of a report's notes: scalars, and flat dicts of scalars.

    Lists (codes) and deeper structures (what was de-duplicated) have their own
    files (:func:`unmatched`, ``quality_details.csv``).
    """
    for key, value in report.items():
        if key in QUALITY_COUNTED or isinstance(value, list):
            continue
        if isinstance(value, dict):
            if value and not any(isinstance(v, dict | list) for v in value.values()):
                yield key, value
            continue
        yield key, value


def _scalar_notes(report: dict) -> str:
    parts = []
    for key, value in shown_notes(report):
        if isinstance(value, dict):
            parts.append(f"{key}: " + ", ".join(f"{k}={v}" for k, v in value.items()))
        else:
            parts.append(f"{key}={value}")
    return "; ".join(parts)


def quality_table(quality: dict) -> pd.DataFrame:
    """Rows read, matched, merged and unmatched per source.

    Parameters
    ----------
    quality : dict
        ``Atlas.quality``.

    Returns
    -------
    DataFrame
        One row per source. ``matched``: rows placed in a current (COG 2026)
        commune; ``merged``: old codes folded into a commune nouvelle;
        ``unmatched``: rows with no current commune (their codes or ids are in
        :func:`unmatched`). For mediation sites, "matched" counts sites placed
        in a commune (by code, by point, or for Aidants Connect structures with
        neither, by postcode and commune name) after de-duplication.
    """
    rows = []
    for name, report in sorted(quality.get("sources", {}).items()):
        read = report.get("rows_read")
        if isinstance(read, dict):
            read = sum(read.values())
        matched = report.get("matched")
        if matched is None and "placed_by_code" in report:
            matched = report["placed_by_code"] + report.get("placed_by_point", 0)
            matched += report.get("placed_by_postcode_and_name", 0)
        unmatched_n = report.get("unmatched", report.get("not_placed"))
        rows.append(
            {
                "source": name,
                "rows_read": read,
                "matched": matched,
                "merged": report.get("merged"),
                "unmatched": unmatched_n,
                "match_rate": report.get("match_rate"),
                "notes": _scalar_notes(report),
            }
        )
    frame = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    for column in ("rows_read", "matched", "merged", "unmatched"):
        frame[column] = frame[column].astype("Int64")
    return frame


def unmatched(quality: dict) -> dict[str, list[str]]:
    """Codes (or site ids) that did not match, per source; commune gaps too.

    Commune gaps: communes without a polygon or an EPCI, and, per grid of types
    of territory, the communes without a class (key ``<source>:no_class``).
    """
    out = {}
    for name, report in sorted(quality.get("sources", {}).items()):
        for key in ("unmatched_codes", "not_placed_ids"):
            values = report.get(key) or []
            if values:
                out[name] = [str(v) for v in values]
        if report.get("no_class_codes"):  # types of territory: communes unclassed
            out[f"{name}:no_class"] = [str(v) for v in report["no_class_codes"]]
    communes = quality.get("communes", {})
    for key in ("without_polygon", "without_epci"):
        if communes.get(key):
            out[f"communes_{key}"] = [str(v) for v in communes[key]]
    return out
