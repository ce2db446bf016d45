"""Issue 17 under AppTest, both languages: the map opens at the territory's scale
with a ranked table; the access page maps a rate and says why placement stops.

The first row is recomputed from the raw ARCEP 2019 file (2019-09-30) with plain
pandas.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from divide import recommend, supply
from divide.atlas import Atlas
from divide.i18n import t

ROOT = Path(__file__).resolve().parents[1]
MAP, ACCESS = "pages/map.py", "pages/access.py"


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update(params)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def ranked(at: AppTest, lang: str):
    heads = (
        t("rank_col_rank", lang),
        t("rank_col_name", lang),
        t("rank_col_value", lang),
    )
    for frame in at.dataframe:
        value = frame.value
        if all(h in value.columns for h in heads):
            return value
    raise AssertionError("no ranked table on the page")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_creuse_opens_on_its_communes_ranked_by_premises_lacking(lang, raw_arcep):
    at = open_page(MAP, lang=lang, level="departement", code="23")
    assert at.selectbox(key="map_level").value == "commune"
    table = ranked(at, lang)
    raw = raw_arcep[raw_arcep["code_dep"] == "23"]
    lacking = raw["nbr"] - raw["elig_thd30"] - raw["elig_thd100"] - raw["elig_thd1g"]
    top = raw.loc[lacking.idxmax()]
    assert table.iloc[0][t("rank_col_code", lang)] == top["code_insee"]
    count_head = t("rank_col_lacking_premises", lang)
    sep = "\u202f" if lang == "fr" else ","
    assert table.iloc[0][count_head] == f"{int(lacking.max()):,}".replace(",", sep)
    # sorted by the rate: the worst share first (many communes tie at 0 %)
    at.radio(key="map_rank_by").set_value("rate").run()
    assert not at.exception
    first = ranked(at, lang).iloc[0]
    assert first[count_head] != t("no_data", lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_choosing_a_region_opens_its_epcis(lang):
    at = open_page(MAP, lang=lang)
    assert at.selectbox(key="map_level").value == "departement"
    at.text_input(key="territory_query").input("Bretagne").run()
    at.selectbox(key="territory_pick").select("region:53").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="map_level").value == "epci"
    assert len(ranked(at, lang)) == 60  # the EPCIs of Bretagne in the atlas


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_access_page_maps_a_rate_and_places_three_sites(lang):
    at = open_page(ACCESS, lang=lang, level="departement", code="29", k="3")
    assert at.radio(key="access_layer").value == "illectronisme_est"
    assert "people_at_risk" not in at.radio(key="access_layer").options
    heads = t("access_col_rank", lang)
    hosts = [f.value for f in at.dataframe if heads in f.value.columns]
    assert hosts and len(hosts[-1]) == 3
    shown = "\n".join(str(m.label) for m in at.metric)
    assert t("access_after_other", lang, n="3") in shown
    page = "\n".join(str(e.value) for e in (*at.caption, *at.info, *at.markdown))
    assert "(s)" not in page and "(x)" not in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_access_page_says_why_placement_stops(lang):
    at = open_page(ACCESS, lang=lang, level="departement", code="29", k="10")
    table = supply.commune_access(Atlas.load(), ("departement", "29"), 10.0)
    left = int(
        (table["located"] & (table["people_at_risk"] > 0) & ~table["covered"]).sum()
    )
    hosts = [f.value for f in at.dataframe if t("access_col_rank", lang) in f.value]
    n = len(hosts[-1])
    assert 0 < n < 10
    infos = "\n".join(str(i.value) for i in at.info)
    assert t("access_stop_hosts_other", lang, n=str(n), k=10) in infos
    assert t("access_stop_left_other", lang, n=str(left), r="10") in infos


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_profile_says_what_each_territory_calls_for_first(lang, atlas):
    fired = [m for m in recommend.evaluate(atlas, "departement", "93") if m.fired]
    assert {"many_people_at_risk", "load_per_site"} <= {m.rule_id for m in fired}
    title = recommend.first_call(atlas, "departement", "93", lang)["title"]
    at = open_page("pages/profile.py", lang=lang, level="departement", code="93")
    page = "\n".join(str(m.value) for m in at.markdown)
    assert t("top_need_label", lang) in page
    # Seine-Saint-Denis: absolute need and load on supply; its strongest first
    assert title in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compare_ranks_the_territorys_communes_too(lang, raw_arcep):
    at = open_page("pages/compare.py", lang=lang, level="departement", code="23")
    table = ranked(at, lang)
    raw = raw_arcep[raw_arcep["code_dep"] == "23"]
    lacking = raw["nbr"] - raw["elig_thd30"] - raw["elig_thd100"] - raw["elig_thd1g"]
    assert (
        table.iloc[0][t("rank_col_code", lang)]
        == raw.loc[lacking.idxmax(), "code_insee"]
    )
