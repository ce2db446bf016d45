"""Tests of the MedNum IFN 2023 reader (scores 0-10, not rates)."""

from __future__ import annotations

import pandas as pd
import pytest

from divide.build.readers.ifn2023 import SCORES, read_ifn2023
from divide.errors import SourceError

COMMUNES = "mednum_ifn2023_commune_scores.csv"
EPCI = "mednum_ifn2023_epci_scores.csv"


def test_small_fixture(fixtures):
    scores, empty = read_ifn2023(fixtures / "ifn2023" / "communes_small.csv")
    assert scores["code"].tolist() == ["01001", "01002", "2A004"]
    assert empty == ["13055"]
    assert scores.set_index("code").loc["01002", "ifn2023_total"] == 4.4
    assert set(SCORES) <= set(scores.columns)


def test_bad_inputs_say_what_to_fix(fixtures):
    text = (fixtures / "ifn2023" / "communes_small.csv").read_text(encoding="utf-8")
    with pytest.raises(SourceError, match="total"):
        read_ifn2023(text.replace("4.4", "44").encode(), name="x.csv")
    with pytest.raises(SourceError, match="01002"):
        read_ifn2023(text.replace("01001", "01002").encode(), name="x.csv")
    with pytest.raises(SourceError, match="total"):
        read_ifn2023(text.replace(",total", ",sum").encode(), name="x.csv")


@pytest.mark.realdata
def test_real_commune_file(raw_dir):
    path = raw_dir / "ifn" / COMMUNES
    scores, empty = read_ifn2023(path)
    raw = pd.read_csv(path, dtype=str)
    blank = raw[["total", "poverty_rate", "nscol15p_rate"]].isna().all(axis=1)
    assert len(scores) == (~blank).sum() and len(empty) == blank.sum() == 2
    assert scores["code"].map(type).eq(str).all()
    assert scores["code"].str.len().eq(5).all()
    assert scores["ifn2023_total"].between(0, 10).all()
    assert scores["ifn2023_total"].mean() == pytest.approx(
        pd.to_numeric(raw["total"]).mean()
    )


@pytest.mark.realdata
def test_real_codes_are_harmonised(raw_dir):
    from divide.build import geography
    from divide.build.harmonise import harmonise

    ref = geography.load_reference(raw_dir)
    scores, empty = read_ifn2023(raw_dir / "ifn" / COMMUNES)
    raw = pd.read_csv(raw_dir / "ifn" / COMMUNES, dtype=str)
    old = raw.loc[~raw["code"].isin(ref.codes), "code"]
    table, report = harmonise(
        scores[["code", "ifn2023_total"]],
        ref,
        "mednum_ifn2023",
        ratios=["ifn2023_total"],
    )
    assert report.rows_read == len(scores)
    assert (
        report.matched + report.merged + report.unmatched + report.arrondissements
        == len(scores)
    )
    assert set(report.unmatched_codes) <= set(old)
    assert table.index.isin(ref.codes).all()
    # 102 codes predate COG 2026 (the Paris/Lyon/Marseille arrondissements aside):
    # 101 scored ones fold into today's communes, 1 is an empty row
    empty_old = [c for c in empty if c not in ref.codes]
    assert len(old) - report.arrondissements == 102
    assert report.merged + len(empty_old) == 102 and report.unmatched == 0


@pytest.mark.realdata
def test_real_epci_file(raw_dir):
    scores, empty = read_ifn2023(raw_dir / "ifn" / EPCI, level="epci")
    raw = pd.read_csv(raw_dir / "ifn" / EPCI, dtype=str)
    assert len(scores) + len(empty) == len(raw)
    # ZZZZZZZZZ is INSEE's code for communes outside any EPCI ("Sans objet")
    assert scores["code"].str.fullmatch(r"\d{9}|Z{9}").all()


# ------------------------------------------------------------ the fragility page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_fragility_page_compares_with_ifn2023(lang):
    from pathlib import Path

    from scipy.stats import spearmanr
    from streamlit.testing.v1 import AppTest

    from divide import fragility
    from divide.atlas import Atlas
    from divide.i18n import t

    root = Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
    at.query_params = {"lang": lang}
    at.run()
    at.switch_page("pages/fragility.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("frag_ifn2023", lang) in [s.value for s in at.subheader]
    gap = t("frag_ifn2023_gap", lang)
    table = next(d.value for d in at.dataframe if gap in d.value.columns)
    assert len(table) == 10
    assert table[gap].abs().is_monotonic_decreasing
    # the rank correlation, recomputed here with plain pandas/scipy
    atlas = Atlas.load(root / "data" / "atlas")
    level = (
        at.session_state["frag_level"]
        if "frag_level" in at.session_state
        else "departement"
    )
    frame = fragility.compute_index(atlas, level)
    t23 = atlas.level(level).set_index("code")
    ifn = t23["ifn2023_x_pop"] / t23["pop_ifn2023"]
    both = pd.concat([frame["score"], ifn.rename("ifn")], axis=1, join="inner").dropna()
    rho = spearmanr(both["score"], both["ifn"]).statistic
    shown = f"{rho:.2f}"
    shown = shown.replace(".", ",") if lang == "fr" else shown
    assert any(f"ρ = {shown}" in m.value for m in at.markdown)
