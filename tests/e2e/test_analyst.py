"""The analyst's journey in headless Chromium (issue 17): Bretagne's communes with
very high speed below 50 %, typed as a threshold; the download holds names beside
codes and rounded values. The count is recomputed from the raw ARCEP file (state
on 2019-09-30) with plain pandas, 2019 communes carried to COG 2026 through the
atlas's committed table of merged communes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from browser import choose_option, screenshot, select_option, wait_for_app, wait_idle

from divide import export
from divide.i18n import t

pytestmark = pytest.mark.e2e
CODE_MAP = Path(__file__).resolve().parents[2] / "data" / "atlas" / "code_map.csv"


def _bretagne_below_half(raw_dir: Path) -> set[str]:
    raw = pd.read_csv(
        raw_dir
        / "broadband"
        / "arcep_maconnexioninternet_commune-debit-beta_2019-09-30.csv",
        sep=";",
        skiprows=1,
        dtype={"code_insee": str},
    )
    merged = pd.read_csv(CODE_MAP, dtype=str)
    renamed = dict(zip(merged.old, merged.current, strict=True))
    raw["current"] = raw["code_insee"].map(renamed)
    raw["current"] = raw["current"].fillna(raw["code_insee"])
    raw["thd"] = raw["elig_thd30"] + raw["elig_thd100"] + raw["elig_thd1g"]
    sums = raw.groupby("current")[["thd", "nbr"]].sum()
    sums = sums[sums.index.str[:2].isin(["22", "29", "35", "56"])]
    return set(sums.index[sums["thd"] / sums["nbr"] < 0.5])


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720), (390, 844)])
def test_analyst_types_a_threshold_and_downloads_names(
    browser, server, artifacts, raw_dir, size
):
    width, height = size
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(server + "/export?lang=en&level=region&code=53")
        wait_for_app(page)
        select_option(page, "export_level", t("level_commune", "en"))
        page.locator(".st-key-export_scope label", has_text="Bretagne").first.click()
        wait_idle(page)
        label = export.indicator_label("thd30_share", "en")
        choose_option(page, "export_filter_ids", label, multi=True)
        select_option(page, "export_op_thd30_share", "<")
        box = page.locator(".st-key-export_value_thd30_share input")
        box.fill("50")
        box.press("Enter")
        expected = _bretagne_below_half(raw_dir)
        n = export.count_text(len(expected), "en")
        page.wait_for_function(
            "n => document.body.innerText.includes('Preview: ' + n + ' rows')", arg=n
        )
        wait_idle(page)
        vintages = page.locator(".st-key-export_vintages label")
        vintages.click()
        wait_idle(page)
        page.screenshot(path=str(artifacts / f"analyst_bretagne_{width}x{height}.png"))
        if width == 1440:
            screenshot(page, artifacts / "analyst_bretagne_full.png")
        preview = page.locator(".st-key-export_preview, [data-testid='stDataFrame']")
        assert preview.count()
        button = page.locator(".st-key-export_download_csv button")
        with page.expect_download(timeout=120_000) as info:
            button.click()
        data = info.value.path().read_bytes()
    finally:
        context.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if not n.endswith("dictionary.csv"))
        table = pd.read_csv(io.BytesIO(archive.read(name)), dtype=str)
    assert set(table["code"]) == expected
    assert {"epci_name", "departement_name", "region_name"} <= set(table.columns)
    assert set(table["region_name"]) == {"Bretagne"}
    shares = table["thd30_share"].dropna()
    assert shares.str.fullmatch(r"0(\.\d{1,4})?").all(), shares.head()
    assert "ARCEP" in table["thd30_share_source"].iloc[0]
