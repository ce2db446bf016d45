"""A newer ARCEP per-commune file compared with the atlas's vintage."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from divide.build.harmonise import harmonise
from divide.build.readers.broadband import read_arcep_fixed
from divide.errors import DivideError, SourceError
from divide.registry import source
from divide.uploads.codes import code_reference
from divide.uploads.common import quoted, safe_text
from divide.uploads.tables import as_bytes, check_size

ARCEP_FIXED = "arcep_fixed_2019"  # registry id of ARCEP's per-commune fixed file

# ---------------------------------------------------------------- ARCEP refresh


class RefreshComparison(NamedTuple):
    """A newer ARCEP file against the embedded vintage.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per commune of the atlas: ``code``, ``name``, ``departement``,
        ``premises_before``, ``premises_after``, ``thd_before``, ``thd_after``
        (premises with ≥ 30 Mbit/s), ``share_before``, ``share_after`` (0–1),
        ``change_pts`` (percentage points), sorted by ``change_pts`` descending.
    summary : dict
        Vintages, national totals and shares before and after (over all
        communes, and over the communes in both), match counts, the communes
        that changed most.
    """

    table: pd.DataFrame
    summary: dict

    def text(self) -> str:
        """A few lines summarising the comparison."""
        s = self.summary
        lines = [
            f"ARCEP file {quoted(s['file'], 80)} (state {s['date_after']}) against "
            f"the atlas (state {s['date_before']})",
            f"  communes compared: {s['communes_compared']:,}; codes not matched: "
            f"{s['unmatched']:,}",
            f"  all communes of each: premises {s['premises_before']:,.0f} → "
            f"{s['premises_after']:,.0f}; share with ≥ 30 Mbit/s "
            f"{100 * s['share_before']:.1f} % → {100 * s['share_after']:.1f} %",
            f"  communes in both: share with ≥ 30 Mbit/s "
            f"{100 * s['share_before_compared']:.1f} % → "
            f"{100 * s['share_after_compared']:.1f} %",
        ]
        if s["most_improved"]:
            lines.append(
                "  most improved: "
                + ", ".join(f"{c} (+{p:.0f} pts)" for c, p in s["most_improved"][:5])
            )
        return "\n".join(lines)


def compare_refresh(content: bytes, name: str, atlas) -> RefreshComparison:
    """Compare a newer ARCEP per-commune file with the atlas's vintage.

    Parameters
    ----------
    content : bytes
        A ``commune_debit*.csv`` of data.arcep.fr (any format
        :func:`divide.build.readers.broadband.read_arcep_fixed` reads).
    name : str
        The file's name.
    atlas : divide.atlas.Atlas
        The atlas (its ``premises`` and ``premises_thd30`` per commune).

    Returns
    -------
    RefreshComparison
        ``(table, summary)``. Codes of the new file are harmonised onto today's
        communes first (retired codes summed, arrondissements folded).

    Raises
    ------
    SourceError
        The file is not a readable ARCEP file, or is too large.
    """
    file = safe_text(name, 120) or "upload"
    df = _read_refresh(content, file)
    table, match = _comparison_table(df, atlas)
    return RefreshComparison(table, _summary(df, table, match, file, atlas))


def _read_refresh(content: bytes, file: str) -> pd.DataFrame:
    """The uploaded ARCEP file, read by the atlas's own ARCEP reader."""
    content = as_bytes(content, file)
    check_size(content, file)
    try:
        return read_arcep_fixed(content, name=file)
    except DivideError:
        raise
    except (TypeError, KeyError, IndexError, AttributeError, ValueError) as exc:
        # A reader must raise SourceError; anything else is a reader bug, kept
        # from the user as a clear message.
        raise SourceError(
            file,
            f"cannot read this ARCEP file ({type(exc).__name__}: "
            f"{safe_text(exc, 120)})",
        ) from None


def _comparison_table(df: pd.DataFrame, atlas):
    """Each commune before (atlas) and after (file), most improved first.

    Also returns the match report of the file's codes.
    """
    derived = pd.DataFrame(
        {
            "code": df["code"],
            "premises": df["premises"],
            "thd": df["thd30"] + df["thd100"] + df["thd1g"],
        }
    )
    ref = code_reference(atlas)
    after, match = harmonise(derived, ref, "arcep_refresh", counts=["premises", "thd"])
    communes = atlas.level("commune")
    table = pd.DataFrame(
        {
            "code": communes.index.astype(str),
            "name": communes["name"].astype("string").to_numpy(),
            "departement": communes["departement"].astype("string").to_numpy(),
            "premises_before": communes["premises"].to_numpy(dtype=float),
            "thd_before": communes["premises_thd30"].to_numpy(dtype=float),
        }
    )
    table["premises_after"] = table["code"].map(after["premises"]).astype(float)
    table["thd_after"] = table["code"].map(after["thd"]).astype(float)
    for when in ("before", "after"):
        den = table[f"premises_{when}"]
        table[f"share_{when}"] = table[f"thd_{when}"] / den.where(den > 0)
    table["change_pts"] = 100 * (table["share_after"] - table["share_before"])
    table = table[
        [
            "code",
            "name",
            "departement",
            "premises_before",
            "premises_after",
            "thd_before",
            "thd_after",
            "share_before",
            "share_after",
            "change_pts",
        ]
    ]
    table = table.sort_values(
        ["change_pts", "code"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)
    return table, match


def _summary(df: pd.DataFrame, table: pd.DataFrame, match, file: str, atlas) -> dict:
    """Totals, shares and the largest changes, for the page and the CLI.

    "Before" is the date of the ARCEP file the atlas was built from (a newer
    quarter when the build found one), not the registry's 2019 default.
    """
    both = table["premises_before"].notna() & table["premises_after"].notna()

    def share(thd: pd.Series, premises: pd.Series) -> float:
        total = float(premises.sum())
        return float(thd.sum()) / total if total > 0 else float("nan")

    compared = table[both]
    dates = sorted({d for d in df["date"].astype(str) if d and d != "nan"})
    summary = {
        "file": file,
        "date_before": atlas.as_of.get(ARCEP_FIXED) or source(ARCEP_FIXED).as_of,
        "date_after": ", ".join(dates[-3:]) or "not stated",
        "arcep_variant": df.attrs.get("arcep_variant"),
        "cumulative_classes": bool(df.attrs.get("arcep_cumulative")),
        "rows_read": len(df),
        "communes_compared": int(both.sum()),
        "communes_missing_from_file": int(
            (table["premises_before"].notna() & table["premises_after"].isna()).sum()
        ),
        "unmatched": int(match.unmatched),
        "unmatched_codes": match.unmatched_codes[:50],
        "merged": int(match.merged),
        "premises_before": float(table["premises_before"].sum()),
        "premises_after": float(table["premises_after"].sum()),
        "thd_before": float(table["thd_before"].sum()),
        "thd_after": float(table["thd_after"].sum()),
        "share_before": share(table["thd_before"], table["premises_before"]),
        "share_after": share(table["thd_after"], table["premises_after"]),
        "share_before_compared": share(
            compared["thd_before"], compared["premises_before"]
        ),
        "share_after_compared": share(
            compared["thd_after"], compared["premises_after"]
        ),
        "most_improved": [
            (str(c), float(p))
            for c, p in compared[compared["change_pts"] > 0]
            .head(10)[["code", "change_pts"]]
            .itertuples(index=False)
        ],
        "most_worsened": [
            (str(c), float(p))
            for c, p in compared[compared["change_pts"] < 0]
            .sort_values(["change_pts", "code"])
            .head(10)[["code", "change_pts"]]
            .itertuples(index=False)
        ],
    }
    return summary
