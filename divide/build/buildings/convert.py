"""Official CSVs (``base_imb``, ``actuel``) → Parquet partitioned by département.

One DuckDB ``COPY ... PARTITION_BY (dep)`` per file: the CSV is parsed with the
header and separator read from its first line (DuckDB's own sniffer can take a
malformed last line for the layout and skip the data), every column as text,
then cast to the declared type with checks written in SQL (``error()`` stops the
copy on the first bad value, naming it and its building). Commune codes stay
strings; a code that lost its leading zero (``1001``) is restored (``01001``).

Output::

    OUT/buildings/dep=29/part_<uuid>.parquet     imb_id, imb_x, imb_y, ...
    OUT/eligibility/dep=29/part_<uuid>.parquet   imb_id, code_techno, ...
    OUT/manifest.json                            files and rows converted

A SYNTHETIC input (a ``SYNTHETIC`` file name or marker) gives a SYNTHETIC output:
``SYNTHETIC_<uuid>.parquet`` files and the marker copied.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

from divide.build.buildings import engine
from divide.build.buildings.layout import (
    CLASS_CODES,
    CSV_PATTERNS,
    MANIFEST,
    PARTITION,
    SOURCE_EPSG,
    SYNTHETIC_MARKER,
    TABLES,
    TECHNOLOGIES,
    Column,
    departement_of,
)
from divide.build.buildings.projection import MERCATOR_RADIUS
from divide.build.readers._checks import COMMUNE_CODE as CODE_PATTERN
from divide.errors import DivideError, SourceError, suggest

#: A département in a file name: ``actuel_29.csv.gz``, ``base_imb_2A.csv``.
_FILE_DEP = re.compile(r"_(\d{2,3}|2[AB])\.csv", re.IGNORECASE)
_SEPARATORS = ";,\t|"


def header(path: Path) -> tuple[list[str], str]:
    """Column names and separator of a CSV (``.gz`` or not), from its first line.

    Raises
    ------
    SourceError
        Unreadable, empty or binary file.
    """
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            first = fh.readline(1 << 16)
    except (OSError, EOFError) as exc:
        raise SourceError(path.name, f"cannot read the file: {exc}") from None
    if b"\x00" in first:
        raise SourceError(path.name, "this looks like a binary file, not a CSV")
    text = first.decode("utf-8-sig", errors="replace").strip("\r\n")
    if not text.strip():
        raise SourceError(path.name, "the file is empty (no header line)")
    sep = max(_SEPARATORS, key=text.count)
    names = [n.strip().strip('"').strip() for n in text.split(sep)]
    return names, sep


def resolve(columns: tuple[Column, ...], found: list[str], file: str) -> dict:
    """Map each declared column to its name in a file (through its aliases).

    Returns
    -------
    dict
        Declared name → name in the file, or None for an absent optional column.

    Raises
    ------
    SourceError
        A required column is absent (its name, close matches and what was found).
    """
    lowered = {name.lower(): name for name in found}
    mapping: dict[str, str | None] = {}
    missing = []
    for col in columns:
        hit = next(
            (
                lowered[n.lower()]
                for n in (col.name, *col.aliases)
                if n.lower() in lowered
            ),
            None,
        )
        if hit is None and col.required:
            missing.append(col.name)
        mapping[col.name] = hit
    if missing:
        hints = "".join(suggest(m, found) for m in missing)
        raise SourceError(
            file,
            f"missing column(s) {', '.join(missing)}.{hints} "
            f"Found: {', '.join(found[:20])}",
            row=1,
            column=missing[0],
        )
    return mapping


def _read_csv(path: Path, names: list[str], sep: str) -> str:
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    escaped = str(path).replace("'", "''")
    return (
        f"read_csv('{escaped}', auto_detect=false, header=true, delim='{sep}', "
        f"quote='\"', escape='\"', columns={columns})"
    )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _bad(what: str, value: str) -> str:
    """SQL: raise naming a bad value and its building."""
    return (
        f"error('{what} ''' || coalesce({value}, '(empty)') || ''' (imb_id ' || "
        "coalesce(imb_id_raw, '?') || ')')"
    )


def _building_select(relation: str, m: dict, degrees: bool) -> str:
    code = f"trim({_q(m['imb_code_insee'])})"
    code = (  # a code that lost its leading zero: 1001 → 01001
        f"CASE WHEN regexp_full_match({code}, '[0-9]{{4}}') "
        f"THEN lpad({code}, 5, '0') ELSE {code} END"
    )
    x, y = (
        f"TRY_CAST(nullif(trim({_q(m[c])}), '') AS DOUBLE)" for c in ("imb_x", "imb_y")
    )
    if degrees:  # longitude / latitude: to Web Mercator metres, like ARCEP's files
        r = MERCATOR_RADIUS
        x, y = (
            f"({r!r} * radians({x}))",
            f"({r!r} * ln(tan(pi() / 4 + radians({y}) / 2)))",
        )
    premises = f"TRY_CAST(trim({_q(m['imb_nbr_logloc'])}) AS INTEGER)"
    imb_type = f"nullif(trim({_q(m['imb_type'])}), '')" if m["imb_type"] else "NULL"
    return f"""
        SELECT
          CASE WHEN TRY_CAST(imb_id_raw AS BIGINT) IS NULL
               THEN {_bad("imb_id is not an integer:", "imb_id_raw")}
               ELSE CAST(imb_id_raw AS BIGINT) END AS imb_id,
          CASE WHEN nullif(trim(x_raw), '') IS NOT NULL AND x IS NULL
               THEN {_bad("imb_x is not a number:", "x_raw")} ELSE x END AS imb_x,
          CASE WHEN nullif(trim(y_raw), '') IS NOT NULL AND y IS NULL
               THEN {_bad("imb_y is not a number:", "y_raw")} ELSE y END AS imb_y,
          CASE WHEN regexp_full_match(code, '{CODE_PATTERN}') THEN code
               ELSE {_bad("imb_code_insee is not a 5-character INSEE commune code:", "code")}
               END AS imb_code_insee,
          CASE WHEN premises >= 0 THEN premises
               ELSE {_bad("imb_nbr_logloc is not a count of premises:", "premises_raw")}
               END AS imb_nbr_logloc,
          imb_type,
          {departement_of("code")} AS {PARTITION}
        FROM (
          SELECT trim({_q(m["imb_id"])}) AS imb_id_raw,
                 {_q(m["imb_x"])} AS x_raw, {_q(m["imb_y"])} AS y_raw, {x} AS x, {y} AS y,
                 {code} AS code, {_q(m["imb_nbr_logloc"])} AS premises_raw,
                 {premises} AS premises, {imb_type} AS imb_type
          FROM {relation}
        )
    """  # noqa: E501


def _coded(column: str, name: str, known) -> str:
    """SQL: a code column upper-cased, or an error naming the bad code."""
    value = f"upper(trim({column}))"
    inside = ", ".join(f"'{k}'" for k in known)
    listed = ", ".join(known)
    bad = _bad(f"{name} is not one of {listed}:", column)
    return f"CASE WHEN {value} IN ({inside}) THEN {value} ELSE {bad} END"


def _eligibility_select(relation: str, m: dict) -> str:
    def opt(name):
        return f"nullif(trim({_q(m[name])}), '')" if m[name] else "NULL"

    techno = _coded(_q(m["code_techno"]), "code_techno", TECHNOLOGIES)
    down = _coded(
        _q(m["classe_debit_descendant"]), "classe_debit_descendant", CLASS_CODES
    )
    return f"""
        SELECT
          CASE WHEN TRY_CAST(imb_id_raw AS BIGINT) IS NULL
               THEN {_bad("imb_id is not an integer:", "imb_id_raw")}
               ELSE CAST(imb_id_raw AS BIGINT) END AS imb_id,
          operateur AS code_operateur,
          {techno} AS code_techno,
          {down} AS classe_debit_descendant,
          montant AS classe_debit_montant
        FROM (
          SELECT trim({_q(m["imb_id"])}) AS imb_id_raw, {opt("code_operateur")} AS operateur,
                 {_q(m["code_techno"])}, {_q(m["classe_debit_descendant"])},
                 {opt("classe_debit_montant")} AS montant
          FROM {relation}
        )
    """  # noqa: E501


def is_synthetic(path: Path) -> bool:
    """Whether a folder (or file) holds SYNTHETIC data (marker or file names)."""
    if path.is_file():
        return "SYNTHETIC" in path.name.upper()
    return (path / SYNTHETIC_MARKER).exists() or any(
        "SYNTHETIC" in p.name.upper() for p in path.glob("*.csv*")
    )


def _files(source: Path) -> dict[str, list[Path]]:
    if not source.exists():
        raise DivideError(f"{source}: no such file or folder")
    found = {}
    for table, pattern in CSV_PATTERNS.items():
        if source.is_file():
            found[table] = [source] if source.match(pattern) else []
        else:
            found[table] = sorted(source.glob(pattern))
    if not found["buildings"]:
        raise DivideError(
            f"{source}: no base_imb file (expected names like base_imb_29.csv.gz; "
            "the buildings file is needed to place eligibility rows in communes)"
        )
    return found


def convert(
    source: str | Path,
    out: str | Path,
    *,
    overwrite: bool = False,
    con=None,
) -> dict:
    """Convert ARCEP's building-level CSVs into Parquet partitioned by département.

    Parameters
    ----------
    source : str or Path
        A folder of ``base_imb*.csv[.gz]`` and ``actuel*.csv[.gz]`` files (per
        département or national), or one ``base_imb`` file.
    out : str or Path
        Folder to write (must be empty unless ``overwrite``).
    overwrite : bool
        Replace the Parquet data already in ``out``.
    con : duckdb.DuckDBPyConnection, optional
        Connection to use (see :func:`divide.build.buildings.engine.connect`).

    Returns
    -------
    dict
        The manifest also written to ``out/manifest.json``: per file, the rows
        read and written, the columns used, whether coordinates were in degrees;
        ``synthetic``.

    Raises
    ------
    SourceError
        A missing column, a malformed row, a bad value (named with its building),
        a building id given twice.
    DivideError
        No ``base_imb`` file, or ``out`` not writable or not empty.
    """
    source, out = Path(source), Path(out)
    files = _files(source)
    engine.output_folder(out, overwrite=overwrite, what="Parquet data")
    con = con or engine.connect()
    synthetic = is_synthetic(source)
    pattern = "SYNTHETIC_{uuid}" if synthetic else "part_{uuid}"
    manifest: dict = {"source": str(source), "synthetic": synthetic, "files": []}
    try:
        for path in files["buildings"]:
            manifest["files"].append(_convert_buildings(con, path, out, pattern))
        _check_unique(con, out)
        for path in files["eligibility"]:
            manifest["files"].append(_convert_eligibility(con, path, out, pattern))
    except BaseException:
        for sub in TABLES:
            shutil.rmtree(out / sub, ignore_errors=True)
        raise
    if synthetic:
        marker = source / SYNTHETIC_MARKER if source.is_dir() else None
        text = marker.read_text() if marker and marker.exists() else "{}"
        (out / SYNTHETIC_MARKER).write_text(text)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def _copy(con, select: str, out: Path, table: str, pattern: str, file: str) -> int:
    target = str(out / table).replace("'", "''")
    sql = (
        f"COPY ({select}) TO '{target}' (FORMAT parquet, COMPRESSION zstd, "
        f"PARTITION_BY ({PARTITION}), APPEND, FILENAME_PATTERN '{pattern}')"
    )
    return int(engine.run(con, sql, file).fetchone()[0])


def _convert_buildings(con, path: Path, out: Path, pattern: str) -> dict:
    names, sep = header(path)
    m = resolve(TABLES["buildings"], names, path.name)
    relation = _read_csv(path, names, sep)
    # ARCEP documents EPSG:3857 metres; the 2020 columns were called longitude /
    # latitude. Coordinates that all fit in degrees are taken as degrees.
    bound = engine.run(
        con,
        f"SELECT max(abs(TRY_CAST({_q(m['imb_x'])} AS DOUBLE))), "
        f"max(abs(TRY_CAST({_q(m['imb_y'])} AS DOUBLE))) FROM {relation}",
        path.name,
    ).fetchone()
    degrees = bound[0] is not None and bound[0] <= 180 and bound[1] <= 90
    rows = _copy(
        con,
        _building_select(relation, m, degrees),
        out,
        "buildings",
        pattern,
        path.name,
    )
    return {
        "file": path.name,
        "table": "buildings",
        "rows": rows,
        "columns": {k: v for k, v in m.items() if v},
        "coordinates": "degrees → EPSG:3857" if degrees else f"EPSG:{SOURCE_EPSG}",
    }


def _check_unique(con, out: Path) -> None:
    if not any((out / "buildings").glob("*/*.parquet")):
        return  # header-only files: nothing written
    root = str(out / "buildings").replace("'", "''")
    dup = engine.run(
        con,
        f"SELECT imb_id, count(*) FROM read_parquet('{root}/*/*.parquet') "
        "GROUP BY imb_id HAVING count(*) > 1 LIMIT 1",
        "base_imb",
    ).fetchone()
    if dup:
        raise SourceError(
            "base_imb",
            f"building imb_id {dup[0]} appears {dup[1]} times; each building must "
            "have one row",
            column="imb_id",
        )


def _convert_eligibility(con, path: Path, out: Path, pattern: str) -> dict:
    names, sep = header(path)
    m = resolve(TABLES["eligibility"], names, path.name)
    relation = _read_csv(path, names, sep)
    select = _eligibility_select(relation, m)
    dep = _FILE_DEP.search(path.name)
    report = {"file": path.name, "table": "eligibility"}
    if dep:
        code = dep.group(1).upper()
        rows = _copy(
            con,
            f"SELECT *, '{code}' AS {PARTITION} FROM ({select})",
            out,
            "eligibility",
            pattern,
            path.name,
        )
        report.update(rows=rows, departement=code)
    elif not any((out / "buildings").glob("*/*.parquet")):
        read = engine.run(con, f"SELECT count(*) FROM {relation}", path.name)
        report.update(rows=0, without_building=int(read.fetchone()[0]))
    else:  # a national file: each row takes its building's département
        root = str(out / "buildings").replace("'", "''")
        joined = (
            f"SELECT e.*, b.{PARTITION} FROM ({select}) e JOIN (SELECT imb_id, "
            f"{PARTITION} FROM read_parquet('{root}/*/*.parquet', "
            f"hive_partitioning=true, hive_types={{'{PARTITION}': VARCHAR}})) b "
            "USING (imb_id)"
        )
        rows = _copy(con, joined, out, "eligibility", pattern, path.name)
        read = engine.run(con, f"SELECT count(*) FROM {relation}", path.name)
        report.update(rows=rows, without_building=int(read.fetchone()[0]) - rows)
    report["columns"] = {k: v for k, v in m.items() if v}
    return report
