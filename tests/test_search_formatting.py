"""Search that forgives (typos, arrondissements, homonyms, code vs postcode) and the
one formatting module (numbers, shares, distances, plurals) in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from divide import formatting
from divide.atlas import Atlas
from divide.search import label, search, search_index

ROOT = Path(__file__).resolve().parents[1]
ETALAB = "population/etalab_decoupage-administratif_6.0.0_communes.json"


@pytest.fixture(scope="module")
def index():
    return search_index(Atlas(ROOT / "data" / "atlas").territories)


@pytest.fixture(scope="module")
def etalab(raw_dir):
    """The raw commune list (current communes and municipal arrondissements)."""
    records = json.loads((raw_dir / ETALAB).read_text(encoding="utf-8"))
    return pd.DataFrame(records)


def _commune(etalab, name):
    rows = etalab[(etalab["type"] == "commune-actuelle") & (etalab["nom"] == name)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize("query", ["Quimpr", "Qimper", "quimper", "QUIMPER "])
def test_typos_find_quimper(index, etalab, query):
    first = search(index, query).iloc[0]
    assert first["code"] == _commune(etalab, "Quimper")["code"]


@pytest.mark.parametrize(
    ("query", "parent", "number"),
    [
        ("Lyon 3e", "Lyon", 3),
        ("Paris 15e", "Paris", 15),
        ("paris 15eme arrondissement", "Paris", 15),
        ("75015", "Paris", 15),
        ("Marseille 1er", "Marseille", 1),
    ],
)
def test_arrondissements_map_to_their_commune_with_a_note(
    index, etalab, query, parent, number
):
    first = search(index, query).iloc[0]
    assert first["code"] == _commune(etalab, parent)["code"]
    # the raw list has this arrondissement, attached to that commune
    arr = etalab[etalab["type"] == "arrondissement-municipal"]
    assert (arr["commune"] == first["code"]).sum() >= number
    for lang in ("fr", "en"):
        text = label(first, lang)
        assert "arrondissement" in text and str(number) in text, text


def test_insee_code_of_an_arrondissement(index, etalab):
    arr = etalab[etalab["type"] == "arrondissement-municipal"]
    row = arr[arr["nom"].str.contains("15e")].iloc[0]  # Paris 15e Arrondissement
    first = search(index, row["code"]).iloc[0]
    assert first["code"] == row["commune"]
    assert "15" in label(first, "fr")


def test_homonyms_show_their_departement(index, etalab):
    raw = etalab[
        (etalab["type"] == "commune-actuelle") & (etalab["nom"] == "Saint-Denis")
    ]
    hits = search(index, "Saint-Denis", limit=40)
    same = hits[(hits["level"] == "commune") & (hits["name"] == "Saint-Denis")]
    assert set(same["code"]) == set(raw["code"]) and len(raw) == 4
    labels = [label(h, "fr") for h in same.itertuples()]
    for dep in raw["departement"]:
        assert sum(f"({dep})" in text for text in labels) == 1, labels
    assert len(set(labels)) == len(labels)


def test_13001_labels_code_and_postcode_and_shows_both(index, etalab):
    communes = etalab[etalab["type"] == "commune-actuelle"]
    by_code = communes[communes["code"] == "13001"].iloc[0]  # Aix-en-Provence
    has_13001 = communes["codesPostaux"].map(
        lambda c: isinstance(c, list) and "13001" in c
    )
    by_post = communes[has_13001]
    assert len(by_post) == 1  # Marseille
    hits = search(index, "13001")
    codes = list(hits["code"])
    assert by_code["code"] in codes and by_post.iloc[0]["code"] in codes
    # the larger (Marseille, by the raw population) comes first
    bigger = max([by_code, by_post.iloc[0]], key=lambda r: r["population"])
    assert codes[0] == bigger["code"]
    texts = {h.code: label(h, "en") for h in hits.itertuples()}
    assert "commune code 13001" in texts["13001"]
    assert "postcode" in texts[by_post.iloc[0]["code"]]
    fr = {h.code: label(h, "fr") for h in hits.itertuples()}
    assert "code commune 13001" in fr["13001"]
    assert "code postal" in fr[by_post.iloc[0]["code"]]


def test_no_match_stays_empty(index):
    assert search(index, "zzzzqqqq").empty
    assert search(index, "").empty


# ------------------------------------------------------------------ formatting
@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [(106930, "106\u202f930", "106,930"), (1387, "1\u202f387", "1,387")],
)
def test_counts(value, fr, en):
    assert formatting.format_count(value, "fr") == fr
    assert formatting.format_count(value, "en") == en


def test_shares_and_distances():
    assert formatting.format_share(0.044, "fr", 1) == "4,4\u00a0%"
    assert formatting.format_share(0.044, "en", 1) == "4.4%"
    assert formatting.format_km(12.25, "fr", 1).startswith("12,")
    assert formatting.format_km(1234.5, "en", 1) == "1,234.5\u00a0km"


@pytest.mark.parametrize(
    ("n", "noun", "fr", "en"),
    [
        (1, "commune", "1 commune", "1 commune"),
        (2, "commune", "2 communes", "2 communes"),
        (0, "commune", "0 commune", "0 communes"),
        (1, "new_site", "1 nouveau lieu", "1 new site"),
        (3, "new_site", "3 nouveaux lieux", "3 new sites"),
        (1, "site", "1 lieu", "1 site"),
    ],
)
def test_plurals(n, noun, fr, en):
    assert formatting.counted(n, noun, "fr") == fr
    assert formatting.counted(n, noun, "en") == en
    assert "(" not in formatting.counted(n, noun, "fr")


# ------------------------------------------------------------- first contact
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_missing_map_assets_are_announced(monkeypatch, lang):
    """Without `divide assets`, every page says maps need internet."""
    from divide import assets
    from divide.i18n import t
    from tests.test_app import open_page

    monkeypatch.setattr(assets, "VENDOR", assets.VENDOR / "absent")
    at = open_page("pages/map.py", lang=lang)
    warnings = [str(w.value) for w in at.sidebar.warning]
    assert t("assets_missing", lang) in warnings
    assert "divide assets" in t("assets_missing", lang)


def test_installed_map_assets_raise_no_notice():
    from divide import assets
    from divide.i18n import t
    from tests.test_app import open_page

    if not assets.available():
        pytest.skip("run `divide assets` first")
    at = open_page("pages/map.py", lang="en")
    assert t("assets_missing", "en") not in [str(w.value) for w in at.sidebar.warning]
