"""Benchmark of map views: server-side build time and payload sent to the browser.

Each view is built as the app builds it (GeoJSON from display-simplified shapes with
escaped properties and class colours, then a folium map rendered to HTML) and
compared with the naive approach: folium.GeoJson of every unsimplified commune.

Run: python bench/app.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import folium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from divide import classify, maps  # noqa: E402
from divide.atlas import Atlas  # noqa: E402
from divide.indicators import value_column  # noqa: E402
from divide.registry import indicator  # noqa: E402

VIEWS = [
    ("régions, national", "region", None),
    ("départements, national", "departement", None),
    ("EPCI, national", "epci", None),
    ("communes of département 29", "commune", ("departement", "29")),
    ("communes of département 38", "commune", ("departement", "38")),
    ("communes of région 53 (Bretagne)", "commune", ("region", "53")),
    ("communes of région 84 (AURA, largest)", "commune", ("region", "84")),
    ("all communes, national (not offered)", "commune", None),
]


def build_view(atlas: Atlas, shapes, level: str, scope, ind_id: str):
    ind = indicator(ind_id)
    rows = atlas.members(level, scope)
    values = rows[["code", "name"]].reset_index(drop=True)
    values["value"] = rows[value_column(ind_id)].to_numpy()
    edges = classify.breaks(values["value"], 5, "quantiles")
    colours = classify.palette(len(edges) - 1, ind.direction)
    part = shapes[shapes["code"].isin(values["code"])]
    return maps.feature_collection(part, values, ind, edges, colours, "en")


def render(collection) -> str:
    fmap = maps.base_map(maps.bounds_of("mainland"))
    labels = {"layer": "t", "name": "Name", "code": "Code", "value": "Value"}
    maps.add_choropleth(fmap, collection, labels, selected=None)
    return fmap.get_root().render()


def main() -> None:
    atlas = Atlas.load()
    atlas.territories  # noqa: B018
    shapes = {
        lvl: atlas.geometry(lvl) for lvl in ("region", "departement", "epci", "commune")
    }
    print(
        f"{'view':<42} {'features':>8} {'GeoJSON':>9} {'build':>7} {'HTML':>9} {'render':>7}"
    )
    sizes = {}
    for label, level, scope in VIEWS:
        start = time.perf_counter()
        collection = build_view(atlas, shapes[level], level, scope, "thd30_share")
        built = time.perf_counter() - start
        start = time.perf_counter()
        html = render(collection)
        rendered = time.perf_counter() - start
        sizes[label] = len(html)
        print(
            f"{label:<42} {len(collection['features']):>8} "
            f"{maps.payload_size(collection) / 1e6:>7.2f}MB {built:>6.2f}s "
            f"{len(html) / 1e6:>7.2f}MB {rendered:>6.2f}s"
        )

    full = atlas.geometry("commune", display=False)
    full = full[full.geometry.notna()]
    start = time.perf_counter()
    naive = folium.Map(tiles=None)
    folium.GeoJson(full).add_to(naive)
    naive_html = naive.get_root().render()
    naive_time = time.perf_counter() - start
    print(
        f"{'naive: folium.GeoJson(all unsimplified)':<42} {len(full):>8} {'':>9} {'':>7} "
        f"{len(naive_html) / 1e6:>7.2f}MB {naive_time:>6.2f}s"
    )
    for label in (
        "départements, national",
        "communes of département 29",
        "EPCI, national",
    ):
        print(f"  {label}: {sizes[label] / len(naive_html):.1%} of the naive payload")


if __name__ == "__main__":
    main()
