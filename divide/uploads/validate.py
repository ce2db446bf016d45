"""Checking a file from a path (the CLI's ``divide validate``)."""

from __future__ import annotations

from pathlib import Path

from divide.errors import DivideError, SourceError, unknown
from divide.uploads.common import MAX_BYTES, human_size, safe_text
from divide.uploads.indicator import load_indicator
from divide.uploads.report import Report
from divide.uploads.sites import load_sites

# ------------------------------------------------------------------- validate


def validate_file(
    path: str | Path,
    kind: str,
    atlas,
    *,
    level: str | None = None,
    code_column: str | None = None,
    weight_column: str | None = None,
) -> Report:
    """Check a file of indicators or sites and return the report.

    Parameters
    ----------
    path : str or Path
        The file.
    kind : str
        ``"indicator"`` or ``"sites"``.
    atlas : divide.atlas.Atlas
        The atlas to join to.
    level : str, optional
        Level of an indicator's codes; detected when omitted.
    code_column, weight_column : str, optional
        An indicator's code column (detected when omitted) and weight column:
        the choices the app offers.

    Returns
    -------
    Report
        The same report the app shows. A file that cannot be used at all gives
        a report with ``fatal`` set and ``usable_rows == 0`` instead of an error.

    Raises
    ------
    DivideError
        Unknown ``kind``, or the file does not exist.
    """
    if kind not in ("indicator", "sites"):
        raise unknown("kind", kind, ["indicator", "sites"])
    p = Path(path)
    file = safe_text(p.name, 120) or "upload"
    if not p.is_file():
        raise SourceError(file, f"file not found: {safe_text(p, 200)}")
    report = Report(file=file, kind=kind)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(
                file,
                f"the file is {human_size(size)}; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB.",
            )
        content = p.read_bytes()
    except OSError as exc:
        report.fatal = f"cannot read the file: {safe_text(exc, 200)}"
        return report
    except DivideError as exc:
        report.fatal = str(exc)
        return report
    try:
        if kind == "indicator":
            return load_indicator(
                content,
                file,
                code_column=code_column,
                level=level,
                value_columns=None,
                atlas=atlas,
                weight_column=weight_column,
            ).report
        return load_sites(content, file, atlas).report
    except DivideError as exc:
        report.fatal = safe_text(exc, 2000)
        return report
