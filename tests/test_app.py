"""The Streamlit app under ``AppTest``: every page renders, widgets drive the state.

Every ``pages/*.py`` (except ``_``-prefixed helpers) is smoke-tested, so a new page
is covered without touching this file; ``switch_page`` checks after a first run
that ``st.navigation`` in app.py registers it. Widgets are selected by their keys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apptest import open_page, problems, texts
from streamlit.testing.v1 import AppTest

from divide.atlas import Atlas
from divide.i18n import t

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES = sorted(
    f"pages/{path.name}"
    for path in (ROOT / "pages").glob("*.py")
    if not path.name.startswith("_")
)
TERRITORIES = {"france": {}, "brest": {"level": "commune", "code": "29019"}}


def url(at: AppTest) -> dict[str, str]:
    """The URL's query parameters as plain strings."""
    return {k: at.query_params[k] for k in at.query_params}


@pytest.fixture(scope="module")
def table():
    return Atlas.load().territories


# --------------------------------------------------------------------- smoke
def test_every_page_file_is_in_the_navigation():
    assert "pages/overview.py" in PAGES and "pages/map.py" in PAGES
    at = open_page()
    for page in PAGES:
        at.switch_page(page)  # ValueError when app.py does not register it


@pytest.mark.parametrize("where", sorted(TERRITORIES))
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders(page, lang, where):
    at = open_page(page, lang=lang, **TERRITORIES[where])
    assert not at.error, texts(at.error)
    assert at.title, f"{page} shows no title"
    assert all(str(x.value).strip() for x in at.title)
    assert at.session_state["lang"] == lang
    expected = ("commune", "29019") if where == "brest" else ("france", "FR")
    assert at.session_state["territory"] == expected


# -------------------------------------------------------------------- search
@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("chateauroux", "commune:36044"),
        ("Châteauroux", "commune:36044"),
        ("36000", "commune:36044"),  # postcode
        ("36044", "commune:36044"),  # INSEE code
        ("2A004", "commune:2A004"),  # Ajaccio, a Corsican code
        ("brest", "commune:29019"),
    ],
)
def test_search_finds_and_selects(query, wanted):
    at = open_page()
    at.text_input(key="territory_query").input(query).run()
    assert not at.exception, problems(at)
    pick = at.selectbox(key="territory_pick")
    assert pick.format_func(wanted) in pick.options, pick.options
    pick.select(wanted).run()
    assert not at.exception, problems(at)
    level, _, code = wanted.partition(":")
    assert at.session_state["territory"] == (level, code)
    assert url(at)["level"] == level
    assert url(at)["code"] == code
    # The search box is cleared once a territory is chosen.
    assert at.text_input(key="territory_query").value == ""


def test_search_shows_ajaccio_in_sidebar():
    at = open_page()
    at.text_input(key="territory_query").input("2A004").run()
    labels = at.selectbox(key="territory_pick").options
    assert any("Ajaccio" in label for label in labels), labels
    at.selectbox(key="territory_pick").select("commune:2A004").run()
    assert "Ajaccio" in texts(at.sidebar.info)


def test_search_without_match_says_so():
    at = open_page(lang="en")
    at.text_input(key="territory_query").input("zzzzqqqq").run()
    assert not at.exception
    assert not _has(at, "territory_pick")
    assert "zzzzqqqq" in texts(at.sidebar.caption)


def _has(at: AppTest, key: str) -> bool:
    return any(w.key == key for w in at.selectbox)


# ---------------------------------------------------------------- drill-down
def _codes(at: AppTest, key: str) -> set[str]:
    """Option codes of a drill-down selectbox (labels end with '(code)')."""
    codes = set()
    for label in at.selectbox(key=key).options:
        found = re.search(r"\(([0-9AB]+)\)$", label)
        if found:
            codes.add(found.group(1))
    return codes


def test_drill_down_filters_by_parent(table):
    at = open_page(lang="en")
    assert "53" in _codes(at, "pick_region")

    at.selectbox(key="pick_region").select("53").run()
    assert not at.exception, problems(at)
    assert at.session_state["territory"] == ("region", "53")
    deps = _codes(at, "pick_departement")
    in_region = set(
        table[(table["level"] == "departement") & (table["region"] == "53")]["code"]
    )
    assert deps == in_region == {"22", "29", "35", "56"}
    assert url(at)["level"] == "region" and url(at)["code"] == "53"

    at.selectbox(key="pick_departement").select("29").run()
    assert at.session_state["territory"] == ("departement", "29")
    epcis = _codes(at, "pick_epci")
    assert "242900314" in epcis  # Brest Métropole
    in_dep = set(
        table[(table["level"] == "epci") & (table["departement"] == "29")]["code"]
    )
    assert epcis <= in_dep | {at.session_state["pick_epci"]}
    assert _codes(at, "pick_commune") == set(
        table[(table["level"] == "commune") & (table["departement"] == "29")]["code"]
    )

    at.selectbox(key="pick_epci").select("242900314").run()
    assert at.session_state["territory"] == ("epci", "242900314")
    communes = _codes(at, "pick_commune")
    in_epci = set(
        table[(table["level"] == "commune") & (table["epci"] == "242900314")]["code"]
    )
    assert communes == in_epci and "29019" in communes

    at.selectbox(key="pick_commune").select("29019").run()
    assert not at.exception, problems(at)
    assert at.session_state["territory"] == ("commune", "29019")
    assert url(at)["level"] == "commune" and url(at)["code"] == "29019"

    # Clearing a level falls back to its parent.
    at.selectbox(key="pick_commune").select("").run()
    assert at.session_state["territory"] == ("epci", "242900314")
    at.selectbox(key="pick_region").select("").run()
    assert at.session_state["territory"] == ("france", "FR")
    assert "code" not in url(at)


def test_deep_link_fills_drill_down():
    at = open_page(level="commune", code="29019")
    ss = at.session_state
    assert (ss["pick_region"], ss["pick_departement"]) == ("53", "29")
    assert ss["pick_epci"] == "242900314"
    assert ss["pick_commune"] == "29019"


def test_reset_goes_back_to_france():
    at = open_page(level="commune", code="29019")
    at.button(key="reset_territory").click().run()
    assert at.session_state["territory"] == ("france", "FR")
    assert url(at)["level"] == "france" and "code" not in url(at)


# ------------------------------------------------------------------ language
def test_language_switch_changes_title_and_url():
    at = open_page()
    assert at.title[0].value == t("overview_title", "fr")
    at.selectbox(key="lang").select("en").run()
    assert not at.exception, problems(at)
    assert at.title[0].value == t("overview_title", "en")
    assert url(at)["lang"] == "en"


def test_language_and_indicator_survive_page_switch():
    at = open_page(lang="en", level="departement", code="29")
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, problems(at)
    assert at.session_state["lang"] == "en", "switching page reset the language"
    assert at.title[0].value == t("map_title", "en")
    assert url(at)["lang"] == "en"
    assert at.session_state["territory"] == ("departement", "29")
    # The indicator chosen on the map is the session's: the overview keeps it.
    at.selectbox(key="indicator").select("poverty_rate").run()
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception, problems(at)
    assert at.title[0].value == t("overview_title", "en")
    assert url(at)["ind"] == "poverty_rate" and url(at)["lang"] == "en"


# ----------------------------------------------------------------------- map
MAP = "pages/map.py"


def test_map_controls_follow_the_url():
    at = open_page(MAP, ind="poverty_rate", mlevel="region", classes="natural_breaks")
    assert at.selectbox(key="indicator").value == "poverty_rate"
    assert at.selectbox(key="map_level").value == "region"
    assert at.selectbox(key="map_method").value == "natural_breaks"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_map_widgets_drive_state_and_url(lang):
    at = open_page(MAP, lang=lang)
    at.selectbox(key="indicator").select("poverty_rate").run()
    assert not at.exception, problems(at)
    assert url(at)["ind"] == "poverty_rate"

    at.selectbox(key="map_method").select("natural_breaks").run()
    assert not at.exception, problems(at)
    assert url(at)["classes"] == "natural_breaks"

    at.selectbox(key="map_level").select("region").run()
    assert not at.exception, problems(at)
    assert url(at)["mlevel"] == "region"

    at.selectbox(key="map_frame").select("974").run()
    assert not at.exception, problems(at)
    assert not at.error, texts(at.error)

    at.checkbox(key="map_sites").check().run()
    assert not at.exception, problems(at)
    assert not at.error, texts(at.error)
    shown = t("sites_shown", lang, n="").strip()
    assert shown in texts(at.caption)
    assert url(at)["lang"] == lang and url(at)["level"] == "france"
    assert at.session_state["indicator"] == "poverty_rate"


def test_map_communes_need_a_scope():
    at = open_page(MAP)
    at.selectbox(key="map_level").select("commune").run()
    assert not at.exception, problems(at)
    assert t("commune_scope", "fr") in texts(at.info)
    assert url(at)["mlevel"] == "commune"


def test_map_communes_of_a_departement():
    at = open_page(MAP, level="departement", code="29")
    at.selectbox(key="map_level").select("commune").run()
    assert not at.exception, problems(at)
    assert not at.error, texts(at.error)
    assert t("commune_scope", "fr") not in texts(at.info)
    # Framed on the département: no overseas frame selector.
    assert "map_frame" not in [box.key for box in at.selectbox]
    wanted = {"mlevel": "commune", "level": "departement", "code": "29"}
    assert url(at).items() >= wanted.items()
    at.checkbox(key="map_sites").check().run()
    assert not at.exception, problems(at)


def test_map_communes_around_a_commune():
    at = open_page(MAP, level="commune", code="29019", mlevel="commune")
    assert not at.error, texts(at.error)
    assert at.selectbox(key="map_level").value == "commune"


def test_map_territory_change_keeps_map_settings():
    # Issue 17: a new territory opens at its own scale (a commune among the
    # communes of its département); the other map settings stay.
    at = open_page(MAP, mlevel="epci", classes="natural_breaks")
    at.text_input(key="territory_query").input("36044").run()
    at.selectbox(key="territory_pick").select("commune:36044").run()
    assert not at.exception, problems(at)
    wanted = {
        "level": "commune",
        "code": "36044",
        "mlevel": "commune",
        "classes": "natural_breaks",
    }
    assert url(at).items() >= wanted.items()


# ------------------------------------------------------------------ bad URLs
def test_unknown_code_warns_and_falls_back_to_france():
    at = open_page(level="commune", code="99999")
    assert not at.error, texts(at.error)
    assert at.warning, "an unknown code should say so"
    assert "99999" in texts(at.warning)
    assert at.session_state["territory"] == ("france", "FR")
    assert url(at)["level"] == "france" and "code" not in url(at)


@pytest.mark.parametrize(
    "params",
    [
        {"level": "nowhere", "code": "1"},
        {"level": "departement"},
        {"lang": "de"},
        {"ind": "no_such_indicator"},
        {"mlevel": "planet", "classes": "astrology"},
    ],
)
@pytest.mark.parametrize("page", ["pages/overview.py", MAP])
def test_bad_url_parameters_do_not_crash(page, params):
    at = open_page(page, **params)
    assert not at.error, texts(at.error)
    assert at.title


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_overview_shows_the_modelled_illectronisme_with_its_range(lang):
    """The card and the table say 'modelled' and give the range (issue 15)."""
    from divide.indicators import format_value
    from divide.registry import indicator

    at = open_page(lang=lang, level="departement", code="973")
    row = Atlas.load("data/atlas").territory("departement", "973")
    ind = indicator("illectronisme_est")
    expected = t(
        "story_range",
        lang,
        low=format_value(float(row["v_illectronisme_low"]), ind, lang),
        high=format_value(float(row["v_illectronisme_high"]), ind, lang),
    )
    assert expected in texts(at.caption), texts(at.caption)
    assert t("modelled", lang) in ind.name(lang).lower()
    table = at.dataframe[0].value
    cell = table.loc[ind.name(lang)].iloc[0]
    assert expected in cell
