"""The ``divide`` command line: build, show, export and check the atlas.

Each command imports the part of the library it runs, inside its function: the
library pulls geopandas, plotly and DuckDB, and ``divide --help`` or a typo should
answer at once. This is the only module of ``divide`` with function-level imports
of the project (``tests/test_layers.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from divide.errors import DivideError
from divide.territory import LEVELS


def _write_csv(table, data: bytes, output: str | None) -> int:
    """Write CSV bytes to a file (or stdout for None / "-"); a clear error if not."""
    if output in (None, "-"):
        sys.stdout.write(data.decode("utf-8"))
        return 0
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise DivideError(
            f"cannot write {output}: {exc.strerror or exc}; choose a file in a "
            "folder you can write to"
        ) from None
    print(f"{len(table)} rows → {output}")
    return 0


def _atlas(args):
    from divide.atlas import Atlas

    return Atlas.load(args.atlas)


def cmd_build(args) -> int:
    """Build the atlas."""
    from divide.build.atlas import build

    quality = build(args.raw, args.out)
    for name, report in quality["sources"].items():
        rate = report.get("match_rate")
        extra = f" match {rate:.2%}" if rate is not None else ""
        print(f"  {name}: {report.get('rows_read')} rows{extra}")
    return 0


def cmd_show(args) -> int:
    """Print one territory as JSON."""
    from divide.profile import territory_json

    atlas = _atlas(args)
    print(
        json.dumps(
            territory_json(atlas, args.level, args.code), indent=1, ensure_ascii=False
        )
    )
    return 0


def cmd_export(args) -> int:
    """Export a table."""
    from divide import export
    from divide.atlas import check_level
    from divide.registry import parse_indicator_list
    from divide.typology import parse_where

    check_level(args.level)
    if args.format not in export.FORMATS:
        from divide.errors import unknown

        raise unknown("format", args.format, export.FORMATS)
    types, thresholds = export.split_where(args.where)
    where = parse_where(types)
    atlas = _atlas(args)
    ids = parse_indicator_list(args.indicators)
    if ids is not None:  # a filtered indicator is exported too
        ids = list(dict.fromkeys([*ids, *(r.indicator for r in thresholds)]))
    frame = export.table(
        atlas,
        args.level,
        within=args.within,
        indicator_ids=ids,
        where=where,
        thresholds=thresholds,
    )
    written = export.write(
        atlas,
        args.level,
        frame,
        args.format,
        Path(args.output),
        vintages=args.vintages,
    )
    print(f"{len(frame)} rows → " + ", ".join(str(p) for p in written))
    return 0


def cmd_series(args) -> int:
    """Export dated series in long format (one row per territory and date)."""
    from divide import series as dated
    from divide.export import csv_bytes

    atlas = _atlas(args)
    ids = [s.strip() for s in args.ids.split(",")] if args.ids else None
    codes = [c.strip() for c in args.codes.split(",")] if args.codes else None
    table = dated.long_table(atlas, ids, args.level, codes)
    return _write_csv(table, csv_bytes(table), args.output)


def cmd_assets(args) -> int:
    """Fetch Leaflet's files for offline maps."""
    from divide import assets

    for path in assets.fetch():
        print(f"  {path}")
    return 0


def cmd_recommend(args) -> int:
    """Print the recommendations and initiatives that fire for a territory."""
    from divide.recommend import recommend_json

    result = recommend_json(_atlas(args), args.level, args.code, lang=args.lang)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


def cmd_validate(args) -> int:
    """Validate a user file and print the report; exit 2 when nothing is usable."""
    from divide.uploads import validate_file

    report = validate_file(
        Path(args.file),
        args.kind,
        atlas=_atlas(args),
        level=args.level,
        code_column=args.code_column,
        weight_column=args.weight,
    )
    print(report.text())
    return 0 if report.usable_rows else 2


def cmd_download(args) -> int:
    """Fetch the current official files into a local cache."""
    from divide.build.download import download

    if args.arcep_quarter:
        from divide.build.download import download_arcep_quarters

        for line in download_arcep_quarters(Path(args.raw), args.arcep_quarter):
            print(line)
        return 0
    for line in download(Path(args.dest)):
        print(line)
    return 0


def cmd_quality(args) -> int:
    """Print the data-quality report, or with --details every row behind it."""
    from divide.profile import quality_text

    atlas = _atlas(args)
    if not args.details:
        print(quality_text(atlas.quality))
        return 0
    table = atlas.quality_details()
    return _write_csv(table, table.to_csv(index=False).encode("utf-8"), args.output)


def _codes(text: str | None) -> list[str] | None:
    """A comma-separated list of codes (None when not given)."""
    if text is None:
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def _say(synthetic: bool, text: str) -> None:
    print(("SYNTHETIC data — " if synthetic else "") + text)


def _engine(args):
    from divide.build.buildings import engine

    return engine.connect(threads=args.threads, memory_limit=args.memory_limit)


def cmd_buildings_synth(args) -> int:
    """Write a SYNTHETIC building-level data set in ARCEP's layout."""
    from divide.build.buildings import synth

    def shown(dep, f):
        _say(True, f"{dep}: {f['buildings']:,} buildings, "
                   f"{f['eligibility_rows']:,} eligibility rows")  # fmt: skip

    record = synth.synthesize(
        _codes(args.departements) or [],
        args.rows,
        args.out,
        seed=args.seed,
        fmt=args.format,
        overwrite=args.overwrite,
        con=_engine(args),
        progress=shown,
    )
    _say(
        True,
        f"{record['buildings']:,} buildings, {record['eligibility_rows']:,} rows "
        f"→ {args.out} ({synth.LABEL})",
    )
    return 0


def cmd_buildings_convert(args) -> int:
    """Convert ARCEP's building-level CSVs into partitioned Parquet."""
    from divide.build.buildings.convert import convert

    manifest = convert(args.csv, args.out, overwrite=args.overwrite, con=_engine(args))
    for f in manifest["files"]:
        extra = (
            f" ({f['without_building']:,} without a building)"
            if (f.get("without_building"))
            else ""
        )
        _say(manifest["synthetic"], f"{f['file']}: {f['rows']:,} rows{extra}")
    _say(manifest["synthetic"], f"Parquet by département → {args.out}")
    return 0


def cmd_buildings_aggregate(args) -> int:
    """Aggregate building-level Parquet into commune columns and a grid."""
    from divide.build.buildings import aggregate as agg
    from divide.build.buildings import engine
    from divide.build.buildings.layout import DEFAULT_TECHNOLOGIES, TECHNOLOGIES

    techs = _codes(args.technologies) or (
        list(TECHNOLOGIES) if args.with_satellite else list(DEFAULT_TECHNOLOGIES)
    )
    synthetic = (Path(args.parquet) / "SYNTHETIC.json").exists()
    engine.output_folder(args.output, overwrite=None)  # fail before the work

    def shown(dep, f):
        figures = f"{f['buildings']:,} buildings, {f['seconds']:.2f} s"
        _say(synthetic, f"{dep}: {f['eligibility_rows']:,} rows, {figures}")

    result = agg.aggregate(
        args.parquet,
        departements=_codes(args.departements),
        technologies=techs,
        cell_size=args.cell_size,
        con=_engine(args),
        progress=shown,
    )
    written = agg.write(result, args.output, args.format)
    total = result.report["total"]
    _say(
        result.synthetic,
        f"{len(result.communes):,} communes, {len(result.grid):,} cells from "
        f"{total['eligibility_rows']:,} rows → " + ", ".join(str(p) for p in written),
    )
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line like every other error of the CLI."""

    def error(self, message: str):
        """Print ``divide: error: ...`` on one line and exit with code 2."""
        self.exit(2, f"divide: error: {message} (see `{self.prog} --help`)\n")


def parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests).

    Over 80 lines on purpose: it is one table of the commands and their
    options, read top to bottom like ``divide --help``; split, it would scatter
    that table without making any part of it simpler.
    """
    p = _Parser(
        prog="divide", description="An open atlas of the digital divide in France."
    )
    p.add_argument("--atlas", help="atlas folder (default: the embedded data/atlas)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the atlas from the raw open data")
    b.add_argument("--raw", required=True, help="folder of raw files")
    b.add_argument("--out", required=True, help="atlas folder to write")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("show", help="every indicator of one territory, as JSON")
    s.add_argument("--level", required=True)
    s.add_argument("--code")
    s.set_defaults(func=cmd_show)

    e = sub.add_parser("export", help="export a filtered table")
    e.add_argument("--level", required=True)
    e.add_argument("--within", help="scope: dep:29, reg:53, epci:200054781")
    e.add_argument("--indicators", help="comma-separated ids (default: all)")
    e.add_argument(
        "--where",
        action="append",
        metavar="KEY=VALUE|ID<VALUE",
        help="keep communes of some types, e.g. density3=rural, "
        "density=bourgs_ruraux,petites_villes, mountain=any (keys: "
        "density, density3, rurality, centrality, mountain; above commune level, "
        "values are recomputed over the kept communes); or rows whose value passes "
        "a threshold: 'thd30_share<0.5' (shares as fractions, or '<50%%'), "
        "'population>=1000', operators < <= > >=. Repeatable: all must hold",
    )
    e.add_argument(
        "--vintages",
        action="store_true",
        help="CSV: add a <id>_source column (source, vintage, date) per indicator",
    )
    e.add_argument("--format", default="csv")
    e.add_argument("-o", "--output", required=True)
    e.set_defaults(func=cmd_export)

    q = sub.add_parser("quality", help="the data-quality report")
    q.add_argument(
        "--details",
        action="store_true",
        help="list every unmatched, merged, dropped, unplaced or not-counted row "
        "(CSV: source, record, reason, commune)",
    )
    q.add_argument("-o", "--output", help="with --details: CSV file to write")
    q.set_defaults(func=cmd_quality)

    ts = sub.add_parser("series", help="dated series in long format (CSV)")
    ts.add_argument("--ids", help="comma-separated series ids (default: all)")
    ts.add_argument("--level", default="departement")
    ts.add_argument("--codes", help="comma-separated territory codes (default: all)")
    ts.add_argument("-o", "--output", help="CSV file to write (default: stdout)")
    ts.set_defaults(func=cmd_series)

    a = sub.add_parser("assets", help="fetch Leaflet's files so maps work offline")
    a.set_defaults(func=cmd_assets)

    r = sub.add_parser("recommend", help="recommendations that apply to a territory")
    r.add_argument("--level", required=True)
    r.add_argument("--code")
    r.add_argument("--lang", default="en", choices=["fr", "en"])
    r.set_defaults(func=cmd_recommend)

    v = sub.add_parser("validate", help="check a file of indicators or sites")
    v.add_argument("file")
    v.add_argument("--kind", required=True, choices=["indicator", "sites"])
    v.add_argument(
        "--level",
        choices=LEVELS,
        help="level of an indicator's codes (detected when omitted)",
    )
    v.add_argument("--code-column", help="an indicator's code column (detected)")
    v.add_argument("--weight", help="an indicator's weight column (for rates)")
    v.set_defaults(func=cmd_validate)

    _buildings_parser(sub)

    d = sub.add_parser("download", help="fetch the current official files (online)")
    d.add_argument("--dest", default="data/downloads", help="cache folder")
    d.add_argument(
        "--arcep-quarter",
        action="append",
        metavar="YYYY_Tn",
        help="fetch this ARCEP quarter's commune statistics into --raw "
        "(repeatable), instead of the current files",
    )
    d.add_argument(
        "--raw",
        default="data/downloads/raw",
        help="raw folder for --arcep-quarter (broadband/arcep_statistiques/...)",
    )
    d.set_defaults(func=cmd_download)
    return p


def _buildings_parser(sub) -> None:
    """``divide buildings synth | convert | aggregate``."""
    bld = sub.add_parser(
        "buildings", help="building-level ARCEP eligibility (DuckDB over Parquet)"
    )
    verbs = bld.add_subparsers(dest="verb", required=True)

    def engine_options(p) -> None:
        p.add_argument("--threads", type=int, help="DuckDB threads (default: cores)")
        p.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 2GB")

    y = verbs.add_parser("synth", help="write a SYNTHETIC data set in ARCEP's layout")
    y.add_argument("--departements", required=True, help="e.g. 29,56 or all")
    y.add_argument("--rows", type=int, required=True, help="eligibility rows, total")
    y.add_argument("--out", required=True, help="folder to write")
    y.add_argument("--seed", type=int, default=0)
    y.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    y.add_argument("--overwrite", action="store_true")
    engine_options(y)
    y.set_defaults(func=cmd_buildings_synth)

    c = verbs.add_parser("convert", help="official CSVs → Parquet by département")
    c.add_argument("--csv", required=True, help="folder of base_imb/actuel CSVs")
    c.add_argument("--out", required=True, help="Parquet folder to write")
    c.add_argument("--overwrite", action="store_true")
    engine_options(c)
    c.set_defaults(func=cmd_buildings_convert)

    g = verbs.add_parser(
        "aggregate", help="premises by best class per commune, and a grid"
    )
    g.add_argument("--parquet", required=True, help="folder from convert or synth")
    g.add_argument("-o", "--output", required=True, help="folder to write")
    g.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    g.add_argument("--departements", help="comma-separated (default: all present)")
    g.add_argument("--technologies", help="ARCEP codes counted, e.g. CU,FO,COAX")
    g.add_argument("--with-satellite", action="store_true", help="count satellite too")
    g.add_argument("--cell-size", type=int, default=1000, help="metres (1000)")
    engine_options(g)
    g.set_defaults(func=cmd_buildings_aggregate)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors become one line on stderr and exit code 2."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.func(args)
    except BrokenPipeError:
        # Output piped into a reader that stopped early (`divide show ... | head`):
        # silence the flush at exit instead of printing a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except DivideError as exc:
        print(f"divide: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"divide: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
