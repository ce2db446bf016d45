"""Tests of the Audacities grid (divide.audacities)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from divide import audacities as au
from divide.errors import DivideError

CRITERIA = list(au.CRITERIA)


def rate(**values) -> dict[str, int]:
    """All criteria at 0 unless given."""
    return {c: values.get(c, 0) for c in CRITERIA}


ACTORS = [
    {
        "name": "Ride-hailing platform",
        "ratings": rate(
            data_capture=5,
            audience=5,
            financial_power=5,
            legitimacy_challenge=4,
            competing_representations=3,
            independence=4,
        ),
    },
    {"name": "<b>Coop</b> & <script>alert(1)</script>", "ratings": rate(audience=2)},
    {"name": 'Virgule, "guillemets" ; point-virgule', "ratings": rate(independence=5)},
]


# ------------------------------------------------------------------ the grid


def test_six_criteria_with_bilingual_texts():
    assert CRITERIA == [
        "data_capture",
        "audience",
        "financial_power",
        "legitimacy_challenge",
        "competing_representations",
        "independence",
    ]
    for spec in [
        *au.CRITERIA.values(),
        *au.DEBATE_FORMATS.values(),
        *au.ROLES.values(),
    ]:
        for part in ("label", "help"):
            assert spec[part]["fr"] and spec[part]["en"]
    assert len(au.DEBATE_FORMATS) == 4
    assert set(au.ROLES) == {"citizen", "contributor_consumer", "digital_worker"}
    assert "CC BY 3.0 FR" in au.SOURCE["en"]
    assert set(au.CONTROL_CRITERIA) <= set(au.CRITERIA)


def test_every_reading_points_to_known_formats_and_roles():
    assert set(au.READINGS) == {"risk", "tension", "opportunity"}
    for spec in au.READINGS.values():
        assert set(spec["formats"]) <= set(au.DEBATE_FORMATS)
        assert set(spec["roles"]) <= set(au.ROLES)
        assert spec["actions"]
        for action in spec["actions"]:
            assert action["fr"] and action["en"]


# ------------------------------------------------------------------ reading


@pytest.mark.parametrize(
    ("ratings", "category"),
    [
        # a powerful actor that captures data and contests the authority
        (ACTORS[0]["ratings"], "risk"),
        # a small, harmless newcomer: new tools, no grip on public levers
        (rate(audience=2, competing_representations=1, independence=1), "opportunity"),
        # middling everywhere: shakes things up
        (dict.fromkeys(CRITERIA, 3), "tension"),
        # strong but not seizing control (pressure 2): too big to be an easy win
        (
            rate(
                audience=5,
                financial_power=5,
                independence=5,
                data_capture=2,
                legitimacy_challenge=1,
            ),
            "tension",
        ),
        # takes hold of data but weak overall: not yet a risk
        (rate(data_capture=5, audience=1), "tension"),
        # everything at zero
        (rate(), "opportunity"),
        # everything at five
        (dict.fromkeys(CRITERIA, 5), "risk"),
    ],
)
def test_reading_categories(ratings, category):
    result = au.reading(ratings)
    assert result["category"] == category
    assert result["label"]["en"].lower() == category
    assert result["actions"] == au.READINGS[category]["actions"]
    assert 0 <= result["intensity"] <= 100


def test_reading_boundaries_follow_the_documented_rule():
    # intensity exactly 50 % (15 / 30) with pressure 4 → risk
    at_risk = rate(data_capture=4, audience=5, financial_power=5, independence=1)
    assert sum(at_risk.values()) == 15
    assert au.reading(at_risk)["category"] == "risk"
    # 14 / 30 with pressure 4 → tension
    below = rate(data_capture=4, audience=5, financial_power=5)
    assert au.reading(below)["category"] == "tension"
    # pressure 2 and intensity 60 % (18 / 30) → tension, 17 / 30 → opportunity
    edge = rate(
        data_capture=2,
        audience=5,
        financial_power=5,
        independence=5,
        legitimacy_challenge=1,
    )
    assert sum(edge.values()) == 18
    assert au.reading(edge)["category"] == "tension"
    edge["legitimacy_challenge"] = 0
    assert au.reading(edge)["category"] == "opportunity"
    # pressure 3 is never an opportunity
    assert au.reading(rate(competing_representations=3))["category"] == "tension"


def test_reading_details():
    result = au.reading(ACTORS[0]["ratings"])
    assert result["intensity"] == pytest.approx(100 * 26 / 30, abs=0.05)
    assert result["control_pressure"] == 5
    assert result["drivers"] == [
        "data_capture",
        "audience",
        "financial_power",
        "legitimacy_challenge",
        "independence",
    ]
    assert "innovation_agora" in result["formats"]
    assert (
        result["formats_text"]["innovation_agora"]
        == au.DEBATE_FORMATS["innovation_agora"]
    )
    assert "digital_worker" in result["roles"]
    assert "Risk if intensity" in result["rule"]["en"]
    json.dumps(result)


def test_reading_accepts_whole_numbers_as_text_or_float():
    ratings = dict.fromkeys(CRITERIA, "3")
    ratings["audience"] = 4.0
    assert au.reading(ratings)["ratings"]["audience"] == 4


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({**rate(), "data_captur": 1}, "'data_captur'. Did you mean: data_capture"),
        ({c: 1 for c in CRITERIA if c != "audience"}, "missing rating(s) for audience"),
        (rate(audience=6), "rating for 'audience' is 6; ratings go from 0 to 5"),
        (rate(audience=-1), "ratings go from 0 to 5"),
        (rate(audience=2.5), "whole number"),
        (rate(audience="high"), "not a number"),
        (rate(audience=""), "no rating for 'audience'"),
        (rate(audience=True), "whole number"),
        (rate(audience=None), "whole number"),
        (rate(audience=float("nan")), "whole number"),
        ([1, 2, 3], "mapping"),
    ],
)  # fmt: skip
def test_invalid_ratings(ratings, message):
    with pytest.raises(DivideError) as info:
        au.reading(ratings)
    assert message in str(info.value)


# ------------------------------------------------------------------ files


def test_json_round_trip():
    text = au.to_json(ACTORS)
    doc = json.loads(text)
    assert doc["grid"] == "audacities"
    assert doc["criteria"] == CRITERIA
    actors = au.from_json(text)
    assert [a.name for a in actors] == [a["name"] for a in ACTORS]
    assert [a.ratings for a in actors] == [a["ratings"] for a in ACTORS]
    assert au.to_json(actors) == text
    assert au.from_json(text.encode("utf-8")) == actors
    # a bare list is accepted too
    assert au.from_json(json.dumps(ACTORS)) == actors


def test_csv_round_trip():
    text = au.to_csv(ACTORS)
    assert text.splitlines()[0] == "name," + ",".join(CRITERIA)
    actors = au.from_csv(text)
    assert [a.name for a in actors] == [a["name"] for a in ACTORS]
    assert [a.ratings for a in actors] == [a["ratings"] for a in ACTORS]
    assert au.to_csv(actors) == text
    assert au.from_csv(au.to_csv(au.from_json(au.to_json(ACTORS)))) == actors


def test_html_in_names_stays_plain_text():
    actors = au.from_csv(au.to_csv(ACTORS))
    assert actors[1].name == "<b>Coop</b> & <script>alert(1)</script>"
    assert "&lt;" not in au.to_json(ACTORS)
    assert au.from_json(au.to_json(ACTORS))[1].name == actors[1].name


def test_csv_with_semicolons_any_column_order_and_bom():
    header = ";".join(["independence", *CRITERIA[:-1], "name"])
    text = "\ufeff" + header + "\n5;0;0;0;0;0;Acteur A\n\n"
    [actor] = au.from_csv(text.encode("utf-8"))
    assert actor.name == "Acteur A"
    assert actor.ratings["independence"] == 5


CSV_HEADER = "name," + ",".join(CRITERIA)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (CSV_HEADER + "\n", "no actor"),
        ("data_capture,audience\n1,2\n", "line 1: no 'name' column"),
        (CSV_HEADER + ",colour\nA,1,1,1,1,1,1,red\n", "unknown column 'colour'"),
        (CSV_HEADER.replace(",independence", "") + ",independanse\nA,1,1,1,1,1,1\n",
         "Did you mean: independence"),
        ("name,data_capture\nA,1\n", "missing column(s) audience"),
        (CSV_HEADER + "\nA,1,1,1,1,1,7\n", "line 2 'A': rating for 'independence'"),
        (CSV_HEADER + "\nA,1,1,1,1,1,1\n ,1,1,1,1,1,1\n", "line 3: the actor has no"),
        (CSV_HEADER + "\nA,1,1,1,1,1,1\na,2,2,2,2,2,2\n", "'a': same name as line 2"),
        (CSV_HEADER + "\nA,1,1,1,1,1\n", "line 2: 6 cells, expected 7"),
        (CSV_HEADER + "\nA,1,1,x,1,1,1\n", "not a number"),
    ],
)  # fmt: skip
def test_csv_errors(text, message):
    with pytest.raises(DivideError) as info:
        au.from_csv(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{not json", "not valid JSON"),
        ('"text"', "expected a JSON object"),
        ('{"grid": "other", "actors": []}', "not Audacities"),
        ('{"actors": {}}', "'actors' list"),
        ('{"actors": []}', "no actor"),
        ('{"actors": [{"ratings": {}}]}', "actor 1: the actor has no name"),
        ('{"actors": [{"name": "", "ratings": {}}]}', "actor 1: the actor has no name"),
        ('{"actors": [{"name": 3, "ratings": {}}]}', "must be text"),
        ('{"actors": ["Uber"]}', "actor 1: expected"),
        ('{"actors": [{"name": "U", "ratings": {"audience": 9}}]}', "'U': missing"),
    ],
)  # fmt: skip
def test_json_errors(doc, message):
    with pytest.raises(DivideError) as info:
        au.from_json(doc)
    assert message in str(info.value)


def test_json_error_names_the_actor_and_the_criterion():
    actors = [dict(a) for a in ACTORS]
    actors[2] = {"name": "Third", "ratings": rate(audience=8)}
    with pytest.raises(
        DivideError, match="actor 3 'Third': rating for 'audience' is 8"
    ):
        au.to_json(actors)
    twins = [ACTORS[0], {**ACTORS[0], "name": "ride-hailing PLATFORM"}]
    with pytest.raises(DivideError, match="same name as actor 1"):
        au.to_csv(twins)
    with pytest.raises(DivideError, match="longer than"):
        au.to_json([{"name": "x" * 300, "ratings": rate()}])


def test_flat_actor_mapping_is_accepted():
    [actor] = au.from_json(json.dumps([{"name": "Flat", **rate(audience=3)}]))
    assert actor.ratings["audience"] == 3


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","clic")', "+33 collectif", "@asso", "'quoted", "''"]
)
def test_csv_names_cannot_run_as_formulas_and_read_back_unchanged(name):
    ratings = dict.fromkeys(CRITERIA, 3)
    text = au.to_csv([{"name": name, "ratings": ratings}])
    cell = next(csv.reader(io.StringIO(text.splitlines()[1])))[0]
    assert cell == "'" + name
    assert au.from_csv(text)[0].name == name
