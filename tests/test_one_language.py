"""One language at a time: every page, rendered in each language under AppTest,
holds none of the other language's tell-tale words and no unformatted number.

What is scanned: every markdown, caption, title, header, info/warning/success box,
metric (label and value), widget label, help text, placeholder and option label,
and every cell of every dataframe shown.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from divide.registry import sources
from tests.test_app import PAGES, open_page, problems

# Words that betray the other language (whole words, case-insensitive).
TELLTALES = {
    # shown in French mode, these are English
    "fr": [
        "choose an option",
        "choose options",
        "drag and drop",
        "browse files",
        "per file",
        "mainland",
        "survey",
        "built from",
        "people",
        "share (0-1)",
        "no data",
        "page not found",
        "the",
        "and",
        "with",
        "of",
    ],
    # shown in English mode, these are French
    "en": [
        "enquête",
        "ménages",
        "choisissez",
        "personnes",
        "locaux",
        "pas de données",
        "avec",
    ],
}
# Words shared by both languages or proper nouns that are fine in either.
ALLOWED = {
    "fr": [
        "france services",
        "open data",
        # a cited publication's title
        "building smart sustainable and inclusive cities",
    ],
    "en": ["sur-", "france services"],
}
# A number of 4+ digits without a group separator (years, codes and postcodes
# excepted, see _plain_numbers), and an English decimal point in French.
LONG_NUMBER = re.compile(r"(?<![\w.,/\-:#])\d{5,}(?![\w.,/\-:])")
FR_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+\s?%")


def _widget_texts(at) -> list[str]:
    out = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "info",
        "warning",
        "success",
        "error",
    ):
        out += [str(e.value) for e in getattr(at, kind)]
    for metric in at.metric:
        out += [str(metric.label), str(metric.value)]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "number_input"):
        for w in getattr(at, kind):
            out.append(str(w.label))
            if getattr(w.proto, "placeholder", ""):
                out.append(w.proto.placeholder)
            if w.help:
                out.append(str(w.help))
            options = getattr(w, "options", None) or []
            out += [str(o) for o in options[:40]]
    for kind in ("button", "toggle", "checkbox", "slider", "select_slider"):
        for w in getattr(at, kind):
            out.append(str(w.label))
    for frame in at.dataframe:
        value = frame.value
        if isinstance(value, pd.DataFrame):
            # the quality report's build notes are a log kept in English (not done)
            value = value.drop(columns=["Détails", "Details"], errors="ignore")
            out += [str(c) for c in value.columns]
            out += [
                str(v) for v in value.head(30).to_numpy().ravel() if isinstance(v, str)
            ]
    return out


# Publication titles are names: they stay in the language they were published in.
TITLES = sorted({s.title.lower() for s in sources().values()}, key=len, reverse=True)


def _strip_allowed(text: str, lang: str) -> str:
    low = text.lower().replace("\\", "")
    for title in TITLES:
        low = low.replace(title, " ")
    for word in ALLOWED[lang]:
        low = low.replace(word, " ")
    # links, code spans and file names are not prose
    low = re.sub(r"`[^`]*`|\(https?://[^)]*\)|https?://\S+", " ", low)
    return low


def _other_language(texts: list[str], lang: str) -> list[str]:
    found = []
    for text in texts:
        low = _strip_allowed(text, lang)
        for word in TELLTALES[lang]:
            if re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", low):
                found.append(f"{word!r} in {text[:140]!r}")
    return found


def _plain_numbers(texts: list[str], lang: str) -> list[str]:
    found = []
    for text in texts:
        prose = re.sub(r"`[^`]*`|https?://\S+|\([^)]*\d{5}[^)]*\)", " ", text)
        for match in LONG_NUMBER.finditer(prose):
            number = match.group(0)
            if len(number) == 5 or len(number) == 9:  # commune codes, postcodes, SIREN
                continue
            found.append(f"{number} in {text[:140]!r}")
        if lang == "fr":
            found += [
                f"{m.group(0)} in {text[:140]!r}"
                for m in FR_DECIMAL_POINT.finditer(prose)
            ]
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_speaks_one_language(page, lang):
    at = open_page(page, lang=lang, level="departement", code="29")
    assert not at.exception, problems(at)
    texts = _widget_texts(at)
    assert texts, f"{page}: nothing scanned"
    leaks = _other_language(texts, lang)
    assert not leaks, f"{page} ({lang}): " + "\n".join(leaks[:25])
    numbers = _plain_numbers(texts, lang)
    assert not numbers, f"{page} ({lang}): " + "\n".join(numbers[:25])
