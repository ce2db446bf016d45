"""Hostile names in real Chromium: every place they reach shows them as text.

Names from uploads (sites, indicator columns, file names) and from open data (an
altered copy of the atlas, served by a second server) are pushed through the map's
site tooltips and popups (hovered and clicked), the territory tooltips, indicator
pickers, tables, legends, plotly titles and hover boxes, Markdown, the printable
profile sheet, a presenter slide and download file names. Each name that could run
sets ``window.__pwned``: it must stay undefined everywhere, no element may be made
from a name, and the name must be readable as typed (see ``hostile.py``).
Screenshots: ``tests/artifacts/hostile_*.png``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from browser import (
    FOLIUM_IFRAME,
    choose_option,
    open_from_sidebar,
    screenshot,
    select_option,
    wait_for_app,
    wait_for_map,
    wait_idle,
)
from conftest import serve
from hostile import (
    HOSTILE,
    PWN,
    SAFE_FILE_NAME,
    assert_unharmed,
    headings,
    seen,
    watch,
)
from leaflet import click_marker, count_markers, hover_marker, hover_point
from poison import poisoned_copy

from divide import story, uploads
from divide.atlas import ATLAS_ENV, DEFAULT_ATLAS, Atlas
from divide.i18n import t
from divide.safe_text import clean, file_name, visible

pytestmark = pytest.mark.e2e

# Town halls across mainland France: far enough apart not to cluster.
PLACES = ["29019", "35238", "44109", "33063", "31555", "69123", "75056", "59350"]
PLACES += ["67482", "13055", "63113", "21231"]
SITES_FILE = f"<img src=x onerror={PWN}>sites.csv"
# What folium's territory tooltip is made of (names and values are text in it).
TABLE_TAGS = {"DIV", "TABLE", "TBODY", "TR", "TH", "TD"}


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return Atlas.load(DEFAULT_ATLAS)


def table_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(page, key: str, name: str, content: bytes) -> None:
    page.locator(f"[class*=st-key-{key}] input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )


def hover_plotly(page, element) -> None:
    """Move the mouse onto a plotly mark (its drag layer takes the events)."""
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y, steps=3)


def frames_of_maps(page) -> list:
    """The folium frames of the page, in page order."""
    handles = page.locator(FOLIUM_IFRAME).element_handles()
    return [h.content_frame() for h in handles]


def check_markers(page, frame, expected: set[str], shot: Path | None = None) -> None:
    """Hover and click every site marker: its name shows as text, nothing else."""
    seen = set()
    for i in range(count_markers(frame)):
        tip = hover_marker(page, frame, i)
        assert tip["elements"] == [], tip  # plain text: no element inside
        assert tip["text"] in expected, tip
        if shot is not None and "Img" in tip["text"]:
            page.screenshot(path=str(shot.with_name(shot.stem + "_tooltip.png")))
        popup = click_marker(page, frame, i)
        assert set(popup["elements"]) <= {"B", "DIV"}, popup
        assert popup["text"].startswith(tip["text"]), popup
        if shot is not None and "Img" in tip["text"]:
            page.screenshot(path=str(shot.with_name(shot.stem + "_popup.png")))
        seen.add(tip["text"])
    assert seen >= expected, expected - seen


# ------------------------------------------------------------ uploaded sites
def test_uploaded_site_names_in_tooltips_popups_and_table(
    server, page, artifacts, atlas
):
    dialogs = watch(page)
    points = atlas.level("commune").loc[PLACES]
    names = list(HOSTILE.values())
    rows = [[n, p.lat, p.lon] for n, p in zip(names, points.itertuples(), strict=True)]
    content = table_bytes(["nom", "latitude", "longitude"], rows)
    stored = uploads.load_sites(content, SITES_FILE, atlas).sites["name"]
    assert len(stored) == len(names)
    expected = {visible(n) for n in stored}
    assert clean(HOSTILE["long"], 200) in expected  # cut, not refused

    page.goto(f"{server}/upload?lang=en", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_role("tab", name=t("upload_sites", "en")).click()
    upload(page, "upload_sites_file", SITES_FILE, content)
    heading = f"{clean(SITES_FILE, 120)} — {len(names)}"
    page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
    wait_idle(page)
    frame = wait_for_map(page, also="() => typeof L.MarkerClusterGroup === 'function'")
    check_markers(page, frame, expected, artifacts / "hostile_sites.png")
    # The table shows them as typed (a grid cell per name).
    cells = set(page.locator("[role=gridcell]").all_text_contents())
    assert {visible(HOSTILE["img"]), visible(HOSTILE["markdown"])} <= cells
    screenshot(page, artifacts / "hostile_sites_page.png")
    assert_unharmed(page, dialogs)


# -------------------------------------------------------- uploaded indicator
LABELS = [
    f'<img src=x onerror="{PWN}"><script>{PWN}</script>',
    f"${{{PWN}}}`x` \\u0041 %{{y}} [link](javascript:{PWN}) **bold**",
    '&lt;b&gt;e&lt;/b&gt; \u202eevil =HYPERLINK("http://x.org","y") +c @d',
    HOSTILE["long"],
]


def upload_labels(page, server) -> list[str]:
    """Upload four département columns named LABELS; register each; their labels."""
    rows = [
        [dep, *(10 + i + j for j in range(len(LABELS)))]
        for i, dep in enumerate(["29", "22", "35", "56", "44"])
    ]
    content = table_bytes(["dep", *LABELS], rows)
    page.goto(
        f"{server}/upload?lang=en&level=departement&code=29",
        wait_until="domcontentloaded",
    )
    wait_for_app(page)
    select_option(page, "upload_level", t("level_departement", "en"))
    upload(page, "upload_indicator_file", f"{LABELS[2]}.csv", content)
    wait_for_map(page)
    labels = []
    for column in LABELS:
        select_option(page, "upload_column", clean(column, 120))
        label = clean(column, 80)
        page.wait_for_function(
            "(label) => [...document.querySelectorAll('h3')].some("
            "h => h.innerText.replaceAll('\\u2060', '') === label)",
            arg=label,
            timeout=60_000,
        )
        labels.append(label)
    wait_idle(page)
    return labels


def test_uploaded_labels_on_the_upload_page_and_download_names(
    server, page, artifacts, atlas
):
    dialogs = watch(page)
    labels = upload_labels(page, server)
    brest = atlas.level("departement").loc["29"]
    legends = page.locator(".divide-legend").all_inner_texts()
    shown = headings(page)
    for label in labels:
        assert shown.count(label) == 1, (label, shown)
        assert any(label in legend for legend in legends), label
    # Each map's territory tooltip: the label as a header, as text.
    frames = frames_of_maps(page)
    assert len(frames) >= len(labels)
    for frame, label in zip(frames, labels, strict=False):
        wait_for_map(page)
        tip = hover_point(page, frame, brest["lat"], brest["lon"])
        assert set(tip["elements"]) <= TABLE_TAGS, tip
        assert label in tip["text"] and "Finistère" in tip["text"], tip
        if "img" in label:
            page.screenshot(path=str(artifacts / "hostile_label_tooltip.png"))
    # The download is named from the indicator's id, never from its label.
    first = uploads.load_indicator(
        table_bytes(["dep", LABELS[0]], [["29", 1]]),
        "x.csv",
        level="departement",
        atlas=atlas,
    ).as_indicator(unit="km", direction="higher_worse")
    with page.expect_download() as caught:
        page.locator(f".st-key-upload_download_{first.id} button").click()
    download = caught.value
    assert download.failure() is None
    name = download.suggested_filename
    assert name == file_name(first.id, "csv"), name
    assert SAFE_FILE_NAME.fullmatch(name), name
    data = pd.read_csv(download.path(), dtype=str)
    assert "29" in set(data["code"]) and "Finistère" in set(data["name"])
    screenshot(page, artifacts / "hostile_labels_upload.png")
    assert_unharmed(page, dialogs)


def test_uploaded_labels_in_pickers_maps_tables_and_plotly(
    server, page, artifacts, atlas
):
    dialogs = watch(page)
    labels = upload_labels(page, server)
    mine = f" ({t('your_data', 'en')})"
    brest = atlas.level("departement").loc["29"]
    # Map: the picker offers the labels as text; the tooltip and legend show them.
    open_from_sidebar(page, t("page_map", "en"))
    for label in labels:  # typed in to filter the (virtualised) option list
        page.locator(".st-key-indicator [role='combobox']").first.click()
        page.keyboard.type(label[:12])
        options = [seen(o) for o in page.get_by_role("option").all_inner_texts()]
        page.keyboard.press("Escape")
        assert label + mine in options, (label, options)
    choose_option(page, "indicator", labels[0] + mine)
    frame = wait_for_map(page)
    tip = hover_point(page, frame, brest["lat"], brest["lon"])
    assert labels[0] + mine in tip["text"], tip
    assert set(tip["elements"]) <= TABLE_TAGS, tip
    assert labels[0] in page.locator(".divide-legend").inner_text()
    page.screenshot(path=str(artifacts / "hostile_label_map.png"))
    # Compare: metric label, Markdown caption, table header, plotly axis and hover.
    open_from_sidebar(page, t("page_compare", "en"))
    choose_option(page, "compare_x", labels[1] + mine)
    choose_option(page, "compare_y", labels[0] + mine)
    choose_option(page, "compare_indicators", labels[0] + mine, multi=True)
    choose_option(page, "compare_indicator", labels[0] + mine)
    metric = page.locator("[data-testid='stMetricLabel']", has_text=labels[0])
    metric.first.wait_for(timeout=30_000)
    assert seen(metric.first.inner_text()).strip() == labels[0] + mine
    # The ranking table: its last column is the upload's (scrolled to, since the
    # grid draws only the columns in view).
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.hover(position={"x": 200, "y": 60})
    page.mouse.wheel(20_000, 0)
    page.wait_for_timeout(800)
    headers = grid.locator("[role=columnheader]").all_text_contents()
    assert any(labels[0] in h for h in headers), headers
    captions = [
        seen(c)
        for c in page.locator("[data-testid='stCaptionContainer']").all_inner_texts()
    ]
    # The page's sources, said once at its foot, one line per indicator.
    lines = [line for c in captions for line in c.split("\n")]
    assert any(line.startswith(labels[0] + mine + " — ") for line in lines), lines
    bar = page.locator(".st-key-compare_bar")
    assert labels[0] in bar.locator(".xtitle").text_content()
    hover_plotly(page, bar.locator(".bars path").first)
    hover = bar.locator(".hoverlayer .hovertext")
    hover.first.wait_for(timeout=10_000)
    assert hover.first.locator("image, foreignObject").count() == 0
    scatter = page.locator(".st-key-compare_scatter")
    assert labels[1] in scatter.locator(".xtitle").text_content()
    assert labels[0] in scatter.locator(".ytitle").text_content()
    hover_plotly(page, scatter.locator(".scatterlayer .point").first)
    hovered = scatter.locator(".hoverlayer .hovertext")
    hovered.first.wait_for(timeout=10_000)
    text = hovered.first.text_content()
    assert labels[1] in text and labels[0] in text, text  # %{y} not filled in
    screenshot(page, artifacts / "hostile_labels_compare.png")
    assert_unharmed(page, dialogs)


# ----------------------------------------------------- poisoned open data
POISON = {
    ("region", "53"): HOSTILE["img"] + " Bretagne",
    ("departement", "29"): HOSTILE["template"] + " Finistère",
    ("commune", "29019"): HOSTILE["markdown"] + " Brest",
    ("commune", "29232"): HOSTILE["rtl"] + " " + HOSTILE["hyperlink"],
    ("commune", "29039"): HOSTILE["entities"],
    ("epci", "242900314"): HOSTILE["script"] + " " + HOSTILE["at"],
}
SITE_POISON = [
    HOSTILE[k] for k in ("img", "svg", "script", "template", "markdown", "entities")
]


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory, chromium_path):
    """A second server, on a copy of the atlas whose names carry hostile text."""
    folder = poisoned_copy(tmp_path_factory.mktemp("poisoned") / "atlas", POISON)
    sites = pd.read_parquet(folder / "sites.parquet")
    # Sites the map shows by default (public libraries are a layer of their own).
    shown = (sites["commune"] == "29019") & (sites["kind"] != "public_library")
    brest = sites.index[shown][: len(SITE_POISON)]
    sites.loc[brest, "name"] = SITE_POISON
    sites.to_parquet(folder / "sites.parquet")
    with serve(folder.parent, env={ATLAS_ENV: str(folder)}) as url:
        yield url


def test_poisoned_open_data_names_in_map_presenter_and_sheet(
    poisoned, page, artifacts, atlas
):
    dialogs = watch(page)
    dep = visible(POISON[("departement", "29")])
    brest = atlas.level("commune").loc["29019"]
    # Map of the communes of the département, with the open-data sites.
    page.goto(
        f"{poisoned}/map?lang=en&level=departement&code=29&mlevel=commune",
        wait_until="domcontentloaded",
    )
    frame = wait_for_map(page)
    selected = page.locator("[data-testid='stSidebar'] [data-testid='stAlert']")
    assert dep in seen(selected.first.inner_text())
    tip = hover_point(page, frame, brest["lat"], brest["lon"])
    assert set(tip["elements"]) <= TABLE_TAGS, tip
    assert visible(POISON[("commune", "29019")]) in tip["text"], tip
    page.locator(".st-key-map_options summary").click()  # the folded options
    page.get_by_text(t("show_sites", "en")).first.wait_for(state="visible")
    page.wait_for_timeout(500)  # the expander's opening transition
    page.get_by_text(t("show_sites", "en")).first.click()
    wait_idle(page)
    frame = wait_for_map(page, also="() => typeof L.MarkerClusterGroup === 'function'")
    n = count_markers(frame)
    poisoned_markers = frame.evaluate(
        """(names) => window.__divideMarkers.map(([c, m], i) => [i,
            new DOMParser().parseFromString(m.getTooltip().getContent(), 'text/html')
                .body.textContent]).filter(([i, text]) => names.includes(text))
                .map(([i]) => i)""",
        [visible(s) for s in SITE_POISON],
    )
    assert n > 100 and len(poisoned_markers) == len(SITE_POISON)
    for i in poisoned_markers:
        tip = hover_marker(page, frame, i)
        assert tip["elements"] == [] and tip["text"] in map(visible, SITE_POISON)
        popup = click_marker(page, frame, i)
        assert set(popup["elements"]) <= {"B", "DIV"}, popup
    page.screenshot(path=str(artifacts / "hostile_open_data_map.png"))
    assert_unharmed(page, dialogs)

    # A presenter slide: the territory in Markdown, its parents in Vega bars
    # (SVG text on the axis, plain text in the tooltip).
    page.goto(
        f"{poisoned}/presenter?lang=en&level=departement&code=29&slide=2",
        wait_until="domcontentloaded",
    )
    wait_for_app(page)
    page.get_by_text(f"2 / {len(story.SLIDES)} · {dep}").first.wait_for(timeout=60_000)
    chart = page.locator(".st-key-pres_chart")
    chart.locator("g.mark-rect path").first.wait_for(timeout=60_000)
    ticks = chart.locator(".role-axis-label text").all_text_contents()
    region = visible(POISON[("region", "53")])
    assert any(region in tick for tick in ticks), ticks
    assert any(dep in tick for tick in ticks), ticks
    chart.locator("g.mark-rect path").first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(timeout=10_000)
    assert dep in tooltip.inner_text(), tooltip.inner_text()
    assert tooltip.locator("img, script, b, i").count() == 0
    screenshot(page, artifacts / "hostile_presenter.png")
    assert_unharmed(page, dialogs)

    # Brest's profile and its printable sheet (opened as a page of its own): a
    # commune, so the sheet lists its sites (a département's are counted by kind).
    commune = visible(POISON[("commune", "29019")])
    page.goto(
        f"{poisoned}/profile?lang=en&level=commune&code=29019",
        wait_until="domcontentloaded",
    )
    wait_for_app(page)
    level = t("level_commune", "en")
    assert f"{commune} — {level}" in headings(page)
    # The by-type bars (Vega, in SVG): the département's name as text in the
    # legend, and in the tooltip of a bar.
    chart = page.locator(".st-key-profile_type_chart")
    chart.locator("g.mark-rect path").first.wait_for(timeout=60_000)
    assert dep in chart.locator(".role-legend").first.text_content()
    chart.locator("g.mark-rect path").first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(timeout=10_000)
    assert dep in tooltip.inner_text(), tooltip.inner_text()
    with page.expect_download() as caught:
        page.locator(".st-key-profile_download button").click()
    download = caught.value
    assert SAFE_FILE_NAME.fullmatch(download.suggested_filename)
    document = Path(download.path()).read_text(encoding="utf-8")
    sheet = page.context.new_page()
    sheet_dialogs = watch(sheet)
    sheet.set_content(document)
    assert commune in sheet.locator("h1").inner_text()
    assert dep in sheet.locator("p.meta").first.inner_text()
    cells = set(sheet.locator("td").all_inner_texts())
    assert {visible(s) for s in SITE_POISON} <= cells
    sheet.set_viewport_size({"width": 1200, "height": 900})
    sheet.screenshot(path=str(artifacts / "hostile_sheet.png"))
    sheet.locator("h2").nth(1).scroll_into_view_if_needed()
    sheet.screenshot(path=str(artifacts / "hostile_sheet_sites.png"))
    assert_unharmed(sheet, sheet_dialogs)
    assert_unharmed(page, dialogs)
