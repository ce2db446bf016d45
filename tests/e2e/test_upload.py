"""Uploads in the real browser: hostile names stay text; an upload is mapped."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import (
    choose_option,
    open_from_sidebar,
    screenshot,
    select_option,
    wait_for_app,
    wait_for_map,
    wait_idle,
)

from divide.i18n import t

pytestmark = pytest.mark.e2e
HOSTILE = "<img src=x onerror=alert(1)>"
DATA = Path(__file__).resolve().parents[1] / "data" / "userdata"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def test_uploaded_site_name_is_shown_as_text(server, page, artifacts, tmp_path):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    upload = tmp_path / "sites.csv"
    upload.write_text(
        f"nom;latitude;longitude\n{HOSTILE};48.39;-4.49\nBibliothèque;48.40;-4.48\n"
        "Ailleurs;95;200\n",
        encoding="utf-8",
    )
    page.goto(f"{server}/upload?lang=en", wait_until="domcontentloaded")
    page.get_by_role("tab", name="Sites").click()
    page.locator("[class*=st-key-upload_sites_file] input[type=file]").set_input_files(
        str(upload)
    )
    page.get_by_text("sites.csv — 2").first.wait_for(timeout=60_000)
    page.wait_for_timeout(3000)
    page.screenshot(path=str(artifacts / "upload_hostile.png"), full_page=True)
    # The name is in the table as text; no element was created from it.
    cells = page.locator("[role=gridcell]").all_text_contents()
    assert HOSTILE in cells
    assert page.locator("img[src=x]").count() == 0
    for frame in page.frames:
        assert frame.locator("img[src=x]").count() == 0
    assert dialogs == []
    # The row with coordinates outside France is reported, not loaded.
    listed = page.get_by_text("Ailleurs").count() + page.get_by_text("line 4").count()
    assert listed >= 1
    # The sites count in the access tools of the same session.
    open_from_sidebar(page, t("page_access", "en"))
    counted = page.get_by_text("Your uploaded sites count here: 2 sites from sites.csv")
    counted.wait_for(timeout=60_000)


def test_uploaded_indicator_is_mapped(server, page, artifacts, tmp_path):
    """An indicator uploaded on "Your data" is offered by the map of the session."""
    hostile = "<img src=x onerror=alert(2)>"
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    upload = tmp_path / "bretagne.csv"
    upload.write_text(f"dep;{hostile}\n29;12\n22;9\n35;20\n56;15\n", encoding="utf-8")
    page.goto(f"{server}/upload?lang=en", wait_until="domcontentloaded")
    wait_for_app(page)
    select_option(page, "upload_level", t("level_departement", "en"))
    uploader = page.locator("[class*=st-key-upload_indicator_file] input[type=file]")
    uploader.set_input_files(str(upload))
    wait_for_map(page)
    screenshot(page, artifacts / "upload_indicator.png")
    open_from_sidebar(page, t("page_map", "en"))
    select_option(page, "indicator", f"{hostile} ({t('your_data', 'en')})")
    wait_for_map(page)
    legend = page.locator(".divide-legend")
    legend.wait_for(timeout=30_000)
    assert hostile in legend.inner_text()
    screenshot(page, artifacts / "upload_indicator_on_map.png")
    assert page.locator("img[src=x]").count() == 0
    for frame in page.frames:
        assert frame.locator("img[src=x]").count() == 0
    assert dialogs == []
    # Removed, it is gone for good: the uploader is emptied, not read again.
    open_from_sidebar(page, t("page_upload", "en"))
    page.locator("[class*=st-key-upload_remove_] button").first.click()
    wait_idle(page)
    select_option(page, "upload_unit", t("upload_unit_km", "en"))  # one more run
    assert page.get_by_role("heading", name=hostile).count() == 0


def test_newer_arcep_file_is_compared_and_garbage_refused(server, page, tmp_path):
    """The "Newer ARCEP file" tab: binary garbage gets a plain message, no traceback;
    a real file then shows the comparison against the atlas's vintage."""
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 12)
    page.goto(f"{server}/upload?lang=en", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_role("tab", name=t("upload_refresh", "en")).click()
    uploader = page.locator("[class*=st-key-upload_refresh_file] input[type=file]")
    uploader.set_input_files(str(garbage))
    wait_idle(page)
    error = page.locator('[data-testid="stAlertContentError"]')
    error.wait_for(timeout=30_000)
    assert t("error_prefix", "en") in error.inner_text()
    assert "binary file" in error.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0

    uploader.set_input_files(str(DATA / "arcep_commune_debit_2025_crafted.csv"))
    report = page.get_by_text("against the atlas (state 2019-09-30)")
    report.wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def test_ten_quick_download_clicks_all_complete(server, page):
    """Issue 12, item 5: of 10 clicks 0.3 s apart on an upload's CSV button, 2 ended
    as cancelled downloads (each click reran the page, and the file the browser was
    fetching was dropped with the run). All 10 complete now, with the same bytes."""
    page.goto(f"{server}/upload?lang=en", wait_until="domcontentloaded")
    wait_for_app(page)
    uploader = page.locator("[class*=st-key-upload_indicator_file] input[type=file]")
    uploader.set_input_files(str(DATA / "indicator_communes_cp1252.csv"))
    wait_for_map(page)
    wait_idle(page)
    button = page.locator("[class*=st-key-upload_download_] button").first
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    for _ in range(10):  # a user's quick clicks: at the same place, 0.3 s apart
        page.mouse.click(x, y)
        page.wait_for_timeout(300)
    for _ in range(100):
        if len(downloads) >= 10:
            break
        page.wait_for_timeout(200)
    failures = [d.failure() for d in downloads]
    assert len(downloads) == 10 and failures == [None] * 10, failures
    contents = {Path(d.path()).read_bytes() for d in downloads}
    assert len(contents) == 1
    assert next(iter(contents)).startswith(b"code,")


def test_three_uploads_with_one_column_name_are_all_kept(server, page, tmp_path):
    """Issue 12, item 2: three files in a row with a column 'taux' left one entry.
    Each is kept now, the later ones renamed with a notice."""
    page.goto(f"{server}/upload?lang=en", wait_until="domcontentloaded")
    wait_for_app(page)
    select_option(page, "upload_level", t("level_departement", "en"))
    uploader = page.locator("[class*=st-key-upload_indicator_file] input[type=file]")
    names = ["taux", "taux (2)", "taux (3)"]
    for i, name in enumerate(names):
        upload = tmp_path / f"file{i + 1}.csv"
        upload.write_text(f"dep;taux\n29;{10 + i}\n22;{20 + i}\n", encoding="utf-8")
        uploader.set_input_files(str(upload))
        page.get_by_role("heading", name=name, exact=True).wait_for(timeout=60_000)
        wait_idle(page)
        notice = t("upload_renamed", "en", name="taux", new=name)
        shown = page.get_by_text(notice)
        assert shown.count() == (1 if i else 0), notice
    assert page.locator("[data-testid='stException']").count() == 0
    for i, name in enumerate(names):  # nothing overwritten: each file is there
        assert page.get_by_role("heading", name=name, exact=True).count() == 1
        caption = page.get_by_text(f"user upload: file{i + 1}.csv")
        assert caption.count() == 1, i
    screenshot(page, page_path := ARTIFACTS / "upload_three_taux.png")
    assert page_path.exists()
    # The map of the session offers all three.
    open_from_sidebar(page, t("page_map", "en"))
    for name in names:
        choose_option(page, "indicator", f"{name} ({t('your_data', 'en')})")
