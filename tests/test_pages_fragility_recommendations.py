"""Fragility index page, recommendations page and the "what applies here" block.

App tests drive widgets by key under ``AppTest``; the library helpers the pages
use are tested directly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from apptest import open_page, texts
from streamlit.testing.v1 import AppTest

from divide import fragility, maps, recommend
from divide.atlas import Atlas
from divide.i18n import t
from divide.knowledge import knowledge
from divide.safe_text import markdown as plain
from frontend.applies import link

ROOT = Path(__file__).resolve().parents[1]
FRAGILITY = "pages/fragility.py"
RECOMMENDATIONS = "pages/recommendations.py"
WHERE = {
    "france": {},
    "creuse": {"level": "departement", "code": "23"},
    "gueret": {"level": "commune", "code": "23096"},
}


def score_table(at: AppTest) -> pd.DataFrame:
    """The index table (the one with the 'components available' column)."""
    header = t("frag_col_used", at.session_state["lang"])
    tables = [d.value for d in at.dataframe if header in d.value.columns]
    assert len(tables) == 1
    return tables[0]


# ------------------------------------------------------------ fragility page
@pytest.mark.parametrize("where", sorted(WHERE))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fragility_renders(lang, where):
    at = open_page(FRAGILITY, lang=lang, **WHERE[where])
    assert not at.error, texts(at.error)
    assert at.title[0].value == t("frag_title", lang)
    table = score_table(at)
    assert not table.empty
    scores = table[t("frag_score", lang)].dropna()
    assert scores.between(0, 100).all()
    assert at.get("download_button"), "no CSV download"
    subheaders = texts(at.subheader)
    assert t("frag_ifn", lang) in subheaders
    if where == "france":
        assert t("frag_pick", lang) in texts(at.info)
    else:
        assert len(at.metric) == 4
        header = t("frag_col_percentile", lang)
        assert any(header in d.value.columns for d in at.dataframe)


def test_fragility_commune_level_stays_inside_the_departement(atlas):
    at = open_page(FRAGILITY, lang="en", level="departement", code="23")
    at.selectbox(key="frag_level").select("commune").run()
    assert not at.exception
    table = score_table(at)
    communes = atlas.members("commune", ("departement", "23"))
    assert set(table[t("code", "en")]) == set(communes["code"])
    assert at.query_params["flevel"] == "commune"


def test_fragility_weights_and_normalisation_change_the_table():
    at = open_page(FRAGILITY, lang="en", level="departement", code="23")
    header = t("frag_score", "en")
    before = score_table(at).set_index("Code")[header]
    assert t("frag_movers_none", "en") in texts(at.caption)

    at.slider(key="frag_w_age65_share").set_value(5).run()
    assert not at.exception
    weighted = score_table(at).set_index("Code")[header]
    assert not weighted.sort_index().equals(before.sort_index())
    movers = [
        d.value
        for d in at.dataframe
        if t("frag_col_rank_change", "en") in d.value.columns
    ]
    assert movers and len(movers[0]) <= 10

    at.selectbox(key="frag_norm").select("zscore").run()
    assert not at.exception
    normalised = score_table(at).set_index("Code")[header]
    assert not normalised.sort_index().equals(weighted.sort_index())
    assert at.query_params["fnorm"] == "zscore"


def test_fragility_components_and_reference():
    at = open_page(FRAGILITY, lang="en", level="departement", code="23")
    at.multiselect(key="frag_components").set_value(["thd30_share", "age65_share"])
    at.run()
    assert not at.exception
    assert at.query_params["fcomp"] == "thd30_share,age65_share"
    assert not score_table(at).empty
    at.radio(key="frag_ref").set_value("region").run()
    assert not at.exception and not at.error
    at.multiselect(key="frag_components").set_value([]).run()
    assert t("frag_no_components", "en") in texts(at.info)


def test_fragility_overseas_region_reference_falls_back_to_france():
    at = open_page(FRAGILITY, lang="en", level="departement", code="971", fref="region")
    assert at.radio(key="frag_ref").value == "region"
    assert not at.error, texts(at.error)
    assert t("frag_ref_france_forced", "en") in texts(at.caption)
    at.selectbox(key="frag_level").select("commune").run()
    assert not at.exception and not at.error
    assert t("frag_ref_france_forced", "en") not in texts(at.caption)


def test_fragility_reads_its_url():
    at = open_page(
        FRAGILITY,
        lang="en",
        fcomp="thd30_share,poverty_rate",
        fnorm="minmax",
        flevel="region",
    )
    assert at.multiselect(key="frag_components").value == [
        "thd30_share",
        "poverty_rate",
    ]
    assert at.selectbox(key="frag_norm").value == "minmax"
    assert len(score_table(at)) == len(Atlas.load().level("region"))


# ------------------------------------------------------- recommendations page
@pytest.mark.parametrize("where", sorted(WHERE))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recommendations_render(lang, where):
    at = open_page(RECOMMENDATIONS, lang=lang, **WHERE[where])
    assert not at.error, texts(at.error)
    assert t("applies_title", lang) in texts(at.subheader)
    headers = texts(at.header)
    assert t("reco_recommendations", lang, n=8) in headers
    n_inits = len(knowledge().initiatives)
    assert t("reco_initiatives", lang, n=n_inits) in headers


def test_recommendations_filters():
    at = open_page(RECOMMENDATIONS, lang="en", level="departement", code="23")
    at.selectbox(key="reco_theme").select("infrastructure").run()
    assert not at.exception
    recs, inits, _ = recommend.browse(theme="infrastructure")
    headers = texts(at.header)
    assert t("reco_recommendations", "en", n=len(recs)) in headers
    assert t("reco_initiatives", "en", n=len(inits)) in headers
    assert at.query_params["rtheme"] == "infrastructure"

    at.selectbox(key="reco_theme").select("").run()
    at.selectbox(key="reco_country").select("Kenya").run()
    assert t("reco_initiatives", "en", n=1) in texts(at.header)
    at.selectbox(key="reco_country").select("").run()
    at.selectbox(key="reco_kind").select("publication").run()
    _, pubs, _ = recommend.browse(kind="publication")
    assert t("reco_initiatives", "en", n=len(pubs)) in texts(at.header)
    assert not at.exception


def test_recommendations_where_it_fires_level_and_map():
    at = open_page(RECOMMENDATIONS, lang="en", level="departement", code="23")
    region_header = t("level_region", "en")
    assert any(region_header in d.value.columns for d in at.dataframe)
    at.toggle(key="reco_map_governance").set_value(True).run()
    assert not at.exception
    at.selectbox(key="reco_level").select("region").run()
    assert not at.exception
    assert all(region_header not in d.value.columns for d in at.dataframe)


# ---------------------------------------------------- what applies elsewhere
@pytest.mark.parametrize("page", ["pages/profile.py", "pages/overview.py"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_profile_and_overview_show_what_applies(page, lang):
    at = open_page(page, lang=lang, level="departement", code="23")
    assert t("applies_title", lang) in texts(at.subheader)
    fired = recommend.recommend_json(Atlas.load(), "departement", "23", lang)
    assert fired["fired"], "Creuse is expected to fire rules"
    shown = texts(at.markdown)
    assert t("applies_fired", lang, n=len(fired["fired"])) in shown
    france = open_page(page, lang=lang)
    assert t("applies_pick", lang) in texts(france.caption)


# ----------------------------------------------------------- library helpers
def test_plain_escapes_markup():
    text = "[x](javascript:alert(1)) <b>hi</b> *a* _b_ $x$"
    escaped = plain(text)
    for char in "[]<>*_$":
        assert f"\\{char}" in escaped
    assert plain("1. list") == "1\\. list"
    assert plain("- item").startswith("\\-")
    assert link("Site", "javascript:alert(1)") == "Site"
    assert link("Site", "https://a.org/x (y)") == "[Site](https://a.org/x%20%28y%29)"


def test_within_and_component_table(atlas):
    index = fragility.compute_index(atlas, "commune")
    codes = atlas.members("commune", ("departement", "23")).index
    part = fragility.within(index, codes)
    assert len(part) == len(codes)
    assert part["rank"].min() == 1 and part["rank"].max() <= len(part)
    assert part.attrs["level"] == "commune"
    table = fragility.component_table(index, "23096")
    assert list(table.index) == list(fragility.DEFAULT_COMPONENTS)
    assert table["contribution"].sum() == pytest.approx(index.loc["23096", "score"])
    assert table["percentile"].dropna().between(0, 100).all()
    view = fragility.component_view(table, {}, "fr")
    assert t("frag_col_percentile", "fr") in view.columns


def test_summary_movers_and_views(atlas):
    base = fragility.compute_index(atlas, "departement")
    other = fragility.compute_index(
        atlas, "departement", {**fragility.DEFAULT_COMPONENTS, "thd30_share": 5}
    )
    info = fragility.summary(base, "23", "en")
    assert len(info["cards"]) == 4 and info["rank"].startswith("Rank ")
    assert fragility.same_weights(
        fragility.DEFAULT_COMPONENTS, dict.fromkeys(fragility.DEFAULT_COMPONENTS, 2.0)
    )
    assert not fragility.same_weights(
        base.attrs["components"], other.attrs["components"]
    )
    moves = fragility.movers_view(base, other, "en")
    assert len(moves) == 10
    view = fragility.index_view(base, "fr")
    assert view[t("rank", "fr")].is_monotonic_increasing
    text = fragility.ifn_text({"rho": 0.5, "pvalue": 0.01, "n": 98}, "fr", "dép.")
    assert "0,5" in text and "98" in text


def test_reference_scope_and_region(atlas):
    assert fragility.reference_for("region", "region", "75") == "france"
    assert fragility.reference_for("commune", "region", "75") == "75"
    assert fragility.reference_for("commune", "france", "75") == "france"
    assert fragility.region_of(atlas, "france", None) is None
    assert fragility.region_of(atlas, "region", "75") == "75"
    assert fragility.region_of(atlas, "commune", "23096") == "75"
    assert fragility.display_scope(atlas, "commune", "france", "FR") == (
        "departement",
        None,
    )
    assert fragility.display_scope(atlas, "commune", "commune", "23096") == (
        "commune",
        ("departement", "23"),
    )
    assert fragility.display_scope(atlas, "epci", "commune", "23096") == ("epci", None)
    assert "ifn_mednum" not in fragility.candidates()
    guadeloupe = fragility.region_of(atlas, "departement", "971")
    assert fragility.reference_for("departement", "region", guadeloupe, atlas) == (
        "france"
    )
    assert fragility.reference_for("commune", "region", guadeloupe, atlas) == (
        guadeloupe
    )


def test_score_layer(atlas):
    index = fragility.compute_index(atlas, "departement")
    values = fragility.map_values(index)
    collection, edges, colours = maps.score_layer(
        atlas.geometry("departement"), values, fragility.SCORE, "en"
    )
    assert len(collection["features"]) == len(values)
    assert len(colours) == len(edges) - 1
    bounds = maps.bounds_around(atlas.geometry("departement"), ["23"])
    assert bounds[0][0] < bounds[1][0]


def test_browse_and_fires(atlas):
    kb = knowledge()
    recs, inits, contros = recommend.browse(kb)
    assert len(recs) == 8 and [r.number for r in recs] == list(range(1, 9))
    assert len(inits) == len(kb.initiatives) and len(contros) == len(kb.controversies)
    assert "Morocco" in recommend.countries(kb)
    _, french, _ = recommend.browse(kb, country="France")
    assert all("France" in i.country for i in french)
    with pytest.raises(Exception, match="theme"):
        recommend.browse(kb, theme="nope")
    values = recommend.fires_values(atlas, "governance", "departement")
    fired = recommend.where_it_fires(atlas, "governance", "departement")
    assert values["value"].notna().sum() == len(fired)
    view = recommend.fires_view(fired.head(3), "fr", kb)
    assert t("reco_col_rules", "fr") in view.columns
