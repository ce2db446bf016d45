"""Harmonise a source's commune codes onto today's communes, and report the match.

Every source has its own code vintage. Retired codes (merged communes, communes
déléguées or associées) and Paris/Lyon/Marseille arrondissements are mapped onto
today's commune; counts are summed there, ratios averaged with a weight.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from divide.build.geography import Reference

MAX_LISTED = 200


@dataclass
class MatchReport:
    """Rows read / matched / merged / unmatched for one source."""

    source: str
    rows_read: int
    matched: int = 0
    merged: int = 0
    arrondissements: int = 0
    arrondissements_ignored: int = 0
    unmatched: int = 0
    unmatched_codes: list[str] = field(default_factory=list)
    #: Every row that did not reach a commune as it stood, and every current
    #: commune the source has no row for (see :func:`detail_rows`).
    details: list[dict] = field(default_factory=list, repr=False)

    @property
    def match_rate(self) -> float:
        """Share of rows that reached a current commune."""
        used = self.matched + self.merged + self.arrondissements
        used += self.arrondissements_ignored
        return used / self.rows_read if self.rows_read else 1.0

    def to_dict(self) -> dict:
        """Plain dict for the quality report."""
        out = asdict(self)
        out.pop("details")
        out["match_rate"] = round(self.match_rate, 5)
        return out


def map_codes(codes: pd.Series, ref: Reference) -> tuple[pd.Series, pd.Series]:
    """Map codes to current communes.

    Returns
    -------
    current : Series
        Today's commune code, NA where the code is unknown.
    how : Series
        "direct", "merged", "arrondissement" or "unmatched".
    """
    known = ref.codes
    codes = codes.astype("string")
    direct = codes.isin(known)
    mapped = codes.map(ref.code_map)
    current = codes.where(direct, mapped)
    how = pd.Series("unmatched", index=codes.index, dtype="string")
    how[direct.fillna(False)] = "direct"
    kinds = codes.map(ref.kind_of_old_code)
    via_map = ~direct.fillna(False) & mapped.notna()
    how[via_map] = kinds[via_map]
    return current, how


REASONS = {
    "unmatched": "unmatched: neither a current commune code nor a known retired one",
    "merged": "merged: a retired code, counted in today's commune",
    "arrondissement": "arrondissement: counted in its commune",
    "ignored": "arrondissement ignored: the commune's own row is used",
    "absent": "absent: the source has no row for this current commune",
}


def detail_rows(
    source: str,
    codes: pd.Series,
    current: pd.Series,
    how: pd.Series,
    ignored: pd.Series,
    ref: Reference,
) -> list[dict]:
    """One record per source row that was not a plain match, and per absent commune.

    Returns
    -------
    list of dict
        ``source``, ``record`` (the code as the source writes it), ``reason``
        (one of :data:`REASONS`' texts) and ``commune`` (today's commune, or "").
    """
    state = how.where(~ignored, "ignored")
    rows = [
        {
            "source": source,
            "record": str(code),
            "reason": REASONS[str(kind)],
            "commune": "" if pd.isna(now) else str(now),
        }
        for code, now, kind in zip(codes, current, state, strict=True)
        if kind != "direct"
    ]
    seen = set(current.dropna().astype(str))
    rows += [
        {"source": source, "record": code, "reason": REASONS["absent"], "commune": code}
        for code in sorted(ref.codes - seen)
    ]
    return rows


def harmonise(
    frame: pd.DataFrame,
    ref: Reference,
    source: str,
    *,
    counts: list[str] = (),
    ratios: list[str] = (),
    weight: str | None = None,
    code_column: str = "code",
) -> tuple[pd.DataFrame, MatchReport]:
    """Bring a commune-level table onto today's communes.

    Parameters
    ----------
    frame : DataFrame
        One row per (source-vintage) commune, with a code column.
    ref : Reference
        The reference geography.
    source : str
        Source id, for the report.
    counts : list of str
        Extensive columns (premises, people): summed when communes merged.
    ratios : list of str
        Intensive columns (shares, scores): averaged when communes merged,
        weighted by ``weight`` when given (else a plain mean, noted in the report).
    weight : str, optional
        Column weighting ``ratios`` on merge.
    code_column : str
        Name of the code column.

    Returns
    -------
    table : DataFrame
        Indexed by current commune code (``code``), columns ``counts + ratios``.
    report : MatchReport
    """
    work, report = match(frame, ref, source, code_column=code_column)
    columns = list(counts) + list(ratios)
    out = pd.DataFrame(index=pd.Index(sorted(work["_code"].unique()), name="code"))
    grouped = work.groupby("_code", sort=True)
    for column in counts:
        out[column] = grouped[column].sum(min_count=1)
    for column in ratios:
        if weight:
            w = work[weight].where(work[column].notna())
            num = (work[column] * w).groupby(work["_code"]).sum(min_count=1)
            den = w.groupby(work["_code"]).sum(min_count=1)
            plain = grouped[column].mean()
            out[column] = (num / den.where(den > 0)).fillna(plain)
        else:
            out[column] = grouped[column].mean()
    return out[columns], report


def harmonise_classes(
    frame: pd.DataFrame,
    ref: Reference,
    source: str,
    columns: list[str],
    *,
    code_column: str = "code",
) -> tuple[pd.DataFrame, MatchReport]:
    """Bring a commune-level table of classes (types, labels) onto today's communes.

    Classes cannot be summed: where several source rows reach one current commune
    (old codes folded into a commune nouvelle), the row already carrying today's
    code wins, else the first by code; the other rows count as merged.

    ``frame``, ``ref``, ``source`` and ``code_column`` are as for
    :func:`harmonise`; ``columns`` are the categorical columns to carry over.
    Returns the table indexed by current commune code (``code``) and the
    :class:`MatchReport`.
    """
    work, report = match(frame, ref, source, code_column=code_column)
    work = work.assign(_indirect=work["_how"] != "direct")
    work = work.sort_values(["_code", "_indirect", code_column], kind="stable")
    out = work.drop_duplicates("_code").set_index("_code")[list(columns)]
    out.index.name = "code"
    return out, report


def match(
    frame: pd.DataFrame, ref: Reference, source: str, *, code_column: str = "code"
) -> tuple[pd.DataFrame, MatchReport]:
    """The rows that reach a current commune, and the match report.

    Returns
    -------
    work : DataFrame
        ``frame``'s matched rows plus ``_code`` (today's commune) and ``_how``
        (see :func:`map_codes`); arrondissements whose parent is also in the
        file are left out (a breakdown of it, not extra rows).
    report : MatchReport
    """
    current, how = map_codes(frame[code_column], ref)
    work = frame.assign(_code=current, _how=how)
    report = MatchReport(source=source, rows_read=len(frame))

    # Paris, Lyon, Marseille: when the parent commune is in the file, its
    # arrondissements are a breakdown of it, not extra rows.
    is_arm = work["_how"] == "arrondissement"
    parents_present = set(work.loc[work["_how"] == "direct", "_code"])
    ignored = is_arm & work["_code"].isin(parents_present)
    report.arrondissements_ignored = int(ignored.sum())
    work = work[~ignored]

    report.matched = int((work["_how"] == "direct").sum())
    report.merged = int((work["_how"] == "merged").sum())
    report.arrondissements = int((work["_how"] == "arrondissement").sum())
    lost = work["_code"].isna()
    report.unmatched = int(lost.sum())
    report.unmatched_codes = sorted(work.loc[lost, code_column].astype(str))[
        :MAX_LISTED
    ]
    report.details = detail_rows(source, frame[code_column], current, how, ignored, ref)
    return work[~lost], report
