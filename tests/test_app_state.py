"""The app's link: every URL parameter read into one typed object."""

from __future__ import annotations

import dataclasses

from frontend.state import FIELDS, Link


def test_link_reads_its_parameters_and_ignores_others():
    params = {"lang": "en", "cx": "poverty_rate", "map_density3": "rural", "x": "1"}
    link = Link.from_url(params)
    assert (link.lang, link.cx, link.code) == ("en", "poverty_rate", None)
    assert link.types == {"map_density3": "rural"}
    assert "x" not in FIELDS and not hasattr(link, "x")


def test_every_field_is_text_or_absent():
    for f in dataclasses.fields(Link):
        if f.name != "types":
            assert getattr(Link(), f.name) is None, f.name
