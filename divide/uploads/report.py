"""What went wrong in an upload, row by row, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from divide.formatting import format_count
from divide.i18n import STRINGS, t
from divide.uploads.common import MAX_LISTED, SHOWN, quoted

# ---------------------------------------------------------------------- report


@dataclass
class Problem:
    """One problem found in an uploaded file.

    Attributes
    ----------
    kind : str
        Category (``"unknown code"``, ``"not a number"``, ``"duplicate"``,
        ``"out of range"``, ``"bad row"``, ``"outside France"``, ``"no name"``,
        ``"no location"``, ``"not placed"``, ``"not a point"``, ``"missing
        code"``).
    message : str
        What is wrong, with close matches when there are some.
    row : int, optional
        Line of the file (header = line 1 unless title lines precede it), Excel
        row, or JSON record / GeoJSON feature number.
    column : str, optional
        The column concerned (plain text).
    value : str, optional
        The offending cell (plain text, capped).
    severity : str
        ``"row"`` (the row was left out), ``"cell"`` (the cell was ignored, the
        row kept) or ``"warning"`` (kept as is).
    """

    kind: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "row"
    parts: tuple = ()

    @classmethod
    def said(
        cls,
        kind: str,
        *parts: tuple[str, dict],
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        severity: str = "row",
    ) -> Problem:
        """A problem whose message is made of catalogue texts (``(key, values)``).

        Its ``message`` is the English text; :meth:`text` gives it in French too.
        """
        return cls(kind, _say(parts, "en"), row, column, value, severity, parts)

    def add_part(self, key: str, **values) -> None:
        """Say more: one more catalogue text at the end of the message."""
        self.parts = (*self.parts, (key, values))
        self.message = _say(self.parts, "en")

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"fr"`` or ``"en"``)."""
        return _say(self.parts, lang) if self.parts else self.message

    def where(self, word: str = "line", lang: str = "en") -> str:
        """``"line 4, column 'x'"`` (the parts that are known)."""
        parts = []
        if self.row is not None:
            parts.append(f"{t('word_' + word, lang)} {self.row}")
        if self.column is not None:
            parts.append(f"{t('report_column', lang)} {quoted(self.column)}")
        return ", ".join(parts)


class Term(NamedTuple):
    """A catalogue word given as a value of a message (translated with it)."""

    key: str


def _say(parts: Iterable[tuple[str, dict]], lang: str) -> str:
    return "".join(
        t(key, lang, **{k: _word(v, lang) for k, v in values.items()})
        for key, values in parts
    )


def _word(value, lang: str):
    """A message's value: a catalogue word translated, a tuple of them joined."""
    if isinstance(value, Term):
        return t(value.key, lang)
    if isinstance(value, tuple):
        return "".join(str(_word(v, lang)) for v in value)
    return value


def _count(n: int, lang: str) -> str:
    return format_count(n, lang)


#: A note on how a file was read: a catalogue text and its values (numbers
#: formatted in the reader's language), or a plain text.
Note = tuple[str, dict] | str


def note_texts(notes: Iterable[Note], lang: str) -> list[str]:
    """The notes worded in ``lang``."""
    return [
        note
        if isinstance(note, str)
        else _say(
            [
                (
                    note[0],
                    {
                        k: _count(v, lang) if type(v) is int else v
                        for k, v in note[1].items()
                    },
                )
            ],
            lang,
        )
        for note in notes
    ]


def _slug(kind: str) -> str:
    return kind.replace(" ", "_")


@dataclass
class Report:
    """What was read from an uploaded file, what was used and what was not.

    Attributes
    ----------
    file : str
        The file's name (plain text).
    kind : str
        ``"indicator"``, ``"sites"`` or ``"arcep"``.
    rows_read : int
        Data rows in the file (blank lines not counted).
    rows_joined : int
        Rows whose territory code (or location) matched the atlas.
    usable_rows : int
        Rows that made it into the result.
    details : dict
        How the file was read (format, encoding, separator, sheet, level,
        columns used...), as label → plain text, or → (i18n key, counts) for
        a text worded in the report's language.
    problems : list of Problem
        The first :data:`MAX_LISTED` problems, in file order within each check.
    counts : dict
        Number of problems of each kind (all of them, not only those listed).
    notes : list of Note
        Things done to the data that the user should know about.
    fatal : str, optional
        Why the file could not be used at all (only set by
        :func:`validate_file`, which reports instead of raising).
    row_word : str
        What a row number means: ``"line"``, ``"row"`` (Excel), ``"record"``
        (JSON) or ``"feature"`` (GeoJSON).
    """

    file: str
    kind: str
    rows_read: int = 0
    rows_joined: int = 0
    usable_rows: int = 0
    details: dict[str, str | tuple[str, dict]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    fatal: str | None = None
    row_word: str = "line"
    _severities: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, problem: Problem) -> None:
        """Count a problem and keep it if fewer than :data:`MAX_LISTED` are kept."""
        self.counts[problem.kind] = self.counts.get(problem.kind, 0) + 1
        self._severities[problem.severity] = (
            self._severities.get(problem.severity, 0) + 1
        )
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)

    def count(self, kind: str, severity: str, n: int) -> None:
        """Count ``n`` problems that are not listed one by one."""
        if n > 0:
            self.counts[kind] = self.counts.get(kind, 0) + n
            self._severities[severity] = self._severities.get(severity, 0) + n

    def move(self, before: str, after: str, n: int) -> None:
        """Change the effect of ``n`` counted (unlisted) problems."""
        if n > 0:
            self._severities[before] = self._severities.get(before, 0) - n
            self._severities[after] = self._severities.get(after, 0) + n

    def set_severity(self, problem: Problem, severity: str) -> None:
        """Change the effect of a problem already added (keeps the counts right)."""
        self._severities[problem.severity] -= 1
        self._severities[severity] = self._severities.get(severity, 0) + 1
        problem.severity = severity

    @property
    def ok(self) -> bool:
        """True when the file was read and at least one row is usable."""
        return self.fatal is None and self.usable_rows > 0

    @property
    def n_problems(self) -> int:
        """Number of problems found (listed or not)."""
        return sum(self.counts.values())

    def problems_frame(self, lang: str = "en") -> pd.DataFrame:
        """The listed problems as a table (one row each), for display in ``lang``."""
        word = t(f"word_{self.row_word}", lang)
        return pd.DataFrame(
            {
                word: [p.row for p in self.problems],
                t("report_column", lang): [p.column for p in self.problems],
                t("report_col_value", lang): [p.value for p in self.problems],
                t("report_col_problem", lang): [
                    t(f"prob_kind_{_slug(p.kind)}", lang) for p in self.problems
                ],
                t("report_col_effect", lang): [
                    t(f"report_effect_{p.severity}", lang) for p in self.problems
                ],
                t("report_col_message", lang): [p.text(lang) for p in self.problems],
            }
        ).astype({word: "Int64"})

    def detail(self, label: str, lang: str = "en") -> str:
        """One detail of the reading (``"format"``...), worded in ``lang``."""
        value = self.details[label]
        return note_texts([value], lang)[0] if isinstance(value, tuple) else value

    def text(self, limit: int = SHOWN, lang: str = "en") -> str:
        """The report as the app and ``divide validate`` show it.

        Parameters
        ----------
        limit : int
            Problems listed in full (the others are counted).
        lang : {"en", "fr"}
            Language of the report's frame, problems and fixes (and its notes;
            the format details stay as read).

        Returns
        -------
        str
            Counts, how the file was read, the first problems with their
            line/column and close matches, what to fix, and notes.
        """
        kind = t(f"report_kind_{self.kind}", lang)
        lines = [t("report_check", lang, file=quoted(self.file, 120), kind=kind)]
        if self.fatal:
            lines += ["", t("report_fatal", lang, why=self.fatal)]
            return "\n".join(lines)
        colon = "\u00a0: " if lang == "fr" else ": "
        for label, value in self.details.items():
            value = self.detail(label, lang)
            key = f"report_detail_{_slug(label)}"
            lines.append(f"  {t(key, lang) if key in STRINGS else label}{colon}{value}")
        counts = {
            "read": _count(self.rows_read, lang),
            "matched": _count(self.rows_joined, lang),
            "usable": _count(self.usable_rows, lang),
        }
        lines += ["", t("report_rows", lang, **counts)]
        if not self.counts:
            lines.append(t("report_no_problem", lang))
        else:
            effects = ", ".join(
                f"{t('report_sev_' + s, lang)}{colon}{_count(n, lang)}"
                for s, n in sorted(self._severities.items())
                if n
            )
            kinds = ", ".join(
                f"{t('prob_kind_' + _slug(k), lang)} ×{_count(n, lang)}"
                for k, n in self.counts.items()
            )
            lines += ["", t("report_problems", lang, kinds=kinds, effects=effects)]
            for p in self.problems[:limit]:
                where = p.where(self.row_word, lang)
                lines.append(f"  - {where + colon if where else ''}{p.text(lang)}")
            hidden = self.n_problems - min(limit, len(self.problems))
            if hidden > 0:
                lines.append(f"  {t('report_more', lang, n=_count(hidden, lang))}")
            lines += ["", t("report_what_to_fix", lang)]
            for kind in self.counts:
                fix = t(f"fix_{_slug(kind)}", lang)
                lines.append(f"  - {t('prob_kind_' + _slug(kind), lang)}{colon}{fix}")
        if self.notes:
            lines += ["", t("report_notes", lang)]
            lines += [f"  - {note}" for note in note_texts(self.notes, lang)]
        if not self.usable_rows:
            lines += ["", t("report_nothing", lang)]
        return "\n".join(lines)


def flag_rows(report: Report, mask, kind: str, severity: str = "row") -> np.ndarray:
    """Positions of flagged rows to describe one by one.

    Only as many as the report still lists are returned; the others are counted
    without building their message, so that a file of 200,000 bad rows stays fast.
    """
    if isinstance(mask, pd.Series):
        mask = mask.fillna(False).to_numpy(dtype=bool)
    where = np.flatnonzero(np.asarray(mask, dtype=bool))
    room = max(MAX_LISTED - len(report.problems), 0)
    report.count(kind, severity, len(where) - room)
    return where[:room]
