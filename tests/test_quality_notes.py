"""The quality report's notes are read in the interface's language: every key the
committed atlas's report holds has its wording in French and English."""

from __future__ import annotations

import re

from divide import export
from divide.formatting import format_count
from divide.i18n import STRINGS

# Nested counts whose keys are data values (class ids, source or indicator ids,
# kinds, labels from the source file): shown as the data writes them.
DATA_KEYED = {
    "classes",
    "classes_density3",
    "last_date",
    "no_class_labels",
    "rows_kept",
    "rows_read",
    "sites_by_kind",
}


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def test_every_note_of_the_report_is_worded(atlas):
    missing = set()
    for report in atlas.quality["sources"].values():
        for key, value in report.items():
            if key in export.QUALITY_COUNTED or isinstance(value, list):
                continue
            if isinstance(value, dict) and any(
                isinstance(v, dict | list) for v in value.values()
            ):
                continue  # not shown among the notes (e.g. what was de-duplicated)
            if f"qn_{_slug(key)}" not in STRINGS:
                missing.add(key)
            if isinstance(value, dict) and key not in DATA_KEYED:
                missing |= {k for k in value if f"qn_{_slug(k)}" not in STRINGS}
            if key == "note":
                missing |= {value} if f"qn_{_slug(value)}" not in STRINGS else set()
    assert missing == set(), sorted(missing)


def test_french_notes_keep_the_figures(atlas):
    report = atlas.quality["sources"]["cnfs_structures_2023"]
    fr = export.quality_notes(report, "fr")
    en = export.quality_notes(report, "en")
    posts = int(report["posts"])
    assert "postes : " + format_count(posts, "fr") in fr
    assert f"posts: {posts:,}" in en
    assert "no_commune_code" not in fr and "no_commune_code" not in en
