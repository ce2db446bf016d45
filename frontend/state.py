"""The session's state and its link: one typed object read from and written to the URL.

:class:`Link` names every URL parameter the app reads. It is read once, on a
session's first run (:func:`start`); a page seeds its widgets from it on its
first visit (:func:`seed`) and writes its settings back on each run
(:func:`keep`), so that a copied link reopens the same view. The territory, the
language and the indicator live in the session (``territory``, ``_lang``,
``_indicator``) and are mirrored into the URL by :func:`write_url`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from divide.errors import DivideError
from divide.i18n import LANGS, t
from divide.profile import parents
from divide.registry import indicators
from divide.typology import GRIDS
from frontend import cache

DEFAULT_INDICATOR = "thd30_share"
#: The levels of the sidebar's drill-down, each a selectbox ``pick_<level>``.
DRILL = ("region", "departement", "epci", "commune")


@dataclass(frozen=True)
class Link:
    """Every parameter a link carries; None where the URL has none.

    Values are the URL's text: a page checks them against what it offers when
    it seeds its widgets (:func:`seed`).
    """

    lang: str | None = None
    level: str | None = None
    code: str | None = None
    ind: str | None = None
    # map
    mlevel: str | None = None
    classes: str | None = None
    # compare
    peers: str | None = None
    cx: str | None = None
    cy: str | None = None
    cind: str | None = None
    # access
    radius: str | None = None
    k: str | None = None
    # progress
    series: str | None = None
    date: str | None = None
    # by type of territory (overview, profile)
    tgrid: str | None = None
    tind: str | None = None
    # fragility
    fcomp: str | None = None
    fnorm: str | None = None
    flevel: str | None = None
    fref: str | None = None
    # recommendations
    rtheme: str | None = None
    rcountry: str | None = None
    rkind: str | None = None
    rlevel: str | None = None
    # presenter
    slide: str | None = None
    present: str | None = None
    #: Filters by type of territory: ``<page>_<grid>`` → comma-separated classes.
    types: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_url(cls, params) -> Link:
        """The link of some query parameters (unknown ones are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)} - {"types"}
        values = {k: params.get(k) for k in names if params.get(k) is not None}
        types = {k: params.get(k) for k in params if _is_type_filter(k)}
        return cls(**values, types=types)


def _is_type_filter(name: str) -> bool:
    page, _, grid = name.partition("_")
    return bool(page) and grid in GRIDS


FIELDS = frozenset(f.name for f in dataclasses.fields(Link)) - {"types"}
#: What a page accepts for a setting: the values it offers, a parser of the
#: URL's text (a ValueError, or a number that is not finite, means "not given"),
#: or None for any text.
Valid = Collection[str] | Callable[[str], Any] | None


def link() -> Link:
    """The URL's parameters now, as a :class:`Link`."""
    return Link.from_url(st.query_params)


def read(name: str, default: Any, valid: Valid = None) -> Any:
    """One setting of the link, or ``default`` where it is absent or not valid."""
    current = link()
    text = current.types.get(name) if _is_type_filter(name) else getattr(current, name)
    if text is None:
        return default
    if callable(valid):
        try:
            value = valid(text)
        except ValueError:
            return default
        return (
            value if not isinstance(value, float) or math.isfinite(value) else default
        )
    return text if valid is None or text in valid else default


def seed(widgets: Mapping[str, tuple[str, Any, Valid]]) -> None:
    """On a page's first visit, give its widgets their values from the link.

    ``widgets`` maps a widget key to (link field, default, what is valid). A
    widget's state does not outlive a visit of another page: the page is
    "first visited" again when its first widget has no state.
    """
    ss = st.session_state
    if not widgets or next(iter(widgets)) in ss:
        return
    for key, (name, default, valid) in widgets.items():
        ss[key] = read(name, default, valid)


def keep(**settings: str | None) -> None:
    """Write some settings into the URL (None removes one); names are checked."""
    for name, value in settings.items():
        if name not in FIELDS and not _is_type_filter(name):
            raise TypeError(f"{name!r} is not a parameter of the link")
        if value is None:
            st.query_params.pop(name, None)
        elif st.query_params.get(name) != str(value):
            st.query_params[name] = str(value)


# ---------------------------------------------------------- the session's view
def start() -> str:
    """Read the state from the URL on a session's first run; returns the language."""
    ss = st.session_state
    if not ss.get("_initialised"):
        try:
            _init(link())
        except DivideError as exc:
            st.error(f"{t('atlas_missing', 'en')}: {exc}")
            st.stop()
    return ss["_lang"]


def _init(url: Link) -> None:
    ss = st.session_state
    ss["_lang"] = url.lang if url.lang in LANGS else "fr"
    level, code = url.level or "france", url.code
    try:
        cache.atlas().territory(level, code)
        ss["territory"] = (level, code if level != "france" else "FR")
    except DivideError as exc:
        ss["territory"] = ("france", "FR")
        ss["_url_error"] = str(exc)
    ind_id = url.ind or DEFAULT_INDICATOR
    ss["_indicator"] = ind_id if ind_id in indicators() else DEFAULT_INDICATOR
    sync_drill(*ss["territory"])
    ss["_initialised"] = True


def write_url() -> None:
    """Mirror the session's view into the URL so a copied link reopens it."""
    ss = st.session_state
    level, code = ss["territory"]
    # An upload cannot travel in a link: its id is not written.
    ind = ss["_indicator"] if ss["_indicator"] in indicators() else None
    keep(lang=ss["_lang"], level=level, code=None if level == "france" else code)
    if ind is not None:
        keep(ind=ind)


def lang() -> str:
    """Current interface language."""
    return st.session_state.get("_lang", "fr")


def territory() -> tuple[str, str]:
    """Current (level, code)."""
    return st.session_state["territory"]


def choose(level: str, code: str) -> None:
    """Make a territory the current one (URL and drill-down follow)."""
    st.session_state["territory"] = (level, code)
    sync_drill(level, code)


def sync_drill(level: str, code: str) -> None:
    """Set the sidebar's drill-down selectboxes to a territory and its parents."""
    ss = st.session_state
    for lvl in DRILL:
        ss[f"pick_{lvl}"] = ""
    if level == "france":
        return
    for lvl, c, _ in parents(cache.atlas(), level, code):
        if lvl in DRILL:
            ss[f"pick_{lvl}"] = c
    # An EPCI chosen from a commune can straddle départements: keep the commune's.
    if level == "commune":
        row = cache.atlas().territory("commune", code)
        ss["pick_departement"] = row["departement"]
        ss["pick_region"] = row["region"]
