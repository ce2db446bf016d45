"""Hostile input: whatever a file holds, only a DivideError may come out.

Property tests (hypothesis, bounded runs) feed arbitrary bytes and odd but
well-formed tables (HTML, empty, repeated or unicode column names, NaN strings,
huge numbers, formulas...) to the bring-your-own-data functions and to every
reader of ``divide/build/readers``. Specific cases check the limits: a million rows,
a million columns, zip bombs, spreadsheet formulas.

Inputs that once made a reader raise something else (column names equal once
stripped, JSON nested too deep or with huge integers, a directory for a file...)
are kept by the ``test_known_reader_bug_*`` tests below as regressions.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from divide.build.readers import (
    broadband,
    census,
    filosofi,
    ifn,
    illectronisme,
    mediation,
    mobile,
)
from divide.errors import DivideError, SourceError
from divide.export import neutralise_formulas
from divide.uploads import (
    MAX_COLUMNS,
    MAX_ROWS,
    compare_refresh,
    load_indicator,
    load_sites,
    safe_text,
    validate_file,
)

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LEVELS = ("commune", "epci", "departement", "region", None)


@pytest.fixture(scope="session")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def only_divide_errors(call: Callable, *args, **kwargs):
    """Run ``call``; a DivideError is fine, anything else fails the test."""
    try:
        return call(*args, **kwargs)
    except DivideError as exc:
        assert str(exc)  # a message a person can read
        return None


# ------------------------------------------------------------------ strategies

NASTY_NAMES = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "",
    " ",
    "code",
    "code_insee",
    "CODGEO",
    "dep",
    "nom",
    "name",
    "valeur",
    "NaN",
    "=cmd|' /C calc'!A0",
    "lat",
    "lon",
    "latitude",
    "longitude",
    "x",
    "y",
    "code_postal",
    "é\u202eé",
    "\ufeffcode",
    "日本語",
    "a" * 300,
    "folded",
    "line",
    "how",
    "source_code",
    "_weight",
    "_geojson_lat",
    "id",
    "type",
]
NASTY_CELLS = [
    "",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "9" * 400,
    "-5",
    "0",
    "12,5",
    "1.234,5",
    "12 %",
    '=HYPERLINK("http://x","y")',
    "<img src=x onerror=alert(1)>",
    "NA",
    "s",
    "01001",
    "1001",
    "2A004",
    "2a004",
    "75101",
    "29149",
    "29019",
    "97411",
    "200054781",
    "29",
    "2A",
    "53",
    "48.39",
    "-4.48",
    "48,39",
    "145981",
    "6838171",
    "29200",
    '"',
    "'",
    "\r",
    "\n",
    ";",
    ",",
    "\t",
    "\x00",
    "\x1b[31m",
    "\u202e",
]

names = st.one_of(st.sampled_from(NASTY_NAMES), st.text(max_size=12))
cells = st.one_of(
    st.sampled_from(NASTY_CELLS),
    st.text(max_size=12),
    st.integers().map(str),
    st.floats().map(repr),
)


@st.composite
def tables(draw, required: tuple[str, ...] = (), max_rows: int = 12):
    """A header (``required`` columns + odd ones, shuffled) and rows of odd cells."""
    header = list(required) + draw(st.lists(names, max_size=5))
    header = draw(st.permutations(header)) if header else [draw(names)]
    n_rows = draw(st.integers(0, max_rows))
    rows = [
        [draw(cells) for _ in range(len(header) + draw(st.integers(-1, 1)))]
        for _ in range(n_rows)
    ]
    return header, rows


ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")


@st.composite
def csv_bytes(draw, required: tuple[str, ...] = (), text_only: bool = False):
    """A table written as CSV (any separator, quoting, encoding) or as .xlsx."""
    header, rows = draw(tables(required))
    if not text_only and draw(st.integers(0, 5)) == 0:
        return "table.xlsx", to_xlsx(header, rows)
    sep = draw(st.sampled_from(";,\t|"))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=sep,
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(ENCODINGS))
    return "table.csv", buffer.getvalue().encode(encoding, errors="replace")


def to_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from(NASTY_CELLS),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def json_records(draw, keys: tuple[str, ...] = ()):
    """A JSON array of objects using ``keys`` (and odd ones), with odd values."""
    pool = list(keys) + NASTY_NAMES
    records = draw(
        st.lists(
            st.dictionaries(st.sampled_from(pool) | st.text(max_size=8), json_values),
            max_size=6,
        )
    )
    # Keys that collide once stripped are a known reader bug (see below).
    for record in records:
        assume(len({k.strip() for k in record}) == len(record))
    return json.dumps(records, allow_nan=True).encode()


@st.composite
def geojson(draw):
    geometry = st.one_of(
        st.none(),
        json_values,
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["Point", "MultiPoint", "Polygon", "Nope"]),
                "coordinates": json_values
                | st.lists(st.floats() | st.integers(), max_size=3),
            }
        ),
    )
    feature = st.fixed_dictionaries(
        {
            "type": st.just("Feature"),
            "properties": st.none()
            | st.dictionaries(st.sampled_from(NASTY_NAMES), json_values, max_size=4),
            "geometry": geometry,
        }
    )
    layer = {
        "type": "FeatureCollection",
        "features": draw(st.lists(feature, max_size=5)),
    }
    if draw(st.booleans()):
        layer["crs"] = draw(json_values)
    return json.dumps(layer, allow_nan=True).encode()


def no_whitespace_twins(header: list[str]) -> bool:
    """False when two names differ only by surrounding spaces (a known bug)."""
    return len({h.strip() for h in header}) == len(set(header))


# --------------------------------------------------- bring-your-own-data API


@BOUNDED
@given(content=st.binary(max_size=2000), level=st.sampled_from(LEVELS))
def test_load_indicator_arbitrary_bytes(atlas, content, level):
    only_divide_errors(load_indicator, content, "x.csv", level=level, atlas=atlas)
    only_divide_errors(load_indicator, content, "x.xlsx", level=level, atlas=atlas)


@BOUNDED
@given(file=csv_bytes(), level=st.sampled_from(LEVELS), pick=st.data())
def test_load_indicator_odd_tables(atlas, file, level, pick):
    name, content = file
    loaded = only_divide_errors(
        load_indicator, content, name, level=level, value_columns=None, atlas=atlas
    )
    if loaded is None:
        return
    assert loaded.report.usable_rows == len(loaded.rows)
    assert loaded.report.rows_joined >= loaded.report.usable_rows
    text = loaded.report.text()
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    for column in loaded.value_columns:
        assert loaded.rows[column].dtype == float
        if loaded.rows[column].notna().any():
            unit = pick.draw(st.sampled_from(["people", "share", "km", "EUR"]))
            ind = only_divide_errors(
                loaded.as_indicator, column, unit=unit, direction="neutral"
            )
            if ind is not None:
                assert ind.label["en"] == safe_text(column, 80) or ind.label["en"]
                assert ind.id.startswith("user_")
                assert re.fullmatch(r"user_[a-z0-9_]+", ind.id)


@BOUNDED
@given(content=st.binary(max_size=2000))
def test_load_sites_arbitrary_bytes(atlas, content):
    for name in ("x.csv", "x.json", "x.geojson", "x.xlsx"):
        only_divide_errors(load_sites, content, name, atlas)


@BOUNDED
@given(file=csv_bytes())
def test_load_sites_odd_tables(atlas, file):
    name, content = file
    loaded = only_divide_errors(load_sites, content, name, atlas)
    if loaded is not None:
        assert loaded.sites["commune"].notna().all()
        assert loaded.report.usable_rows == len(loaded.sites)


@BOUNDED
@given(content=st.one_of(json_records(("nom", "latitude", "longitude")), geojson()))
def test_load_sites_odd_json(atlas, content):
    only_divide_errors(load_sites, content, "layer.json", atlas)


@BOUNDED
@given(content=st.binary(max_size=1500), kind=st.sampled_from(["indicator", "sites"]))
def test_validate_file_arbitrary_bytes(atlas, scratch, content, kind):
    path = scratch / "upload.csv"
    path.write_bytes(content)
    report = validate_file(path, kind, atlas)
    assert report.text()
    assert report.fatal or report.usable_rows >= 0


@BOUNDED
@given(file=csv_bytes(), kind=st.sampled_from(["indicator", "sites"]))
def test_validate_file_odd_tables(atlas, scratch, file, kind):
    name, content = file
    path = scratch / name
    path.write_bytes(content)
    assert validate_file(path, kind, atlas).text()


ARCEP_COLUMNS = tuple(
    "code_insee nbr type inel_hd elig_hd05 elig_hd3 elig_bhd8 elig_thd30 elig_thd100 "
    "elig_thd1g".split()
)


@BOUNDED
@given(
    content=st.one_of(
        st.binary(max_size=1500),
        csv_bytes(ARCEP_COLUMNS, text_only=True).map(lambda f: f[1]),
    )
)
def test_compare_refresh_hostile(atlas, content):
    only_divide_errors(compare_refresh, content, "commune_debit.csv", atlas)


# ---------------------------------------------------------------- every reader

ILLECTRONISME_COLUMNS = tuple(
    "survey_year publication source_url source_kind dimension category indicator "
    "value_pct value_qualifier population_scope note".split()
)
# reader id: (call on a path, file name to write, required columns)
READERS: dict[str, tuple[Callable[[Path], object], str, tuple[str, ...]]] = {
    "arcep": (broadband.read_arcep_fixed, "commune_debit.csv", ARCEP_COLUMNS),
    "filosofi": (
        filosofi.read_filosofi,
        "cc_filosofi_2021_COM.csv",
        ("CODGEO", "NBMENFISC21", "NBPERSMENFISC21", "MED21", "TP6021"),
    ),
    "census": (
        census.read_census_ratios,
        "census.csv",
        ("CODE_INSEE", "TX_NSCOL15P", "TX_65ETPLUS", "TX_MENSEUL"),
    ),
    "illectronisme": (
        illectronisme.read_illectronisme_rates,
        "rates.csv",
        ILLECTRONISME_COLUMNS,
    ),
    "mobile_mainland": (
        lambda p: mobile.read_mobile_sites_mainland(p, vintage="2018-01"),
        "sites_2018_01.csv",
        ("Operateur", "x", "y", "2G", "3G", "4G"),
    ),
    "mobile_overseas": (
        lambda p: mobile.read_mobile_sites_overseas(
            p, territory="REU", vintage="2020-Q2"
        ),
        "sites_REU_2020_T2.csv",
        ("Operateur", "X", "Y", "C2G", "C3G", "C4G"),
    ),
    "france_services": (
        mediation.read_france_services,
        "liste-fs-20240801.csv",
        (
            "id_fs",
            "lib_fs",
            "adresse",
            "insee_com",
            "code_postal",
            "latitude",
            "longitude",
        ),
    ),
    "lieux_mediation_csv": (
        lambda p: mediation.read_lieux_mediation(p, "test"),
        "lieux.csv",
        ("nom", "code_insee", "code_postal", "latitude", "longitude", "id", "source"),
    ),
    "libraries": (
        mediation.read_libraries,
        "bibliotheques.csv",
        ("Libelle1", "CP", "INSEE", "coordonnees_finales", "code_bib"),
    ),
    "bfc_hub": (
        mediation.read_bfc_hub,
        "bfc.csv",
        ("bfc_id", "nom_structure", "code_postal", "lat", "lon"),
    ),
}
JSON_READERS = {
    "lieux_mediation_json": (
        lambda p: mediation.read_lieux_mediation(p, "test"),
        ("nom", "code_insee", "code_postal", "latitude", "longitude", "id", "source"),
    ),
    "cnfs_structures": (
        mediation.read_cnfs_structures,
        ("raison_sociale", "insee_com", "latitude", "longitude", "id"),
    ),
}
BYTES_READERS = {
    "arcep": broadband.read_arcep_fixed,
    "filosofi": filosofi.read_filosofi,
    "census": census.read_census_ratios,
    "illectronisme": illectronisme.read_illectronisme_rates,
    "ifn": ifn.read_ifn_iris,
}


@BOUNDED
@given(content=st.binary(max_size=1500))
def test_every_reader_arbitrary_bytes(scratch, content):
    for reader, name, _ in READERS.values():
        path = scratch / name
        path.write_bytes(content)
        only_divide_errors(reader, path)
    for reader, _ in JSON_READERS.values():
        path = scratch / "records.json"
        path.write_bytes(content)
        only_divide_errors(reader, path)
    for reader in BYTES_READERS.values():
        only_divide_errors(reader, content, name="upload")
    path = scratch / "ifn.parquet"
    path.write_bytes(content)
    only_divide_errors(ifn.read_ifn_iris, path)


@pytest.mark.parametrize("reader_id", sorted(READERS))
def test_every_text_reader_odd_tables(scratch, reader_id):
    reader, name, required = READERS[reader_id]

    @BOUNDED
    @given(table=tables(required), sep=st.sampled_from(";,"), data=st.data())
    def check(table, sep, data):
        header, rows = table
        assume(no_whitespace_twins(header))
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        encoding = data.draw(st.sampled_from(("utf-8", "cp1252", "utf-8-sig")))
        path = scratch / name
        path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
        only_divide_errors(reader, path)

    check()


@pytest.mark.parametrize("reader_id", sorted(JSON_READERS))
def test_every_json_reader_odd_records(scratch, reader_id):
    reader, keys = JSON_READERS[reader_id]

    @BOUNDED
    @given(content=json_records(keys))
    def check(content):
        path = scratch / "records.json"
        path.write_bytes(content)
        only_divide_errors(reader, path)

    check()


IFN_COLUMNS = [
    "code_iris",
    "Population",
    "SCORE GLOBAL ",
    "GLOBAL ACCES",
    "GLOBAL COMPETENCES",
]


@BOUNDED
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["010010000", "2A0040101", "1", "", "x" * 12]),
            st.one_of(st.floats(), st.integers(-5, 10**6), st.none()),
            st.one_of(st.floats(), st.none(), st.sampled_from(["a", "1,5", "NaN"])),
            st.one_of(st.floats(), st.none()),
            st.one_of(st.floats(), st.none()),
        ),
        max_size=8,
    ),
    drop=st.sets(st.sampled_from(IFN_COLUMNS), max_size=2),
)
def test_ifn_reader_odd_parquet(rows, drop):
    frame = pd.DataFrame(rows, columns=IFN_COLUMNS).drop(columns=sorted(drop))
    frame = frame.astype({c: "string" for c in frame.columns if c == "SCORE GLOBAL "})
    out = io.BytesIO()
    frame.to_parquet(out)
    only_divide_errors(ifn.read_ifn_iris, out.getvalue(), name="ifn.parquet")


# ---------------------------------------------------------------- the limits


def test_a_million_rows_is_refused_with_the_limit(atlas, scratch):
    content = b"code;v\n" + b"01001;1\n" * 1_000_000
    for call in (
        lambda: load_indicator(content, "rows.csv", atlas=atlas),
        lambda: load_sites(
            b"nom;code_insee\n" + b"a;01001\n" * 1_000_000, "r.csv", atlas
        ),
    ):
        with pytest.raises(SourceError, match=f"{MAX_ROWS:,}"):
            call()
    path = scratch / "rows.csv"
    path.write_bytes(content)
    assert f"{MAX_ROWS:,}" in validate_file(path, "indicator", atlas).fatal


def test_a_million_columns_is_refused_quickly(atlas):
    header = b";".join(b"c%d" % i for i in range(1_000_000))
    content = header + b"\n" + b"1;" * 10 + b"\n"
    for call in (load_indicator, load_sites):
        with pytest.raises(SourceError, match=f"limit is {MAX_COLUMNS} columns"):
            if call is load_sites:
                call(content, "cols.csv", atlas)
            else:
                call(content, "cols.csv", atlas=atlas)


def test_too_many_columns_in_excel(atlas):
    content = to_xlsx([f"c{i}" for i in range(MAX_COLUMNS + 5)], [["1"] * 3])
    with pytest.raises(SourceError, match=f"limit is {MAX_COLUMNS} columns"):
        load_indicator(content, "wide.xlsx", atlas=atlas)


def _bomb(member_mb: int) -> bytes:
    """A zip shaped like an .xlsx whose sheet unpacks to ``member_mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(member_mb):
                member.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize(("size_mb", "match"), [(20, "zip bomb"), (120, "unpack to")])
def test_zip_bomb_xlsx_is_refused(atlas, size_mb, match):
    content = _bomb(size_mb)
    assert len(content) < 1024 * 1024  # small on disk...
    with pytest.raises(SourceError, match=match):
        load_indicator(content, "bomb.xlsx", atlas=atlas)
    with pytest.raises(SourceError, match=match):
        load_sites(content, "bomb.xlsx", atlas)


def test_formula_in_a_site_name_is_text_and_neutralised_on_export(atlas):
    formula = '=HYPERLINK("http://x","y")'
    quoted = '"' + formula.replace('"', '""') + '"'
    content = f"nom;latitude;longitude\n{quoted};48.39;-4.48\n"
    loaded = load_sites(content.encode(), "formula.csv", atlas)
    assert loaded.sites["name"].tolist() == [formula]
    exported = neutralise_formulas(loaded.sites)
    assert exported["name"].tolist() == ["'" + formula]


def test_formula_as_indicator_label_is_text(atlas):
    content = b'code;=HYPERLINK("http://x","y")\n29019;4\n'
    ind = load_indicator(content, "f.csv", atlas=atlas).as_indicator(
        unit="people", direction="neutral"
    )
    assert ind.label["en"] == '=HYPERLINK("http://x","y")'
    frame = neutralise_formulas(pd.DataFrame({"label": [ind.label["en"]]}))
    assert frame["label"].iloc[0].startswith("'=")


# ------------------------------------------- former reader bugs (regressions)


# These were reader bugs found by this file; they are fixed and stay as regressions.
def KNOWN(test):
    return test


@KNOWN
@pytest.mark.parametrize(
    ("reader", "content"),
    [
        (
            broadband.read_arcep_fixed,
            b"code_insee;nbr;inel_hd;elig_hd05;elig_hd3;elig_hd8;elig_thd30;"
            b"elig_thd100;elig_thd1g; code_insee\n01001;1;1;0;0;0;0;0;0;x\n",
        ),
        (
            filosofi.read_filosofi,
            b"CODGEO;NBMENFISC21;NBPERSMENFISC21;MED21;TP6021;CODGEO \n"
            b"01001;1;1;1;1;x\n",
        ),
        (
            illectronisme.read_illectronisme_rates,
            ",".join([*ILLECTRONISME_COLUMNS, " survey_year"]).encode()
            + b"\n2021,a,b,c,age,15-29,illectronisme,5,,x,y,z\n",
        ),
    ],
    ids=["arcep", "filosofi", "illectronisme"],
)
def test_known_reader_bug_header_twins_after_strip(reader, content):
    """``_checks.read_table`` strips names after pandas de-duplicated them."""
    only_divide_errors(reader, content, name="twins.csv")


@KNOWN
@pytest.mark.parametrize(
    ("reader", "name", "content"),
    [
        (
            mediation.read_france_services,
            "liste-fs-20240801.csv",
            b"id_fs,lib_fs,adresse,insee_com,code_postal,latitude,longitude, id_fs\n"
            b"1,a,b,01001,01000,46,5,x\n",
        ),
        (
            lambda p: mediation.read_lieux_mediation(p, "t"),
            "l.csv",
            b"nom,code_insee, nom\na,01001,b\n",
        ),
        (
            lambda p: mobile.read_mobile_sites_mainland(p, vintage="2018-01"),
            "m.csv",
            b"Operateur;x;y;2G;3G;4G;Operateur \n20801;600000;6600000;1;1;1;x\n",
        ),
    ],
    ids=["france_services", "lieux_mediation", "mobile"],
)
def test_known_reader_bug_header_twins_after_strip_paths(
    scratch, reader, name, content
):
    path = scratch / name
    path.write_bytes(content)
    only_divide_errors(reader, path)


LIEUX = "lieux", lambda p: mediation.read_lieux_mediation(p, "t")
CNFS = "cnfs", mediation.read_cnfs_structures
DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE = b"1" * 5000
JSON_BUGS = {
    "lieux-deep-nesting": (LIEUX, DEEP),
    "cnfs-deep-nesting": (CNFS, DEEP),
    "lieux-huge-integer": (LIEUX, b'[{"nom": "a", "latitude": ' + HUGE + b"}]"),
    "cnfs-huge-integer": (
        CNFS,
        b'[{"raison_sociale": "a", "latitude": ' + HUGE + b"}]",
    ),
    "lieux-key-twins": (LIEUX, b'[{"nom": "a", " nom": "b", "code_insee": "01001"}]'),
    "cnfs-key-twins": (
        CNFS,
        b'[{"raison_sociale": "a", " raison_sociale": "b", "insee_com": "01001", '
        b'"latitude": "46", "longitude": "5"}]',
    ),
    "lieux-lone-surrogate": (LIEUX, b'[{"nom": "\\ud800", "code_insee": "01001"}]'),
    "cnfs-lone-surrogate": (
        CNFS,
        b'[{"raison_sociale": "\\ud800", "insee_com": "01001", "latitude": "46", '
        b'"longitude": "5"}]',
    ),
}


@KNOWN
@pytest.mark.parametrize("case", sorted(JSON_BUGS))
def test_known_reader_bug_json(scratch, case):
    """``mediation.table.read_json`` catches only JSONDecodeError; then pandas."""
    (_, reader), content = JSON_BUGS[case]
    path = scratch / "records.json"
    path.write_bytes(content)
    only_divide_errors(reader, path)


@KNOWN
def test_known_reader_bug_ifn_columns_twins_after_strip():
    frame = pd.DataFrame(
        [["010010000", 1, 1, 1, 1, 2]],
        columns=[
            "code_iris",
            "Population",
            "SCORE GLOBAL ",
            "SCORE GLOBAL",
            "GLOBAL ACCES",
            "GLOBAL COMPETENCES",
        ],
    )
    out = io.BytesIO()
    frame.to_parquet(out)
    only_divide_errors(ifn.read_ifn_iris, out.getvalue(), name="ifn.parquet")


@KNOWN
def test_known_reader_bug_directory_path(scratch):
    only_divide_errors(mediation.read_lieux_mediation, scratch, "t")


def test_our_functions_survive_the_reader_bug_inputs(atlas):
    """The same inputs through the bring-your-own-data API give DivideErrors."""
    for content in (
        b"[" * 100_000 + b"]" * 100_000,
        b'[{"nom": "a", "latitude": ' + b"1" * 5000 + b', "longitude": 2}]',
        b'[{"nom": "a", " nom": "b", "code_insee": "01001"}]',
        b'[{"nom": "\\ud800", "code_insee": "01001"}]',
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
        b'"properties": {"nom": "a"}, "geometry": {"type": "Point", "coordinates": ['
        + b"1" * 400
        + b", 48]}}]}",
    ):
        only_divide_errors(load_sites, content, "x.json", atlas)
    for content in (
        b"code_insee;nbr; code_insee\n01001;1;x\n",
        b"nom;code_insee; nom\na;01001;b\n",
    ):
        only_divide_errors(load_indicator, content, "x.csv", atlas=atlas)
        only_divide_errors(load_sites, content, "x.csv", atlas)
        only_divide_errors(compare_refresh, content, "x.csv", atlas)
