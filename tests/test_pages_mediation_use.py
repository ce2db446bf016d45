"""AppTest of issue 14's additions, in both languages: the use of mediation next to
supply and need (access and profile pages), the Aidants Connect note, the cohésion
numérique operators among the initiatives."""

from __future__ import annotations

import pytest
from apptest import open_page, problems

from divide.i18n import t
from divide.indicators import format_date, format_value
from divide.registry import indicator, source

LOZERE = {"level": "departement", "code": "48"}


def _use_table(at, lang):
    column = t("use_col_measure", lang)
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a '{column}' column")


@pytest.mark.parametrize("page", ["pages/access.py", "pages/profile.py"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_use_next_to_supply_and_need(page, lang, atlas):
    at = open_page(page, lang=lang, **LOZERE)
    assert not at.exception, problems(at)
    assert t("use_heading", lang) in "\n".join(m.value for m in at.markdown)
    table = _use_table(at, lang).set_index(t("use_col_measure", lang))
    row = atlas.territory("departement", "48")
    use = indicator("people_accompanied_per_1k")
    shown = table.loc[use.name(lang), t("use_col_value", lang)]
    assert shown == format_value(float(row["v_people_accompanied_per_1k"]), use, lang)
    need = indicator("illectronisme_est").name(lang)
    assert table.loc[need, t("use_col_kind", lang)] == t("use_kind_need", lang)
    captions = "\n".join(c.value for c in at.caption)
    inactive = atlas.quality["sources"]["aidants_connect_2024"]["inactive_not_counted"]
    assert t("aidants_inactive_note", lang, n=inactive) in captions
    assert t("use_caption", lang, date=format_date("2023-07-17", lang)) in captions
    # The figure's date is the oldest of the reports' and the population's, never
    # the postcode table's (2020-12-05), which only places the postcodes.
    population = source("insee_population_2023").as_of
    assert table.loc[use.name(lang), t("use_col_as_of", lang)] == format_date(
        min("2023-07-17", population), lang
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cohesion_operators_among_initiatives(lang, atlas):
    from divide.recommend import recommend_json

    # Creuse: a fixed-network rule fires (see test_mediation_sources).
    data = recommend_json(atlas, "departement", "23", lang)
    (init,) = [i for i in data["initiatives"] if i.get("operators_text")]
    at = open_page("pages/profile.py", lang=lang, level="departement", code="23")
    captions = "\n".join(c.value for c in at.caption)
    assert init["operators"]
    for operator in init["operators"]:
        assert operator["operator"] in captions
    assert "Cohésion numérique des territoires" in captions


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_map_offers_aidants_connect_as_a_kind_counted_by_default(lang):
    at = open_page("pages/map.py", lang=lang, **LOZERE)
    at.checkbox(key="map_sites").check().run()  # the kinds are asked once shown
    assert not at.exception, problems(at)
    kinds = at.multiselect(key="map_site_kinds")
    assert "aidants_connect" in kinds.options or t("kind_aidants_connect", lang) in (
        kinds.options
    )
    assert "aidants_connect" in kinds.value  # mediation supply by default
