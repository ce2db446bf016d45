"""Hostile names for the browser tests, and the checks that none of them ran.

Each name that could run sets ``window.__pwned``; :func:`assert_unharmed` checks
that it stayed undefined in the page and in every frame (the maps' too), that no
element was made from a name, and that no dialog opened.
"""

from __future__ import annotations

import re

PWN = "window.__pwned=1"
#: One of each kind of trouble a name can hold.
HOSTILE = {
    "script": f"<script>{PWN}</script>Script",
    "img": f'<img src=x onerror="{PWN}">Img',
    "svg": f"<svg onload={PWN}>Svg",
    "js_url": f"javascript:{PWN}",
    "markdown": f"[link](javascript:{PWN}) **bold** _it_ :red[red] $x$",
    "entities": "&lt;b&gt;entities&lt;/b&gt; &amp; &#36;",
    "template": f"${{{PWN}}}`tick` \\u0041 %{{y}}",
    "rtl": "\u202eexe.txt",
    "hyperlink": '=HYPERLINK("http://example.org","click")',
    "plus": "+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "long": "L" * 5000,
}
#: Elements that only a name could have made.
INJECTED = (
    "img[src='x'], svg[onload], [onerror], a[href^='javascript'], .katex, "
    "strong:text-is('bold'), em:text-is('it'), a:text-is('link')"
)
SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def seen(text: str) -> str:
    """Text as read from the page, without the invisible word joiners that keep
    Streamlit from linking addresses in Markdown (see divide.safe_text.markdown)."""
    return text.replace("\u2060", "")


def headings(page) -> list[str]:
    """The text of every heading of the page."""
    return [seen(h) for h in page.locator("h1, h2, h3, h4").all_inner_texts()]


def watch(page) -> list[str]:
    """Dialogs opened by the page from now on (each is dismissed)."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def assert_unharmed(page, dialogs: list[str]) -> None:
    """No handler ran, no element was injected, no dialog opened: in every frame."""
    assert dialogs == []
    for frame in page.frames:
        if frame.is_detached():
            continue
        assert frame.evaluate("() => window.__pwned") is None, frame.url
        injected = frame.locator(INJECTED)
        if injected.count():
            raise AssertionError(
                f"{frame.url}: {injected.first.evaluate('e => e.outerHTML')}"
            )
