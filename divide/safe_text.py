"""Text from data or an upload, made safe for the place it is shown: the one home.

Names, labels and column headers come from open-data files and from users' files;
any of them may hold markup (``<img src=x onerror=...>``), Markdown (``**x**``,
``[x](javascript:...)``), entities (``&lt;b&gt;``), template syntax (a backtick,
``${...}``, plotly's ``%{...}``), bidirectional overrides (U+202E) or thousands of
characters. Each kind of renderer has its escaper here, and nothing else escapes:

=================  ==========================================================
:func:`clean`      plain text read from a file: one line, no control or
                   bidirectional-override characters, capped length
:func:`html`       HTML and what is parsed as HTML: Leaflet tooltips and popups
                   (folium), plotly labels, titles and hover boxes, the
                   printable profile sheet, HTML legends
:func:`markdown`   Streamlit Markdown: ``st.markdown``, captions, alerts,
                   titles and headers, widget labels, radio options, ``help``
:func:`file_name`  the file name a download is saved under
=================  ==========================================================

Tables (``st.dataframe``), selectbox and multiselect options and ``st.code`` show
text as it is: they need no escaping (and would show the escapes). Spreadsheet
formulas in exported cells are :mod:`divide.spreadsheet`'s concern.
"""

from __future__ import annotations

import math
import re
import unicodedata

__all__ = ["INVISIBLE", "clean", "file_name", "html", "markdown", "visible"]

#: Characters never shown: C0/C1 controls, lone surrogates, the zero-width space,
#: bidirectional embeddings, overrides and isolates (U+202A-U+202E,
#: U+2066-U+2069) and the BOM.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
    "\u200b\u202a-\u202e\u2066-\u2069\ufeff]"
)
# Runs of breaking whitespace; the no-break spaces of French numbers ("12 345 %")
# are kept, or a tooltip would wrap a figure in two.
_SPACES = re.compile(r"[^\S\u00a0\u2007\u202f]+")
# Characters that mean something to HTML, to a JavaScript template literal (folium
# writes tooltips into one), or to plotly's hover templates: numeric or basic
# entities, which HTML, Leaflet and plotly all show as the character itself.
_HTML = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&#34;",
    "'": "&#39;",
    "`": "&#96;",
    "$": "&#36;",
    "\\": "&#92;",
    "%": "&#37;",
}
_HTML_SPECIAL = re.compile("[&<>\"'`$\\\\%]")
# Every ASCII punctuation that Markdown (with Streamlit's extensions: math, colour
# directives, tables) may read as syntax; CommonMark shows "\x" as "x".
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>&:=^])")
# Streamlit turns some text into links or icons after Markdown is parsed, so a
# backslash cannot stop it: web addresses, e-mail addresses, ":material/...:".
# A word joiner (U+2060, invisible) breaks each pattern.
_AFTER_PARSE = re.compile(r"(?i)\b(https?|ftp|www)(?=:|\.)|(@)|(:)(?=material/)")
_WORD_JOINER = "\u2060"
_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def visible(value: object) -> str:
    """Text as it should be seen: one line, without invisible or reordering marks.

    ``None``, NA and NaN give ``""``; bytes are read as UTF-8. Runs of whitespace
    (newlines, tabs) become one space, no-break spaces are kept; control
    characters, bidirectional embeddings, overrides and isolates (U+202A–U+202E,
    U+2066–U+2069) and lone surrogates are removed; the text is NFC-normalised.
    Not escaped.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ == "NAType":  # pandas.NA, without importing pandas
        return ""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", str(value))
    return INVISIBLE.sub("", _SPACES.sub(" ", text)).strip()


def clean(value: object, max_length: int = 200) -> str:
    """Plain text read from a file: :func:`visible`, capped at ``max_length``.

    Parameters
    ----------
    value : object
        Anything; ``None`` and NaN give ``""``.
    max_length : int
        Longest result; longer text is cut and ends with ``…``.

    Returns
    -------
    str
        Not escaped: each renderer escapes it with :func:`html` or
        :func:`markdown`.
    """
    text = visible(value)
    max_length = max(int(max_length), 1)
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def html(value: object) -> str:
    r"""Text for HTML, Leaflet and plotly: shown as typed, never run or parsed.

    :func:`visible`, then ``& < > " '`` and the backtick, ``$``, ``\`` and ``%``
    as entities. The last four matter where the text lands in a JavaScript
    template literal (folium's tooltips: a backtick or ``${`` would end it or run
    code) or in a plotly hover template (``%{x}`` would be filled in).

    Examples
    --------
    >>> html("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> html("&lt;b&gt;")
    '&amp;lt;b&amp;gt;'
    """
    return _HTML_SPECIAL.sub(lambda m: _HTML[m[0]], visible(value))


def markdown(value: object) -> str:
    r"""Text for Streamlit Markdown: shown as typed, never as formatting or a link.

    :func:`visible` (one line, so no heading, list or quote can start), then a
    backslash before every character Markdown may read as syntax, ``&`` included
    (``&lt;b&gt;`` stays the six characters it is). Web and e-mail addresses and
    ``:material/...:`` icon codes, which Streamlit turns into links and icons
    whatever the escapes, get an invisible word joiner (U+2060) that breaks them.

    Examples
    --------
    >>> markdown("**a** [b](javascript:x)")
    '\\*\\*a\\*\\* \\[b\\]\\(javascript\\:x\\)'
    """
    text = _AFTER_PARSE.sub(lambda m: m[0] + _WORD_JOINER, visible(value))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def file_name(stem: object, extension: str, *, fallback: str = "divide") -> str:
    """A download's file name: ASCII letters, digits, ``_``, ``-`` and ``.`` only.

    Accents are folded (``Quimper-Bénodet`` → ``Quimper-Benodet``), every other
    run of characters becomes ``_``; the stem cannot start with a dot, a dash or a
    spreadsheet formula sign, and keeps at most 80 characters.

    Parameters
    ----------
    stem : object
        The name wanted, without extension (text from data is fine).
    extension : str
        ``"csv"``, ``"html"``... (without the dot).
    fallback : str
        The stem when nothing usable is left.

    Returns
    -------
    str
        ``<stem>.<extension>``.
    """
    folded = unicodedata.normalize("NFKD", visible(stem))
    ascii_text = folded.encode("ascii", "ignore").decode()
    safe = _FILE_UNSAFE.sub("_", ascii_text).strip("._-")[:80].rstrip("._-")
    ext = _FILE_UNSAFE.sub("", str(extension)).strip(".")
    return f"{safe or fallback}.{ext}" if ext else safe or fallback
