"""Supply against need, on the atlas: who is likely in illectronisme, how far sites are.

Glue between :class:`divide.atlas.Atlas` and :mod:`divide.distance`. Every figure
about people in illectronisme is a MODELLED estimate (see
:func:`divide.illectronisme.method_summary`); distances are straight lines from
each commune's representative point to the nearest mediation site of the same
territory (mainland, or one overseas département), wherever that site is: a
commune near a border may be served from the next département.

A scope is ``None`` (all of France) or a ``(level, code)`` pair with level
``"region"``, ``"departement"`` or ``"epci"``.

Modules: :mod:`~divide.supply.inputs` (the scope and arguments checked, the
communes as points, the sites that count), :mod:`~divide.supply.reach` (distances,
reach, underserved communes, summaries), :mod:`~divide.supply.new_sites`
(:func:`placement`) and :mod:`~divide.supply.views` (the page's cards and tables
in a language, GeoJSON of points).
"""

from __future__ import annotations

# The kinds of sites, as callers read them (``supply.KINDS``).
from divide.build.readers.mediation import KINDS, MEDIATION_KINDS
from divide.supply.inputs import (
    COUNT_COLUMNS,
    POINT_COLUMNS,
    SCOPE_LEVELS,
    Scope,
    analysis_scope,
    scope_points,
    sites_for,
)
from divide.supply.new_sites import (
    Placement,
    host_count,
    placement,
    stop_reason,
)
from divide.supply.reach import (
    AccessSummary,
    access_summary,
    commune_access,
    epci_summary,
    kind_distances,
    kind_summary,
    underserved_table,
)
from divide.supply.views import (
    PEOPLE_COLUMNS,
    USE_SUPPLY_NEED,
    VIEWS,
    display,
    indicator_label,
    placement_cards,
    summary_cards,
    to_geojson,
    use_supply_need,
)

__all__ = [
    "COUNT_COLUMNS",
    "KINDS",
    "MEDIATION_KINDS",
    "PEOPLE_COLUMNS",
    "POINT_COLUMNS",
    "SCOPE_LEVELS",
    "USE_SUPPLY_NEED",
    "VIEWS",
    "AccessSummary",
    "Placement",
    "Scope",
    "access_summary",
    "analysis_scope",
    "commune_access",
    "display",
    "epci_summary",
    "host_count",
    "indicator_label",
    "kind_distances",
    "kind_summary",
    "placement",
    "placement_cards",
    "scope_points",
    "sites_for",
    "stop_reason",
    "summary_cards",
    "to_geojson",
    "underserved_table",
    "use_supply_need",
]
