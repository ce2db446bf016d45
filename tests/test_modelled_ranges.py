"""A modelled figure is shown with its range wherever it is shown."""

from __future__ import annotations

import pandas as pd
import pytest

from divide import classify, compare, fragility, national_map, recommend, typology
from divide.i18n import t
from divide.indicators import range_text, value_column, value_range
from divide.registry import indicator, indicators
from frontend import cache
from tests.apptest import open_page

MODELLED = "illectronisme_est"


def test_range_is_the_models_ends_over_the_same_denominator(atlas):
    """Recomputed from the atlas's base columns: people at risk low/high over 15+."""
    table = atlas.territories
    low, high = value_range(table, indicator(MODELLED))
    n15 = table["people_15p"].where(table["people_15p"] > 0)
    pd.testing.assert_series_equal(
        low, table["people_at_risk_low"] / n15, check_names=False
    )
    pd.testing.assert_series_equal(
        high, table["people_at_risk_high"] / n15, check_names=False
    )
    # the atlas's own low/high indicators agree at every level
    pd.testing.assert_series_equal(
        low, table[value_column("illectronisme_low")], check_names=False
    )
    known = low.notna()
    assert (low[known] <= table.loc[known, value_column(MODELLED)] + 1e-12).all()
    assert (table.loc[known, value_column(MODELLED)] <= high[known] + 1e-12).all()


def test_only_modelled_figures_with_a_range_have_one(atlas):
    table = atlas.level("departement")
    for ind_id, ind in indicators().items():
        if not ind.modelled:
            assert value_range(table, ind) is None, ind_id
    counted = value_range(table, indicator("people_at_risk"))
    assert counted is not None
    pd.testing.assert_series_equal(
        counted[0], table["people_at_risk_low"].astype(float), check_names=False
    )
    assert range_text(table.iloc[0], indicator("thd30_share")) == ""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_range_text_of_creuse(atlas, lang):
    row = atlas.territory("departement", "23")
    low = row["people_at_risk_low"] / row["people_15p"]
    high = row["people_at_risk_high"] / row["people_15p"]
    text = range_text(row, indicator(MODELLED), lang)
    for end in (low, high):
        shown = f"{100 * end:.1f}"
        assert (shown.replace(".", ",") if lang == "fr" else shown) in text


def test_ranked_rows_and_ranking_table_carry_the_range(atlas):
    rows = compare.ranked_rows(
        atlas, "commune", ("departement", "23"), MODELLED, "rate"
    )
    members = atlas.members("commune", ("departement", "23"))
    expected = dict(
        zip(
            members["code"].astype(str),
            members["people_at_risk_low"] / members["people_15p"],
            strict=True,
        )
    )
    assert len(rows) == len(expected)
    for code, low in zip(rows["code"], rows["low"], strict=True):
        assert low == pytest.approx(expected[code])
    assert "low" not in compare.ranked_rows(atlas, "departement", None, "thd30_share")
    frame = compare.peers(atlas, "departement", "23", "parent")
    table = compare.ranking_table(frame, [MODELLED], MODELLED, "en")
    cell = table.loc[table["target"], indicator(MODELLED).name("en")].iloc[0]
    assert cell.count("%") == 3  # the value, then its two ends


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pages_show_the_range(lang):
    """Map page's ranked list and compare page's table, as a person reads them."""
    at = open_page(
        "pages/map.py",
        lang=lang,
        level="departement",
        code="23",
        mlevel="commune",
        ind=MODELLED,
    )
    heads = [list(df.value.columns) for df in at.dataframe]
    assert any(t("rank_col_range", lang) in h for h in heads), heads
    at = open_page(
        "pages/compare.py", lang=lang, level="departement", code="23", cind=MODELLED
    )
    overview_cells = [
        str(v) for df in at.dataframe for v in df.value.astype(str).to_numpy().ravel()
    ]
    assert any(v.count("%") == 3 for v in overview_cells)


def test_by_type_carries_the_range(atlas):
    """By type of territory: Σ people at risk low/high over Σ people 15+, per class."""
    frame = typology.by_type(atlas, ("departement", "23"), [MODELLED], "density")
    communes = atlas.members("commune", ("departement", "23"))
    sums = communes.groupby("density")[
        ["people_at_risk_low", "people_at_risk_high", "people_15p"]
    ].sum()
    creuse = frame[frame["area_code"] == "23"].set_index("class")
    for density, row in sums.iterrows():
        low = row["people_at_risk_low"] / row["people_15p"]
        assert creuse.loc[density, f"low_{MODELLED}"] == pytest.approx(low)
    view = typology.by_type_view(frame, "density", "en")
    assert view.loc[indicator(MODELLED).name("en")].str.count("%").eq(3).all()
    spec = typology.by_type_figure(frame, MODELLED, "density", "en", title="x")
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule", "text"]
    # The error bar is grey, not the area's colour (its lower part would hide).
    assert spec["layer"][1]["encoding"]["color"] == {"value": "#555555"}
    bars = spec["data"]["values"]
    assert all(r["low"] <= r["value"] <= r["high"] for r in bars if r["value"])
    assert all(" – " in r["hover"] for r in bars if r["value"])  # its range


def test_people_far_from_a_site_have_a_range(atlas):
    """Their range is the people-at-risk range of the communes beyond 10 km."""
    communes = atlas.level("commune")
    distance = communes["dist_med_x_pop"] / communes["pop_dist_med"]
    far = (distance > 10) | distance.isna()
    located = communes["lon"].notna()
    for end in ("low", "high"):
        expected = communes.loc[far & located, f"people_at_risk_{end}"].sum()
        france = atlas.territory("france", "FR")[f"people_at_risk_far_{end}"]
        assert france == pytest.approx(expected, rel=1e-6)  # stored to 0.01
    text = range_text(atlas.territory("france", "FR"), indicator("people_at_risk_far"))
    assert text.count("–") == 1
    assert value_range(communes, indicator("people_at_risk_far_share")) is None


def test_fragility_components_show_the_range(atlas):
    index = fragility.compute_index(atlas, "departement")
    table = fragility.component_table(index, "23")
    assert MODELLED in table.index
    row = atlas.territory("departement", "23")
    view = fragility.component_view(table, {}, "en", territory=row)
    cell = view.set_index(view.columns[0]).loc[MODELLED].iloc[0]
    assert range_text(row, indicator(MODELLED), "en") in cell


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_map_tooltips_give_the_range(atlas, lang):
    """Folium and canvas views (one GeoJSON) and the national commune map."""
    ind = indicator(MODELLED)
    collection, _, _ = cache.view_collection(
        atlas, "commune", ("departement", "23"), ind, "quantiles", 5, lang, False
    )
    communes = atlas.level("commune")
    gueret = next(
        f["properties"]
        for f in collection["features"]
        if f["properties"]["code"] == "23096"
    )
    low = (
        communes.loc["23096", "people_at_risk_low"]
        / communes.loc["23096", "people_15p"]
    )
    shown = f"{100 * low:.1f}"
    assert (shown.replace(".", ",") if lang == "fr" else shown) in gueret["value"]
    values = communes[value_column(MODELLED)]
    edges = classify.breaks(values, 5, "quantiles")
    colours = classify.palette(5, ind.direction)
    sent = national_map.view_values(
        ["23096"], values, ind, edges, colours, lang, value_range(communes, ind)
    )
    assert sent["texts"][sent["text"][0]] == gueret["value"]
    measured, _, _ = cache.view_collection(
        atlas,
        "commune",
        ("departement", "23"),
        indicator("thd30_share"),
        "quantiles",
        5,
        lang,
        False,
    )
    assert "–" not in measured["features"][0]["properties"]["value"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recommendation_texts_carry_the_range(atlas, lang):
    """A rule's text on a modelled figure gives its range, recomputed from the
    summed base columns of Creuse's communes (and France's for the reference)."""
    base = pd.read_parquet(atlas.path / "territories.parquet")
    communes = base[base["level"] == "commune"]
    creuse = communes[communes["departement"] == "23"]

    def ends(rows, numerator, denominator):
        return [
            rows[f"{numerator}{e}"].sum() / rows[denominator].sum()
            for e in ("_low", "_high")
        ]

    def shown(number, decimals):
        text = f"{number:,.{decimals}f}"
        return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text

    matches = {m.rule_id: m for m in recommend.evaluate(atlas, "departement", "23")}
    far = matches["illectronisme_far_from_mediation"]
    assert far.conditions[0].value_ends == pytest.approx(
        ends(creuse, "people_at_risk", "people_15p"), rel=1e-4
    )
    for end in ends(creuse, "people_at_risk", "people_15p"):
        assert shown(100 * end, 1) in far.reason[lang]
    load = matches["load_per_site"]  # did not fire: its text sets Creuse against France
    assert load.status == "not_fired"
    text = load.reason[lang]
    sites = ends(communes, "people_at_risk", "mediation_sites")
    for end in sites:
        assert shown(end, 0) in text
    assert load.conditions[0].to_dict(lang)["reference_range"] == pytest.approx(
        sites, rel=1e-4
    )
    measured = matches["thd_below_region"].conditions[0]
    assert measured.value_ends is None and "–" not in measured.value_display(lang)
