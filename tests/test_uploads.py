"""Bring-your-own data: user indicators, site layers, validation, ARCEP refresh.

Fixtures are in tests/data/userdata (see its README); variants (other separators,
encodings, Excel workbooks) are made here from them. Tests use the embedded atlas.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from divide import distance, uploads
from divide.atlas import DEFAULT_ATLAS, Atlas
from divide.cli import main
from divide.errors import DivideError, SourceError
from divide.i18n import t
from divide.uploads import (
    MAX_BYTES,
    SITE_COLUMNS,
    UploadedIndicator,
    compare_refresh,
    keep_upload,
    load_indicator,
    load_sites,
    safe_text,
    validate_file,
)
from divide.uploads.report import note_texts

COMMUNES = "indicator_communes_cp1252.csv"
DEPARTEMENTS = "indicator_departements_utf8bom.csv"
SITES_CSV = "sites_latlon.csv"
SITES_GEOJSON = "sites_points.geojson"
SITES_LAMEDNUM = "sites_lamednum.json"
ARCEP = "arcep_commune_debit_2025_crafted.csv"


@pytest.fixture(scope="session")
def data(fixtures: Path) -> Path:
    return fixtures / "userdata"


def read(data: Path, name: str) -> bytes:
    return (data / name).read_bytes()


def xlsx(rows: list[list], title: str = "Feuil1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problem(report, kind: str, row: int | None = None):
    found = [
        p for p in report.problems if p.kind == kind and (row is None or p.row == row)
    ]
    assert found, f"no '{kind}' problem on row {row}: {report.text()}"
    return found[0]


# --------------------------------------------------------------------- safe_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        ("  a\tb\r\nc  ", "a b c"),
        ("x\x00y\x1b[31mz", "xy[31mz"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("\ud800lone", "lone"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        (12.5, "12.5"),
        (b"caf\xc3\xa9", "café"),
    ],
)
def test_safe_text(value, expected):
    assert safe_text(value) == expected


def test_safe_text_caps_length():
    text = safe_text("é" * 1000, 50)
    assert len(text) == 50
    assert text.endswith("…")


# ------------------------------------------------------------ indicator: reading


@pytest.fixture(scope="module")
def communes(atlas, data):
    return load_indicator(
        read(data, COMMUNES),
        COMMUNES,
        code_column=None,
        level="commune",
        value_columns=None,
        atlas=atlas,
    )


def test_indicator_reads_cp1252_semicolon_decimal_comma(communes):
    report = communes.report
    assert "Windows-1252" in report.detail("format")
    assert "';'" in report.detail("format")
    assert communes.code_column == "code_insee"
    assert communes.value_columns == ["nb_lieux", "taux_couverture"]
    assert report.rows_read == 13
    brest = communes.table.set_index("code").loc["29019"]
    assert brest["taux_couverture"] == pytest.approx(87.25)
    assert any(
        "line 2" in note for note in note_texts(report.notes, "en")
    )  # title line skipped


def test_a_table_read_once_gives_the_same_indicator(communes, atlas, data):
    # The page reads the file first to offer its columns, then passes it on.
    content = read(data, COMMUNES)
    raw = uploads.read_upload(content, COMMUNES)
    assert "code_insee" in raw.frame.columns
    again = load_indicator(content, COMMUNES, raw=raw, level=None, atlas=atlas)
    assert again.level == "commune" and again.code_column == "code_insee"
    pd.testing.assert_frame_equal(again.table, communes.table)
    assert again.report.text() == communes.report.text()


def test_indicator_codes_are_normalised_and_mapped(communes):
    table = communes.table.set_index("code")
    assert "01001" in table.index  # leading zero restored
    assert "2A004" in table.index  # kept as is
    # PLM arrondissements fold into their commune; a retired code into today's.
    assert table.loc["75056", "nb_lieux"] == 7
    assert table.loc["75056", "folded"] == 2
    assert table.loc["29076", "nb_lieux"] == 1
    rows = communes.rows.set_index("source_code")
    assert rows.loc["75101", "how"] == "arrondissement"
    assert rows.loc["29149", "how"] == "merged"


def test_indicator_report_lists_bad_rows(communes):
    report = communes.report
    unknown_code = problem(report, "unknown code", 10)
    assert unknown_code.column == "code_insee"
    assert "29990" in unknown_code.message
    assert "29019" in unknown_code.message  # the commune named 'Brest'
    duplicate = problem(report, "duplicate", 13)
    assert "line 4" in duplicate.message
    problem(report, "missing code", 14)
    text = problem(report, "not a number", 12)
    assert (text.column, text.value, text.severity) == ("nb_lieux", "trois", "cell")
    negative = problem(report, "out of range", 15)
    assert negative.severity == "warning"
    # "n.d." is a missing value, not an error.
    assert not [p for p in report.problems if p.value == "n.d."]
    assert report.rows_joined == 11
    assert report.usable_rows == 10
    assert report.counts == {
        "missing code": 1,
        "unknown code": 1,
        "duplicate": 1,
        "not a number": 1,
        "out of range": 1,
    }


def test_indicator_report_text(communes):
    text = communes.report.text()
    assert "Rows read: 13" in text
    assert "line 10, column 'code_insee'" in text
    assert "What to fix:" in text
    assert "1001 → 01001" in text
    frame = communes.report.problems_frame()
    assert list(frame.columns) == [
        "line",
        "column",
        "value",
        "problem",
        "effect",
        "message",
    ]
    assert len(frame) == 5


# ------------------------------------------------------- indicator: as_indicator


def test_count_indicator_sums_upward(communes, atlas):
    ind = communes.as_indicator("nb_lieux", unit="sites", direction="lower_worse")
    assert isinstance(ind, UploadedIndicator)
    assert ind.id == "user_nb_lieux"
    assert ind.label == {"fr": "nb_lieux", "en": "nb_lieux"}
    assert ind.sources == (f"user upload: {COMMUNES}",)
    assert ind.vintage() == f"user upload: {COMMUNES}"
    assert ind.is_count and ind.kind == "count"
    assert ind.levels == ("commune", "epci", "departement", "region", "france")
    commune = ind.values_at("commune")
    assert commune.index.equals(atlas.level("commune").index)
    assert pd.isna(commune["01004"])  # -2 sites: impossible, left out
    assert "impossible" in ind.note["en"]
    # Totals are preserved at every level.
    for level in ("epci", "departement", "region", "france"):
        assert ind.values_at(level).sum() == pytest.approx(commune.sum())
    assert commune.sum() == 2 + 41 + 15 + 7 + 1 + 22
    assert ind.values_at("departement")["29"] == 42
    coverage = ind.coverage["departement"]
    n_29 = (atlas.level("commune")["departement"] == "29").sum()
    assert coverage["29"] == pytest.approx(2 / n_29)
    frame = ind.frame("departement")
    assert list(frame.columns) == ["v_user_nb_lieux", "coverage_user_nb_lieux"]
    assert ind.provenance()["sha256"] == communes.sha256


def test_rate_indicator_stays_at_its_level(communes):
    ind = communes.as_indicator(
        "taux_couverture", unit="share", direction="lower_worse", label="Couverture"
    )
    assert ind.id == "user_couverture"
    assert ind.levels == ("commune",)
    assert not ind.is_count
    values = ind.values_at("commune")
    # Written as percentages (up to 100): divided by 100. Paris's arrondissement
    # rows have no weight: Paris's rate is not shown rather than averaged.
    assert values["29019"] == pytest.approx(0.8725)
    assert pd.isna(values["75056"])
    assert "no weight for each" in ind.note["en"]
    assert values.dropna().between(0, 1).all()
    with pytest.raises(DivideError, match="weight column"):
        ind.values_at("departement")


def test_weighted_rate_aggregates_upward(atlas, data):
    loaded = load_indicator(
        read(data, DEPARTEMENTS),
        DEPARTEMENTS,
        code_column="dep",
        level="departement",
        value_columns=["part_65_plus"],
        weight_column="population",
        atlas=atlas,
    )
    assert "UTF-8 (with BOM)" in loaded.report.detail("format")
    assert loaded.percent_columns == ["part_65_plus"]
    ind = loaded.as_indicator("part_65_plus", unit="share", direction="neutral")
    assert ind.levels == ("departement", "region", "france")
    shares = {"29": 0.241, "2A": 0.259, "01": 0.182, "974": 0.140}
    people = {"29": 915090, "2A": 158507, "01": 657856, "974": 871157}
    expected = sum(shares[d] * people[d] for d in shares) / sum(people.values())
    assert ind.values_at("france")["FR"] == pytest.approx(expected)
    assert ind.values_at("region")["53"] == pytest.approx(0.241)  # Bretagne: 29 only
    assert ind.coverage["region"]["94"] == pytest.approx(0.5)  # Corse: 2A of 2A, 2B
    unknown_dep = problem(loaded.report, "unknown code", 6)
    assert "2A" in unknown_dep.message and "2B" in unknown_dep.message


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"column": "nope", "unit": "people", "direction": "neutral"}, "value column"),
        ({"column": "nb_lieux", "unit": "litres", "direction": "neutral"}, "unit"),
        ({"column": "nb_lieux", "unit": "people", "direction": "up"}, "direction"),
    ],
)
def test_as_indicator_refuses_bad_choices(communes, options, match):
    column = options.pop("column")
    with pytest.raises(DivideError, match=match):
        communes.as_indicator(column, **options)


def test_label_is_plain_text(atlas):
    content = b"code;<img src=x onerror=alert(1)>\n29019;3\n"
    loaded = load_indicator(content, "x.csv", atlas=atlas)
    ind = loaded.as_indicator(unit="people", direction="neutral")
    assert ind.label["en"] == "<img src=x onerror=alert(1)>"
    assert ind.id == "user_img_src_x_onerror_alert_1"
    assert ind.values_at("commune")["29019"] == 3


# ------------------------------------------------------ indicator: file variants


@pytest.mark.parametrize(
    ("sep", "encoding", "bom"),
    [
        (";", "utf-8", b""),
        (",", "utf-8", b"\xef\xbb\xbf"),
        ("\t", "utf-8", b""),
        ("|", "cp1252", b""),
        (";", "latin-1", b""),
        ("\t", "utf-16", b""),
    ],
)
def test_separators_and_encodings(atlas, sep, encoding, bom):
    value = '"12,5"' if sep == "," else "12,5"
    text = sep.join(["code_commune", "libellé", "valeur"]) + "\n"
    text += sep.join(["29019", "Brest", value]) + "\n"
    text += sep.join(["2A004", "Ajaccio", "7"]) + "\n"
    content = bom + text.encode(encoding)
    if encoding == "latin-1":
        content = content.replace("é".encode("latin-1"), b"\x81")  # not cp1252
    loaded = load_indicator(content, "f.csv", atlas=atlas)
    assert loaded.value_columns == ["valeur"]
    assert loaded.table.set_index("code")["valeur"].to_dict() == {
        "29019": 12.5,
        "2A004": 7.0,
    }


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1 234,5", 1234.5),
        ("1\u202f234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567.0),
        ("12 %", 12.0),
        ("−3", -3.0),
        ("1e3", 1000.0),
        ("NA", None),
        ("s", None),
        ("", None),
    ],
)
def test_number_formats(cell, value):
    values, invalid, _ = uploads.parse_numbers(pd.Series([cell], dtype="string"))
    assert not invalid.iloc[0]
    if value is None:
        assert pd.isna(values.iloc[0])
    else:
        assert values.iloc[0] == pytest.approx(value)


@pytest.mark.parametrize("cell", ["abc", "12 km", "0x10", "inf", "1e400", "#DIV/0!"])
def test_non_numbers(cell):
    values, invalid, _ = uploads.parse_numbers(pd.Series([cell], dtype="string"))
    assert invalid.iloc[0] and pd.isna(values.iloc[0])


def test_excel_workbook(atlas):
    content = xlsx(
        [
            ["Indicateur de test", None, None],
            [None, None, None],
            ["CODGEO", "Nom", "Valeur"],
            [1001, "Abergement", 2.5],
            ["2A004", "Ajaccio", 3],
            [29019, "Brest", "4,5"],
        ]
    )
    loaded = load_indicator(content, "indicateur.xlsx", atlas=atlas)
    assert "Excel" in loaded.report.detail("format")
    assert loaded.code_column == "CODGEO"
    assert loaded.table.set_index("code")["Valeur"].to_dict() == {
        "01001": 2.5,
        "29019": 4.5,
        "2A004": 3.0,
    }
    assert any("row 3" in note for note in note_texts(loaded.report.notes, "en"))
    assert loaded.report.row_word == "row"


def test_excel_with_several_sheets_reads_the_first(atlas):
    book = openpyxl.Workbook()
    book.active.append(["code", "v"])
    book.active.append(["29019", 1])
    book.create_sheet("other").append(["x"])
    out = io.BytesIO()
    book.save(out)
    loaded = load_indicator(out.getvalue(), "two.xlsx", atlas=atlas)
    assert any("2 sheets" in note for note in note_texts(loaded.report.notes, "en"))


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, r"\.xls"),
        ("macro.xlsm", b"PK\x03\x04whatever", "macro"),
        ("fake.xlsx", b"code;v\n29019;1\n", "not an Excel"),
        ("doc.pdf", b"%PDF-1.7\n...", "PDF"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x01" * 200, "damaged zip"),
        ("empty.csv", b"   \n\n", "empty"),
    ],
)
def test_refused_formats(atlas, name, content, match):
    with pytest.raises(SourceError, match=match):
        load_indicator(content, name, atlas=atlas)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_macro_workbook_disguised_as_xlsx_is_refused(atlas):
    content = xlsx([["code", "v"], ["29019", 1]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["xl/vbaProject.bin"] = b"\x00" * 10
    with pytest.raises(SourceError, match="macro"):
        load_indicator(_zip(members), "renamed.xlsx", atlas=atlas)


def test_ods_and_other_zips_are_refused(atlas):
    ods = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    with pytest.raises(SourceError, match="OpenDocument"):
        load_indicator(ods, "sheet.xlsx", atlas=atlas)
    with pytest.raises(SourceError, match="not an Excel"):
        load_indicator(_zip({"data.csv": b"code;v\n"}), "data.zip", atlas=atlas)


def test_file_over_the_size_limit(atlas):
    with pytest.raises(SourceError, match="50 MB"):
        load_indicator(b"a" * (MAX_BYTES + 1), "big.csv", atlas=atlas)


def test_row_with_too_many_cells_is_listed(atlas):
    content = b"code;v\n29019;1\n2A004;2;oops\n01001;3;\n"
    loaded = load_indicator(content, "ragged.csv", atlas=atlas)
    bad = problem(loaded.report, "bad row", 3)
    assert bad.value == "oops"
    assert set(loaded.table["code"]) == {"29019", "01001"}  # trailing empty cell ok


def test_repeated_and_empty_headers(atlas):
    content = b"code;v;v;\n29019;1;2;3\n"
    loaded = load_indicator(content, "dup.csv", atlas=atlas)
    assert loaded.value_columns == ["v", "v (2)", "column 4"]
    assert any("repeated" in note for note in note_texts(loaded.report.notes, "en"))


def test_many_bad_rows_are_all_counted_but_not_all_listed(atlas):
    content = b"code;v\n" + b"29019;1\n" * 3000
    report = load_indicator(content, "dups.csv", atlas=atlas).report
    assert report.counts == {"duplicate": 2999}
    assert len(report.problems) == uploads.MAX_LISTED
    assert "… and 2,979 more" in report.text()
    sites = b"nom;lat;lon\n" + b"A;51.5;-0.1\n" * 1500 + b"B;48.39;-4.48\n"
    report = load_sites(sites, "london.csv", atlas).report
    assert report.counts == {"outside France": 1500}
    assert "rows left out: 1,500" in report.text()
    assert report.usable_rows == 1


def test_reserved_column_names(atlas):
    content = b"insee;line;code;v\n29019;1;2;3\n"
    loaded = load_indicator(content, "x.csv", code_column="insee", atlas=atlas)
    assert loaded.value_columns == ["v"]
    with pytest.raises(DivideError, match="cannot be called 'line'"):
        load_indicator(
            content, "x.csv", code_column="insee", value_columns=["line"], atlas=atlas
        )


def test_site_name_empty_once_cleaned(atlas):
    loaded = load_sites(b"nom;code_insee\n ,;29019\nBrest;29019\n", "x.csv", atlas)
    assert loaded.sites["name"].tolist() == ["Brest"]
    assert "empty once cleaned" in problem(loaded.report, "no name", 2).message


def test_no_code_column(atlas):
    with pytest.raises(SourceError, match="no column of commune codes found"):
        load_indicator(b"a;b\nx;1\ny;2\n", "nocode.csv", atlas=atlas)


def test_no_value_column(atlas):
    with pytest.raises(SourceError, match="no column of numbers besides the codes"):
        load_indicator(b"code;nom\n29019;Brest\n", "novalue.csv", atlas=atlas)


# Issue 12, item 4: a file without a code column was refused with "no numeric
# column besides the codes": its only numbers had been taken for codes.
@pytest.mark.parametrize(
    "content",
    [
        b"nom;taux\nBrest;12\nQuimper;14\nRennes;20\n",  # départements 12, 14
        b"annee;taux\n2019;12,5\n2020;14\n",  # 02019, 02020 are communes
        b"ville;valeur\nBrest;abc\nQuimper;def\n",  # nothing looks like a code
    ],
    ids=["rates-look-like-departements", "years-look-like-communes", "no-numbers"],
)
def test_a_file_without_codes_says_so(atlas, content):
    with pytest.raises(SourceError) as caught:
        load_indicator(content, "nocode.csv", level=None, atlas=atlas)
    error = caught.value
    english = str(error)
    assert "no column of territory codes found" in english
    assert "numeric" not in english
    header = content.split(b"\n")[0].decode().split(";")
    assert f"columns seen: '{header[0]}', '{header[1]}'" in english
    assert "29019, 2A004" in english and "code_insee" in english  # what one looks like
    french = error.in_language("fr")
    assert french.startswith("nocode.csv: aucune colonne de codes de territoire")
    assert f"colonnes lues : '{header[0]}', '{header[1]}'" in french
    assert french == f"nocode.csv: {t('upload_no_code_column', 'fr', **error.values)}"


def test_a_file_without_codes_at_a_chosen_level(atlas):
    with pytest.raises(SourceError) as caught:
        load_indicator(b"nom;taux\nBrest;abc\n", "x.csv", level="epci", atlas=atlas)
    assert "no column of EPCI codes found" in str(caught.value)
    assert "aucune colonne de codes de niveau EPCI" in caught.value.in_language("fr")


def test_a_value_column_is_not_mistaken_for_missing_codes(atlas):
    # A real code column without any number: the message is about values.
    with pytest.raises(SourceError) as caught:
        load_indicator(b"code_insee;nom\n29019;Brest\n", "x.csv", atlas=atlas)
    assert "besides the codes in 'code_insee'" in str(caught.value)
    assert "aucune colonne de nombres" in caught.value.in_language("fr")


# Issue 12, item 3: "5 bad values, 1 good row" refused the file as a whole.
def test_a_few_good_values_among_bad_ones_are_kept(atlas):
    content = b"code;taux\n29;12,5\n22;abc\n35;douze\n56;?!\n44;n/a!\n85;zz\n"
    loaded = load_indicator(content, "mixed.csv", level=None, atlas=atlas)
    assert loaded.level == "departement" and loaded.value_columns == ["taux"]
    report = loaded.report
    assert report.usable_rows == 1 and report.rows_read == 6
    bad = [p for p in report.problems if p.kind == "not a number"]
    assert [(p.row, p.value) for p in bad] == [
        (3, "abc"),
        (4, "douze"),
        (5, "?!"),
        (6, "n/a!"),
        (7, "zz"),
    ]
    assert all(p.severity == "cell" and p.column == "taux" for p in bad)
    text = report.text()
    assert "line 3, column 'taux': 'abc' is not a number" in text
    assert "What to fix:" in text and "write numbers only" in text
    ind = loaded.as_indicator(unit="index", direction="neutral")
    values = ind.values_at("departement").dropna()
    assert values.to_dict() == {"29": 12.5}


def test_the_report_reads_in_french_too(atlas):
    content = b"code;taux\n29;12,5\n22;abc\n99;3\n29;4\n"
    report = load_indicator(content, "f.csv", level="departement", atlas=atlas).report
    english = report.text()
    assert "line 3, column 'taux': 'abc' is not a number" in english
    assert "What to fix:" in english and "write numbers only" in english
    french = report.text(lang="fr")
    assert french.startswith("Vérification de 'f.csv' (indicateur)")
    assert "ligne 3, colonne 'taux'\u00a0: 'abc' n'est pas un nombre" in french
    assert "code département inconnu '99'." in french
    assert "code '29' déjà présent (ligne 2)" in french
    assert "À corriger :" in french and "n'écrivez que des nombres" in french
    for english_word in ("What to fix", "is not a number", "Rows read", "left out"):
        assert english_word not in french
    table = report.problems_frame("fr")
    assert list(table.columns) == [
        "ligne",
        "colonne",
        "valeur",
        "problème",
        "effet",
        "message",
    ]
    assert "pas un nombre" in set(table["problème"])
    assert "cellule ignorée" in set(table["effet"])
    # Every kind of problem has its name and its fix in both languages.
    kinds = [
        "unknown code",
        "missing code",
        "not a number",
        "duplicate",
        "out of range",
        "bad row",
        "outside France",
        "no name",
        "no location",
        "not placed",
        "not a point",
    ]
    for kind in kinds:
        slug = kind.replace(" ", "_")
        assert t(f"prob_kind_{slug}", "en") == kind
        assert t(f"prob_kind_{slug}", "fr") != kind
        assert t(f"fix_{slug}", "fr") != t(f"fix_{slug}", "en")


def test_mostly_numeric_columns_are_still_preferred(atlas):
    # A comment column with one number does not become a value column when a
    # proper one exists.
    content = b"code;valeur;commentaire\n29;1;ok\n22;2;12\n35;3;bien\n"
    loaded = load_indicator(content, "x.csv", level="departement", atlas=atlas)
    assert loaded.value_columns == ["valeur"]
    assert loaded.report.n_problems == 0


def test_nothing_good_left_is_still_refused(atlas):
    content = b"code;taux\n29;abc\n22;def\n"
    with pytest.raises(SourceError, match="no column of numbers besides the codes"):
        load_indicator(content, "x.csv", level="departement", atlas=atlas)


def test_named_columns_must_exist(atlas):
    content = b"code;valeur\n29019;1\n"
    with pytest.raises(DivideError, match="Did you mean: valeur"):
        load_indicator(content, "x.csv", value_columns=["valuer"], atlas=atlas)
    with pytest.raises(DivideError, match="Did you mean: code"):
        load_indicator(content, "x.csv", code_column="cod", atlas=atlas)
    with pytest.raises(DivideError, match="unknown level"):
        load_indicator(content, "x.csv", level="canton", atlas=atlas)


def test_epci_and_region_levels(atlas):
    epci = atlas.level("epci").index[:2]
    content = f"siren;v\n{epci[0][:3]} {epci[0][3:]};1\n{epci[1]};2\n".encode()
    loaded = load_indicator(content, "epci.csv", level="epci", atlas=atlas)
    assert set(loaded.table["code"]) == set(epci)
    loaded = load_indicator(
        b"reg;v\n53;1\n1;2\n", "reg.csv", level="region", atlas=atlas
    )
    assert set(loaded.table["code"]) == {"53", "01"}


def test_old_corsican_code_is_mapped(atlas):
    loaded = load_indicator(b"code;v\n20004;1\n29019;2\n", "x.csv", atlas=atlas)
    assert "2A004" in set(loaded.table["code"])
    assert any(
        "20004 → 2A004" in note for note in note_texts(loaded.report.notes, "en")
    )


def test_nothing_usable_is_a_report_not_an_error(atlas):
    content = b"code;v\n29019;x\n2A004;y\n"
    loaded = load_indicator(content, "x.csv", value_columns=["v"], atlas=atlas)
    assert loaded.report.usable_rows == 0
    assert loaded.table.empty
    assert "Nothing in this file can be used" in loaded.report.text()
    with pytest.raises(DivideError, match="no usable value"):
        loaded.as_indicator(unit="people", direction="neutral")


# Issue 12, item 2: three files in a row with a column "taux" left one entry.
def _taux(atlas, values: tuple[float, float], name: str):
    content = f"dep;taux\n29;{values[0]}\n22;{values[1]}\n".encode()
    loaded = load_indicator(content, name, level="departement", atlas=atlas)
    return loaded.as_indicator("taux", unit="index", direction="neutral")


def test_uploads_with_one_column_name_are_all_kept(atlas):
    store = {}
    kept = [
        keep_upload(store, _taux(atlas, (i, i + 1), f"file{i}.csv")) for i in (1, 2, 3)
    ]
    assert list(store) == ["user_taux", "user_taux_2", "user_taux_3"]
    assert [k.label["en"] for k in kept] == ["taux", "taux (2)", "taux (3)"]
    assert [k.label["fr"] for k in kept] == ["taux", "taux (2)", "taux (3)"]
    for i, ind in zip((1, 2, 3), store.values(), strict=True):
        assert ind.file == f"file{i}.csv"  # nothing was overwritten
        assert ind.values_at("departement")["29"] == i
        assert ind.numerator == ind.id


def test_the_same_upload_again_replaces_itself_and_keeps_its_name(atlas):
    store = {}
    keep_upload(store, _taux(atlas, (1, 2), "a.csv"))
    second = keep_upload(store, _taux(atlas, (5, 6), "b.csv"))
    assert second.label["en"] == "taux (2)"
    # A rerun, or a new unit for b.csv: its own entry changes, under its name.
    again = _taux(atlas, (5, 6), "b.csv")
    again = keep_upload(store, again, previous=second.id)
    assert list(store) == ["user_taux", "user_taux_2"]
    assert again.id == "user_taux_2" and again.label["en"] == "taux (2)"
    # Its entry removed, the same upload is new again: numbered anew.
    del store["user_taux"]
    alone = keep_upload(store, _taux(atlas, (7, 8), "c.csv"), previous="user_taux")
    assert alone.id == "user_taux" and set(store) == {"user_taux", "user_taux_2"}


def test_numbered_ids_do_not_clash_with_other_labels(atlas):
    store = {}
    content = b"dep;taux 2;taux\n29;1;2\n"
    loaded = load_indicator(content, "x.csv", level="departement", atlas=atlas)
    first = keep_upload(
        store, loaded.as_indicator("taux 2", unit="index", direction="neutral")
    )
    assert first.id == "user_taux_2"
    keep_upload(store, loaded.as_indicator("taux", unit="index", direction="neutral"))
    third = keep_upload(store, _taux(atlas, (1, 2), "y.csv"))
    assert len(store) == 3 and third.id == "user_taux_3"
    assert third.label["en"] == "taux (3)"


def test_long_labels_get_distinct_numbered_ids(atlas):
    long = "é" * 5000
    content = f"dep;{long}\n29;1\n".encode()
    store = {}
    for _ in range(2):
        loaded = load_indicator(content, "x.csv", level="departement", atlas=atlas)
        keep_upload(store, loaded.as_indicator(unit="index", direction="neutral"))
    assert len(store) == 2
    first, second = store.values()
    assert len(first.label["en"]) <= 80
    assert second.label["en"] == first.label["en"] + " (2)"


# ------------------------------------------------------------------------ sites


@pytest.fixture(scope="module")
def sites_csv(atlas, data):
    return load_sites(read(data, SITES_CSV), SITES_CSV, atlas)


def test_sites_table_has_the_atlas_columns(sites_csv, atlas):
    sites = sites_csv.sites
    assert list(sites.columns) == SITE_COLUMNS
    assert set(SITE_COLUMNS) <= set(atlas.sites.columns)
    assert sites["lat"].dtype == float and sites["lon"].dtype == float
    assert sites["site_id"].is_unique
    assert (sites["source"] == "user_upload").all()
    assert sites["commune"].notna().all() and sites["departement"].notna().all()


def test_sites_are_placed(sites_csv):
    by_name = sites_csv.sites.set_index("name")
    brest = by_name.loc["Médiathèque François Mitterrand"]
    assert (brest["commune"], brest["kind"], brest["located_by"]) == (
        "29019",
        "library",
        "coordinates",
    )
    assert brest["lat"] == pytest.approx(48.3905)  # decimal comma read
    assert by_name.loc["France Services de Quimper", "kind"] == "france_services"
    swapped = by_name.loc["Permanence numérique (inversée)"]
    assert (swapped["commune"], swapped["kind"]) == ("29019", "conseiller_numerique")
    assert swapped["lat"] == pytest.approx(48.3905)
    ajaccio = by_name.loc["Point d'accès sans coordonnées"]
    assert (ajaccio["commune"], ajaccio["located_by"]) == ("2A004", "commune point")
    assert not math.isnan(ajaccio["lat"])
    paris = by_name.loc["Mairie du 1er"]
    assert (paris["commune_code"], paris["commune"]) == ("75101", "75056")


def test_sites_report(sites_csv):
    report = sites_csv.report
    assert report.rows_read == 10
    assert report.usable_rows == 6
    outside = problem(report, "outside France", 5)
    assert outside.severity == "row"
    assert outside.column == "lat, lng"
    problem(report, "no name", 6)
    assert "29199" in problem(report, "unknown code", 8).message
    problem(report, "no location", 10)
    assert any("swapped" in note for note in note_texts(report.notes, "en"))
    # How the sites were placed, worded in the report's language.
    located = sites_csv.sites["located_by"].value_counts()
    by_xy, at_point = located["coordinates"], located["commune point"]
    assert (
        f"placed: {by_xy} by coordinates, {at_point} at their commune's centre"
        in report.text(lang="en")
    )
    assert (
        f"placés\u00a0: {by_xy} par leurs coordonnées, {at_point} au centre de leur "
        "commune" in report.text(lang="fr")
    )


def test_sites_work_with_the_access_tools(sites_csv, atlas):
    combined = sites_csv.with_atlas(atlas)
    assert len(combined) == len(atlas.sites) + len(sites_csv.sites)
    points = atlas.level("commune").loc[["29019", "2A004"], ["lon", "lat"]]
    points["dep"] = ["29", "2A"]
    km = distance.nearest_distance_km(
        points, sites_csv.sites.rename(columns={"departement": "dep"})
    )
    assert km.notna().all()
    assert km["2A004"] == pytest.approx(0, abs=0.01)  # site at the commune point


def test_geojson_points(atlas, data):
    loaded = load_sites(read(data, SITES_GEOJSON), SITES_GEOJSON, atlas)
    sites = loaded.sites.set_index("site_id")
    assert list(sites.index) == ["user_upload:tl-1", "user_upload:epn-7"]
    assert sites.loc["user_upload:epn-7", "commune"] == "97411"
    assert loaded.report.row_word == "feature"
    assert problem(loaded.report, "not a point", 3).severity == "row"
    problem(loaded.report, "not placed", 4)


def test_geojson_in_lambert93(atlas):
    layer = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"nom": "Brest"},
                "geometry": {"type": "Point", "coordinates": [145981, 6838171]},
            }
        ],
    }
    loaded = load_sites(json.dumps(layer).encode(), "l93.geojson", atlas)
    assert loaded.sites["commune"].tolist() == ["29019"]


def test_lamednum_schema(atlas, data):
    loaded = load_sites(read(data, SITES_LAMEDNUM), SITES_LAMEDNUM, atlas)
    assert loaded.report.counts == {}
    sites = loaded.sites.set_index("name")
    crafted = sites.loc["Bibliothèque de test"]
    assert crafted["kinds"] == "conseiller_numerique;library"
    assert crafted["date"] == "2024-05-02"
    lunel = sites.loc["APIJE - LUNEL"]
    assert (lunel["commune"], lunel["located_by"]) == ("34145", "commune point")
    assert lunel["services"].startswith("Devenir autonome")


def test_lamednum_csv_variant(atlas, data):
    records = json.loads(read(data, SITES_LAMEDNUM))
    frame = pd.DataFrame(records).drop(columns=["services"])
    loaded = load_sites(frame.to_csv(index=False).encode(), "lieux.csv", atlas)
    assert len(loaded.sites) == 4


def test_sites_by_postcode_and_single_coordinate_column(atlas):
    content = (
        "nom,code_postal,coordonnees\n"
        "Unique,29200,\n"  # Brest only
        "Partagé,75001,\n"  # Paris: 75056 only in COG
        "Commun,01300,\n"  # shared by several communes
        'Coordonnées,,"48.3905, -4.4861"\n'
        'Mauvaises,,"quarante-huit"\n'
    ).encode()
    loaded = load_sites(content, "cp.csv", atlas)
    placed = loaded.sites.set_index("name")["commune"].to_dict()
    assert placed["Unique"] == "29019"
    assert placed["Coordonnées"] == "29019"
    assert "Commun" not in placed
    assert "shared by" in problem(loaded.report, "not placed").message
    assert problem(loaded.report, "not a number", 6).column == "coordonnees"


def test_sites_in_lambert93_columns(atlas):
    content = b"nom;x;y\nBrest;145981;6838171\n"
    loaded = load_sites(content, "l93.csv", atlas)
    assert loaded.sites["commune"].tolist() == ["29019"]
    assert any("Lambert-93" in note for note in note_texts(loaded.report.notes, "en"))


def test_sites_from_excel(atlas):
    content = xlsx([["Nom", "Latitude", "Longitude"], ["Brest", 48.3905, -4.4861]])
    loaded = load_sites(content, "lieux.xlsx", atlas)
    assert loaded.sites["commune"].tolist() == ["29019"]


def test_sites_need_a_name_and_a_location(atlas):
    with pytest.raises(SourceError, match="no column of site names"):
        load_sites(b"lat;lon\n48;2\n", "x.csv", atlas)
    with pytest.raises(SourceError, match="no way to locate"):
        load_sites(b"nom;ville\nA;Brest\n", "x.csv", atlas)
    with pytest.raises(SourceError, match="FeatureCollection"):
        load_sites(b'{"a": 1}', "x.json", atlas)


# --------------------------------------------------------------------- validate


def test_validate_file_indicator_detects_the_level(atlas, data):
    report = validate_file(data / DEPARTEMENTS, "indicator", atlas)
    assert report.details["level"] == "département"
    assert report.usable_rows == 4


def test_validate_file_reports_instead_of_raising(atlas, tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 4)
    report = validate_file(path, "indicator", atlas)
    assert report.fatal and "binary" in report.fatal
    assert report.usable_rows == 0
    assert "cannot be used" in report.text()
    with pytest.raises(SourceError, match="not found"):
        validate_file(tmp_path / "nowhere.csv", "sites", atlas)
    with pytest.raises(DivideError, match="unknown kind"):
        validate_file(path, "stuff", atlas)


def test_cli_validate(data, capsys, tmp_path):
    assert main(["validate", str(data / SITES_CSV), "--kind", "sites"]) == 0
    out = capsys.readouterr().out
    assert "usable: 6" in out and "line 5" in out
    empty = tmp_path / "bad.csv"
    empty.write_bytes(b"code;v\n29999;1\n")
    assert main(["validate", str(empty), "--kind", "indicator"]) == 2


def test_cli_validate_takes_the_apps_choices(data, capsys):
    args = ["validate", str(data / DEPARTEMENTS), "--kind", "indicator"]
    chosen = ["--level", "departement", "--code-column", "dep"]
    assert main([*args, *chosen, "--weight", "population"]) == 0
    out = capsys.readouterr().out
    assert "weight column: 'population'" in out and "code column: 'dep'" in out
    assert main([*args, "--code-column", "nom"]) == 2  # names are not codes
    assert "nom" in capsys.readouterr().out


# -------------------------------------------------------------- ARCEP refresh


def test_compare_refresh(atlas, data):
    table, summary = compare_refresh(read(data, ARCEP), ARCEP, atlas)
    assert len(table) == len(atlas.level("commune"))
    row = table.set_index("code").loc["29076"]
    # Milizac (29149) and Guipronvel (29076) merged: their premises add up.
    assert row["premises_after"] == 1900
    assert row["thd_after"] == 1400 + 300  # cumulative classes made exclusive
    assert row["share_after"] == pytest.approx(1700 / 1900)
    assert summary["communes_compared"] == 4
    assert summary["unmatched"] == 1 and summary["unmatched_codes"] == ["99999"]
    assert summary["date_after"] == "2025-06-30"
    assert summary["cumulative_classes"]
    assert summary["most_improved"][0][0] == "01001"
    assert table["change_pts"].iloc[0] == pytest.approx(summary["most_improved"][0][1])
    compared = table.dropna(subset=["premises_after"])
    assert summary["share_after_compared"] == pytest.approx(
        compared["thd_after"].sum() / compared["premises_after"].sum()
    )
    assert "2019-09-30" in compare_refresh(read(data, ARCEP), ARCEP, atlas).text()


def test_compare_refresh_refuses_other_files(atlas, data):
    with pytest.raises(SourceError):
        compare_refresh(read(data, COMMUNES), COMMUNES, atlas)


@pytest.mark.realdata
def test_refresh_with_the_embedded_vintage_changes_nothing(atlas, raw_dir):
    path = (
        raw_dir
        / "broadband"
        / "arcep_maconnexioninternet_commune-debit-beta_2019-09-30.csv"
    )
    table, summary = compare_refresh(path.read_bytes(), path.name, atlas)
    assert summary["share_after"] == pytest.approx(summary["share_before"])
    changed = table["change_pts"].abs() > 1e-9
    assert not changed.any(), table[changed].head()
    assert np.allclose(
        table["premises_after"].fillna(0), table["premises_before"].fillna(0)
    )


def test_a_rate_over_several_rows_is_never_averaged_without_weights(atlas):
    # Paris's 1st and 2nd arrondissements fold into Paris (75056): 10 % and 50 %
    # can only be combined with each one's weight; Brest has one row.
    plain = "code;taux\n75101;10\n75102;50\n29019;30\n"
    loaded = load_indicator(plain.encode(), "plm.csv", level="commune", atlas=atlas)
    ind = loaded.as_indicator("taux", unit="share", direction="lower_worse")
    values = ind.values_at("commune")
    assert pd.isna(values["75056"])
    assert values["29019"] == pytest.approx(0.30)
    assert "no weight for each" in ind.note["en"]

    weighted = "code;taux;pop\n75101;10;1000\n75102;50;3000\n29019;30;100\n"
    loaded = load_indicator(
        weighted.encode(), "plm.csv", level="commune", atlas=atlas, weight_column="pop"
    )
    values = loaded.as_indicator(
        "taux", unit="share", direction="lower_worse"
    ).values_at("commune")
    assert values["75056"] == pytest.approx((0.10 * 1000 + 0.50 * 3000) / 4000)


def test_the_report_notes_read_in_french(atlas):
    """How a file was read is said in the reader's language too."""
    content = b"titre du fichier\ncode;v\n20004;50\n29019;40\n"
    loaded = load_indicator(content, "x.csv", atlas=atlas)
    fr, en = loaded.report.text(lang="fr"), loaded.report.text(lang="en")
    assert "ligne(s) au-dessus de l'en-tête ignorée(s)" in fr
    assert "rattaché(s) à la commune d'aujourd'hui : 20004 → 2A004" in fr
    assert "line(s) above the header were skipped" in en
    for english in ("were skipped", "folded into", "retired code"):
        assert english not in fr
    share = loaded.as_indicator(unit="share", direction="lower_worse")
    assert "divisées par 100" in share.note["fr"]
    assert "divided by 100" in share.note["en"]


def test_a_sites_report_reads_in_french(atlas):
    content = b"nom;latitude;longitude\nMairie;48.39;-4.49\n"
    report = load_sites(content, "s.csv", atlas).report
    fr, en = report.text(lang="fr"), report.text(lang="en")
    assert "nom = 'nom', latitude = 'latitude', longitude = 'longitude'" in fr
    assert "séparateur ';', encodage UTF-8" in fr
    assert "name = 'nom'" in en and "separator ';', encoding UTF-8" in en


def test_compare_refresh_before_is_the_atlas_own_date(tmp_path, data):
    """An atlas built from a newer quarter says so as "before", not 2019."""
    folder = tmp_path / "atlas"
    shutil.copytree(DEFAULT_ATLAS, folder)
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    provenance["sources"]["arcep_fixed_2019"]["as_of"] = "2024-12-31"
    (folder / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    comparison = compare_refresh(read(data, ARCEP), ARCEP, Atlas.load(folder))
    assert comparison.summary["date_before"] == "2024-12-31"
    assert "2024-12-31" in comparison.text()
