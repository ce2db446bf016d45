"""Access to mediation: need against supply, underserved communes, where to add sites."""

import streamlit as st

from divide import illectronisme, supply
from divide.errors import DivideError
from divide.formatting import counted, format_count, plural_text
from divide.i18n import t
from divide.registry import DEFAULT_RADIUS_KM, indicator
from divide.safe_text import markdown as md
from frontend import access as parts
from frontend import components, session, sidebar, state, use

lg = sidebar.frame()
atlas = session.session_atlas()  # uploaded sites count too
notes = components.Footnote()
ss = st.session_state
RISK, DIST = indicator("people_at_risk"), indicator("dist_mediation_km")


state.seed(
    {
        "access_radius": ("radius", DEFAULT_RADIUS_KM, float),
        "access_k": ("k", 5, int),
    }
)
ss.setdefault("access_kinds", list(supply.MEDIATION_KINDS))
st.title(t("access_title", lg))
st.caption(t("access_intro", lg))
if layers := session.user_site_layers():
    files = ", ".join(layer.file for layer in layers)
    n = format_count(sum(len(layer.sites) for layer in layers), lg)
    st.info(md(t("access_user_sites", lg, n=n, files=files)))
cols = st.columns([1, 3, 1])
radius = cols[0].number_input(t("access_radius", lg), step=1.0, key="access_radius")
kinds = cols[1].multiselect(
    t("access_kinds", lg),
    supply.KINDS,
    key="access_kinds",
    format_func=lambda k: t(f"kind_{k}", lg),
    placeholder=t("choose_options", lg),
)
st.caption(t("kinds_counted_note", lg))
min_need = cols[2].number_input(
    t("access_min_need", lg), min_value=0.0, step=10.0, key="access_min_need"
)
state.keep(radius=f"{radius:g}")
kinds_t, r_text = tuple(kinds), f"{radius:g}"
if not kinds:
    st.info(t("access_kinds_none", lg))

level, code = state.territory()
scope = supply.analysis_scope(atlas, level, code)
scope_name = atlas.territory(*(scope or ("france", "FR")))["name"]
if scope is None:
    st.info(t("access_scope_france", lg))
elif level == "commune":
    st.caption(md(t("access_scope_commune", lg, name=scope_name)))
job = parts.Analysis(atlas, scope, radius, kinds_t)
meta = {"scope": scope_name, "radius_km": radius, "kinds": kinds}
try:
    summary = job.run("access_summary", scope, radius, kinds_t)
    per_kind = job.run("kind_summary", scope, radius)
    under = job.run("underserved_table", scope, radius, kinds_t, float(min_need))
    epcis = job.run("epci_summary", scope, radius, kinds_t)
except DivideError as exc:
    components.fail(exc)
    st.stop()
notes.add(RISK, f"{t('access_distance_note', lg)} {components.source_caption(DIST)}")

# ------------------------------------------------------------ need and access
st.subheader(md(f"{t('access_need', lg)} — {scope_name}"))
parts.cards(supply.summary_cards(summary, lg))
with st.expander(t("access_method", lg)):
    st.markdown(illectronisme.method_summary(lg))
    st.markdown(f"**{t('il_ref_title', lg)}**")
    reference = illectronisme.reference_table(atlas.level("commune"), lg)
    st.dataframe(reference.round(1), hide_index=True)
    st.caption(t("il_ref_caption", lg))
st.markdown(f"**{t('access_per_kind', lg)}**")
parts.table(per_kind, "kinds", lg)
use.render("access", *(scope or ("france", "FR")), lg, notes)  # use beside supply
map_box = st.container()

# ---------------------------------------------------------------- underserved
st.subheader(t("access_underserved", lg, r=r_text))
if under.empty:
    st.success(t("access_underserved_none", lg, r=r_text))
else:
    people = components.value_text(under["people_at_risk"].sum(), RISK)
    st.caption(plural_text("access_underserved_count", lg, len(under), people=people))
    parts.table(under, "underserved", lg)
    stem = f"underserved_{scope[1] if scope else 'FR'}_{r_text}km"
    parts.downloads(under, stem, "access_under", meta, lg)
if summary.unlocated_communes:
    count = counted(summary.unlocated_communes, "commune", lg)
    st.caption(t("access_unlocated", lg, count=count))
st.markdown(f"**{t('access_by_epci', lg)}**")
parts.table(epcis, "epci", lg)

# ------------------------------------------------------------------ placement
st.subheader(t("access_place", lg))
st.markdown(t("access_place_intro", lg))
placed = args = None
if scope is None:
    st.info(t("access_place_france", lg))
else:
    placed, args, k = parts.placement(job, lg)
if placed is not None and placed.hosts.empty:
    st.success(t("access_all_covered", lg, r=r_text))
elif placed is not None:
    parts.cards(supply.placement_cards(placed, lg))
    if placed.result.stopped_early:
        st.info(supply.stop_reason(placed, lg))
    parts.table(placed.hosts, "hosts", lg)
    stem = f"placement_{scope[1]}_{r_text}km_k{k}"
    method = "greedy maximum coverage, within 1 - 1/e of the optimum"
    parts.downloads(
        placed.hosts, stem, "access_hosts", meta | {"k": k, "method": method}, lg
    )

# ------------------------------------------------------------------------ map
if scope is not None:
    with map_box:
        selected = code if level == "commune" else None
        what = (float(min_need), placed is not None and args)
        notes.add(parts.access_map(job, selected, under, placed, what, lg))
notes.show()
