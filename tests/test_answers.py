"""Issue 17, the planner's and the mediation association's answers (library side).

Figures are recomputed with plain pandas from the raw ARCEP 2019 file (state on
2019-09-30) or from the atlas's base columns (territories.parquet), never by the
code under test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from divide import compare, maps, recommend, story, supply
from divide.atlas import Atlas
from divide.errors import DivideError
from divide.formatting import is_singular, plural_text
from divide.i18n import t
from divide.knowledge import knowledge
from divide.registry import DEFAULT_RADIUS_KM


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    try:
        return Atlas.load()
    except DivideError:
        pytest.skip("the atlas has not been built (data/atlas)")


@pytest.fixture(scope="module")
def base(atlas) -> pd.DataFrame:
    """The atlas's base columns, read with plain pandas."""
    return pd.read_parquet(atlas.path / "territories.parquet")


# ------------------------------------------------------------------ ranking
def test_creuse_ranked_first_by_premises_lacking_30_mbits(atlas, raw_arcep):
    raw = raw_arcep[raw_arcep["code_dep"] == "23"].copy()
    thd = raw["elig_thd30"] + raw["elig_thd100"] + raw["elig_thd1g"]
    raw["lacking"] = raw["nbr"] - thd
    top = raw.sort_values("lacking", ascending=False).iloc[0]
    rows = compare.ranked_rows(atlas, "commune", ("departement", "23"), "thd30_share")
    first = rows.iloc[0]
    assert first["code"] == top["code_insee"]
    assert first["count"] == pytest.approx(top["lacking"])
    assert first["value"] == pytest.approx(thd[top.name] / top["nbr"])
    assert list(rows["rank"]) == list(range(1, len(rows) + 1))
    counts = rows["count"].dropna()
    assert counts.is_monotonic_decreasing


def test_ranked_by_rate_puts_the_worst_rate_first(atlas, raw_arcep):
    rows = compare.ranked_rows(
        atlas, "commune", ("departement", "23"), "thd30_share", by="rate"
    )
    raw = raw_arcep[(raw_arcep["code_dep"] == "23") & (raw_arcep["nbr"] > 0)]
    share = (raw["elig_thd30"] + raw["elig_thd100"] + raw["elig_thd1g"]) / raw["nbr"]
    assert rows.iloc[0]["value"] == pytest.approx(share.min())
    # ties at the worst rate are broken by the count, largest first
    tied = rows[rows["value"] == rows.iloc[0]["value"]]
    assert tied["count"].is_monotonic_decreasing
    with pytest.raises(DivideError, match="ranking key"):
        compare.ranked_rows(atlas, "commune", ("departement", "23"), "thd30_share", "x")


def test_a_rate_of_people_implies_the_people_at_risk(atlas, base):
    rows = compare.ranked_rows(
        atlas, "commune", ("departement", "29"), "illectronisme_est"
    )
    com = base[(base["level"] == "commune") & (base["departement"] == "29")]
    top = com.sort_values("people_at_risk", ascending=False).iloc[0]
    assert rows.iloc[0]["code"] == top["code"]
    assert rows.iloc[0]["count"] == pytest.approx(top["people_at_risk"])


def test_every_territory_opens_at_its_scale(atlas):
    assert compare.view_of(atlas, "departement", "23") == (
        "commune",
        ("departement", "23"),
    )
    assert compare.view_of(atlas, "region", "53") == ("epci", ("region", "53"))
    assert compare.view_of(atlas, "commune", "29232") == (
        "commune",
        ("departement", "29"),
    )
    assert compare.view_of(atlas, "france", None) == ("departement", None)


# ---------------------------------------------------------------- placement
def test_finistere_three_sites_asked_three_given(atlas):
    placed = supply.placement(atlas, ("departement", "29"), DEFAULT_RADIUS_KM, 3)
    assert len(placed.hosts) == 3
    assert supply.stop_reason(placed, "en") == ""


def test_placement_says_exactly_why_it_stops(atlas):
    scope, radius = ("departement", "29"), DEFAULT_RADIUS_KM
    placed = supply.placement(atlas, scope, radius, 10)
    table = supply.commune_access(atlas, scope, radius)
    open_need = table[
        table["located"] & (table["people_at_risk"] > 0) & ~table["covered"]
    ]
    assert placed.left_before == len(open_need)
    assert 0 < len(placed.hosts) < 10  # few communes are beyond 10 km of a site
    assert placed.left_after == 0
    en, fr = supply.stop_reason(placed, "en"), supply.stop_reason(placed, "fr")
    n = len(placed.hosts)
    assert f"{n} new site{'s' if n > 1 else ''} suggested out of 10 asked" in en
    assert "10 km" in en and "10 km" in fr
    left = placed.left_before
    if left == 1:
        assert "only 1 commune was left" in en and "qu'une commune" in fr
    else:
        assert f"only {left} communes were left" in en
        assert f"que {left} communes" in fr
    assert "(s)" not in en + fr and "(x)" not in fr


def test_plurals_follow_each_language():
    assert is_singular(0, "fr") and not is_singular(0, "en")
    assert is_singular(1, "en") and not is_singular(2, "fr")
    assert (
        plural_text("access_after", "fr", 1)
        == "Atteintes avec 1 nouveau lieu (modélisé)"
    )
    assert plural_text("access_after", "en", 3) == "Reached with 3 new sites (modelled)"
    assert plural_text("access_underserved_count", "fr", 1, people="12").startswith(
        "1 commune,"
    )
    assert plural_text("access_underserved_count", "en", 1200, people="9").startswith(
        "1,200 communes"
    )


# ---------------------------------------------------------- absolute need
def _load(base: pd.DataFrame, level: str, code: str) -> float:
    row = base[(base["level"] == level) & (base["code"] == code)].iloc[0]
    return row["people_at_risk"] / row["mediation_sites"]


def test_the_load_rule_fires_where_the_recomputed_load_is_above_the_cut(atlas, base):
    france = base[base["level"] == "commune"]
    national = france["people_at_risk"].sum() / france["mediation_sites"].sum()
    deps = base[base["level"] == "departement"]
    loads = deps.set_index("code").eval("people_at_risk / mediation_sites")
    over = loads[loads > 1.25 * national]
    assert len(over) > 0  # Seine-Saint-Denis, Bouches-du-Rhône...
    for code in ("93", "13", "75", "59", "23"):
        match = {m.rule_id: m for m in recommend.evaluate(atlas, "departement", code)}
        assert match["load_per_site"].fired == (code in over.index), code
        if code in over.index:
            reason = match["load_per_site"].reason["en"]
            assert f"{round(loads[code]):,}" in reason


def test_nord_has_the_most_people_at_risk_and_fires_the_count_rule(atlas, base):
    deps = base[base["level"] == "departement"]
    assert deps.loc[deps["people_at_risk"].idxmax(), "code"] == "59"
    match = {m.rule_id: m for m in recommend.evaluate(atlas, "departement", "59")}
    assert match["many_people_at_risk"].fired
    people = deps.loc[deps["code"] == "59", "people_at_risk"].iloc[0]
    assert f"{round(people):,}" in match["many_people_at_risk"].reason["en"]


def test_finistere_calls_first_for_its_strongest_rule_and_its_gap(atlas, raw_arcep):
    call = recommend.first_call(atlas, "departement", "29", "en")
    fired = [m for m in recommend.evaluate(atlas, "departement", "29") if m.fired]
    assert call["kind"] == "rule" and call["rule"] == fired[0].rule_id
    # its largest gap against France is very-high-speed broadband, from the raw file
    raw = raw_arcep
    thd = raw["elig_thd30"] + raw["elig_thd100"] + raw["elig_thd1g"]
    fin = raw["code_dep"] == "29"
    gap = 100 * (thd[fin].sum() / raw["nbr"][fin].sum() - thd.sum() / raw["nbr"].sum())
    need = recommend.top_need(atlas, "departement", "29")
    assert need.indicator == "thd30_share"
    assert need.gap == pytest.approx(-gap, abs=0.2)
    assert f"−{abs(gap):.1f}".replace(".", ",") in need.text["fr"]


def test_every_departement_has_a_first_call(atlas):
    codes = atlas.level("departement")["code"].astype(str)
    for code in codes:
        call = recommend.first_call(atlas, "departement", code, "fr")
        assert call["kind"] in ("rule", "top_need"), code
        assert call["text"] and "{" not in call["text"]


# --------------------------------------------------- one definition of "far"
def test_the_mediation_slide_compares_shares_not_counts(atlas, base):
    slides = story.slides(atlas, "departement", "23", "en")
    mediation = next(s for s in slides if s.id == "mediation")
    figure = mediation.figure
    assert figure.label == t("story_far_label", "en")  # a share, not a count
    com = base[base["level"] == "commune"]
    creuse = com[com["departement"] == "23"]
    # communes without a point (unknown distance) are left out of both sums
    known = creuse[creuse["people_at_risk_far"].notna()]
    share = known["people_at_risk_far"].sum() / known["people_at_risk"].sum()
    assert figure.value == pytest.approx(share, rel=1e-4)
    for _, shown in figure.comparison:  # the région's and France's, as rates
        assert shown.endswith("%"), figure.comparison
    assert figure.modelled


def test_far_is_one_radius_in_the_rule_and_the_atlas(atlas, base):
    rule = knowledge().rule("illectronisme_far_from_mediation")
    assert [c.indicator for c in rule.conditions][1] == "people_at_risk_far_share"
    assert "10 km" in rule.reason["en"] and DEFAULT_RADIUS_KM == 10.0
    # the slide's count and the rule's share come from the same column
    com = base[base["level"] == "commune"]
    creuse = com[com["departement"] == "23"]
    row = atlas.territory("departement", "23")
    assert row["v_people_at_risk_far"] == pytest.approx(
        creuse["people_at_risk_far"].sum(), rel=1e-4
    )


# ----------------------------------------------------------------- map labels
def test_place_labels_are_the_biggest_places_escaped_and_spread():
    places = pd.DataFrame(
        {
            "name": ["<b>Big</b> `$x` 50%", "Near big", "Far town", "Tiny", "Nowhere"],
            "lon": [0.0, 0.01, 5.0, 9.0, None],
            "lat": [45.0, 45.0, 46.0, 47.0, None],
            "population": [90_000, 80_000, 20_000, 100, 1_000_000],
        }
    )
    kept = maps.main_places(places, 3)
    # the unlocated one is left out, and "Near big" crowds "Big": skipped
    assert list(kept["name"]) == ["<b>Big</b> `$x` 50%", "Far town", "Tiny"]
    fmap = maps.base_map(maps.bounds_of("mainland"))
    maps.add_place_labels(fmap, places, "Places", n=2)
    page = fmap.get_root().render()
    # the DivIcon's HTML is JSON-encoded in the page: & < > as \u0026 \u003c \u003e
    assert "\\u003cb\\u003eBig" not in page and "<b>Big" not in page
    assert "\\u0026lt;b\\u0026gt;Big" in page
    assert "divide-place" in page


def test_a_national_map_labels_the_mainland_cities(atlas):
    """France is framed on the mainland: its labels are the mainland's largest
    cities, not Paris and the overseas capitals (the extent then spanned oceans)."""
    communes = atlas.level("commune")
    mainland = maps.within(communes, maps.FRAMES["mainland"])
    assert not mainland.index.str.startswith("97").any()
    names = list(maps.main_places(mainland)["name"])
    biggest = communes[~communes.index.str.startswith("97")].nlargest(3, "population")
    assert set(biggest["name"]) <= set(names) and len(names) == 8


def test_site_clusters_get_the_contrasting_icon(atlas):
    fmap = maps.base_map(maps.bounds_of("mainland"))
    sites = atlas.sites_in(("departement", "29"), supply.MEDIATION_KINDS)
    maps.add_sites(fmap, sites, {}, "Sites")
    page = fmap.get_root().render()
    assert "iconCreateFunction" in page and "divide-cluster" in page


def test_the_load_per_conseiller_post_rule_follows_the_raw_list(atlas, base, raw_dir):
    # Posts per département recomputed from ANCT's list of 2023-04-05 (commune
    # codes as text; the département is the code's first 2 or 3 characters).
    raw = pd.read_csv(
        raw_dir / "mediation" / "anct_cnfs_structures_2023-04-05.csv",
        sep=";",
        dtype=str,
    )
    code = raw["Code commune INSEE"].str.strip().str.zfill(5)
    dep = code.str[:3].where(code.str.startswith("97"), code.str[:2])
    posts = pd.to_numeric(raw["Nombre de conseillers validés par le COSELEC"])
    by_dep = posts.groupby(dep).sum()
    communes = base[base["level"] == "commune"]
    national = communes["people_at_risk"].sum() / communes["cnfs_posts"].sum()
    for code_dep in ("23", "29", "59", "75"):
        row = base[(base["level"] == "departement") & (base["code"] == code_dep)]
        assert row["cnfs_posts"].iloc[0] == by_dep[code_dep]
        load = row["people_at_risk"].iloc[0] / by_dep[code_dep]
        match = {
            m.rule_id: m for m in recommend.evaluate(atlas, "departement", code_dep)
        }
        assert match["load_per_post"].fired == (load > 1.25 * national)
