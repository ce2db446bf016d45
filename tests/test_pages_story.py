"""Presenter story (divide.story) and the presenter / Audacities pages under AppTest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from apptest import open_page, vega_charts
from streamlit.testing.v1 import AppTest

from divide import audacities as aud
from divide import classify, maps, safe_text, story
from divide.i18n import t
from divide.indicators import value_column
from divide.knowledge import knowledge
from divide.registry import indicator

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PLACES = {
    "france": ("france", None),
    "creuse": ("departement", "23"),
    "gueret": ("commune", "23096"),
}
NO_DATA = {"fr": "pas de données", "en": "no data"}


@pytest.fixture(scope="module")
def stories(atlas) -> dict:
    return {
        (where, lang): story.slides(atlas, *PLACES[where], lang)
        for where in PLACES
        for lang in ("fr", "en")
    }


# ---------------------------------------------------------------- the story
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("where", sorted(PLACES))
def test_slides_have_figure_source_and_advice(stories, where, lang):
    slides = stories[where, lang]
    assert len(slides) == len(story.SLIDES) == 7
    assert [s.id for s in slides] == list(story.SLIDES)
    assert [s.number for s in slides] == list(range(1, len(slides) + 1))
    for s in slides:
        assert s.title and s.title == t(f"story_title_{s.id}", lang)
        fig = s.figure
        assert fig.label.strip()
        assert re.search(r"\d", fig.text), (s.id, fig.text)
        assert NO_DATA[lang] not in fig.text
        assert fig.source.startswith(t("source", lang)), fig.source
        assert t("vintage", lang) in fig.source
        if fig.indicator is not None:
            assert fig.label == indicator(fig.indicator).name(lang)
            if indicator(fig.indicator).modelled:
                assert fig.modelled
        if fig.modelled:
            assert t("modelled_note", lang) in fig.source
        advice = s.advice
        assert advice.title and advice.summary and advice.reason and advice.source
        rec = knowledge().recommendation(advice.recommendation)
        assert advice.title == rec.title[lang]
        if advice.fallback:
            assert advice.rule is None
        assert s.visual["kind"] in ("choropleth", "bar", "line")


@pytest.mark.parametrize("where", sorted(PLACES))
def test_modelled_figures_are_flagged(stories, where):
    by_id = {s.id: s for s in stories[where, "en"]}
    assert by_id["illectronisme"].figure.modelled
    assert by_id["illectronisme"].figure.indicator == "illectronisme_est"
    assert by_id["fragility"].figure.modelled  # its components include a model
    assert not by_id["broadband"].figure.modelled
    assert not by_id["mobile"].figure.modelled


def test_languages_format_numbers_their_way(stories):
    fr = stories["creuse", "fr"][0].figure.text
    en = stories["creuse", "en"][0].figure.text
    assert fr.replace(",", ".").replace("\u00a0%", "%") == en  # 30,8 % / 30.8%
    assert "," in fr and "." in en


def test_visual_is_around_the_territory(stories):
    france = stories["france", "en"][0].visual
    assert france["kind"] == "choropleth"
    assert (france["level"], france["scope"], france["frame"]) == (
        "departement",
        None,
        "mainland",
    )
    gueret = stories["gueret", "en"][0].visual
    assert gueret["level"] == "commune"
    assert gueret["scope"] == ("departement", "23")
    assert gueret["highlight"] == "23096"
    creuse = {s.id: s.visual for s in stories["creuse", "en"]}
    assert creuse["broadband"]["scope"] == ("departement", "23")
    bars = creuse["mobile"]["bars"]
    assert bars[0]["highlight"] and "Creuse" in bars[0]["label"]
    assert bars[-1]["label"] == "France"


def test_fired_rule_gives_the_reason_with_numbers(stories):
    broadband = stories["creuse", "en"][0].advice
    assert not broadband.fallback
    assert broadband.rule in story.THEMES["broadband"]["rules"]
    assert "30.8" in broadband.reason


def test_nothing_fires_falls_back_and_says_so(atlas):
    slides = story.slides(atlas, "region", "53", "en")  # Bretagne: no rule fires
    broadband = slides[0].advice
    assert broadband.fallback and broadband.rule is None
    assert broadband.reason.endswith(t("story_fallback", "en", name="Bretagne"))
    # Still a statement about Bretagne: its gap with France on the slide's measure.
    assert broadband.reason.startswith("Against France: ")
    assert broadband.recommendation == story.THEMES["broadband"]["general"]
    assert broadband.initiatives  # examples from the theme's rules


def test_france_reports_rules_across_departements(stories):
    mobile = stories["france", "en"][1].advice
    assert mobile.rule == "mobile_far"
    assert re.search(r"fires in \d+ of 101 départements", mobile.reason)


def test_theme_rules_exist():
    kb = knowledge()
    for theme in story.THEMES.values():
        for rule in theme["rules"]:
            kb.rule(rule)
        kb.recommendation(theme["general"])
    for rules in story.CALLS_FOR_RULES.values():
        for rule in rules:
            kb.rule(rule)


def test_unknown_territory_or_language(atlas):
    with pytest.raises(ValueError, match="23"):
        story.slides(atlas, "departement", "2300", "en")
    with pytest.raises(ValueError, match="language"):
        story.slides(atlas, "france", None, "de")


def _creuse_collection(atlas, visual):
    ind = indicator(visual["indicator"])
    rows = atlas.members(visual["level"], visual["scope"])
    values = rows[["code", "name"]].reset_index(drop=True)
    values["value"] = rows[value_column(ind.id)].to_numpy()
    edges = classify.breaks(values["value"], 5, "quantiles")
    colours = classify.palette(len(edges) - 1, ind.direction)
    shapes = atlas.geometry(visual["level"])
    shapes = shapes[shapes["code"].isin(values["code"])]
    collection = maps.feature_collection(shapes, values, ind, edges, colours, "en")
    return rows, collection, edges, colours


def test_map_figure_offline_and_highlighted(atlas, stories):
    visual = stories["gueret", "en"][0].visual
    rows, collection, edges, colours = _creuse_collection(atlas, visual)
    spec = story.map_figure(collection, edges, colours, visual, "en")
    assert "url" not in spec["data"] and "url" not in json.dumps(spec["layer"])
    features = spec["data"]["values"]["features"]
    assert sorted(f["properties"]["code"] for f in features) == sorted(rows["code"])
    fill, outline = spec["layer"]
    assert all(layer["mark"]["type"] == "geoshape" for layer in spec["layer"])
    assert outline["transform"] == [
        {"filter": {"field": "properties.code", "equal": "23096"}}
    ]
    scale = fill["encoding"]["color"]["scale"]
    assert len(scale["domain"]) == len(scale["range"]) == len(colours) + 1  # + no data
    # Each commune is in the class of its value, recomputed from the atlas.
    value = rows.set_index("code")[value_column(visual["indicator"])]
    classes = classify.assign(value, edges)
    label = dict(zip(value.index, classes, strict=True))
    for f in features:
        i = label[f["properties"]["code"]]
        assert f["properties"]["class"] == scale["domain"][i if i >= 0 else -1]


def test_national_map_keeps_to_the_mainland_frame(atlas, stories):
    visual = stories["france", "fr"][0].visual
    assert visual["frame"] == "mainland" and visual["level"] == "departement"
    _, collection, edges, colours = _creuse_collection(atlas, visual)
    spec = story.map_figure(collection, edges, colours, visual, "fr")
    codes = {f["properties"]["code"] for f in spec["data"]["values"]["features"]}
    assert {"75", "2A", "2B", "29"} <= codes  # Corsica is in the frame
    assert not codes & {"971", "972", "973", "974", "976"}  # the maps show DROM apart


def test_map_figure_shows_names_as_text():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    name = "<img src=x onerror=alert(1)> & co"
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": square,
                "properties": {
                    "code": "1",
                    "name": safe_text.html(name),
                    "value": safe_text.html("50 %"),
                    "fill": "#ffffff",
                    "nodata": False,
                },
            }
        ],
    }
    visual = {"indicator": "thd30_share", "highlight": None, "frame": None}
    spec = story.map_figure(collection, [0.0, 1.0], ["#ffffff"], visual, "en")
    (props,) = [f["properties"] for f in spec["data"]["values"]["features"]]
    # Vega draws text and its tooltip escapes it: the name as typed, not escaped.
    assert props["name"] == name and props["value"] == "50 %"


def test_bar_figure_keeps_order_values_and_highlight():
    visual = {
        "kind": "bar",
        "title": "x",
        "axis": "km",
        "range": None,
        "bars": [
            {
                "label": "<img src=x>\u202e",
                "value": 3.1,
                "text": "3,1 km",
                "highlight": True,
                "group": None,
            },
            {
                "label": "France",
                "value": None,
                "text": "n/a",
                "highlight": False,
                "group": None,
            },
        ],
    }
    spec = story.bar_figure(visual, "fr")
    assert [r["label"] for r in spec["data"]["values"]] == ["<img src=x>", "France"]
    assert spec["encoding"]["y"]["sort"] == ["<img src=x>", "France"]
    assert [r["at"] for r in spec["data"]["values"]] == [3.1, 0]  # n/a written at 0
    tips = [r["tip"] for r in spec["data"]["values"]]
    assert tips == ["<img src=x> : 3,1 km", "France : n/a"]  # as typed: Vega escapes
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["condition"]["value"] == story.charts.HIGHLIGHT


def test_grouped_bars_outline_the_territory():
    bars = [
        {
            "label": place,
            "value": v,
            "text": str(v),
            "highlight": place == "A",
            "group": group,
        }
        for place in ("A", "B")
        for group, v in (("net", 10.0), ("skills", 20.0))
    ]
    visual = {"kind": "bar", "title": "x", "axis": "s", "range": [0, 100], "bars": bars}
    spec = story.bar_figure(visual, "en")
    assert spec["encoding"]["yOffset"]["sort"] == ["net", "skills"]
    bar = spec["layer"][0]["encoding"]
    assert bar["x"]["scale"] == {"domain": [0, 100]}
    assert bar["color"]["scale"]["domain"] == ["net", "skills"]
    assert bar["strokeWidth"]["condition"]["value"] == 3
    assert spec["data"]["values"][0]["tip"] == "A — net: 10.0"


def test_plain_markdown_shows_text_as_typed():
    assert safe_text.markdown("**a** [b](c) <i>") == (r"\*\*a\*\* \[b\]\(c\) \<i\>")


# ------------------------------------------------------------ presenter page


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("where", ["france", "gueret"])
def test_presenter_renders(lang, where):
    level, code = PLACES[where]
    params = {"lang": lang, "level": level} | ({"code": code} if code else {})
    at = open_page("pages/presenter.py", **params)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == t("story_title_broadband", lang)
    assert at.query_params["slide"] == "1"
    ((spec, data),) = vega_charts(at)
    assert len(data) or spec["data"]["values"]["features"], "an empty chart"


def test_presenter_deep_link_and_navigation():
    at = open_page(
        "pages/presenter.py", lang="en", level="departement", code="23", slide="2"
    )
    assert at.title[0].value == t("story_title_mobile", "en")
    at.button(key="pres_next").click().run()
    assert not at.exception
    assert at.title[0].value == t("story_title_illectronisme", "en")
    assert at.query_params["slide"] == "3"
    at.button(key="pres_prev").click().run()
    at.button(key="pres_prev").click().run()
    assert at.title[0].value == t("story_title_broadband", "en")
    assert at.query_params["slide"] == "1"
    assert at.button(key="pres_prev").disabled
    # The territory and language stay in the URL next to the slide.
    assert at.query_params["code"] == "23" and at.query_params["lang"] == "en"


@pytest.mark.parametrize(("given", "shown"), [("99", "7"), ("0", "1"), ("abc", "1")])
def test_presenter_bad_slide_number_is_clamped(given, shown):
    at = open_page("pages/presenter.py", lang="en", slide=given)
    assert at.query_params["slide"] == shown
    assert at.title[0].value == t(f"story_title_{story.SLIDES[int(shown) - 1]}", "en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_presenter_is_clean_by_default(lang):
    at = open_page("pages/presenter.py", lang=lang, level="departement", code="23")
    # No CSS aimed at Streamlit's internal test ids: our keyed containers only.
    assert not any("data-testid" in m.value for m in at.markdown)
    assert not at.toggle(key="pres_sidebar").value
    assert "present" not in at.query_params
    at.toggle(key="pres_sidebar").set_value(True).run()
    assert at.query_params["present"] == "0"
    assert at.toggle(key="pres_sidebar").value
    at.toggle(key="pres_sidebar").set_value(False).run()
    assert "present" not in at.query_params
    # The arrow keys' listener is on the page, bound to our buttons.
    scripts = [h.proto.body for h in at.get("html")]
    assert any(".st-key-" in body and "ArrowRight" in body for body in scripts)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_presenter_states_the_vintage_on_every_slide(lang):
    at = open_page("pages/presenter.py", lang=lang, level="departement", code="29")
    for number in range(1, len(story.SLIDES) + 1):
        text = " ".join(m.value for m in at.markdown)
        assert t("source", lang) in text and t("vintage", lang) in text, number
        assert at.query_params["slide"] == str(number)
        if number < len(story.SLIDES):
            at.button(key="pres_next").click().run()
            assert not at.exception


def test_presenter_finistere_slide_one_states_its_gap(atlas, raw_arcep):
    """Slide 1 for Finistère, where no rule fires, still says how far below France."""
    at = open_page("pages/presenter.py", lang="en", level="departement", code="29")
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # md escapes
    raw = raw_arcep
    thd = raw["elig_thd30"] + raw["elig_thd100"] + raw["elig_thd1g"]
    dep = raw["code_dep"] == "29"
    finistere = thd[dep].sum() / raw.loc[dep, "nbr"].sum()
    assert f"{100 * finistere:.1f}" in text  # ARCEP, state on 2019-09-30
    assert "Against France:" in text and "points below" in text


def test_presenter_auto_advance_option():
    at = open_page("pages/presenter.py", lang="fr")
    assert at.selectbox(key="pres_seconds").disabled
    at.checkbox(key="pres_auto").check().run()
    assert not at.exception
    assert not at.selectbox(key="pres_seconds").disabled


# ------------------------------------------------------------ Audacities page
def add_actor(at: AppTest, name: str, **ratings: int) -> None:
    at.text_input(key="aud_name").input(name)
    for criterion in aud.CRITERIA:
        at.slider(key=f"aud_{criterion}").set_value(ratings.get(criterion, 0))
    at.button(key="aud_add").click().run()
    assert not at.exception, at.exception


def radar_traces(at: AppTest) -> list[dict]:
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith("aud_radar")]
    if not charts:
        charts = at.get("plotly_chart")
    return json.loads(charts[0].proto.spec)["data"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_audacities_renders(lang):
    at = open_page("pages/audacities.py", lang=lang)
    assert at.title[0].value == t("aud_title", lang)
    assert any("CC BY 3.0 FR" in c.value for c in at.markdown)  # not a faded caption
    assert at.download_button(key="aud_download_json").disabled


def test_audacities_two_actors_on_the_radar():
    at = open_page("pages/audacities.py", lang="en")
    add_actor(
        at,
        "<b>Ride</b> & co",
        data_capture=5,
        audience=5,
        financial_power=4,
        legitimacy_challenge=4,
    )
    add_actor(at, "Open map", audience=2)
    assert [a["name"] for a in at.session_state["aud_actors"]] == [
        "<b>Ride</b> & co",
        "Open map",
    ]
    traces = radar_traces(at)
    assert [tr["type"] for tr in traces] == ["scatterpolar", "scatterpolar"]
    assert traces[0]["name"] == "&lt;b&gt;Ride&lt;/b&gt; &amp; co"  # shown as text
    assert "<b>Ride" not in json.dumps(traces)
    # Markdown shows the name as typed, never as HTML or formatting.
    assert any(m.value == r"### \<b\>Ride\</b\> \& co" for m in at.markdown)
    # Readings: one per actor, with the library's category and advice.
    reading = aud.reading(at.session_state["aud_actors"][0]["ratings"])
    assert reading["category"] == "risk"
    shown = "\n".join(m.value for m in at.markdown)
    assert "Risk" in shown and "Opportunity" in shown
    assert reading["actions"][0]["en"] in shown
    assert not at.download_button(key="aud_download_json").disabled


def test_audacities_same_name_updates_and_remove():
    at = open_page("pages/audacities.py", lang="en")
    add_actor(at, "Scooters", audience=3)
    add_actor(at, "  scooters ", audience=5)
    assert len(at.session_state["aud_actors"]) == 1
    assert at.session_state["aud_actors"][0]["ratings"]["audience"] == 5
    at.button(key="aud_remove_0").click().run()
    assert at.session_state["aud_actors"] == []


def test_audacities_empty_name_is_refused():
    at = open_page("pages/audacities.py", lang="en")
    add_actor(at, "   ")
    assert at.error and "no name" in at.error[0].value
    assert at.session_state["aud_actors"] == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.json", b'{"actors": [{"name": "X", "ratings": {"data_captur": 3}}]}'),
        ("bad.json", b"{not json"),
        ("bad.csv", b"name,audience\nX,9\n"),
        ("bad.csv", b"\xff\xfe\x00\x01binary"),
    ],
)
def test_audacities_bad_file_keeps_the_actors(name, content):
    at = open_page("pages/audacities.py", lang="en")
    add_actor(at, "Kept one", audience=4)
    add_actor(at, "Kept two", audience=1)
    before = list(at.session_state["aud_actors"])
    at.file_uploader(key="aud_upload").set_value((name, content, "text/plain")).run()
    assert not at.exception, at.exception
    assert at.error, "a bad file must show an error"
    assert at.error[0].value.startswith(t("aud_import_error", "en"))
    assert at.session_state["aud_actors"] == before
    assert len(radar_traces(at)) == 2


def test_audacities_import_round_trip():
    exported = aud.to_json(
        [{"name": "Imported", "ratings": dict.fromkeys(aud.CRITERIA, 2)}]
    )
    at = open_page("pages/audacities.py", lang="fr")
    add_actor(at, "Déjà là", audience=1)
    at.file_uploader(key="aud_upload").set_value(
        ("notes.json", exported.encode(), "application/json")
    ).run()
    assert not at.exception and not at.error
    assert [a["name"] for a in at.session_state["aud_actors"]] == [
        "Déjà là",
        "Imported",
    ]
    assert at.success
    csv_text = aud.to_csv(at.session_state["aud_actors"])
    assert aud.from_csv(csv_text)[1].ratings == dict.fromkeys(aud.CRITERIA, 2)
