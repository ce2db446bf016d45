"""Turn each source into additive per-commune base columns for the atlas build.

One function per source: read (via the registry's reader), harmonise codes onto
today's communes, derive the numerators and denominators the indicator registry
names. Each returns its columns and its match report.

Modules: :mod:`~divide.build.sources.statistics` (broadband, income, census, the
IFNs, the types of territory), :mod:`~divide.build.sources.sites` (4G sites,
mediation places, posts, use, cohesion operators, distances),
:mod:`~divide.build.sources.base` (:func:`commune_base`, every source in the
build's order) and :mod:`~divide.build.sources.series` (dated series).
"""

from __future__ import annotations

from divide.build.sources.base import commune_base
from divide.build.sources.series import (
    SERIES_LEVELS,
    arcep_series,
    dated_series,
)
from divide.build.sources.sites import (
    access_columns,
    aidants_by_postcode,
    cohesion_operators,
    mediation_activity,
    mediation_sites,
    mediation_supply,
    mobile_sites,
)
from divide.build.sources.statistics import (
    ARCEP_STATISTICS,
    SURVEY_YEAR,
    census_shares,
    fixed_broadband,
    fixed_vintage,
    income_inputs,
    mednum_ifn,
    mednum_ifn2023,
    poverty,
    territory_types,
)

__all__ = [
    "ARCEP_STATISTICS",
    "SERIES_LEVELS",
    "SURVEY_YEAR",
    "access_columns",
    "aidants_by_postcode",
    "arcep_series",
    "census_shares",
    "cohesion_operators",
    "commune_base",
    "dated_series",
    "fixed_broadband",
    "fixed_vintage",
    "income_inputs",
    "mediation_activity",
    "mediation_sites",
    "mediation_supply",
    "mednum_ifn",
    "mednum_ifn2023",
    "mobile_sites",
    "poverty",
    "territory_types",
]
