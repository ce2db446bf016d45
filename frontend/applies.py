"""'What applies here': the rules a territory fires and the action they select.

Used by the overview, profile and recommendations pages through :func:`render`.
Every text that comes from data (names, reasons, titles) is escaped before it
reaches Markdown; links are drawn only when the knowledge base gives one.
"""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st

from divide.errors import DivideError
from divide.i18n import t
from divide.safe_text import markdown as md
from frontend import cache


def link(label: str, url: str) -> str:
    """A Markdown link with an escaped label (only http(s) addresses)."""
    if not str(url).startswith(("http://", "https://")):
        return md(label)
    safe = quote(str(url), safe=":/?#&=%+,;@!~*'._-")
    return f"[{md(label)}]({safe})"


def render(level: str, code: str, lang: str) -> None:
    """Draw the fired rules with their reasons and what they select, compactly."""
    st.subheader(t("applies_title", lang))
    if level == "france":
        st.caption(t("applies_pick", lang))
        return
    try:
        data = cache.diagnosis(level, code, lang)
    except DivideError as exc:
        st.warning(md(f"{t('error_prefix', lang)}: {exc.in_language(lang)}"))
        return
    fired = data["fired"]
    first = data["first_call"]
    colon = "\u00a0:" if lang == "fr" else ":"
    label = t("top_need_label", lang)
    st.markdown(f"**{label}** — **{md(first['title'])}**{colon} {md(first['text'])}")
    if not fired:
        st.info(t("applies_none", lang))
    else:
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"**{t('applies_fired', lang, n=len(fired))}**")
            st.markdown(
                "\n".join(f"- **{md(f['title'])}** — {md(f['reason'])}" for f in fired)
            )
        with right:
            st.markdown(f"**{t('applies_recs', lang)}**")
            st.markdown(
                "\n".join(
                    f"- {r['number']}\\. {md(r['title'])}"
                    for r in data["recommendations"]
                )
            )
            if data["initiatives"]:
                st.markdown(f"**{t('applies_inits', lang)}**")
                names = [
                    link(i["name"], i["link"]) if i["link"] else md(i["name"])
                    for i in data["initiatives"]
                ]
                st.markdown("\n".join(f"- {name}" for name in names))
                for i in data["initiatives"]:
                    if i.get("operators_text"):
                        st.caption(md(i["operators_text"]))
    gaps = [m for m in data["not_fired"] if m["status"] == "no_data"]
    if gaps:
        what = "; ".join(f"{m['title']} ({m['reason']})" for m in gaps)
        st.caption(md(t("applies_no_data", lang, what=what)))
    st.caption(md(t("applies_note", lang, source=data["sources"][0])))
