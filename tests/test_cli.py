"""The ``divide`` command line: show, export, quality, and its error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from divide.atlas import TYPE_COLUMNS
from divide.cli import main
from divide.registry import indicators

FORMATS = ("csv", "geojson", "gpkg", "parquet")


@pytest.fixture(scope="session")
def n_dep29(atlas) -> int:
    return int((atlas.level("commune")["departement"] == "29").sum())


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------- show
def test_show_commune_has_every_indicator(capsys):
    code, out, err = run(capsys, "show", "--level", "commune", "--code", "29019")
    assert code == 0 and not err
    data = json.loads(out)
    assert (data["level"], data["code"], data["name"]) == ("commune", "29019", "Brest")
    assert data["parents"]["departement"]["code"] == "29"
    assert list(data["indicators"]) == list(indicators())
    for ind_id, item in data["indicators"].items():
        assert {"value", "unit", "sources", "vintage"} <= set(item), ind_id
        assert item["unit"] == indicators()[ind_id].unit
        assert item["sources"] and all("licence" in s for s in item["sources"])
        assert item["value"] is None or isinstance(item["value"], float)
    assert 0 < data["indicators"]["thd30_share"]["value"] <= 1
    assert data["indicators"]["population"]["value"] > 100_000


def test_show_france(capsys):
    code, out, _ = run(capsys, "show", "--level", "france")
    data = json.loads(out)
    assert code == 0 and data["code"] == "FR" and data["parents"] == {}
    assert data["indicators"]["population"]["value"] > 60e6


# --------------------------------------------------------------------- export
def test_export_csv_of_a_departement(capsys, tmp_path, n_dep29):
    target = tmp_path / "finistere.csv"
    code, out, err = run(
        capsys,
        "export",
        "--level",
        "commune",
        "--within",
        "dep:29",
        "--indicators",
        "thd30_share,population",
        "--format",
        "csv",
        "-o",
        str(target),
    )
    assert code == 0 and not err
    assert out.startswith(f"{n_dep29} rows")
    frame = pd.read_csv(target, dtype=str)
    assert len(frame) == n_dep29
    assert list(frame.columns) == [
        "code",
        "name",
        "epci",
        "epci_name",
        "departement",
        "departement_name",
        "region",
        "region_name",
        *TYPE_COLUMNS,
        "thd30_share",
        "population",
    ]
    assert "29019" in set(frame["code"]) and frame["code"].str.len().eq(5).all()
    notes = pd.read_csv(tmp_path / "finistere.dictionary.csv")
    assert notes["id"].tolist() == [*TYPE_COLUMNS, "thd30_share", "population"]
    assert notes["vintage"].notna().all() and notes["licence"].notna().all()


def test_export_into_a_folder_names_the_file(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "export",
        "--level",
        "region",
        "--indicators",
        "population",
        "-o",
        str(tmp_path),
    )
    assert code == 0 and "divide_region.csv" in out
    frame = pd.read_csv(tmp_path / "divide_region.csv", dtype={"code": str})
    assert len(frame) == 18 and "01" in set(frame["code"])  # Guadeloupe keeps its 0


# Issue 12, item 7: `-o /dev/full` exited 0 after writing /dev/full.csv.
EXPORT = ["export", "--level", "region", "--indicators", "population"]


def assert_one_line_error(code: int, out: str, err: str, *hints: str) -> None:
    assert code == 2, (code, out, err)
    assert not out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("divide: error:"), err
    for hint in hints:
        assert hint in lines[0]
    assert "Traceback" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_export_to_a_device_is_an_error_and_the_path_is_kept(capsys):
    before = {p.name for p in Path("/dev").iterdir()}
    code, out, err = run(capsys, *EXPORT, "-o", "/dev/full")
    assert_one_line_error(code, out, err, "/dev/full", "not a regular file")
    assert "/dev/full.csv" not in err
    assert not Path("/dev/full.csv").exists()
    assert {p.name for p in Path("/dev").iterdir()} == before  # nothing written


def test_export_into_a_missing_folder_is_an_error(capsys, tmp_path):
    target = tmp_path / "missing" / "x.csv"
    code, out, err = run(capsys, *EXPORT, "-o", str(target))
    assert_one_line_error(code, out, err, "folder not found", str(target.parent))


def test_export_into_a_read_only_folder_is_an_error(capsys, tmp_path):
    import os

    if os.geteuid() == 0:  # root writes through file permissions: use sysfs
        folder = Path("/sys")
        if not folder.is_dir():
            pytest.skip("no read-only folder available")
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
    target = folder / "divide_test_export.csv"
    code, out, err = run(capsys, *EXPORT, "-o", str(target))
    assert_one_line_error(code, out, err, f"cannot write the export to {target}")
    assert "Permission denied" in err or "Read-only" in err
    assert not target.exists()
    assert not list(folder.glob(".divide_test_export*"))


def test_export_that_fails_midway_leaves_no_file(capsys, tmp_path, monkeypatch):
    # The data file is written, the dictionary fails (disk full): neither stays.
    real = Path.write_bytes

    def full_disk(self, data):
        if "dictionary" in self.name:
            raise OSError(28, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    code, out, err = run(capsys, *EXPORT, "-o", str(tmp_path / "x.csv"))
    assert_one_line_error(code, out, err, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_export_without_a_suffix_adds_one_only_for_a_new_file(capsys, tmp_path):
    code, out, err = run(capsys, *EXPORT, "-o", str(tmp_path / "regions"))
    assert code == 0 and not err
    assert (tmp_path / "regions.csv").is_file()
    assert str(tmp_path / "regions.csv") in out  # said, not silent
    existing = tmp_path / "kept"
    existing.write_text("old")
    code, out, err = run(capsys, *EXPORT, "-o", str(existing))
    assert code == 0 and not err
    assert existing.read_text().startswith("code,")  # written where asked
    assert not (tmp_path / "kept.csv").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_every_format(capsys, tmp_path, n_dep29, fmt):
    target = tmp_path / f"out.{fmt}"
    code, _, err = run(
        capsys,
        "export",
        "--level",
        "commune",
        "--within",
        "29",
        "--indicators",
        "thd30_share",
        "--format",
        fmt,
        "-o",
        str(target),
    )
    assert code == 0 and not err
    if fmt == "csv":
        back = pd.read_csv(target, dtype={"code": str})
    elif fmt == "parquet":
        back = gpd.read_parquet(target)
    else:
        back = gpd.read_file(target, layer="territories" if fmt == "gpkg" else None)
    assert len(back) == n_dep29
    assert back["code"].iloc[0].startswith("29") and isinstance(
        back["code"].iloc[0], str
    )
    if fmt != "csv":
        assert back.crs.to_epsg() == 4326


# -------------------------------------------------------------------- quality
def test_quality_prints_a_line_per_source(capsys, atlas):
    code, out, _ = run(capsys, "quality")
    assert code == 0
    lines = out.splitlines()
    for name in atlas.quality["sources"]:
        assert any(line.startswith(f"- {name}:") for line in lines), name
    assert any("unmatched codes" in line for line in lines)


# ------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["show", "--level", "comune"], "Did you mean: commune?"),
        (
            ["show", "--level", "commune", "--code", "99999"],
            "unknown commune code '99999'",
        ),
        (["show", "--level", "commune"], "--code is required"),
        (
            [
                "export",
                "--level",
                "commune",
                "--indicators",
                "thd30_shar",
                "-o",
                "{tmp}/x",
            ],
            "Did you mean: thd30_share",
        ),
        (
            ["export", "--level", "commune", "--format", "xlsx", "-o", "{tmp}/x"],
            "Valid: csv, geojson, gpkg, parquet",
        ),
        (["export", "--level", "comune", "-o", "{tmp}/x"], "Did you mean: commune?"),
        (["export", "--level", "commune", "--within", "11", "-o", "{tmp}/x"], "dep:11"),
        (
            ["export", "--level", "region", "--within", "dep:29", "-o", "{tmp}/x"],
            "finer",
        ),
        (["export", "--level", "commune", "-o", "{tmp}/no/x.csv"], "folder not found"),
        (["export", "--level", "commune"], "-o/--output"),
        (["exprt"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, tmp_path, argv, hint):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert not out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("divide: error:")
    assert hint in lines[0]
    assert "Traceback" not in err


def test_installed_command_exits_cleanly(tmp_path, n_dep29):
    script = Path(sys.executable).with_name("divide")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "divide.cli"]
    bad = subprocess.run(
        [*command, "show", "--level", "comune"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        line
        for line in bad.stderr.strip().splitlines()
        if line.startswith("divide: error:")
    ]
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    good = subprocess.run(
        [
            *command,
            "export",
            "--level",
            "commune",
            "--within",
            "dep:29",
            "-o",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith(f"{n_dep29} rows") and not good.stderr
