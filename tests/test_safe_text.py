"""divide.safe_text: the one rule for showing names from data or uploads as text."""

from __future__ import annotations

import html as std_html
import re

import folium
import pandas as pd
import pytest

from divide import maps, safe_text
from divide.atlas import _visible

# The hostile names the e2e tests also push through the app.
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "javascript:window.__pwned=1",
    "[link](javascript:window.__pwned=1) **bold** _it_ `code` # title",
    "&lt;b&gt;entities&lt;/b&gt; &amp; &#36;",
    "${window.__pwned=1}`tick` \\u0041 %{y}",
    "\u202eevil.exe",
    '=HYPERLINK("http://example.org","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "L" * 5000,
]


@pytest.mark.parametrize("name", HOSTILE)
def test_html_shows_the_text_once_decoded(name):
    escaped = safe_text.html(name)
    assert not re.search(r"[<>\"'`$\\%]", escaped)  # nothing HTML or JS can act on
    assert std_html.unescape(escaped) == safe_text.visible(name)


@pytest.mark.parametrize("name", HOSTILE)
def test_markdown_escapes_every_syntax_character(name):
    escaped = safe_text.markdown(name)
    unescaped = re.sub(r"\\(.)", r"\1", escaped).replace("\u2060", "")
    assert unescaped == safe_text.visible(name)
    for char in "[]()*_`#<>&$:=\\":
        if char in name:
            assert f"\\{char}" in escaped


def test_markdown_breaks_what_streamlit_links_after_parsing():
    # Streamlit links addresses and draws icons from the parsed text, where
    # backslashes are gone: an invisible word joiner breaks each pattern.
    escaped = safe_text.markdown("http://x.org www.x.fr a@b.co :material/home:")
    assert "http\u2060\\:" in escaped and "www\u2060\\." in escaped
    assert "@\u2060b" in escaped and "\\:\u2060material" in escaped
    assert safe_text.markdown("javascript:x") == "javascript\\:x"


def test_markdown_is_one_line_and_starts_no_block():
    assert safe_text.markdown("a\n\n# b\n- c\t1. d") == "a \\# b \\- c 1\\. d"
    assert safe_text.markdown("1. list").startswith("1\\.")
    assert safe_text.markdown("+ item").startswith("\\+")


def test_visible_removes_what_cannot_be_seen():
    assert safe_text.visible("\u202eevil\u2066.exe\u200b\x00") == "evil.exe"
    assert safe_text.visible("  two\n lines\t") == "two lines"
    assert safe_text.visible(None) == safe_text.visible(float("nan")) == ""
    assert safe_text.visible(pd.NA) == ""
    assert safe_text.visible(b"caf\xc3\xa9") == "café"


def test_clean_caps_the_length():
    assert safe_text.clean("L" * 5000, 80) == "L" * 79 + "…"
    assert safe_text.clean("short", 80) == "short"


@pytest.mark.parametrize(
    ("stem", "extension", "expected"),
    [
        ("divide_commune_29019_fr", "html", "divide_commune_29019_fr.html"),
        ("Quimper-Bénodet", "csv", "Quimper-Benodet.csv"),
        ('=HYPERLINK("http://x","y")', "csv", "HYPERLINK_http_x_y.csv"),
        ("../../etc/passwd", "csv", "etc_passwd.csv"),
        ("<img src=x onerror=1>", "csv", "img_src_x_onerror_1.csv"),
        ("\u202eexe.txt", "csv", "exe.txt.csv"),
        ("", "csv", "divide.csv"),
        ("+-@.", "json", "divide.json"),
    ],
)
def test_file_name(stem, extension, expected):
    assert safe_text.file_name(stem, extension) == expected


def test_file_name_is_short_and_plain():
    name = safe_text.file_name("é" * 5000 + "x" * 5000, "csv")
    assert len(name) <= 84 and re.fullmatch(r"[A-Za-z0-9_.-]+", name)


def test_site_markers_get_escaped_names_only():
    sites = pd.DataFrame(
        {
            "lat": [48.4, 48.5],
            "lon": [-4.5, -4.4],
            "kind": ["library", "other"],
            "name": [HOSTILE[1], HOSTILE[5]],
        }
    )
    fmap = folium.Map()
    maps.add_sites(fmap, sites, {"library": "<b>Library</b>"}, "sites")
    page = fmap.get_root().render()
    assert "onerror=&#34;window" in page or "onerror=\\u0026#34;window" in page
    assert "${window" not in page and "\\u0041" not in page
    # The tooltip and popup of the callback are the escaped row texts.
    assert "marker.bindTooltip(row[3])" in maps.SITE_CALLBACK


def test_folium_tooltips_cannot_close_their_template_literal():
    points = pd.DataFrame({"lon": [2.0], "lat": [47.0], "name": [HOSTILE[5]]})
    fmap = folium.Map()
    maps.add_circles(fmap, points, "<i>layer</i>")
    page = fmap.get_root().render()
    script = page[page.index("bindTooltip(") :][:300]
    assert "`" not in script.split("`", 2)[1]  # one literal, closed by folium only
    assert "${" not in script and "%{" not in script


def test_open_data_names_lose_invisible_marks_on_load():
    names = pd.Series(["Quimper", "\u202eevil", None, "a\u200bb"], dtype="string")
    assert _visible(names).tolist() == ["Quimper", "evil", pd.NA, "ab"]
    plain = pd.Series(["Brest", "Lons  (ECLA)"], dtype=object)
    assert _visible(plain) is plain  # nothing to change: the same column


def test_unmatched_codes_from_source_files_stay_text():
    from divide import export

    quality = {"sources": {"src": {"unmatched_codes": ["29019", "`**x**` [y](z)"]}}}
    (line,) = export.unmatched_lines(quality, "en")
    assert "`29019`" in line  # a code span, shown as is
    assert "`**x**`" not in line and "\\`\\*\\*x" in line  # no span to break out of


def test_no_break_spaces_of_french_numbers_are_kept():
    """ "17,3 %" and "12 345" stay on one line in a tooltip."""
    assert safe_text.visible("17,3\u00a0%\n12\u202f345") == "17,3\u00a0% 12\u202f345"
    assert "\u00a0" in safe_text.html("17,3\u00a0%")
