"""Counts drawn as proportional circles: areas proportional to the counts, the
largest count the largest circle, values recomputed from ARCEP's raw file."""

from __future__ import annotations

import folium
import pandas as pd
import pytest

from divide import maps
from divide.formatting import format_count
from divide.indicators import value_column
from divide.registry import indicator


def test_circle_areas_are_proportional_to_the_values():
    values = pd.Series([400.0, 100.0, 25.0, 0.0, None])
    radii = maps.circle_radii(values, 400.0)
    assert radii.iloc[0] == pytest.approx(maps.MAX_CIRCLE_PX)
    # Area ∝ r²: a quarter of the value is a quarter of the area.
    assert (radii.iloc[1] / radii.iloc[0]) ** 2 == pytest.approx(0.25)
    assert (radii.iloc[2] / radii.iloc[0]) ** 2 == pytest.approx(25 / 400)
    assert radii.iloc[3] == 0 and radii.iloc[4] == 0


def test_counts_are_circles_and_ratios_are_not():
    assert maps.is_count(indicator("premises_no_thd"))
    assert maps.is_count(indicator("people_at_risk"))
    assert not maps.is_count(indicator("people_at_risk_per_site"))  # a ratio
    assert not maps.is_count(indicator("thd30_share"))


def _circles(fmap: folium.Map) -> list[dict]:
    layers = [c for c in fmap._children.values() if isinstance(c, folium.GeoJson)]
    assert len(layers) == 1
    return layers[0].data["features"]


def test_creuse_premises_lacking_as_circles(atlas, raw_arcep):
    ind = indicator("premises_no_thd")
    rows = atlas.members("commune", ("departement", "23"))
    points = rows[["code", "name", "lat", "lon"]].copy()
    points["value"] = rows[value_column(ind.id)].to_numpy()
    fmap = maps.base_map(maps.bounds_of("mainland"))
    labels = {"name": "Name", "value": "Premises"}
    maps.add_proportional_circles(fmap, points, ind, "en", name="c", labels=labels)
    features = _circles(fmap)

    raw = raw_arcep[raw_arcep["code_dep"] == "23"]
    lacking = raw["nbr"] - raw["elig_thd30"] - raw["elig_thd100"] - raw["elig_thd1g"]
    top = raw.loc[lacking.idxmax()]
    # The largest count is drawn first (below the others), at the largest size.
    first = features[0]["properties"]
    assert first["name"] == top["nom_com"]
    assert first["radius"] == pytest.approx(maps.MAX_CIRCLE_PX, abs=0.1)
    assert format_count(int(lacking.max()), "en") in first["value"]
    # Every commune lacking some has a circle; none for those lacking none.
    assert len(features) == int((points["value"] > 0).sum())
    radii = [f["properties"]["radius"] for f in features]
    assert radii == sorted(radii, reverse=True)


def test_circle_legend_gives_reference_sizes():
    ind = indicator("people_at_risk")
    text = maps.circles_legend_html(pd.Series([1000.0, 10.0]), ind, "fr", title="T")
    assert text.count('class="circle"') == 3
    assert "1 000" in text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_map_page_draws_a_count_as_circles_and_a_rate_as_classes(lang):
    from apptest import open_page

    def legends(ind_id):
        at = open_page(
            "pages/map.py",
            timeout=120,
            lang=lang,
            level="departement",
            code="23",
            ind=ind_id,
        )
        return [m.value for m in at.markdown if "divide-legend" in m.value]

    assert 'class="circle"' in legends("premises_no_thd")[0]
    rate = legends("thd30_share")[0]
    assert 'class="circle"' not in rate and 'class="swatch"' in rate
