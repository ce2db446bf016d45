"""The canvas map: shapes files, values, the national scope and the large views.

The national commune map, and the map page's views of 1,000 territories or
more (a région's communes, the EPCI of France) drawn from a level's shapes file.

Figures are checked against the raw files with plain pandas (ARCEP's 2019-09-30
commune file) and outlines against the atlas's display polygons read with
geopandas; the page runs under AppTest in both languages.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon
from streamlit.testing.v1 import AppTest

from divide import national_map
from divide.atlas import Atlas
from divide.i18n import t
from divide.registry import indicator
from frontend.national_map import FOLDER

ROOT = Path(__file__).resolve().parents[1]
DISPLAY = ROOT / "data" / "atlas" / "geo_commune_display.parquet"


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return Atlas.load()


@pytest.fixture(scope="module")
def display():
    return gpd.read_parquet(DISPLAY)


@pytest.fixture(scope="module")
def document(display):
    names = pd.Series({"29019": "Brest"})
    raw, codes = national_map.shapes_document(display, names)
    return json.loads(raw), codes


def _decode(flat, q):
    points = np.cumsum(np.asarray(flat).reshape(-1, 2), axis=0)
    return points / q


def test_shapes_file_has_every_commune_outline(display, document):
    doc, codes = document
    assert doc["format"] == "divide-shapes/1"
    assert codes == sorted(display["code"]) == doc["codes"]
    drawn = sum(bool(shape) for shape in doc["shapes"])
    present = display.geometry.notna() & ~display.geometry.is_empty
    assert drawn == int(present.sum())


def test_an_outline_decodes_to_the_display_polygon(display, document):
    doc, _ = document
    i = doc["codes"].index("29019")
    ring = _decode(doc["shapes"][i][0][0], doc["q"])
    brest = display.set_index("code").geometry["29019"]
    polygon = (
        brest
        if brest.geom_type == "Polygon"
        else max(brest.geoms, key=lambda p: p.area)
    )
    exterior = np.asarray(polygon.exterior.coords)[:-1]
    # Every decoded vertex is a vertex of the display ring, within the grid.
    gap = np.abs(ring[:, None, :] - exterior[None, :, :]).max(axis=2).min(axis=1)
    assert gap.max() <= 0.5 / doc["q"] + 1e-9
    assert len(ring) >= 0.8 * len(exterior)
    assert doc["names"][i] == "Brest"


def test_names_reach_the_browser_escaped():
    shapes = gpd.GeoDataFrame(
        {"code": ["99001"], "geometry": [Polygon([(0, 0), (1, 0), (1, 1)])]}
    )
    name = "<img src=x onerror=alert(1)>`${x}` 100%"
    raw, _ = national_map.shapes_document(shapes, pd.Series({"99001": name}))
    shown = json.loads(raw)["names"][0]
    for char in "<>`$%":
        assert char not in shown
    assert "&lt;img" in shown


def test_view_values_match_arcep_raw_file(atlas, raw_arcep, document):
    _, codes = document
    ind = indicator("thd30_share")
    values = atlas.level("commune")["v_thd30_share"]
    edges = [0.0, 0.5, 0.9, 1.0]
    colours = ["#a", "#b", "#c"]
    shown = national_map.view_values(codes, values, ind, edges, colours, "en")
    assert len(shown["cls"]) == len(shown["text"]) == len(codes)
    assert shown["fills"][-1] == "#d9d9d9"  # no data comes last
    row = raw_arcep[raw_arcep["code_insee"] == "29019"].iloc[0]
    share = (row.elig_thd30 + row.elig_thd100 + row.elig_thd1g) / row.nbr  # 2019-09-30
    i = codes.index("29019")
    assert shown["texts"][shown["text"][i]].startswith(f"{100 * share:.1f}")
    assert shown["cls"][i] == 2  # above 90 %
    # Distinct texts are sent once.
    assert len(shown["texts"]) == len(set(shown["texts"])) < len(codes) / 10


def _national_component(at: AppTest):
    found = [
        c
        for c in at.get("component_instance")
        if "divide_national_map" in c.proto.component_name
    ]
    assert found, "the national map component is not drawn"
    return json.loads(found[0].proto.json_args)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_map_page_draws_every_commune(lang, display):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.query_params.update({"lang": lang, "mlevel": "commune_fr"})
    at.run()
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    args = _national_component(at)
    assert (FOLDER / args["shapes"]).exists()
    assert len(args["values"]["cls"]) == len(display)
    assert args["labels"]["code"] == t("code", lang)
    assert at.selectbox(key="map_level").value == "commune_fr"
    captions = " ".join(c.value for c in at.caption)
    assert t("national_map_note", lang)[:30] in captions
    # Another indicator: the same shapes file, other values.
    at.selectbox(key="indicator").set_value("poverty_rate").run()
    assert not at.exception
    other = _national_component(at)
    assert other["shapes"] == args["shapes"]
    assert other["values"]["cls"] != args["values"]["cls"]


def test_level_picker_offers_all_of_france():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.query_params.update({"lang": "en"})
    at.run()
    at.switch_page("pages/map.py")
    at.run()
    at.selectbox(key="map_level").set_value("commune_fr").run()
    assert not at.exception
    assert at.query_params["mlevel"] == "commune_fr"
    _national_component(at)


# ------------------------------------------------ views of part of a level
def _collection(rows):
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"code": c, "value": v, "fill": f, "nodata": n},
            }
            for c, v, f, n in rows
        ],
    }


def test_collection_values_name_positions_classes_and_no_data():
    codes = ["01001", "01002", "29019", "29020"]
    colours = ["#111111", "#222222", "#333333"]
    view = _collection(
        [
            ("29019", "95.0 %", "#333333", False),
            ("01002", "10.0 %", "#111111", False),
            ("29020", "no data", "#d9d9d9", True),
            ("01001", "10.0 %", "#111111", False),
        ]
    )
    shown = national_map.collection_values(codes, view, colours)
    assert shown["index"] == [2, 1, 3, 0]
    assert shown["fills"] == [*colours, "#d9d9d9"]
    assert shown["cls"] == [2, 0, 3, 0]
    assert shown["texts"] == ["95.0 %", "10.0 %", "no data"]
    assert shown["text"] == [0, 1, 2, 1]
    with pytest.raises(ValueError, match="99999"):
        national_map.collection_values(
            codes, _collection([("99999", "1", "#111111", False)]), colours
        )


def test_shapes_files_of_two_levels_live_side_by_side(tmp_path):
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    shapes = gpd.GeoDataFrame({"code": ["1"], "geometry": [square]})
    names = pd.Series({"1": "One"})
    communes, _ = national_map.write_shapes(shapes, names, tmp_path)
    epci, _ = national_map.write_shapes(shapes, names, tmp_path, "epci")
    assert communes.startswith("communes-") and epci.startswith("epci-")
    assert {p.name for p in tmp_path.iterdir()} == {communes, epci}
    moved = shapes.assign(geometry=[square.buffer(0.1)])
    newer, _ = national_map.write_shapes(moved, names, tmp_path, "epci")
    assert {p.name for p in tmp_path.iterdir()} == {communes, newer}


def _map_page(params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.query_params.update(params)
    at.run()
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _canvas(at: AppTest):
    found = [
        c
        for c in at.get("component_instance")
        if "divide_national_map" in c.proto.component_name
    ]
    return json.loads(found[0].proto.json_args) if found else None


def _shapes_doc(name: str) -> dict:
    return json.loads((FOLDER / name).read_text())


def test_region_communes_send_values_only_recomputed_with_pandas():
    at = _map_page(
        {
            "lang": "en",
            "level": "region",
            "code": "84",
            "mlevel": "commune",
            "ind": "thd30_share",
        }
    )
    args = _canvas(at)
    assert args is not None, "the région's communes are not on the canvas map"
    names = [c.proto.component_name for c in at.get("component_instance")]
    assert not [n for n in names if "folium" in n], names
    assert args["shapes"].startswith("communes-")  # the national commune file
    doc = _shapes_doc(args["shapes"])
    values = args["values"]
    drawn = [doc["codes"][i] for i in values["index"]]

    # The atlas's files, read with plain pandas.
    rows = pd.read_parquet(ROOT / "data" / "atlas" / "territories.parquet")
    communes = rows[(rows["level"] == "commune") & (rows["region"] == "84")]
    geo = gpd.read_parquet(DISPLAY)
    shaped = set(geo.loc[geo.geometry.notna() & ~geo.geometry.is_empty, "code"])
    assert sorted(drawn) == sorted(c for c in communes["code"] if c in shaped)
    share = (communes["premises_thd30"] / communes["premises"]).set_axis(
        communes["code"]
    )
    no_data = len(values["fills"]) - 1
    seen = pd.DataFrame(
        {
            "share": share.reindex(drawn).to_numpy(),
            "cls": values["cls"],
            "text": [values["texts"][i] for i in values["text"]],
        },
        index=drawn,
    )
    known = seen[seen["cls"] != no_data]
    assert len(known) > 0.95 * len(seen)
    for share_, text in zip(known["share"], known["text"], strict=True):
        assert text.startswith(f"{100 * share_:.1f}".rstrip("0").rstrip(".")), text
    # Classes follow the values: a higher share is never in a lower class.
    ordered = known.sort_values("share")
    assert ordered["cls"].is_monotonic_increasing
    assert known["cls"].nunique() == no_data  # every class of the legend is used
    # No data where pandas finds no premises either.
    assert seen.loc[seen["cls"] == no_data, "share"].isna().all()
    # Bounds: the région's communes.
    (south, west), (north, east) = args["bounds"]
    box = geo[geo["code"].isin(drawn)].total_bounds
    assert (west, south, east, north) == pytest.approx(tuple(box), abs=0.01)
    assert len(at.get("component_instance")[0].proto.json_args) < 150_000


def test_epci_of_france_on_the_canvas_map():
    at = _map_page({"lang": "fr", "mlevel": "epci", "ind": "thd30_share"})
    args = _canvas(at)
    assert args is not None, "the EPCI are not on the canvas map"
    assert args["shapes"].startswith("epci-")
    doc = _shapes_doc(args["shapes"])
    epci = gpd.read_parquet(ROOT / "data" / "atlas" / "geo_epci_display.parquet")
    assert doc["codes"] == sorted(epci["code"])
    assert len(args["values"]["index"]) == int(
        (epci.geometry.notna() & ~epci.geometry.is_empty).sum()
    )
    assert args["labels"]["code"] == t("code", "fr")


def test_small_views_and_sites_stay_on_folium():
    at = _map_page(
        {"lang": "en", "level": "departement", "code": "29", "mlevel": "commune"}
    )
    assert _canvas(at) is None  # 277 communes: folium
    at = _map_page({"lang": "en", "mlevel": "epci"})
    assert _canvas(at) is not None
    at.checkbox(key="map_sites").check().run()
    assert not at.exception
    assert _canvas(at) is None  # the sites need folium's markers


def test_a_count_over_a_region_keeps_folium_circles_and_says_so():
    at = _map_page(
        {
            "lang": "en",
            "level": "region",
            "code": "84",
            "mlevel": "commune",
            "ind": "premises_no_thd",
        }
    )
    assert _canvas(at) is None  # proportional circles: folium
    captions = " ".join(c.value for c in at.caption)
    assert t("canvas_fallback", "en") in captions


def test_a_shapes_file_on_disk_is_not_written_again(tmp_path, monkeypatch):
    """Its name comes from its inputs: a server finding it on disk skips the build."""
    squares = [Polygon([(i, 0), (i + 1, 0), (i + 1, 1), (i, 1)]) for i in range(3)]
    shapes = gpd.GeoDataFrame({"code": ["3", "1", "2"], "geometry": squares})
    names = pd.Series({"1": "One", "2": "Two", "3": "Three"})
    name, codes = national_map.write_shapes(shapes, names, tmp_path)
    written = json.loads((tmp_path / name).read_bytes())
    assert codes == written["codes"] == ["1", "2", "3"]

    def build(*args, **kwargs):
        raise AssertionError("the shapes file was built again")

    monkeypatch.setattr(national_map, "shapes_document", build)
    assert national_map.write_shapes(shapes, names, tmp_path) == (name, codes)
    renamed = names.replace({"Two": "Deux"})
    monkeypatch.undo()
    assert national_map.write_shapes(shapes, renamed, tmp_path)[0] != name


def test_a_view_without_outlines_has_the_same_features(atlas):
    """The canvas map's view leaves the geometry out, and nothing else."""
    from divide import classify, maps

    ind = indicator("thd30_share")
    rows = atlas.members("commune", ("departement", "29"))
    values = rows[["code", "name"]].reset_index(drop=True)
    values["value"] = (rows["premises_thd30"] / rows["premises"]).to_numpy()
    edges = classify.breaks(values["value"], 5, "quantiles")
    colours = classify.palette(len(edges) - 1, ind.direction)
    shapes = atlas.geometry("commune")
    args = (shapes[shapes["code"].isin(values["code"])], values, ind, edges, colours)
    full = maps.feature_collection(*args, "en")
    bare = maps.feature_collection(*args, "en", outlines=False)
    assert [f["properties"] for f in bare["features"]] == [
        f["properties"] for f in full["features"]
    ]
    assert all(f["geometry"] is None for f in bare["features"])
    assert all(f["geometry"]["coordinates"] for f in full["features"])
