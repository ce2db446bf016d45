"""Hostile input in the real browser: an uploaded site named like HTML stays text."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e
HOSTILE = "<img src=x onerror=alert(1)>"


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
    page.locator(".st-key-upload_sites_file input[type=file]").set_input_files(
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
