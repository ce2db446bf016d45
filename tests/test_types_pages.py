"""The types of territory in the app, under AppTest, in both languages.

Every new control: the five filters by type on Map, Compare, Fragility index and
Data & export (keys ``<page>_<grid>``, kept in the URL), and the grid and
indicator pickers of the "by type of territory" section of Overview and Profile.
"""

from __future__ import annotations

import re

import pytest
from apptest import vega_charts
from test_app import open_page, problems, texts, url

from divide import export, fragility, typology
from divide.atlas import TYPE_COLUMNS
from divide.formatting import format_count
from divide.i18n import STRINGS, t
from divide.safe_text import markdown as md

PAGES = {
    "map": "pages/map.py",
    "compare": "pages/compare.py",
    "frag": "pages/fragility.py",
    "export": "pages/export.py",
}
LANGS = ("fr", "en")
#: The interface strings of this feature that differ between the languages.
OWN = {k: v for k, v in STRINGS.items() if k.startswith("type_") and v[0] != v[1]}


def visible(at) -> list[str]:
    """Texts a person sees: headings, captions, alerts, tables, widget labels."""
    parts = []
    for kind in ("title", "subheader", "header", "markdown", "caption", "info"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.warning] + [str(e.value) for e in at.error]
    for table in at.table:
        frame = table.value
        parts += [*map(str, frame.columns), *map(str, frame.index)]
        parts += [str(v) for v in frame.to_numpy().ravel()]
    for widget in (*at.selectbox, *at.multiselect):
        parts.append(str(widget.label))
        parts += [str(o) for o in widget.options]
    for spec, data in vega_charts(at):
        parts += [*map(str, data["area"]), *map(str, data["class_name"])]
        parts += [str(tip["title"]) for tip in spec["encoding"]["tooltip"]]
    return parts


def assert_one_language(at, lang: str) -> None:
    """None of this feature's strings of the other language is on the page.

    A short label (a class name) must not be a whole text, cell, option or part
    of an "area — class" header; a sentence must not appear anywhere.
    """
    parts = visible(at)
    pieces = {p.strip() for part in parts for p in re.split(r" — |: |\n", part)}
    shown = "\n".join(parts)
    other = 0 if lang == "en" else 1
    for key, pair in OWN.items():
        word = pair[other].split("{")[0].strip()
        if len(word) < 4:
            continue
        if len(word) <= 40:
            assert word not in pieces, f"{key}: '{word}' shown in {lang}"
        else:
            assert word not in shown, f"{key}: '{word}' shown in {lang}"


def filter_caption(at) -> str:
    return "\n".join(str(c.value) for c in at.caption if "Σ" in str(c.value))


# ----------------------------------------------------- filters on four pages
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("prefix", sorted(PAGES))
def test_filters_are_labelled_in_the_language(prefix, lang):
    at = open_page(PAGES[prefix], lang=lang, level="departement", code="29")
    for grid in TYPE_COLUMNS:
        box = at.multiselect(key=f"{prefix}_{grid}")
        assert box.label == typology.grid_label(grid, lang)
        assert box.value == []
    options = at.multiselect(key=f"{prefix}_density3").options
    assert options == [
        typology.class_label("density3", c, lang) for c in typology.classes("density3")
    ]
    assert at.multiselect(key=f"{prefix}_mountain").options[-1] == t(
        "type_none_mountain", lang
    )
    at.multiselect(key=f"{prefix}_density3").select("rural").run()
    assert not at.exception, problems(at)
    assert url(at)[f"{prefix}_density3"] == "rural"
    assert t("type_filter_note", lang, what="").split("{")[0][:15] in filter_caption(at)
    assert_one_language(at, lang)


@pytest.mark.parametrize("prefix", sorted(PAGES))
def test_filters_come_back_from_the_url(prefix):
    at = open_page(
        PAGES[prefix],
        lang="en",
        level="departement",
        code="29",
        **{
            f"{prefix}_density": "bourgs_ruraux,petites_villes",
            f"{prefix}_mountain": "none,bogus",
        },
    )
    assert at.multiselect(key=f"{prefix}_density").value == [
        "petites_villes",
        "bourgs_ruraux",
    ]
    assert at.multiselect(key=f"{prefix}_mountain").value == ["none"]  # bogus dropped
    assert "Density (7-level grid): Small towns, Rural towns" in filter_caption(at)
    assert url(at)[f"{prefix}_mountain"] == "none"
    at.multiselect(key=f"{prefix}_mountain").set_value([]).run()
    assert f"{prefix}_mountain" not in url(at)  # an empty filter leaves the link


@pytest.mark.parametrize("lang", LANGS)
def test_map_filter_limits_the_communes_and_their_sites(atlas, lang):
    at = open_page(
        PAGES["map"], lang=lang, level="departement", code="29", mlevel="commune"
    )
    at.checkbox(key="map_sites").check().run()
    before = texts(at.caption)
    at.multiselect(key="map_density3").select("rural").run()
    assert not at.exception, problems(at)
    view = typology.restrict(atlas, {"density3": ["rural"]})
    kinds = at.multiselect(key="map_site_kinds").value
    n = len(view.sites_in(("departement", "29"), kinds))
    shown = format_count(n, lang)
    assert n < len(atlas.sites_in(("departement", "29"), kinds))
    assert t("sites_shown", lang, n=shown) in texts(at.caption)
    assert texts(at.caption) != before
    at.multiselect(key="map_mountain").select("alpes").run()  # none in Finistère
    assert t("type_filter_empty", lang) in texts(at.info)


@pytest.mark.parametrize("lang", LANGS)
def test_compare_ranks_peers_of_the_chosen_types(atlas, lang):
    at = open_page(PAGES["compare"], lang=lang, level="commune", code="29019")
    assert len(at.dataframe[0].value) == 277
    at.multiselect(key="compare_density3").select("rural").run()
    assert not at.exception, problems(at)
    assert len(at.dataframe[0].value) == 243  # Finistère's rural communes
    # Brest is a dense commune: the page says why it left the ranking.
    assert md(t("type_filter_outside", lang, name="Brest")) in texts(at.caption)
    assert_one_language(at, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_fragility_index_over_the_chosen_types(atlas, lang):
    at = open_page(PAGES["frag"], lang=lang, level="departement", code="29")
    at.multiselect(key="frag_density3").select("rural").run()
    assert not at.exception, problems(at)
    view = typology.restrict(atlas, {"density3": ["rural"]})
    index = fragility.compute_index(view, "departement")
    note = t(
        "frag_table_note",
        lang,
        n=len(index),
        plural=t("levels_plural_departement", lang),
    )
    assert note in texts(at.caption) and len(index) == 97
    assert url(at)["frag_density3"] == "rural"
    at = open_page(
        PAGES["frag"], lang=lang, level="departement", code="75", frag_density3="rural"
    )
    assert md(t("type_filter_outside", lang, name="Paris")) in texts(at.caption)


@pytest.mark.parametrize("lang", LANGS)
def test_export_preview_and_download_follow_the_filters(atlas, lang):
    at = open_page(PAGES["export"], lang=lang, level="departement", code="29")
    at.multiselect(key="export_indicators").set_value(["thd30_share"]).run()
    at.multiselect(key="export_mountain").select("none").run()
    at.multiselect(key="export_density").select("bourgs_ruraux").run()
    assert not at.exception, problems(at)
    frame = at.dataframe[0].value
    expected = export.table(
        atlas,
        "commune",
        within="dep:29",
        indicator_ids=["thd30_share"],
        where={"density": ["bourgs_ruraux"], "mountain": ["none"]},
    )
    assert len(frame) == len(expected) > 10
    assert set(frame[typology.grid_label("density", lang)]) == {"bourgs_ruraux"}
    n = export.count_text(len(expected), lang)
    assert t("export_preview", lang, n=n, k=1) in texts(at.subheader)
    # The dictionary describes the type columns in the interface language.
    dictionary = at.dataframe[1].value
    assert typology.grid_label("density3", lang) in set(dictionary.iloc[:, 1])


# ---------------------------------------------- the by-type table and chart
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ["overview", "profile"])
def test_by_type_table_and_chart(atlas, page, lang):
    at = open_page(f"pages/{page}.py", lang=lang, level="departement", code="29")
    assert t("type_title", lang) in texts(at.subheader)
    grid = at.selectbox(key=f"{page}_type_grid")
    assert grid.value == "density3" and grid.label == t("type_grid_pick", lang)
    table = next(
        tb.value for tb in at.table if any("—" in str(c) for c in tb.value.columns)
    )
    dense = typology.class_label("density3", "dense", lang)
    assert (
        f"Finistère — {dense}" in table.columns and f"France — {dense}" in table.columns
    )
    frame = typology.by_type(atlas, ("departement", "29")).set_index(
        ["area_code", "class"]
    )
    from divide.indicators import format_value
    from divide.registry import indicator

    ind = indicator("thd30_share")
    rural = typology.class_label("density3", "rural", lang)
    row = next(i for i in table.index if i.startswith(ind.name(lang)[:20]))
    assert table.loc[row, f"France — {rural}"] == format_value(
        frame.loc[("FR", "rural"), "thd30_share"], ind, lang
    )
    charts = vega_charts(at)  # the by-type bars, the page's one chart
    assert len(charts) == 1
    spec, data = charts[0]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Finistère", "France"]
    assert list(dict.fromkeys(data["area"])) == ["Finistère", "France"]
    assert_one_language(at, lang)

    # Another grid and another charted indicator: kept in the URL.
    grid.select("mountain").run()
    at.selectbox(key=f"{page}_type_indicator").select("dist_4g_km").run()
    assert not at.exception, problems(at)
    assert url(at)["tgrid"] == "mountain" and url(at)["tind"] == "dist_4g_km"
    table = next(
        tb.value for tb in at.table if any("—" in str(c) for c in tb.value.columns)
    )
    assert f"Finistère — {t('type_none_mountain', lang)}" in table.columns
    assert f"France — {t('type_mountain_alpes', lang)}" in table.columns
    assert not any(re.search(r"Finistère — .*(Alp|Jura)", c) for c in table.columns)
    assert_one_language(at, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_by_type_of_a_commune_shows_its_departement(lang):
    at = open_page(
        "pages/overview.py", lang=lang, level="commune", code="29019", tgrid="density"
    )
    assert at.selectbox(key="overview_type_grid").value == "density"
    cls = typology.class_label("density3", "dense", lang)
    note = md(t("type_table_commune", lang, name="Brest", cls=cls, dep="Finistère"))
    assert note in texts(at.caption)
    assert_one_language(at, lang)


def test_france_shows_france_only():
    at = open_page("pages/overview.py", lang="en")
    table = next(
        tb.value for tb in at.table if any("—" in str(c) for c in tb.value.columns)
    )
    assert {c.split(" — ")[0] for c in table.columns} == {"France"}
    assert table.loc["Communes", "France — All"] == "34,875"
