"""The one home of levels, codes, scopes and projections (divide.territory)."""

import pandas as pd
import pytest

from divide.errors import DivideError
from divide.territory import (
    PLACES,
    PLM_ARRONDISSEMENTS,
    metric_crs,
    normalise_codes,
    parse_scope,
    place_of_departement,
    scope_text,
)


def test_codes_are_written_as_the_atlas_writes_them():
    raw = pd.Series(["1001", "'01004", "2a004", "29019.0", " 75 056 ", "", None])
    assert normalise_codes(raw, "commune").tolist() == [
        "01001",
        "01004",
        "2A004",
        "29019",
        "75056",
        pd.NA,
        pd.NA,
    ]
    assert normalise_codes(pd.Series(["1", "2A", "971"]), "departement").tolist() == [
        "01",
        "2A",
        "971",
    ]
    assert normalise_codes(pd.Series(["751010101"]), width=9).tolist() == ["751010101"]


def test_scopes_read_back_what_they_write():
    for level, code in [("departement", "29"), ("region", "53"), ("epci", "200054781")]:
        assert parse_scope(scope_text(level, code)) == (level, code)
    assert parse_scope("departement:2a") == ("departement", "2A")
    assert parse_scope("france") is None
    with pytest.raises(DivideError, match="LEVEL:CODE"):
        parse_scope("29")
    with pytest.raises(DivideError, match="unknown scope level"):
        parse_scope("canton:2901")


def test_each_departement_has_its_metric_projection():
    assert metric_crs("29") == "EPSG:2154"
    assert metric_crs("2A") == "EPSG:2154"
    assert metric_crs("973") == "EPSG:2972"
    assert metric_crs("976") == "EPSG:4471"
    assert place_of_departement("1") == "metro"
    assert place_of_departement(None) == ""
    assert set(PLACES) >= {"metro", "971", "972", "973", "974", "976"}


def test_arrondissements_are_those_of_paris_lyon_marseille():
    counts = {parent: len(numbers) for parent, numbers in PLM_ARRONDISSEMENTS.items()}
    assert counts == {"75056": 20, "69123": 9, "13055": 16}
