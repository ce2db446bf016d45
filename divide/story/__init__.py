"""Presenter mode: a territory's digital divide told in six slides, as plain data.

:func:`slides` builds the sequence for one territory: very-high-speed broadband,
distance to 4G sites, people likely in illectronisme (modelled), access to
digital mediation, the fragility index (networks against skills) and a "what to
do" summary. Each :class:`Slide` holds one key figure (formatted, with its label,
source and vintage, flagged when modelled), a visual spec (a choropleth around
the territory or bars against its parents) and the recommendation it calls for.

Recommendations come from :mod:`divide.recommend`: the strongest fired rule of
the slide's theme selects it. Rules are matched for a région, département, EPCI
or commune; for France, a slide reports the theme's rule that fires in the most
départements. When nothing fires, the slide shows the theme's general
recommendation and says so (``Advice.fallback``).

The app draws the slides (``pages/presenter.py``); :func:`bar_figure`,
:func:`line_figure` and :func:`map_figure` turn the visual specs into Vega-Lite
specifications, which need no network (no tiles) and show names as plain text.

Modules: :mod:`~divide.story.outline` (the slides in order, their themes, the
data types), :mod:`~divide.story.facts` (a territory's figures against its
parents, source lines, visual specs), :mod:`~divide.story.advice` (fired rules
→ :class:`Advice`), :mod:`~divide.story.measures` (the slides of one measure),
:mod:`~divide.story.verdicts` (fragility and "what to do"),
:mod:`~divide.story.sequence` (:func:`slides`) and :mod:`~divide.story.charts`
(the Vega-Lite charts).
"""

from divide.story.charts import (
    MAP_HEIGHT,
    bar_figure,
    class_labels,
    line_figure,
    map_figure,
)
from divide.story.facts import source_text
from divide.story.outline import (
    ALL_NEEDS,
    CALLS_FOR_GENERAL,
    CALLS_FOR_RULES,
    MAP_VIEW,
    SHORT_FIGURE,
    SLIDES,
    THEMES,
    Advice,
    KeyFigure,
    Slide,
)
from divide.story.sequence import slides

__all__ = [
    "ALL_NEEDS",
    "CALLS_FOR_GENERAL",
    "CALLS_FOR_RULES",
    "MAP_HEIGHT",
    "MAP_VIEW",
    "SHORT_FIGURE",
    "SLIDES",
    "THEMES",
    "Advice",
    "KeyFigure",
    "Slide",
    "bar_figure",
    "class_labels",
    "line_figure",
    "map_figure",
    "slides",
    "source_text",
]
