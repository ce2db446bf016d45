"""The embedded DuckDB engine: one connection per job, errors as SourceError."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from divide.errors import DivideError, SourceError

_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_ORIGINAL = re.compile(r"Original Line: (.*)")
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def connect(
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection (no server, no file).

    Parameters
    ----------
    threads : int, optional
        Worker threads (DuckDB's default: one per core).
    memory_limit : str, optional
        e.g. ``"2GB"``: above it DuckDB spills to ``temp_directory``.
    temp_directory : str or Path, optional
        Where to spill (DuckDB's default: ``.tmp`` in the working directory).

    Returns
    -------
    duckdb.DuckDBPyConnection
    """
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [str(memory_limit)])
    if temp_directory:
        con.execute("SET temp_directory = ?", [str(temp_directory)])
    con.execute("SET preserve_insertion_order = false")
    return con


def run(con: duckdb.DuckDBPyConnection, sql: str, file: str, params=None):
    """Execute SQL; a data error becomes a SourceError naming ``file``.

    DuckDB's CSV errors ("CSV Error on Line: 4 ... Expected Number of Columns")
    keep their line number; errors raised by ``error()`` in our own SQL keep
    their message.
    """
    try:
        return con.execute(sql, params or [])
    except duckdb.IOException as exc:
        raise SourceError(file, _first_line(exc)) from None
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise _source_error(exc, file) from None
    except duckdb.OutOfMemoryException as exc:
        raise DivideError(
            f"{file}: DuckDB ran out of memory ({_first_line(exc)}); set a "
            "lower memory limit so it spills to disk, or process fewer "
            "départements at a time"
        ) from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    for prefix in ("Invalid Input Error: ", "Conversion Error: ", "IO Error: "):
        text = text.removeprefix(prefix)
    return text.splitlines()[0] if text else type(exc).__name__


def _source_error(exc: Exception, file: str) -> SourceError:
    text = str(exc)
    line = _CSV_LINE.search(text)
    if line is None:
        return SourceError(file, _first_line(exc))
    original = _ORIGINAL.search(text)
    shown = f" ({original.group(1)[:120]!r})" if original else ""
    counts = _COLUMNS.search(text)
    if counts:
        detail = (
            f"malformed row: {counts.group(2)} fields where the header has "
            f"{counts.group(1)}{shown}"
        )
    else:
        detail = f"malformed row{shown}: {_first_line(exc)}"
    return SourceError(file, detail, row=int(line.group(1)))
