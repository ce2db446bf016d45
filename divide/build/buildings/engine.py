"""The embedded DuckDB engine: one connection per job, errors as SourceError.

Also the one check of the folders the building-level commands write to.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb

from divide.build.buildings.layout import MANIFEST, SYNTHETIC_MARKER, TABLES
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


def output_folder(out: str | Path, *, overwrite: bool = False, what: str = "data"):
    """Create an output folder, check it can be written, refuse to mix data sets.

    Parameters
    ----------
    out : str or Path
        The folder.
    overwrite : bool
        Empty a non-empty folder first, if ``divide buildings`` wrote it (only
        then is anything deleted); when
        False a non-empty folder is refused. None: accept a non-empty folder as it
        is (files of the same names are replaced).
    what : str
        What will be written, for messages.

    Returns
    -------
    Path

    Raises
    ------
    DivideError
        ``out`` is a file, is not empty, or cannot be written.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise DivideError(f"{out} is a file; choose a folder for the {what}")
    if overwrite is not None and out.exists() and any(out.iterdir()):
        if not overwrite:
            raise DivideError(
                f"{out} is not empty; choose an empty folder, or --overwrite to "
                f"replace what is there with the {what}"
            )
        if not _ours(out):
            raise DivideError(
                f"{out} holds files this command did not write; --overwrite only "
                "replaces a folder written by `divide buildings`: choose another"
            )
        shutil.rmtree(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write_test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise DivideError(
            f"cannot write to {out}: {exc.strerror or exc}; choose a folder you "
            "can write to"
        ) from None
    return out


def _ours(folder: Path) -> bool:
    """Whether a folder was written by ``divide buildings`` (safe to replace)."""
    names = {p.name for p in folder.iterdir()}
    return bool(names & {MANIFEST, SYNTHETIC_MARKER, *TABLES}) or all(
        n.startswith("SYNTHETIC") for n in names
    )
