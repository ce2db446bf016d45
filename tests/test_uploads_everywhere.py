"""Uploads join the session's atlas: mapped, compared, indexed, exported, counted.

An uploaded indicator is offered by every indicator picker of its session, and
an uploaded site layer counts in the access and placement tools; the session's
atlas view carries them (``Atlas.with_uploads``) and is passed to the library,
so another session never sees either.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from apptest import open_page

from divide import export, fragility, safe_text, supply, uploads
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import value_column
from divide.registry import catalogue, indicator

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "userdata"


@pytest.fixture(scope="module")
def share(atlas):
    """A département rate without weight: values at that level only."""
    content = (FIXTURES / "indicator_departements_utf8bom.csv").read_bytes()
    loaded = uploads.load_indicator(
        content, "deps.csv", level="departement", atlas=atlas
    )
    return loaded.as_indicator("part_65_plus", unit="share", direction="higher_worse")


@pytest.fixture(scope="module")
def count(atlas):
    """A commune count with an HTML label: summed up to every level."""
    content = (FIXTURES / "indicator_communes_cp1252.csv").read_bytes()
    loaded = uploads.load_indicator(content, "com.csv", level="commune", atlas=atlas)
    return loaded.as_indicator(
        "nb_lieux", unit="sites", direction="lower_worse", label="<b>Lieux</b>"
    )


def underserved_commune(atlas) -> tuple[str, float, float]:
    """A located Finistère commune more than 3 km from any site."""
    table = supply.underserved_table(atlas, ("departement", "29"), 3.0, None, 0.0)
    row = atlas.level("commune").loc[table["code"].iloc[0]]
    return row["code"], float(row["lat"]), float(row["lon"])


@pytest.fixture(scope="module")
def sites(atlas):
    """One France Services placed on a commune that had no site within 3 km."""
    code, lat, lon = underserved_commune(atlas)
    content = f"nom;lat;lon;type\nMon lieu;{lat};{lon};France Services\n"
    return uploads.load_sites(content.encode("utf-8"), "mine.csv", atlas), code


# ------------------------------------------------------------------ library
def test_uploads_belong_to_the_view_that_carries_them(atlas, share):
    view = atlas.with_uploads({share.id: share})
    assert view.indicator(share.id).name("en") == "part_65_plus"
    assert list(view.catalogue())[-1] == share.id
    assert view.level("departement").loc["29", f"v_{share.id}"] == pytest.approx(0.241)
    # The shared atlas and the registry know nothing of it.
    assert share.id not in catalogue() and share.id not in atlas.catalogue()
    for lookup in (indicator, atlas.indicator):
        with pytest.raises(DivideError, match="unknown indicator"):
            lookup(share.id)


def test_an_upload_cannot_hide_a_registry_indicator(atlas, share):
    from dataclasses import replace

    with pytest.raises(DivideError, match="already used by the registry"):
        atlas.with_uploads({"thd30_share": replace(share, id="thd30_share")})


def test_with_additions_adds_columns_and_sites_and_leaves_the_atlas(
    atlas, share, sites
):
    layer, _ = sites
    view = atlas.with_additions({share.id: share.values}, layer.sites)
    column = value_column(share.id)
    assert view.level("departement").loc["29", column] == pytest.approx(0.241)
    assert view.level("commune")[column].isna().all()
    assert column not in atlas.territories.columns
    assert len(view.sites) == len(atlas.sites) + 1
    with pytest.raises(DivideError, match="already has the columns"):
        view.with_additions({share.id: share.values})


def test_a_level_table_changed_by_a_caller_stays_its_own(atlas, share):
    table = atlas.territories
    stored = table[table["level"] == "departement"].set_index("code")
    first = atlas.level("departement")
    first.loc["29", "name"] = "changed"
    first["extra"] = 1.0
    again = atlas.level("departement")
    assert again.loc["29", "name"] == stored.loc["29", "name"] == "Finistère"
    assert "extra" not in again.columns
    # A view with its own table cuts its own levels, after the atlas cut its own.
    view = atlas.with_additions({share.id: share.values})
    assert value_column(share.id) in view.level("departement").columns
    assert value_column(share.id) not in atlas.level("departement").columns


def test_uploaded_sites_count_in_access_and_placement(atlas, sites):
    layer, code = sites
    view = atlas.with_additions(sites=layer.sites)
    scope = ("departement", "29")
    before = supply.underserved_table(atlas, scope, 3.0, None, 0.0)
    after = supply.underserved_table(view, scope, 3.0, None, 0.0)
    assert code in set(before["code"]) and code not in set(after["code"])
    assert len(after) < len(before)
    base = supply.access_summary(atlas, scope, 3.0, ["france_services"])
    more = supply.access_summary(view, scope, 3.0, ["france_services"])
    assert more.sites == base.sites + 1
    assert more.people_at_risk_within > base.people_at_risk_within
    plan = supply.placement(view, scope, 3.0, 3, None, (), 0.0)
    assert code not in set(plan.hosts["code"])


def test_export_carries_an_upload_and_its_provenance(atlas, share):
    view = atlas.with_uploads({share.id: share})
    frame = export.table(view, "departement", indicator_ids=[share.id])
    zipped = export.payload(view, "departement", frame, "csv", name="x")
    notes = zipfile.ZipFile(io.BytesIO(zipped)).read("x.dictionary.csv").decode()
    geo = json.loads(export.payload(view, "departement", frame, "geojson"))
    assert frame.set_index("code").loc["29", share.id] == pytest.approx(0.241)
    assert "user upload" in notes and "deps.csv" in notes
    described = geo["metadata"]["dictionary"][0]
    assert described["id"] == share.id and "deps.csv" in described["sources"]


def test_an_upload_can_enter_the_fragility_index(atlas, share):
    view = atlas.with_uploads({share.id: share})
    assert share.id in fragility.candidates(view.uploaded)
    weights = {"thd30_share": 1.0, share.id: 1.0}
    index = fragility.compute_index(view, "departement", weights)
    with_upload = index.loc["2A"]  # Corse-du-Sud has a value in the file
    assert with_upload["score"] == with_upload["score"]  # not NaN
    assert share.id not in fragility.candidates()


# -------------------------------------------------------------------- pages


def open_uploaded(page, held, *, setup=None, **params):
    """A session holding ``held`` (uploads in session state), on ``page``."""
    return open_page(
        page, timeout=120, state=held, setup=setup, **{"lang": "en", **params}
    )


@pytest.fixture(scope="module")
def held(share, count, sites):
    layer, _ = sites
    return {
        "user_indicators": {share.id: share, count.id: count},
        "user_sites": {layer.sha256: layer},
    }


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_map_draws_an_upload_and_says_where_it_has_no_values(held, share):
    def pick(at):
        at.selectbox(key="indicator").set_value(share.id)

    at = open_uploaded("pages/map.py", held, setup=pick, level="region")
    assert "part_65_plus (your data)" in texts(at.markdown)  # the legend
    assert not at.error
    # At a level where the upload has no values, the map is drawn at its own.
    at.selectbox(key="map_level").set_value("region").run()
    assert not at.error
    levels = t("level_departement", "en")
    assert t("upload_level_shown", "en", levels=levels) in texts(at.info)
    assert "part_65_plus (your data)" in texts(at.markdown)
    # the link does not carry an indicator that exists only in this session
    assert at.query_params.get("ind") != share.id


def test_compare_ranks_with_an_upload(held, share, count):
    def pick(at):
        at.multiselect(key="compare_indicators").set_value([share.id, count.id])

    at = open_uploaded(
        "pages/compare.py", held, setup=pick, level="departement", code="29"
    )
    columns = at.dataframe[0].value.columns.tolist()
    assert "part_65_plus (your data)" in columns
    assert "<b>Lieux</b> (your data)" in columns
    ranking = at.dataframe[0].value.set_index("Code")
    summed = count.values_at("departement").loc["29"]  # Finistère's rows, summed
    assert summed > 41  # Brest alone has 41
    assert ranking.loc["29", "<b>Lieux</b> (your data)"] == f"{summed:.0f}"


def test_fragility_takes_an_upload_as_component(held, share):
    def pick(at):
        at.multiselect(key="frag_components").set_value(["thd30_share", share.id])

    at = open_uploaded(
        "pages/fragility.py", held, setup=pick, level="departement", code="29"
    )
    assert not at.error
    components = at.dataframe[0].value  # the territory's components table
    assert "part_65_plus (your data)" in components.to_string()


def test_export_previews_an_upload_and_notes_missing_levels(held, share):
    def pick(at):
        at.multiselect(key="export_indicators").set_value(["thd30_share", share.id])

    at = open_uploaded("pages/export.py", held, setup=pick)
    preview = at.dataframe[0].value.set_index("Code")  # shown as read in English
    label = next(c for c in preview.columns if "part_65_plus" in c)
    assert preview.loc["29", label] == "24.1%"
    at.selectbox(key="export_level").set_value("region").run()
    assert "has no values at this level" in texts(at.caption)


def test_access_counts_uploaded_sites(held):
    at = open_uploaded("pages/access.py", held, level="departement", code="29")
    # Shown as typed: the file name is escaped for Markdown.
    assert safe_text.markdown("1 sites from mine.csv") in texts(at.info)


def test_removing_an_upload_leaves_every_page_working(held, share):
    picks = {
        "pages/map.py": lambda at: at.selectbox(key="indicator").set_value(share.id),
        "pages/compare.py": lambda at: at.multiselect(
            key="compare_indicators"
        ).set_value([share.id]),
        "pages/fragility.py": lambda at: at.multiselect(
            key="frag_components"
        ).set_value(["thd30_share", share.id]),
        "pages/export.py": lambda at: at.multiselect(key="export_indicators").set_value(
            [share.id]
        ),
    }
    own = {key: dict(value) for key, value in held.items()}  # it will change
    at = open_uploaded("pages/map.py", own, level="departement", code="29")
    for page, pick in picks.items():
        at.switch_page(page).run()
        pick(at)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/upload.py").run()
    at.button(key=f"upload_remove_{share.id}").click().run()
    assert share.id not in at.session_state["user_indicators"]
    for page in picks:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, texts(at.error))
    assert share.id not in at.multiselect(key="export_indicators").value
