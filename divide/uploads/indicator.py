"""An uploaded indicator: read, joined to the atlas, aggregated like the registry's."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from divide.errors import DivideError, SourceError, suggest, translated, unknown
from divide.i18n import LANGS
from divide.registry import DIRECTIONS, UNITS
from divide.territory import normalise_codes
from divide.uploads.codes import (
    NOT_VALUE,
    code_matcher,
    columns_seen,
    looks_like_code_header,
    name_column,
    no_code_column,
    pick_code_column,
)
from divide.uploads.common import (
    COUNT_UNITS,
    LEVEL_WORDS,
    MAX_SUGGESTED,
    fold_header,
    quoted,
    safe_text,
)
from divide.uploads.report import Problem, Report, Term, flag_rows, note_texts
from divide.uploads.tables import RawTable, as_bytes, parse_numbers, read_upload
from divide.uploads.uploaded import UploadedIndicator

# ------------------------------------------------------------------ indicator


@dataclass
class UserIndicator:
    """An uploaded indicator file, read and joined to the atlas.

    Attributes
    ----------
    file : str
        The file's name (plain text).
    level : str
        Level of the codes.
    code_column : str
        Column holding the codes.
    value_columns : list of str
        Numeric columns read.
    weight_column : str, optional
        Column weighting the values when a rate is aggregated.
    rows : pandas.DataFrame
        One row per usable input row: ``line``, ``source_code`` (as in the
        file), ``code`` (today's territory), ``how`` (``direct``, ``merged``,
        ``arrondissement``), the value columns (float) and ``_weight``.
    table : pandas.DataFrame
        The joined table: one row per territory with a value, ``code`` then the
        value columns (float). Rows of retired codes folded onto one commune are
        summed here (``folded`` counts them); :meth:`as_indicator` re-folds rates
        as weighted means.
    report : Report
        What was read and what was not.
    percent_columns : list of str
        Value columns written with a ``%`` sign.
    sha256 : str
        Checksum of the file.
    """

    file: str
    level: str
    code_column: str
    value_columns: list[str]
    weight_column: str | None
    rows: pd.DataFrame
    table: pd.DataFrame
    report: Report
    percent_columns: list[str]
    sha256: str
    atlas: Any = field(repr=False, default=None)

    def as_indicator(
        self,
        column: str | None = None,
        *,
        unit: str,
        direction: str,
        label: str | None = None,
    ) -> UploadedIndicator:
        """Register one value column as a session-only indicator.

        Parameters
        ----------
        column : str, optional
            The value column (default: the first one).
        unit : str
            One of the registry's units: ``people``, ``premises``, ``sites``
            (counts: summed upward), ``share`` (0–1; values written as
            percentages, with ``%`` or all between 1 and 100, are divided by
            100), ``km``, ``index``, ``EUR``, ``per10k`` (rates).
        direction : str
            ``higher_worse``, ``lower_worse`` or ``neutral``.
        label : str, optional
            Label shown (default: the column name), as plain text.

        Returns
        -------
        UploadedIndicator
            Id ``user_<slug of the label>``, source ``"user upload: <file>"``,
            values at the uploaded level and, for counts or weighted rates, at
            the levels above (see the module docstring).

        Raises
        ------
        DivideError
            Unknown column, unit or direction, or no usable value.
        """
        column = self.value_columns[0] if column is None else column
        if column not in self.value_columns:
            raise unknown("value column", column, self.value_columns)
        if unit not in UNITS:
            raise unknown("unit", unit, sorted(UNITS))
        if direction not in DIRECTIONS:
            raise unknown("direction", direction, sorted(DIRECTIONS))
        kind = "count" if unit in COUNT_UNITS else "rate"
        rows = self.rows[["code", column, "_weight"]].dropna(subset=[column])
        if rows.empty:
            raise DivideError(
                f"{self.file}: column {quoted(column)} has no usable value"
            )
        notes = []
        values = rows[column].astype(float)
        if unit == "share":
            looks_percent = column in self.percent_columns or (1 < values.max() <= 100)
            if looks_percent:
                values = values / 100
                notes.append(("note_percentages", {}))
            wrong = (values < 0) | (values > 1)
        elif unit in COUNT_UNITS or unit in ("km", "per10k", "per100k"):
            wrong = values < 0
        else:
            wrong = pd.Series(False, index=values.index)
        if wrong.any():
            notes.append(("note_impossible", {"n": int(wrong.sum())}))
            values = values.mask(wrong)
        weights = None
        if self.weight_column and kind == "rate":
            weights = rows["_weight"].astype(float)
        per_code, unweighted = _fold_rows(values, rows["code"], kind, weights)
        if unweighted:
            notes.append(("note_unweighted", {"codes": unweighted}))
        text = safe_text(label if label is not None else column, 80) or "value"
        ind_id = "user_" + (fold_header(text)[:40].strip("_") or "value")
        file = self.file
        weight_sum = None
        if weights is not None:
            weight_sum = (
                weights.where(values.notna()).groupby(rows["code"]).sum(min_count=1)
            )
        level_values, coverage = _aggregate_up(
            per_code, weight_sum, self.level, kind, self.atlas
        )
        if kind == "rate" and weights is None:
            notes.append(("note_rate_level", {"level": LEVEL_WORDS[self.level]}))
        note = {lang: "; ".join(note_texts(notes, lang)) for lang in LANGS}
        return UploadedIndicator(
            id=ind_id,
            label={"fr": text, "en": text},
            unit=unit,
            direction=direction,
            numerator=ind_id,
            sources=(f"user upload: {file}",),
            denominator=None,
            note=note if notes else {},
            file=file,
            level=self.level,
            kind=kind,
            weight=self.weight_column if kind == "rate" else None,
            values=level_values,
            coverage=coverage,
            uploaded=dt.date.today().isoformat(),
            sha256=self.sha256,
        )


def keep_upload(
    store: dict[str, UploadedIndicator],
    ind: UploadedIndicator,
    *,
    previous: str | None = None,
) -> UploadedIndicator:
    """Put an uploaded indicator in a session's store without overwriting another.

    Two uploads may well have a column of the same name (``taux``): the later
    one is numbered, ``taux (2)``, ``taux (3)``..., so that nothing is lost.

    Parameters
    ----------
    store : dict
        The session's uploaded indicators by id; updated in place.
    ind : UploadedIndicator
        As made by :meth:`UserIndicator.as_indicator`.
    previous : str, optional
        The id under which this same upload (the same file and column) was
        stored before: its entry is replaced (say, by a new unit) and the name
        it was given is kept.

    Returns
    -------
    UploadedIndicator
        As stored: ``ind``, or a copy under a numbered label and id (``user_taux``
        → ``user_taux_2``) when another upload holds its id. Its ``label``
        differs from ``ind.label`` exactly when it was renamed.
    """
    if previous is not None and previous in store:
        held = store[previous]
        kept = _renamed(ind, held.id, held.label)
    else:
        number = 1
        while (f"{ind.id}_{number}" if number > 1 else ind.id) in store:
            number += 1
        kept = ind
        if number > 1:
            label = {lang: f"{text} ({number})" for lang, text in ind.label.items()}
            kept = _renamed(ind, f"{ind.id}_{number}", label)
    store[kept.id] = kept
    return kept


def _renamed(
    ind: UploadedIndicator, ind_id: str, label: dict[str, str]
) -> UploadedIndicator:
    if ind_id == ind.id and label == ind.label:
        return ind
    return replace(ind, id=ind_id, numerator=ind_id, label=dict(label))


def _fold_rows(
    values: pd.Series, codes: pd.Series, kind: str, weights: pd.Series | None
) -> tuple[pd.Series, int]:
    """One value per territory, and how many territories were left without one.

    Counts are summed. Rates of several rows folded into one territory (the
    arrondissements of a city, the communes of a merger) are combined only as
    ``Σ value × weight / Σ weight``: without a weight for each of them the
    territory's rate is not shown, never averaged as if the rows were equal.
    """
    if kind == "count":
        return values.groupby(codes).sum(min_count=1), 0
    rows = values.notna().groupby(codes).sum()
    single = values.groupby(codes).first().where(rows == 1)
    if weights is None:
        return single, int((rows > 1).sum())
    w = weights.where(values.notna())
    weighted = values.notna() & w.notna() & (w > 0)
    num = (values * w).where(weighted).groupby(codes).sum(min_count=1)
    den = w.where(weighted).groupby(codes).sum(min_count=1)
    complete = weighted.groupby(codes).sum() == rows
    combined = (num / den).where(complete & (rows > 1))
    out = single.fillna(combined)
    return out, int(((rows > 1) & ~complete).sum())


def _aggregate_up(
    values: pd.Series,
    weights: pd.Series | None,
    level: str,
    kind: str,
    atlas,
) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    own = atlas.level(level)
    base = values.reindex(own.index.astype(str))
    out = {level: base.rename(None)}
    coverage = {level: pd.Series(1.0, index=base.index).where(base.notna(), 0.0)}
    if kind == "rate" and weights is None:
        return out, coverage
    targets = {
        "commune": ["epci", "departement", "region", "france"],
        "departement": ["region", "france"],
        "epci": ["france"],
        "region": ["france"],
    }[level]
    w = None if weights is None else weights.reindex(base.index)
    for target in targets:
        if target == "france":
            key = pd.Series("FR", index=base.index)
        else:
            key = own[target].astype("string").reindex(base.index)
        if kind == "count":
            agg = base.groupby(key).sum(min_count=1)
        else:
            ww = w.where(base.notna() & w.notna())
            num = (base * ww).groupby(key).sum(min_count=1)
            den = ww.groupby(key).sum(min_count=1)
            agg = num / den.where(den > 0)
        members = key.value_counts()
        have = base.notna().groupby(key).sum()
        parent_codes = atlas.level(target).index.astype(str)
        out[target] = agg.reindex(parent_codes).rename(None)
        share = (have / members).astype(float)
        coverage[target] = share.reindex(parent_codes).fillna(0.0)
    return out, coverage


def load_indicator(
    content: bytes,
    name: str,
    *,
    code_column: str | None = None,
    level: str | None = "commune",
    value_columns: list[str] | None = None,
    atlas,
    weight_column: str | None = None,
    raw: RawTable | None = None,
) -> UserIndicator:
    """Read a user's indicator file and join it to the atlas.

    Parameters
    ----------
    content : bytes
        The file: CSV (separator ``;``, ``,``, tab or ``|``; decimal comma or
        point; UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 or
        Latin-1) or Excel ``.xlsx`` (first sheet). Title lines above the header
        are skipped.
    name : str
        The file's name.
    code_column : str, optional
        Column of territory codes; detected when omitted (the column whose
        values mostly are codes of the level).
    level : str or None
        ``commune``, ``epci``, ``departement`` or ``region``; ``None`` detects
        it with the code column.
    value_columns : list of str, optional
        Numeric columns to read; by default every column that is mostly
        numeric and is not a code, name, year or coordinate.
    atlas : divide.atlas.Atlas
        The atlas to join to.
    weight_column : str, optional
        Column weighting the values when a rate is aggregated upward.
    raw : RawTable, optional
        The same file as already read by :func:`read_upload` (a client that
        showed its columns first need not read it again).

    Returns
    -------
    UserIndicator
        The joined table and the report. Bad rows are left out and listed;
        bad cells are ignored and listed.

    Raises
    ------
    SourceError
        Unreadable file, limits broken, no code column, no numeric column.
    DivideError
        Unknown level or named column.
    """
    file = safe_text(name, 120) or "upload"
    content = as_bytes(content, file)
    if raw is None:
        raw = read_upload(content, file)
    frame, lines = raw.frame, raw.lines
    report = raw.start_report(file, "indicator")
    report.rows_read = len(frame) + len(raw.bad_rows)
    if frame.empty:
        raise SourceError(file, "no data rows below the header")

    asked_code_column, asked_level = code_column, level
    code_column, level, notes = pick_code_column(frame, atlas, level, code_column, file)
    report.notes.extend(notes)
    value_columns = _value_columns(
        frame,
        file,
        code_column,
        level,
        value_columns,
        weight_column,
        guessed=asked_code_column is None,
        asked_level=asked_level,
    )
    matcher = code_matcher(atlas, level)
    report.details["level"] = LEVEL_WORDS[level]
    report.details["code column"] = quoted(code_column)
    report.details["value columns"] = ", ".join(quoted(c) for c in value_columns)
    if weight_column:
        report.details["weight column"] = quoted(weight_column)

    codes, current, how, keep = _matched_codes(
        frame, lines, code_column, value_columns, level, matcher, report, raw.row_word
    )
    parsed, percent_columns = _parsed_values(frame, lines, value_columns, keep, report)
    weight = _parsed_weight(frame, lines, weight_column, keep, report)
    rows, table = _joined_rows(
        parsed, weight, lines, codes, current, how, keep, value_columns, report
    )
    report.details["territories with a value"] = (
        "report_with_value",
        {
            "n": len(table),
            "total": len(matcher.codes),
            "levels": Term(f"levels_plural_{level}"),
        },
    )
    return UserIndicator(
        file=file,
        level=level,
        code_column=code_column,
        value_columns=list(value_columns),
        weight_column=weight_column,
        rows=rows,
        table=table,
        report=report,
        percent_columns=percent_columns,
        sha256=hashlib.sha256(content).hexdigest(),
        atlas=atlas,
    )


def _value_columns(
    frame: pd.DataFrame,
    file: str,
    code_column: str,
    level: str,
    value_columns: list[str] | str | None,
    weight_column: str | None,
    *,
    guessed: bool,
    asked_level: str | None,
) -> list[str]:
    """The value columns asked for, checked, or those found to be numeric."""
    others = [c for c in frame.columns if c != code_column]
    if weight_column is not None and weight_column not in frame.columns:
        raise DivideError(
            f"{file}: no weight column {quoted(weight_column)}."
            f"{suggest(weight_column, others)}"
        )
    if value_columns is None:
        found = _numeric_columns(frame, others, weight_column)
        if found:
            return found
        # A column of numbers taken for codes, with nothing else numeric: the
        # file has no code column, whatever the numbers looked like.
        if guessed and not looks_like_code_header(code_column, level):
            raise no_code_column(file, frame, asked_level)
        raise translated(
            SourceError,
            "upload_no_value_column",
            file,
            code=quoted(code_column, 40),
            columns=columns_seen(frame),
        )
    if isinstance(value_columns, str):
        value_columns = [value_columns]
    value_columns = list(dict.fromkeys(value_columns))
    for column in value_columns:
        if column not in frame.columns:
            raise DivideError(
                f"{file}: no column {quoted(column)}.{suggest(column, others)}"
            )
    if code_column in value_columns:
        raise DivideError(f"{file}: the code column cannot also be a value column")
    taken = sorted(set(value_columns) & _RESERVED)
    if taken:
        raise DivideError(
            f"{file}: a value column cannot be called {quoted(taken[0])} (a name "
            "used by the joined table): rename it in the file"
        )
    if not value_columns:
        raise DivideError(f"{file}: choose at least one value column")
    return value_columns


def _matched_codes(
    frame: pd.DataFrame,
    lines: np.ndarray,
    code_column: str,
    value_columns: list[str],
    level: str,
    matcher,
    report: Report,
    row_word: str,
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Codes normalised and matched to today's territories; which rows to keep.

    Returns the normalised codes, today's code of each row, how it was matched
    (``direct``, ``merged``, ``arrondissement``) and the rows kept; every row
    left out is in the report.
    """
    raw_codes = frame[code_column]
    codes = normalise_codes(raw_codes, level)
    restored = raw_codes.str.strip().str.fullmatch(r"\d+").fillna(False) & (
        raw_codes.str.strip() != codes
    ).fillna(False)
    if restored.any():
        example = (
            f"{safe_text(raw_codes[restored].iloc[0], 12)} → {codes[restored].iloc[0]}"
        )
        report.notes.append(
            ("note_leading_zero", {"n": int(restored.sum()), "example": example})
        )
    current, how = matcher.current(codes)
    name_col = name_column(frame, exclude=[code_column, *value_columns])

    keep = pd.Series(True, index=frame.index)
    missing_code = codes.isna()
    for i in flag_rows(report, missing_code, "missing code"):
        report.add(
            Problem.said(
                "missing code",
                ("prob_missing_code", {}),
                row=int(lines[i]),
                column=code_column,
            )
        )
    unknown_code = ~missing_code & current.isna()
    for n, i in enumerate(flag_rows(report, unknown_code, "unknown code")):
        code = str(codes.iloc[i])
        hint = ()
        if n < MAX_SUGGESTED:
            name_value = frame[name_col].iloc[i] if name_col else None
            hint = matcher.close(code, None if pd.isna(name_value) else str(name_value))
        unknown_part = {"level": LEVEL_WORDS[level], "code": quoted(code, 20)}
        report.add(
            Problem.said(
                "unknown code",
                ("prob_unknown_code", unknown_part),
                *hint,
                row=int(lines[i]),
                column=code_column,
                value=safe_text(raw_codes.iloc[i], 40),
            )
        )
    keep &= ~missing_code & ~unknown_code
    report.rows_joined = int(keep.sum())
    keep &= ~_duplicates(frame, lines, codes, keep, code_column, report, row_word)
    keep &= ~_arrondissements_aside(codes, current, how, keep, report)

    return codes, current, how, keep


def _duplicates(frame, lines, codes, keep, code_column, report, row_word):
    """Rows repeating a code already kept (the first one stays), reported."""
    raw_codes = frame[code_column]
    duplicate = keep & codes.duplicated(keep="first")
    first_line = pd.Series(lines, index=frame.index).groupby(codes).transform("first")
    for i in flag_rows(report, duplicate, "duplicate"):
        report.add(
            Problem.said(
                "duplicate",
                (
                    "prob_duplicate",
                    {
                        "code": quoted(codes.iloc[i], 20),
                        "word": Term(f"word_{row_word}"),
                        "first": int(first_line.iloc[i]),
                    },
                ),
                row=int(lines[i]),
                column=code_column,
                value=safe_text(raw_codes.iloc[i], 40),
            )
        )
    return duplicate


def _arrondissements_aside(codes, current, how, keep, report):
    """Arrondissement rows left aside: their commune is in the file too.

    Retired codes folded into today's commune are noted in the report.
    """
    # Paris, Lyon, Marseille: arrondissements break down a parent also present.
    is_arm = keep & (how == "arrondissement").fillna(False)
    parents = set(current[keep & (how == "direct").fillna(False)])
    ignored = is_arm & current.astype(object).isin(parents).astype(bool)
    if ignored.any():
        report.notes.append(("note_arrondissements", {"n": int(ignored.sum())}))
    folded = keep & ~ignored & how.isin(["merged", "arrondissement"]).fillna(False)
    if folded.any():
        examples = ", ".join(
            f"{a} → {b}"
            for a, b in list(zip(codes[folded], current[folded], strict=True))[:5]
        )
        report.notes.append(
            ("note_folded", {"n": int(folded.sum()), "examples": examples})
        )

    return ignored


def _parsed_values(
    frame: pd.DataFrame,
    lines: np.ndarray,
    value_columns: list[str],
    keep: pd.Series,
    report: Report,
) -> tuple[dict[str, pd.Series], list[str]]:
    """Numbers of each value column, and the columns written as percentages."""
    parsed: dict[str, pd.Series] = {}
    percent_columns = []
    for column in value_columns:
        values, invalid, percent = parse_numbers(frame[column])
        if percent.any():
            percent_columns.append(column)
        for i in flag_rows(report, invalid & keep, "not a number", "cell"):
            report.add(
                Problem.said(
                    "not a number",
                    ("prob_not_a_number", {"value": quoted(frame[column].iloc[i], 40)}),
                    row=int(lines[i]),
                    column=column,
                    value=safe_text(frame[column].iloc[i], 40),
                    severity="cell",
                )
            )
        negative = keep & (values < 0).fillna(False)
        for i in flag_rows(report, negative, "out of range", "warning"):
            report.add(
                Problem.said(
                    "out of range",
                    ("prob_negative", {"value": f"{values.iloc[i]:g}"}),
                    row=int(lines[i]),
                    column=column,
                    value=safe_text(frame[column].iloc[i], 40),
                    severity="warning",
                )
            )
        huge = keep & (values.abs() > 1e12).fillna(False)
        for i in flag_rows(report, huge, "out of range", "warning"):
            report.add(
                Problem.said(
                    "out of range",
                    ("prob_huge", {"value": f"{values.iloc[i]:g}"}),
                    row=int(lines[i]),
                    column=column,
                    value=safe_text(frame[column].iloc[i], 40),
                    severity="warning",
                )
            )
        parsed[column] = values

    return parsed, percent_columns


def _parsed_weight(
    frame: pd.DataFrame,
    lines: np.ndarray,
    weight_column: str | None,
    keep: pd.Series,
    report: Report,
) -> pd.Series:
    """Weights of the rows (missing where absent, negative or unreadable)."""
    weight = pd.Series(np.nan, index=frame.index)
    if weight_column:
        weight, invalid, _ = parse_numbers(frame[weight_column])
        bad_weight = (invalid | (weight < 0).fillna(False)) & keep
        for i in flag_rows(report, bad_weight, "not a number", "cell"):
            report.add(
                Problem.said(
                    "not a number",
                    ("prob_weight", {}),
                    row=int(lines[i]),
                    column=weight_column,
                    value=safe_text(frame[weight_column].iloc[i], 40),
                    severity="cell",
                )
            )
        weight = weight.mask(weight < 0)

    return weight


def _joined_rows(
    parsed: dict[str, pd.Series],
    weight: pd.Series,
    lines: np.ndarray,
    codes: pd.Series,
    current: pd.Series,
    how: pd.Series,
    keep: pd.Series,
    value_columns: list[str],
    report: Report,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The usable rows with today's codes, and one line per territory."""
    values_frame = pd.DataFrame(parsed, index=keep.index)
    has_value = values_frame.notna().any(axis=1)
    usable = keep & has_value
    report.usable_rows = int(usable.sum())
    empty_rows = int((keep & ~has_value).sum())
    if empty_rows:
        report.notes.append(("note_empty_rows", {"n": int(empty_rows)}))

    rows = pd.DataFrame(
        {
            "line": lines[usable.to_numpy()],
            "source_code": codes[usable].astype("string").to_numpy(),
            "code": current[usable].astype("string").to_numpy(),
            "how": how[usable].astype("string").to_numpy(),
        }
    )
    for column in value_columns:
        rows[column] = values_frame.loc[usable, column].to_numpy(dtype=float)
    rows["_weight"] = weight[usable].to_numpy(dtype=float)

    grouped = rows.groupby("code", sort=True)
    table = (
        grouped[value_columns].sum(min_count=1)
        if len(rows)
        else pd.DataFrame(columns=value_columns, dtype=float)
    )
    table.insert(0, "folded", grouped.size() if len(rows) else pd.Series(dtype=int))
    table.index.name = "code"
    table = table.reset_index()
    return rows, table


#: Names of the joined tables' own columns, which value columns cannot take.
_RESERVED = frozenset(["code", "folded", "line", "source_code", "how", "_weight"])


def _numeric_columns(
    frame: pd.DataFrame, columns: list[str], weight_column: str | None
) -> list[str]:
    """Value columns: those mostly numeric or, when none is, those with a number.

    A file whose only value column has a few good numbers among bad cells is
    read (the bad cells are listed with what to fix) rather than refused.
    """
    chosen, some = [], []
    for column in columns:
        if (
            column == weight_column
            or column in _RESERVED
            or NOT_VALUE.match(fold_header(column))
        ):
            continue
        values, invalid, _ = parse_numbers(frame[column].head(5000))
        numeric, filled = (
            int(values.notna().sum()),
            int(values.notna().sum() + invalid.sum()),
        )
        if numeric and numeric >= 0.5 * filled:
            chosen.append(column)
        elif numeric:
            some.append(column)
    return chosen or some
