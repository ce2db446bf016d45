"""A session's own data: its uploads and the atlas view that carries them.

The shared atlas (:func:`frontend.cache.atlas`) serves every session; a session
with uploads gets its own view (:func:`session_atlas`), built once per change of
its uploads and held in its state. A page holds that view and passes it to the
library, which finds the uploaded indicators through it
(:attr:`divide.atlas.Atlas.uploaded`): no state is shared behind the page's back.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from divide import typology
from divide.atlas import Atlas
from divide.registry import Indicator
from divide.uploads import UploadedIndicator, UserSites
from frontend import cache


def user_indicators() -> dict[str, UploadedIndicator]:
    """Indicators this session uploaded (by id)."""
    return st.session_state.get("user_indicators") or {}


def user_site_layers() -> list[UserSites]:
    """Site files this session uploaded."""
    return list((st.session_state.get("user_sites") or {}).values())


def uploads_key() -> tuple:
    """What this session uploaded, as a hashable key (empty without uploads).

    Cached results that depend on uploads take it as an argument, so a session
    never gets another's results and sessions without uploads share theirs.
    """
    inds = tuple(
        sorted(
            (i.id, i.sha256, i.unit, i.direction) for i in user_indicators().values()
        )
    )
    layers = tuple(sorted(layer.sha256 for layer in user_site_layers()))
    return (inds, layers) if inds or layers else ()


def _held(name: str, key: tuple, build) -> Atlas:
    # One view per session, rebuilt when what it is made of changes.
    ss = st.session_state
    held = ss.get(name)
    if held is None or held[0] != key:
        held = ss[name] = (key, build())
    return held[1]


def session_atlas() -> Atlas:
    """The shared atlas plus this session's uploaded indicators and sites."""
    key = uploads_key()
    if not key:
        return cache.atlas()

    def build() -> Atlas:
        layers = [layer.sites for layer in user_site_layers()]
        return cache.atlas().with_uploads(
            user_indicators(),
            sites=pd.concat(layers, ignore_index=True) if layers else None,
        )

    return _held("_session_atlas", key, build)


def typed_atlas(where: dict | None = None) -> Atlas:
    """The session's atlas, limited to the communes of some types if asked.

    ``where`` is a page's filters by type (see
    :func:`frontend.components.type_filters`); without any, this is
    :func:`session_atlas`.
    """
    if not where:
        return session_atlas()
    key = tuple(where.items())
    if not uploads_key():
        return cache.restricted_atlas(key)
    return _held(
        "_typed_atlas",
        (uploads_key(), key),
        lambda: typology.restrict(session_atlas(), where),
    )


def collection(
    level: str,
    scope: tuple[str, str] | None,
    ind_id: str,
    method: str = "quantiles",
    k: int = 5,
    lang: str = "fr",
    *,
    only_known: bool = False,
    where: dict | None = None,
    outlines: bool = True,
) -> tuple[dict, list[float], list[str]]:
    """GeoJSON, class edges and colours for a map view.

    Views of the atlas's indicators are cached for every session; an uploaded
    indicator is drawn from this session's atlas. ``only_known`` leaves out the
    territories without a value (an upload covering a few communes); ``where``
    limits the view to communes of some types; ``outlines=False`` leaves the
    geometry out (None), for the canvas map.
    """
    uploaded = user_indicators().get(ind_id)
    if uploaded is None:
        key = tuple((where or {}).items())
        return cache.atlas_collection(
            level, scope, ind_id, method, k, lang, only_known, key, outlines
        )
    uploaded.values_at(level)  # a clear error where it has no values
    return cache.view_collection(
        typed_atlas(where),
        level,
        scope,
        uploaded,
        method,
        k,
        lang,
        only_known,
        outlines,
    )


def national_values(
    ind: Indicator, method: str, k: int, lang: str, where: dict | None = None
) -> tuple[dict, list[float], list[str]]:
    """Per-commune classes and value texts of the national map, edges, colours.

    Cached for every session for the atlas's indicators; communes outside the
    types chosen in ``where`` are drawn as no data.
    """
    if ind.id not in user_indicators():
        return cache.atlas_national_values(
            ind.id, method, k, lang, tuple((where or {}).items())
        )
    return cache.national(typed_atlas(where), ind, method, k, lang)
