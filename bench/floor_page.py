"""Streamlit's own floor for a map page: its kinds of elements, none of its data.

Served by ``bench/browser.py`` only. It draws what the map page draws, as
Streamlit and streamlit-folium draw it, with fixed tiny content and no work on
the server: a navigation of twelve pages in three sections, the sidebar's
widgets (select box, search box, folded drill-down, notice, button), the title,
two select boxes, folded options (radio, number input, check boxes, multiselect)
and type filters, a folium map of one square beside a legend, a selectable table
of 100 rows, a caption and folded sources. Leaflet comes from the app's vendored
copy, as for the app's maps: ``bench/static`` links to the app's ``static/``, as
Streamlit serves the static folder beside the main script. What a page costs in
the browser beyond this one is ours to cut; what this one costs beyond the empty
page is Streamlit's.

``?without=table,map,widgets`` leaves those parts out, to weigh each;
``?map=v2`` draws the same folium map in the page itself (a components-v2
element) instead of streamlit-folium's frame, to weigh the frame.
"""

import folium
import pandas as pd
import streamlit as st
import streamlit_folium

from divide import assets
from frontend import folium_map

SECTIONS = {"Explore": 6, "Act": 4, "Data": 2}


def square_map() -> folium.Map:
    fmap = folium.Map(tiles=None, prefer_canvas=True, zoom_snap=0.25)
    fmap.options["max_zoom"] = 18
    fmap.default_js = [("leaflet", assets.url("leaflet.js"))]
    fmap.default_css = [("leaflet_css", assets.url("leaflet.css"))]
    ring = [[2, 46], [3, 46], [3, 47], [2, 47], [2, 46]]
    square = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "A square"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    folium.GeoJson(square, tooltip=folium.GeoJsonTooltip(["name"])).add_to(fmap)
    fmap.fit_bounds([[46, 2], [47, 3]])
    return fmap


def map_page() -> None:
    without = set(st.query_params.get("without", "").split(","))
    if "widgets" not in without:
        widgets()
    else:
        st.title("Map")
    left, right = st.columns([3, 2])
    if "map" not in without:
        with left:
            if st.query_params.get("map") == "v2":
                in_page_map(square_map(), 620)
            else:
                streamlit_folium.st_folium(
                    square_map(), height=620, key="floor_map", returned_objects=[]
                )
    with right:
        st.markdown("**Fibre** <br> 0 – 50 %", unsafe_allow_html=True)
        if "table" not in without:
            ranked_table()
        st.caption("Click a row to select it.")
    with st.expander("Sources"):
        st.markdown("ARCEP, INSEE.")


def widgets() -> None:
    with st.sidebar:
        st.selectbox("Language", ["Français", "English"], index=1)
        st.markdown("**Territory**")
        st.text_input("Search", placeholder="Châteauroux, 36044, 36000…")
        with st.expander("Choose by level"):
            st.selectbox("Région", ["Bretagne", "Normandie"])
        st.info("Selected: France")
        st.button("Back to France")
    st.title("Map")
    st.markdown("<style>.floor {order: 1;}</style>", unsafe_allow_html=True)
    top = st.columns([3, 2])
    top[0].selectbox("Indicator", ["Fibre", "4G"])
    top[1].selectbox("Level", ["Départements", "Communes"])
    with st.expander("Map options"):
        cells = st.columns(3)
        cells[0].radio("Classes", ["Quantiles", "Jenks"])
        cells[1].number_input("Number of classes", 3, 9, 5)
        cells[2].checkbox("Base map")
        cells[2].checkbox("Mediation sites")
        st.multiselect("Kinds of site", ["France Services", "Other"])
    with st.expander("Types of territory"):
        st.columns(2)[0].multiselect("Density", ["Rural", "Urban"])


def ranked_table() -> None:
    rows = pd.DataFrame(
        {"Rank": range(1, 101), "Name": [f"Territory {i}" for i in range(100)]}
    )
    st.dataframe(
        rows,
        hide_index=True,
        height=420,
        on_select="rerun",
        selection_mode="single-row",
    )


IN_PAGE_JS = """
const loaded = {};
function load(src, css) {
  if (!loaded[src]) loaded[src] = new Promise((ok, fail) => {
    const el = document.createElement(css ? 'link' : 'script');
    if (css) { el.rel = 'stylesheet'; el.href = src; } else { el.src = src; }
    el.onload = ok; el.onerror = fail;
    document.head.appendChild(el);
  });
  return loaded[src];
}
export default async function({ data, parentElement }) {
  await Promise.all(data.css.map((h) => load(h, true)));
  for (const s of data.js) await load(s, false);
  const box = document.createElement('div');
  box.style.height = data.height + 'px';
  box.id = 'map_div';  // the container folium's script names
  parentElement.replaceChildren(box);
  new Function(data.script)();
}
"""
_in_page = st.components.v2.component(
    "floor_in_page_map", js=IN_PAGE_JS, isolate_styles=False
)


def in_page_map(fmap, height):
    args = folium_map.component_args(fmap)  # what streamlit-folium's frame gets
    data = {
        "html": args["html"],
        "script": args["script"],
        "css": args["css_links"],
        "js": args["js_links"],
        "height": height,
    }
    _in_page(data=data, key="floor_in_page")


def other_page() -> None:
    st.title("Another page")


pages = {
    section: [
        st.Page(
            map_page if section == "Explore" and i == 0 else other_page,
            title=f"{section} {i}",
            url_path=f"{section.lower()}{i}",
            default=section == "Explore" and i == 0,
        )
        for i in range(n)
    ]
    for section, n in SECTIONS.items()
}
st.set_page_config(page_title="floor", layout="wide")
st.navigation(pages).run()
