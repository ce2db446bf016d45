"""The real app in headless Chromium: deep links, maps drawn offline, downloads.

Screenshots land in ``tests/artifacts/`` (git-ignored). Times are printed (run with
``-s`` to see them), never asserted.
"""

from __future__ import annotations

import csv
import io
import re
import time
import urllib.request
import zipfile

import pytest
from browser import (
    CDN,
    PlaywrightError,
    nav_links,
    no_cdn,
    open_from_sidebar,
    query,
    record_errors,
    record_requests,
    screenshot,
    select_option,
    wait_for_app,
    wait_for_map,
    wait_idle,
)

from divide import assets
from divide.i18n import t
from divide.registry import indicator, indicators

pytestmark = pytest.mark.e2e


# --------------------------------------------------------------------- tests
def test_deep_link_to_communes_map(page, cold_server, artifacts, timing):
    """A shared link, opened first after a restart, draws the map it describes."""
    requests = record_requests(page)
    errors = record_errors(page)
    link = "/map?lang=en&level=departement&code=29&ind=thd30_share&mlevel=commune"
    started = time.monotonic()
    page.goto(cold_server + link)
    frame = wait_for_map(page)
    drawn = time.monotonic() - started
    legend = page.locator(".divide-legend")
    legend.wait_for(timeout=30_000)
    shown = time.monotonic() - started
    timing("deep link /map (communes of 29, cold server): map drawn", drawn)
    timing("deep link /map (communes of 29, cold server): legend shown", shown)
    wait_idle(page)
    screenshot(page, artifacts / "map_deeplink.png")

    name = indicator("thd30_share").name("en")
    assert name in legend.inner_text()
    assert page.locator("h1").first.inner_text() == t("map_title", "en")
    # Communes of the Finistère: far more shapes than the 101 départements.
    n_paths = frame.locator("path.leaflet-interactive").count()
    if n_paths:
        assert n_paths > 200, n_paths
    assert query(page).items() >= {"mlevel": "commune", "code": "29"}.items()
    assert not errors, errors
    no_cdn(requests)
    # The page must run through app.py (its navigation, its page config), not as
    # a stand-alone script of the pages/ folder (Streamlit's legacy mode, which a
    # fresh server used for a deep link: its nav listed "app" and "shared").
    links = nav_links(page)
    paths = {path for _, path in links}
    assert "/shared" not in paths and "/_shared" not in paths, links
    assert any(t("page_overview", "en") in text for text, _ in links), links


def test_overview_in_french(page, server, artifacts, timing):
    requests = record_requests(page)
    errors = record_errors(page)
    started = time.monotonic()
    page.goto(server + "/?lang=fr")
    wait_for_app(page)
    wait_for_map(page)
    timing("overview (fr, France): map drawn", time.monotonic() - started)
    wait_idle(page)
    screenshot(page, artifacts / "overview_fr.png")
    assert page.locator("h1").first.inner_text() == t("overview_title", "fr")
    assert query(page).get("lang") == "fr"
    assert query(page).get("level") == "france"
    assert not errors, errors
    no_cdn(requests)


def test_language_kept_when_changing_page(page, server):
    page.goto(server + "/?lang=en&level=departement&code=29")
    wait_for_app(page)
    open_from_sidebar(page, t("page_map", "en"))
    page.wait_for_url(re.compile(r"/map"))
    assert page.locator("h1").first.inner_text() == t("map_title", "en"), (
        "changing page reset the language"
    )
    assert query(page).get("lang") == "en"
    assert query(page).get("code") == "29"


def test_maps_work_offline(page, server, artifacts, timing):
    """Leaflet comes from static/vendor: block the CDNs and the map still draws."""
    if not assets.available():
        pytest.skip("static/vendor is missing: run `divide assets` (needs npm)")
    with urllib.request.urlopen(f"{server}/app/static/vendor/leaflet.js") as resp:
        assert resp.status == 200
        assert b"Leaflet" in resp.read(2000)
    page.route(CDN, lambda route: route.abort())
    requests = record_requests(page)
    errors = record_errors(page)
    page.goto(server + "/map?lang=en&level=departement&code=29&mlevel=commune")
    wait_for_map(page)
    # Mediation sites add the marker-cluster plugin, also vendored; the option
    # is folded with the map's other options.
    page.locator(".st-key-map_options summary").click()
    sites = page.locator(".st-key-map_sites label")
    sites.wait_for(state="visible")
    page.wait_for_timeout(500)  # the expander's opening transition
    sites.click()
    page.locator(".st-key-map_sites input:checked").wait_for(state="attached")
    started = time.monotonic()
    try:
        wait_for_map(
            page,
            timeout=45,
            also="() => !!document.querySelector('.divide-cluster, .marker-cluster')",
        )
        drawn = True
        timing("map with mediation sites (29): redrawn", time.monotonic() - started)
    except AssertionError:
        drawn = False
    screenshot(page, artifacts / "map_sites_offline.png")
    assert not errors, f"JavaScript errors with the sites layer: {errors}"
    assert drawn, "the map with mediation sites (marker clusters) was not drawn"
    assert any(u.endswith("/app/static/vendor/leaflet.js") for u in requests)
    assert any(
        u.endswith("/app/static/vendor/leaflet.markercluster.js") for u in requests
    )
    no_cdn(requests)


def test_export_csv_of_finistere_communes(page, server, artifacts, timing):
    page.goto(server + "/export?lang=en&level=departement&code=29")
    wait_for_app(page)
    if page.locator(".st-key-export_level").count():
        select_option(page, "export_level", t("level_commune", "en"))
    scope = page.locator(".st-key-export_scope label", has_text="Finistère")
    if scope.count():
        scope.first.click()
        wait_idle(page)
    button = page.locator(".st-key-export_download_csv button")
    try:
        button.wait_for(timeout=60_000)
    except PlaywrightError:
        pytest.fail("the export page has no CSV download (key export_download_csv)")
    wait_idle(page)
    screenshot(page, artifacts / "export.png")
    started = time.monotonic()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    download = info.value
    data = download.path().read_bytes()
    timing(
        f"CSV download {download.suggested_filename} ({len(data):,} bytes)",
        time.monotonic() - started,
    )
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            tables = [n for n in names if n.endswith(".csv") and "dictionary" not in n]
            assert tables, names
            data = archive.read(tables[0])
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    rows = list(csv.reader(io.StringIO(text), dialect))
    header, body = rows[0], [r for r in rows[1:] if r]
    assert "code" in header, header
    assert set(header) & set(indicators()), f"no indicator id in the header {header}"
    assert len(body) > 200, len(body)
    codes = [r[header.index("code")] for r in body]
    assert all(c.startswith("29") for c in codes), sorted(set(codes))[:10]
