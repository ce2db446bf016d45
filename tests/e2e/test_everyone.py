"""What every visitor meets, in headless Chromium: every page URL works
(``/overview`` included, even as a cold server's first request), a French page holds
no English, the layout at 1440×900, 1280×720 and 390×844, and accessibility
(axe-core, WCAG 2 A/AA) of the app's own markup.

Screenshots land in ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import screenshot, wait_for_app, wait_for_map, wait_idle

from divide.i18n import t

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Markup that is Streamlit's own, not the app's: excluded from the axe scan.
STREAMLIT_OWN = [
    '[data-testid="stSidebarNav"]',  # the page menu st.navigation draws
    '[data-testid="stSidebarCollapseButton"]',
    '[data-testid="stToolbar"]',
    '[data-testid="stHeader"]',
    '[data-testid="stDecoration"]',
    '[data-testid="stStatusWidget"]',
]
# English words Streamlit or the app showed in French mode (issue 17).
ENGLISH = [
    "Choose an option",
    "Choose options",
    "Page not found",
    "(mainland)",
    "2021 survey",
    "built from the sources above",
    "share (0-1)",
    "no data",
]
SIZES = {"1440x900": (1440, 900), "1280x720": (1280, 720), "390x844": (390, 844)}


def test_overview_has_its_own_url(page, cold_server, artifacts):
    """/overview, as the first request of a fresh server, opens the overview."""
    page.goto(cold_server + "/overview?lang=fr&level=departement&code=29")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == t("overview_title", "fr")
    body = page.locator("body").inner_text()
    assert "Page not found" not in body and "Page introuvable" not in body
    screenshot(page, artifacts / "overview_url.png")
    # the menu lists the overview once
    menu = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert sum(t("page_overview", "fr") in m for m in menu) == 1, menu


@pytest.mark.parametrize("path", ["/overview", "/map", "/compare", "/export"])
def test_french_pages_hold_no_english(page, server, path):
    page.goto(server + f"{path}?lang=fr&level=departement&code=29")
    wait_for_app(page)
    wait_idle(page)
    body = page.locator("body").inner_text()
    found = [w for w in ENGLISH if w in body]
    assert not found, found


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("path", ["/overview", "/map"])
def test_screens(page, server, artifacts, path, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server + f"{path}?lang=fr&level=departement&code=29")
    wait_for_app(page)
    wait_for_map(page)
    wait_idle(page)
    page.screenshot(
        path=str(artifacts / f"everyone{path.replace('/', '_')}_{size}.png")
    )
    screenshot(page, artifacts / f"everyone{path.replace('/', '_')}_{size}_full.png")
    assert page.locator("h1").first.is_visible()


def _axe(page) -> list[dict]:
    """axe-core's WCAG 2 A/AA violations of the page and its frames (the maps)."""
    for frame in page.frames:
        try:
            frame.add_script_tag(path=str(AXE))
        except Exception:  # a frame that went away while injecting
            continue
    options = {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
        },
        "iframes": True,
    }
    context = {"exclude": [[s] for s in STREAMLIT_OWN]}
    result = page.evaluate(
        "([context, options]) => axe.run(context, options)", [context, options]
    )
    return result["violations"]


@pytest.mark.parametrize(
    "path",
    [
        "/overview",
        "/map",
        "/compare",
        "/progress",
        "/profile",
        "/presenter",
        "/access",
        "/fragility",
        "/recommendations",
        "/audacities",
        "/export",
        "/upload",
    ],
)
def test_accessibility(page, server, artifacts, path):
    if not AXE.exists():
        pytest.skip("npm ci --prefix tests/e2e/axe (see .ci/run)")
    page.goto(server + f"{path}?lang=fr&level=departement&code=29")
    wait_for_app(page)
    wait_idle(page)
    page.wait_for_timeout(1500)
    violations = _axe(page)
    report = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [
                {"target": n["target"], "summary": n.get("failureSummary", "")[:200]}
                for n in v["nodes"][:6]
            ],
        }
        for v in violations
    ]
    name = path.strip("/") or "overview"
    (artifacts / f"axe_{name}.json").write_text(json.dumps(report, indent=1))
    assert not violations, json.dumps(report, indent=1)[:4000]


def test_french_file_uploader_reads_french(page, server, artifacts):
    """Streamlit writes its uploader's button and limit in English: in French mode
    the page draws them in French (what is seen is the ::after text; the English
    text is left at size 0)."""
    page.goto(server + "/upload?lang=fr")
    wait_for_app(page)
    box = page.locator(".st-key-upload_indicator_file_0 section").first
    box.wait_for(timeout=60_000)
    seen = box.evaluate(
        """(box) => {
        const button = box.querySelector('button p');
        const limit = box.querySelector(':scope > div > div > span');
        const after = (e) => getComputedStyle(e, '::after').content;
        const size = (e) => getComputedStyle(e).fontSize;
        return {button: after(button), limit: after(limit),
                sizes: [size(button), size(limit)]};
    }"""
    )
    assert t("uploader_button", "fr") in seen["button"]
    assert "Mo par fichier" in seen["limit"] and "CSV, TXT, XLSX" in seen["limit"]
    assert seen["sizes"] == ["0px", "0px"]
    page.screenshot(path=str(artifacts / "upload_fr.png"))
