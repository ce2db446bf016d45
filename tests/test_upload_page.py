"""The 'Your data' page: uploads are validated, mapped and kept for the session."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import open_page

ROOT = Path(__file__).resolve().parents[1]
UPLOAD = "pages/upload.py"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_page_opens_in_both_languages(lang):
    at = open_page(UPLOAD, timeout=120, lang=lang)
    assert at.title and "upload_indicator_file" not in [e.value for e in at.error]


def test_library_report_reaches_the_page_logic():
    # AppTest cannot drive st.file_uploader; the page calls these functions on
    # the uploaded bytes, so check them with the same arguments here.
    from divide import uploads
    from divide.atlas import Atlas

    atlas = Atlas.load()
    content = (
        "code;nom;valeur\n29019;<img src=x onerror=alert(1)>;12,5\n"
        "99999;Nowhere;3\n29232;Quimper;abc\n"
    ).encode("cp1252")
    loaded = uploads.load_indicator(content, "mine.csv", level="commune", atlas=atlas)
    assert loaded.report.usable_rows == 1
    text = loaded.report.text()
    assert "99999" in text
    ind = loaded.as_indicator(unit="km", direction="higher_worse")
    assert ind.values_at("commune").loc["29019"] == pytest.approx(12.5)
