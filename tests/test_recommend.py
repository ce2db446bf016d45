"""Tests of the knowledge base (divide.knowledge) and the rule engine (recommend)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from divide import cli, recommend
from divide.errors import DivideError
from divide.indicators import value_column
from divide.knowledge import HERE, KnowledgeError, knowledge, load, placeholders

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
NBSP = "\u00a0"


# ------------------------------------------------------------------ a crafted atlas

#: Values of the "good" target territory: no rule fires for it.
GOOD = {
    "thd30_share": 0.95,
    "dist_4g_km": 0.2,
    "illectronisme_est": 0.08,
    "dist_mediation_km": 0.2,
    "people_at_risk_far": 0.0,
    "dist_france_services_km": 1.0,
    "age65_share": 0.15,
    "poverty_rate": 0.10,
    "low_diploma_share": 0.30,
    "mediation_sites_per_10k": 8.0,
    "people_at_risk": 100.0,
    "people_at_risk_per_site": 300.0,
    "people_at_risk_per_post": 1000.0,
    "people_at_risk_far_share": 0.0,
}


def peer_values(i: int) -> dict[str, float]:
    """Ordinary values for peer number i (1..9), spread so percentiles exist."""
    f = (i - 1) / 8
    return {
        "thd30_share": 0.5 + 0.4 * f,
        "dist_4g_km": 0.5 + 2.0 * f,
        "illectronisme_est": 0.10 + 0.08 * f,
        "dist_mediation_km": 0.3 + 0.6 * f,
        "people_at_risk_far": 0.0,
        "dist_france_services_km": 2.0 + 2.5 * f,
        "age65_share": 0.20 + 0.08 * f,
        "poverty_rate": 0.12 + 0.04 * f,
        "low_diploma_share": 0.40 + 0.16 * f,
        "mediation_sites_per_10k": 4.0 + 4.0 * f,
        "people_at_risk": 1000.0 + 1000.0 * f,
        "people_at_risk_per_site": 600.0 + 400.0 * f,
        "people_at_risk_per_post": 1500.0 + 1000.0 * f,
        "people_at_risk_far_share": 0.02,
    }


def crafted(changes: dict | None = None) -> pd.DataFrame:
    """France, 2 régions, 10 départements, 2 EPCI and 10 communes.

    ``changes`` maps a code to {indicator: value} overrides.
    """
    rows = []

    def add(level, code, values, **parents):
        row = {"level": level, "code": code, "name": f"Territory {code}", **parents}
        row.update({value_column(k): v for k, v in values.items()})
        rows.append(row)

    add(
        "france",
        "FR",
        {**peer_values(5), "illectronisme_est": 0.15, "poverty_rate": 0.15},
    )
    add(
        "region",
        "R1",
        {**peer_values(5), "thd30_share": 0.6, "mediation_sites_per_10k": 5.0},
    )
    add("region", "R2", {**peer_values(5), "thd30_share": 0.7})
    add("departement", "D0", GOOD, region="R1")
    for i in range(1, 10):
        add("departement", f"D{i}", peer_values(i), region="R1" if i < 5 else "R2")
    add(
        "epci",
        "E0",
        {**GOOD, "mediation_sites_per_10k": 9.0},
        departement="D0",
        region="R1",
    )
    add("epci", "E1", peer_values(5), departement="D0", region="R1")
    for i in range(10):
        values = GOOD if i == 0 else peer_values(i)
        add("commune", f"C{i}", values, epci=f"E{i % 2}", departement="D0", region="R1")
    frame = pd.DataFrame(rows)
    for code, values in (changes or {}).items():
        for key, value in values.items():
            frame.loc[frame["code"] == code, value_column(key)] = value
    return frame


def outcome(changes, level="departement", code="D0") -> dict[str, recommend.Match]:
    matches = recommend.evaluate(crafted({code: changes}), level, code)
    return {m.rule_id: m for m in matches}


def test_the_good_territory_fires_nothing():
    for level, code in (("departement", "D0"), ("epci", "E0"), ("commune", "C0")):
        fired = [
            m.rule_id for m in recommend.evaluate(crafted(), level, code) if m.fired
        ]
        assert fired == [], (level, fired)


#: rule → (changes that make it fire, changes that just miss, texts in the reason)
CASES = {
    "thd_below_region": (
        {"thd30_share": 0.44},
        {"thd30_share": 0.46},
        ["44.0%", "60.0%", "Territory R1", "−16.0\u00a0points"],
    ),
    "thd_bottom_quintile": (
        {"thd30_share": 0.3},
        {"thd30_share": 0.9},
        ["30.0%", "départements"],
    ),
    "mobile_far": ({"dist_4g_km": 5.0}, {"dist_4g_km": 1.0}, ["5.0\u00a0km"]),
    "illectronisme_far_from_mediation": (
        {"illectronisme_est": 0.3, "people_at_risk_far_share": 0.2},
        {"illectronisme_est": 0.3, "people_at_risk_far_share": 0.03},
        ["30.0%", "20.0%", "2.0%"],
    ),
    "people_at_risk_far": (
        {"people_at_risk_far": 150.0},
        {"people_at_risk_far": 90.0},
        ["150", "100"],
    ),
    "france_services_far": (
        {"dist_france_services_km": 6.0},
        {"dist_france_services_km": 4.9},
        ["6.0\u00a0km", "5.0\u00a0km"],
    ),
    "older_population": ({"age65_share": 0.4}, {"age65_share": 0.2}, ["40.0%"]),
    "poverty_cost_barrier": (
        {"poverty_rate": 0.19},
        {"poverty_rate": 0.179},
        ["19.0%", "15.0%", "France", "+4.0\u00a0points"],
    ),
    "low_diploma": (
        {"low_diploma_share": 0.7},
        {"low_diploma_share": 0.45},
        ["70.0%"],
    ),
    "mediation_density_low": (
        {"mediation_sites_per_10k": 3.0, "illectronisme_est": 0.16},
        {"mediation_sites_per_10k": 3.0, "illectronisme_est": 0.14},
        ["3.00", "5.00", "Territory R1", "16.0%", "15.0%"],
    ),
    "double_gap": (
        {"thd30_share": 0.3, "illectronisme_est": 0.3},
        {"thd30_share": 0.3, "illectronisme_est": 0.09},
        ["30.0%"],
    ),
    "data_gap": ({"poverty_rate": np.nan}, {"poverty_rate": 0.1}, ["Territory D0"]),
    # the load on supply: above France's (800 per site here) by a quarter
    "load_per_site": (
        {"people_at_risk_per_site": 1200.0},
        {"people_at_risk_per_site": 990.0},
        ["1,200", "800", "France"],
    ),
    # the load on conseillers: above France's (2,000 per post here) by a quarter
    "load_per_post": (
        {"people_at_risk_per_post": 3000.0},
        {"people_at_risk_per_post": 2400.0},
        ["3,000", "2,000", "France"],
    ),
    # absolute need: among the tenth of peers with the most people at risk
    "many_people_at_risk": (
        {"people_at_risk": 5000.0},
        {"people_at_risk": 1500.0},
        ["5,000", "départements"],
    ),
}


def test_every_rule_has_a_crafted_case():
    assert set(CASES) == set(knowledge().rules)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_a_crafted_territory(rule_id):
    fire, _, texts = CASES[rule_id]
    match = outcome(fire)[rule_id]
    assert match.status == "fired", match.reason["en"]
    assert match.fired
    for text in texts:
        assert text in match.reason["en"], (text, match.reason["en"])
    assert "{" not in match.reason["en"] and "{" not in match.reason["fr"]
    rule = knowledge().rule(rule_id)
    assert match.recommendations == rule.recommendations
    assert match.initiatives == rule.initiatives
    assert set(match.numbers) == set(rule.indicator_ids)
    for key, value in fire.items():
        if not (isinstance(value, float) and np.isnan(value)):
            assert match.numbers[key] == pytest.approx(value)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_does_not_fire_just_short_of_its_cut(rule_id):
    _, miss, _ = CASES[rule_id]
    match = outcome(miss)[rule_id]
    assert match.status == "not_fired", match.reason["en"]
    assert match.reason["en"].startswith("Did not fire:")
    assert match.reason["fr"].startswith("Non déclenchée")
    assert any(c.passed is False for c in match.conditions)


def test_french_reasons_use_french_number_format():
    match = outcome(CASES["poverty_cost_barrier"][0])["poverty_cost_barrier"]
    assert "19,0\u00a0%" in match.reason["fr"]
    assert "+4,0\u00a0points" in match.reason["fr"]


def test_missing_data_means_not_evaluated():
    matches = outcome({"age65_share": np.nan, "poverty_rate": np.nan})
    for rule_id in ("older_population", "poverty_cost_barrier"):
        match = matches[rule_id]
        assert match.status == "no_data"
        assert match.reason["en"].startswith("not evaluated: no data")
        assert match.reason["fr"].startswith("non évalué : pas de données")
        assert match.conditions[0].value is None
        assert match.conditions[0].passed is None
    assert "Poverty rate" in matches["poverty_cost_barrier"].reason["en"]


def test_missing_reference_means_not_evaluated():
    frame = crafted({"C1": {"thd30_share": 0.1}})
    frame.loc[frame["code"] == "C1", "region"] = np.nan
    match = {m.rule_id: m for m in recommend.evaluate(frame, "commune", "C1")}
    assert match["thd_below_region"].status == "no_data"


def test_rules_at_commune_and_epci_level():
    commune = outcome({"dist_france_services_km": 25.0}, "commune", "C0")
    assert commune["france_services_far"].fired
    assert "20.0\u00a0km" in commune["france_services_far"].reason["en"]
    assert (
        outcome({"dist_france_services_km": 19.0}, "commune", "C0")[
            "france_services_far"
        ].status
        == "not_fired"
    )
    assert commune["mediation_density_low"].status == "not_applicable"
    assert commune["data_gap"].status == "not_applicable"
    assert commune["data_gap"].reason["en"].startswith("not applicable")
    assert commune["mediation_density_low"].conditions == ()
    # the région of a commune is its reference
    below = outcome({"thd30_share": 0.2}, "commune", "C0")["thd_below_region"]
    assert below.fired and "Territory R1" in below.reason["en"]
    # an EPCI's parent is its département (D0 has 8 sites per 10k)
    epci = outcome(
        {"mediation_sites_per_10k": 1.0, "illectronisme_est": 0.2}, "epci", "E0"
    )["mediation_density_low"]
    assert epci.fired
    assert epci.conditions[0].reference == pytest.approx(8.0)
    assert epci.conditions[0].cut == pytest.approx(6.0)
    assert epci.conditions[0].reference_name["en"] == "Territory D0"


def test_a_region_is_compared_with_france():
    matches = {
        m.rule_id: m
        for m in recommend.evaluate(
            crafted({"R2": {"thd30_share": 0.3}}), "region", "R2"
        )
    }
    rule = matches["thd_below_region"]
    assert rule.fired
    assert rule.conditions[0].reference_name == {"fr": "France", "en": "France"}


def test_fired_rules_come_first_strongest_first():
    matches = recommend.evaluate(
        crafted({"D0": {"age65_share": 0.4, "dist_4g_km": 5.0, "poverty_rate": 0.19}}),
        "departement",
        "D0",
    )
    fired = [m for m in matches if m.fired]
    assert [m.rule_id for m in matches[: len(fired)]] == [m.rule_id for m in fired]
    strengths = [m.strength for m in fired]
    assert strengths == sorted(strengths, reverse=True)
    assert all(0 <= s <= 100 for s in strengths)


def test_recommend_json_on_a_crafted_territory():
    frame = crafted({"D0": {"age65_share": 0.4, "poverty_rate": 0.19}})
    doc = recommend.recommend_json(frame, "departement", "D0", lang="fr")
    json.dumps(doc, allow_nan=False)
    assert doc["territory"] == {
        "level": "departement",
        "code": "D0",
        "name": "Territory D0",
    }
    fired = {f["rule"] for f in doc["fired"]}
    assert fired == {"older_population", "poverty_cost_barrier"}
    numbers = [r["number"] for r in doc["recommendations"]]
    assert numbers == sorted(numbers)
    ids = {r["id"] for r in doc["recommendations"]}
    assert ids == {"local_needs", "digital_rights", "business_models"}
    assert {i["id"] for i in doc["initiatives"]} >= {
        "aidants_connect",
        "pass_numerique",
    }
    passes = next(i for i in doc["initiatives"] if i["id"] == "pass_numerique")
    assert passes["rules"] == ["poverty_cost_barrier"]
    assert len(doc["fired"]) + len(doc["not_fired"]) == len(knowledge().rules)
    assert doc["recommendations"][0]["source"].startswith("PFVT")
    condition = doc["fired"][0]["conditions"][0]
    assert set(condition) >= {"indicator", "value", "value_display", "reference"}


def test_where_it_fires_strongest_first():
    frame = crafted(
        {
            "D0": {"age65_share": 0.40},
            "D3": {"age65_share": 0.50},
            "D7": {"dist_france_services_km": 6.0},
        }
    )
    table = recommend.where_it_fires(frame, "digital_rights", "departement")
    assert {"D0", "D3", "D7"} <= set(table.index)
    assert table["strength"].is_monotonic_decreasing
    assert (table["n_rules"] >= 1).all()
    assert "older_population" in table.loc["D0", "rules"].split(";")
    assert list(table.columns) == ["name", "region", "rules", "n_rules", "strength"]
    assert recommend.where_it_fires(crafted(), "cooperation", "departement").empty
    with pytest.raises(DivideError, match="Did you mean: governance"):
        recommend.where_it_fires(frame, "governanc", "departement")


def test_rule_status_table():
    frame = crafted({"D0": {"age65_share": 0.40}})
    status = recommend.rule_status(frame, "departement", "older_population")
    assert status.loc["D0", "status"] == "fired"
    assert status.loc["D0", "value_1"] == pytest.approx(0.40)
    assert set(status["status"]) <= set(recommend.STATUSES)
    with pytest.raises(DivideError, match="Did you mean"):
        recommend.rule_status(frame, "departement", "older_populaton")


def test_unknown_territory_level_or_language():
    frame = crafted()
    with pytest.raises(DivideError, match="Did you mean: D0"):
        recommend.evaluate(frame, "departement", "D00")
    with pytest.raises(DivideError, match="unknown level"):
        recommend.evaluate(frame, "canton", "D0")
    with pytest.raises(DivideError, match="one of commune"):
        recommend.evaluate(frame, "france", None)
    with pytest.raises(DivideError, match="language"):
        recommend.recommend_json(frame, "departement", "D0", lang="de")


# ------------------------------------------------------------------ the real atlas


def test_creuse_fires_the_age_rule_and_far_from_mediation_by_its_cut(atlas):
    matches = {m.rule_id: m for m in recommend.evaluate(atlas, "departement", "23")}
    assert matches["older_population"].fired
    # Far from mediation: the share of people at risk beyond 10 km, recomputed
    # from the base columns (Σ far / Σ at risk), against twice France's.
    base = pd.read_parquet(atlas.path / "territories.parquet")
    communes = base[base["level"] == "commune"]
    creuse = communes[communes["departement"] == "23"]
    share = creuse["people_at_risk_far"].sum() / creuse["people_at_risk"].sum()
    france = communes["people_at_risk_far"].sum() / communes["people_at_risk"].sum()
    far = matches["illectronisme_far_from_mediation"]
    assert far.conditions[1].value == pytest.approx(share, rel=1e-4)
    assert far.fired == (far.conditions[0].passed and share > 2 * france)
    reason = matches["older_population"].reason["en"]
    assert re.search(r"\d+\.\d%", reason)


def test_paris_does_not_fire_the_deployment_rules(atlas):
    matches = {m.rule_id: m for m in recommend.evaluate(atlas, "commune", "75056")}
    assert matches["thd_below_region"].status == "not_fired"
    assert matches["thd_bottom_quintile"].status == "not_fired"
    assert matches["mediation_density_low"].status == "not_applicable"


def test_where_it_fires_on_the_atlas(atlas):
    table = recommend.where_it_fires(atlas, "local_needs", "departement")
    assert "23" in table.index
    assert table["strength"].is_monotonic_decreasing
    assert table.index[0] in {"23", "46", "58", "24", "87", "19"}


def test_every_recommendation_fires_somewhere_in_france(atlas):
    for rec_id in knowledge().recommendations:
        fired = [
            len(recommend.where_it_fires(atlas, rec_id, level))
            for level in ("epci", "departement")
        ]
        assert sum(fired) > 0, rec_id


def test_cli_prints_valid_json(atlas):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "divide.cli",
            "recommend",
            "--level",
            "departement",
            "--code",
            "23",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["territory"]["name"] == "Creuse"
    assert doc["fired"]
    assert doc["recommendations"]


def test_cli_french_and_errors(atlas, capsys):
    assert (
        cli.main(["recommend", "--level", "commune", "--code", "75056", "--lang", "fr"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["lang"] == "fr"
    assert cli.main(["recommend", "--level", "departement", "--code", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("divide: error: unknown departement code '2'")


# ------------------------------------------------------------------ the knowledge base


def test_knowledge_loads_with_eight_recommendations():
    kb = knowledge()
    assert [r.number for r in kb.recommendations.values()] == list(range(1, 9))
    for rec in kb.recommendations.values():
        assert rec.source == "pfvt_2020" and rec.page >= 8
        assert kb.rules_for(rec.id), f"no rule selects {rec.id}"
    assert len(kb.rules) >= 8
    assert len(kb.controversies) >= 4


def test_initiatives_cover_the_seed_and_the_french_schemes():
    kb = knowledge()
    seed = {
        "accra_mobile", "rennes_data_service", "wexity", "si_la_ville",
        "code_4_kenya", "cheque_numerique", "recode", "smart_favela",
        "cities_for_digital_rights", "woelab", "tuba_lyon", "numa",
        "dijon_performance_contract", "townpay", "do4africa", "aston",
        "un_habitat_programme", "cap_digital", "france_numerique", "french_tech",
        "unlimited_cities",
    }  # fmt: skip
    schemes = {
        "pass_numerique", "france_services", "conseillers_numeriques",
        "aidants_connect", "hubs_numerique_inclusif", "plan_thd", "new_deal_mobile",
    }  # fmt: skip
    assert seed | schemes <= set(kb.initiatives)
    for init in kb.initiatives.values():
        assert init.link == "" or init.link.startswith(("http://", "https://"))
        if init.source == "pfvt_2020":
            assert init.pages
    assert (
        kb.initiative("france_services").link == "https://www.france-services.gouv.fr"
    )
    assert kb.initiative("unlimited_cities").link == ""  # the seed gives none
    for init_id in ("pass_numerique", "hubs_numerique_inclusif", "plan_thd"):
        assert kb.initiative(init_id).link == ""


def test_seed_links_are_the_ones_the_seed_prints():
    seed = SEEDS / "pfvt_transition_numerique_inclusive_2020.md"
    if not seed.exists():
        pytest.skip("the seed documents are not present")
    text = seed.read_text(encoding="utf-8")
    for init in knowledge().initiatives.values():
        if init.source == "pfvt_2020" and init.link:
            assert init.link in text, init.id


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_texts_are_our_own_wording():
    """No run of 8 words from our FR texts appears in the PFVT seed."""
    seed = SEEDS / "pfvt_transition_numerique_inclusive_2020.md"
    if not seed.exists():
        pytest.skip("the seed documents are not present")
    words = _words(seed.read_text(encoding="utf-8"))
    grams = {tuple(words[i : i + 8]) for i in range(len(words) - 7)}
    kb = knowledge()
    texts = [r.summary["fr"] for r in kb.recommendations.values()]
    texts += [i.description["fr"] for i in kb.initiatives.values()]
    texts += [c.summary["fr"] for c in kb.controversies.values()]
    for text in texts:
        ours = _words(text)
        copied = [
            " ".join(ours[i : i + 8])
            for i in range(len(ours) - 7)
            if tuple(ours[i : i + 8]) in grams
        ]
        assert not copied, copied


def test_reason_templates_fill_for_every_rule():
    kb = knowledge()
    for rule in kb.rules.values():
        values = dict.fromkeys(placeholders(len(rule.conditions)), "x")
        for lang in ("fr", "en"):
            assert "{" not in rule.reason[lang].format(**values)


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for path in HERE.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


def _edit(folder: Path, name: str, entry_id: str, edit) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data if e["id"] == entry_id)
    edit(entry)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_copy_of_the_knowledge_loads(kb_copy):
    assert set(load(kb_copy).rules) == set(knowledge().rules)


@pytest.mark.parametrize(
    ("name", "entry", "edit", "field", "message"),
    [
        (
            "recommendations.yaml",
            "governance",
            lambda e: e["title"].pop("en"),
            "title.en",
            "missing the 'en' text",
        ),
        (
            "recommendations.yaml",
            "local_needs",
            lambda e: e.update(number=1),
            "number",
            "number 1 is also 'governance'",
        ),
        (
            "initiatives.yaml",
            "wexity",
            lambda e: e.update(recommendations=["data_comons"]),
            "recommendations",
            "Did you mean: data_commons",
        ),
        (
            "initiatives.yaml",
            "wexity",
            lambda e: e.update(link="www.wexity.fr"),
            "link",
            "http",
        ),
        (
            "initiatives.yaml",
            "wexity",
            lambda e: e.update(kind="startup"),
            "kind",
            "unknown kind",
        ),
        (
            "controversies.yaml",
            "prepaid_cutoff",
            lambda e: e.update(themes=["money"]),
            "themes",
            "unknown theme",
        ),
        (
            "rules.yaml",
            "mobile_far",
            lambda e: e["conditions"][0].update(indicator="dist_5g_km"),
            "conditions[1]",
            "Did you mean: dist_4g_km",
        ),
        (
            "rules.yaml",
            "mobile_far",
            lambda e: e["conditions"][0].update(op="=>"),
            "conditions[1].op",
            "op must be one of",
        ),
        (
            "rules.yaml",
            "mobile_far",
            lambda e: e["conditions"][0].update(threshold=3),
            "conditions[1]",
            "exactly one of",
        ),
        (
            "rules.yaml",
            "mobile_far",
            lambda e: e["reason"].update(en="Far: {valeur}"),
            "reason.en",
            "unknown placeholder {valeur}",
        ),
        (
            "rules.yaml",
            "mobile_far",
            lambda e: e.update(initiatives=["new_deal"]),
            "initiatives",
            "new_deal_mobile",
        ),
        (
            "rules.yaml",
            "people_at_risk_far",
            lambda e: e["conditions"][0].update(threshold={"canton": 3}),
            "conditions[1].threshold",
            "unknown level",
        ),
        (
            "rules.yaml",
            "poverty_cost_barrier",
            lambda e: e["conditions"][0].update(reference="world"),
            "conditions[1].reference",
            "reference must be one of",
        ),
        (
            "rules.yaml",
            "poverty_cost_barrier",
            lambda e: e.update(colour="red"),
            "colour",
            "unknown field",
        ),
    ],
)
def test_schema_errors_name_file_entry_and_field(
    kb_copy, name, entry, edit, field, message
):
    _edit(kb_copy, name, entry, edit)
    with pytest.raises(KnowledgeError) as info:
        load(kb_copy)
    error = info.value
    assert error.file == name
    assert error.entry == entry
    assert error.field == field
    assert message in str(error)
    assert str(error).startswith(f"{name}, entry '{entry}', field '{field}'")


def test_duplicate_ids_and_keys_are_refused(kb_copy):
    path = kb_copy / "themes.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "- id: governance\n  label: {fr: A, en: B}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="entry 'governance': duplicate id"):
        load(kb_copy)
    path.write_text(
        "- id: governance\n  label: {fr: A, en: B, fr: C}\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match="duplicate key 'fr'"):
        load(kb_copy)


def test_missing_or_broken_file(kb_copy):
    (kb_copy / "rules.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"rules.yaml: file not found"):
        load(kb_copy)
    (kb_copy / "rules.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        load(kb_copy)
    (kb_copy / "rules.yaml").write_text("just: a mapping\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="non-empty list"):
        load(kb_copy)
