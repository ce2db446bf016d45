"""The story's outline: its slides in order, their themes, and what a slide holds.

A theme names the rules of :mod:`divide.recommend` that speak to it, its general
recommendation and the measures a territory's top need is read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Slide ids, in the order they are shown.
# "progress" comes last so that links to slides 1–6 made before it keep their slide.
SLIDES = (
    "broadband",
    "mobile",
    "illectronisme",
    "mediation",
    "fragility",
    "actions",
    "progress",
)
#: Per theme: the rules that speak to it (strongest fired first wins) and the
#: general recommendation shown when none fires.
THEMES: dict[str, dict] = {
    "broadband": {
        "rules": ("thd_below_region", "thd_bottom_quintile", "double_gap"),
        "general": "governance",
        "needs": ("thd30_share", "thd100_share", "ineligible_share"),
    },
    "mobile": {
        "rules": ("mobile_far",),
        "general": "governance",
        "needs": ("dist_4g_km",),
    },
    "illectronisme": {
        "rules": (
            "many_people_at_risk",
            "illectronisme_far_from_mediation",
            "double_gap",
            "low_diploma",
            "older_population",
            "poverty_cost_barrier",
        ),
        "general": "digital_rights",
        "needs": (
            "illectronisme_est",
            "low_diploma_share",
            "age65_share",
            "poverty_rate",
        ),
    },
    "mediation": {
        "rules": (
            "load_per_site",
            "people_at_risk_far",
            "illectronisme_far_from_mediation",
            "mediation_density_low",
            "france_services_far",
        ),
        "general": "partnerships",
        "needs": (
            "dist_mediation_km",
            "mediation_sites_per_10k",
            "dist_france_services_km",
        ),
    },
}
#: Every measure a territory's top need is read from (fragility, actions).
ALL_NEEDS = tuple(dict.fromkeys(n for theme in THEMES.values() for n in theme["needs"]))
#: For the fragility slide: which rules answer each "calls for" verdict.
CALLS_FOR_RULES = {
    "deployment": ("thd_below_region", "thd_bottom_quintile", "mobile_far"),
    "mediation": (
        "load_per_site",
        "many_people_at_risk",
        "illectronisme_far_from_mediation",
        "people_at_risk_far",
        "france_services_far",
        "mediation_density_low",
        "older_population",
        "low_diploma",
        "poverty_cost_barrier",
    ),
    "both": (),  # any fired rule
}
CALLS_FOR_GENERAL = {
    "deployment": "governance",
    "mediation": "digital_rights",
    "both": "digital_rights",
}
#: The map drawn around a territory: (level of the shapes, scope level).
MAP_VIEW = {
    "france": ("departement", None),
    "region": ("epci", "region"),
    "departement": ("commune", "departement"),
    "epci": ("commune", "epci"),
    "commune": ("commune", "departement"),
}
MAX_INITIATIVES = 4
#: Key-figure texts longer than this are a sentence: shown in smaller type.
SHORT_FIGURE = 12


@dataclass(frozen=True)
class KeyFigure:
    """The one number a slide is about.

    Attributes
    ----------
    label : str
        What the number is.
    text : str
        The value formatted with its unit ("30,8 %", "3.1 km").
    value : float or None
        The raw value (None when missing).
    indicator : str or None
        The registry indicator, when the figure is one.
    detail : str
        A second line (a count, a range), may be empty.
    comparison : tuple of (str, str)
        (place or measure, formatted value) pairs to set the figure against.
    source : str
        "Source: producer (vintage ...)", with the modelled note when modelled.
    modelled : bool
        True for a modelled estimate (not a measurement).
    """

    label: str
    text: str
    value: float | None
    indicator: str | None
    detail: str
    comparison: tuple[tuple[str, str], ...]
    source: str
    modelled: bool


@dataclass(frozen=True)
class Advice:
    """A recommendation a slide calls for, and why.

    Attributes
    ----------
    recommendation : str
        Recommendation id (``divide/knowledge/recommendations.yaml``).
    number : int
        Its number in the PFVT synthesis (1–8).
    title, summary : str
        Its text, in the slide's language.
    reason : str
        Why it is shown: the fired rule's reason with the territory's numbers,
        or the fallback explanation.
    rule : str or None
        The rule that selected it (None for a fallback or an aggregate).
    initiatives : tuple of str
        Names of initiatives that answer it.
    source : str
        Citation of the recommendation.
    fallback : bool
        True when no rule fired and the theme's general recommendation is shown.
    """

    recommendation: str
    number: int
    title: str
    summary: str
    reason: str
    rule: str | None
    initiatives: tuple[str, ...]
    source: str
    fallback: bool


@dataclass(frozen=True)
class Slide:
    """One slide of the story.

    Attributes
    ----------
    id : str
        One of :data:`SLIDES`.
    number : int
        1-based position.
    title : str
        Slide title.
    territory : str
        "Name — level" of the territory told.
    figure : KeyFigure
        The key figure.
    visual : dict
        ``{"kind": "choropleth", "indicator", "level", "scope", "highlight",
        "frame", "title"}`` or ``{"kind": "bar", "title", "axis", "bars":
        [{"label", "value", "text", "highlight", "group"}], "range"}``.
    advice : Advice
        The recommendation it calls for.
    more : tuple of Advice
        Further recommendations (the summary slide).
    """

    id: str
    number: int
    title: str
    territory: str
    figure: KeyFigure
    visual: dict
    advice: Advice
    more: tuple[Advice, ...] = field(default_factory=tuple)
