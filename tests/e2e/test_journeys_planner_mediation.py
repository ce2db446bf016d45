"""Issue 17 journeys in real Chromium: the planner and the mediation association.

Each journey does what a person does (type a name in the sidebar search, pick it,
read the table, ask for sites) and keeps screenshots at 1440×900, 1280×720 and
390×844 in ``tests/artifacts/``. Figures are recomputed from the raw ARCEP 2019
file (state on 2019-09-30) with plain pandas.
"""

from __future__ import annotations

import pandas as pd
import pytest
from appserver import ROOT
from browser import (
    FOLIUM_IFRAME,
    choose_option,
    wait_for_app,
    wait_for_map,
    wait_idle,
)

from divide import supply
from divide.atlas import Atlas
from divide.i18n import t

pytestmark = pytest.mark.e2e

SIZES = ((1440, 900), (1280, 720), (390, 844))
RAW_ARCEP = (
    ROOT.parent
    / "shared/data/raw/broadband"
    / "arcep_maconnexioninternet_commune-debit-beta_2019-09-30.csv"
)


def shots(page, artifacts, stem: str, target: str = FOLIUM_IFRAME) -> None:
    """The viewport at each size (what a person sees), ``target`` scrolled into
    view (the map by default), map redrawn each time."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(1200)
        page.locator(target).first.scroll_into_view_if_needed()
        page.wait_for_timeout(600)
        page.screenshot(path=str(artifacts / f"{stem}_{width}x{height}.png"))
    page.set_viewport_size({"width": 1440, "height": 900})


def pick_territory(page, text: str, label: str) -> None:
    box = page.locator(".st-key-territory_query input")
    box.fill(text)
    box.press("Enter")
    wait_idle(page)
    choose_option(page, "territory_pick", label)
    wait_idle(page)


def ranked_cells(page) -> list[str]:
    """Texts of the ranked table's first data row (glide grid: read via aria)."""
    grid = page.locator(".st-key-map_rank_table")
    grid.wait_for(timeout=60_000)
    grid.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=60_000)
    page.wait_for_timeout(500)
    return (
        grid.locator('[role="row"]')
        .nth(1)
        .locator('[role="gridcell"]')
        .evaluate_all("cells => cells.map(c => c.textContent)")
    )


def test_planner_creuse_first_row_lacks_most(page, server, artifacts):
    if not RAW_ARCEP.exists():
        pytest.skip("the raw ARCEP file is not beside the repo")
    raw = pd.read_csv(
        RAW_ARCEP, sep=";", skiprows=1, dtype={"code_insee": str, "code_dep": str}
    )
    raw = raw[raw["code_dep"] == "23"]
    lacking = raw["nbr"] - raw["elig_thd30"] - raw["elig_thd100"] - raw["elig_thd1g"]
    top = raw.loc[lacking.idxmax()]

    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server + "/map?lang=en")
    wait_for_app(page)
    pick_territory(page, "Creuse", "Creuse — " + t("level_departement", "en") + " 23")
    wait_for_map(page)
    level = page.locator(".st-key-map_level [role='combobox']").first.input_value()
    assert level == t("level_commune", "en")
    cells = ranked_cells(page)
    assert top["nom_com"] in cells, cells
    assert f"{int(lacking.max()):,}" in cells, cells
    frame = wait_for_map(page)
    labels = frame.evaluate(
        "() => [...document.querySelectorAll('.divide-place')].map(e => e.innerText)"
    )
    assert labels and top["nom_com"].split()[-1] in " ".join(labels), labels
    shots(page, artifacts, "answers_planner_creuse")
    shots(page, artifacts, "answers_planner_creuse_table", ".st-key-map_rank_table")


def test_association_finistere_rate_and_three_sites(page, server, artifacts):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server + "/access?lang=fr&level=departement&code=29&k=3")
    wait_for_app(page)
    frame = wait_for_map(page)
    body = page.locator("body").inner_text()
    # the legend is a rate (a % scale), not a count of people
    legend = page.locator(
        '[data-testid="stMarkdownContainer"]', has=page.locator("ul")
    ).last.inner_text()
    assert "(%)" in legend and "Illectronisme" in legend, legend
    assert "(s)" not in body and "(x)" not in body
    assert t("access_after_other", "fr", n="3") in body
    # the layer control is folded: it hides nothing until opened
    folded = frame.evaluate(
        "() => !!document.querySelector('.leaflet-control-layers:not("
        ".leaflet-control-layers-expanded)')"
    )
    assert folded
    shots(page, artifacts, "answers_association_finistere")

    # ten asked: fewer given, and the page says exactly why
    table = supply.commune_access(Atlas.load(), ("departement", "29"), 10.0)
    left = int(
        (table["located"] & (table["people_at_risk"] > 0) & ~table["covered"]).sum()
    )
    page.goto(server + "/access?lang=fr&level=departement&code=29&k=10")
    wait_for_app(page)
    wait_for_map(page)
    body = page.locator("body").inner_text()
    assert t("access_stop_left_other", "fr", n=str(left), r="10") in body.replace(
        "\n", " "
    )
    shots(
        page,
        artifacts,
        "answers_association_finistere_k10",
        '[data-testid=stAlert]:has-text("demandés")',
    )
