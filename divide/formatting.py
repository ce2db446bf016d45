"""How numbers, shares, distances, dates and counted nouns read in each language.

The one home of number formatting: cards, tables, chart axes and hovers, exports'
previews and messages all go through these helpers, so a French page reads
"106 930", "4,4 %", "12,5 km" and an English one "106,930", "4.4%", "12.5 km".

- thousands: a narrow no-break space in French (U+202F), a comma in English;
- decimals: a comma in French, a point in English;
- percentages: "4,4 %" (no-break space before the sign) in French, "4.4%" in English;
- plurals: French takes the singular below 2 ("0 commune", "1 commune"), English
  only for exactly 1; the forms live in :mod:`divide.i18n` (``noun_<name>`` keys,
  "singular|plural").
"""

from __future__ import annotations

import datetime as dt
import math

from divide.i18n import t

THIN = "\u202f"  # narrow no-break space: the French thousands separator
NBSP = "\u00a0"

_MONTHS = {
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split(),
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
}


def is_missing(value) -> bool:
    """True for None and NaN."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def format_count(value: float, lang: str = "en", digits: int = 0) -> str:
    """A number with the language's digit grouping: "1 234,5" or "1,234.5"."""
    text = f"{value:,.{digits}f}".replace(",", "_")
    if lang == "fr":
        return text.replace(".", ",").replace("_", THIN)
    return text.replace("_", ",")


def format_share(value: float, lang: str = "en", digits: int = 0) -> str:
    """A share (0–1) as a percentage: "72,5 %" in French, "72.5%" in English."""
    return format_percent(100 * value, lang, digits)


def format_percent(value: float, lang: str = "en", digits: int = 0) -> str:
    """A value already in percent: "4,4 %" / "4.4%"."""
    text = format_count(value, lang, digits)
    return f"{text}{NBSP}%" if lang == "fr" else f"{text}%"


def format_km(value: float, lang: str = "en", digits: int = 1) -> str:
    """A distance: "12,5 km" / "12.5 km"."""
    return f"{format_count(value, lang, digits)}{NBSP}km"


def format_date(iso: str, lang: str = "en") -> str:
    """An ISO date as people read it: "30 sept. 2019" / "30 Sep 2019"."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def format_decimal(value: float, lang: str = "en", digits: int = 2) -> str:
    """A plain decimal such as a coefficient: "0,77" / "0.77"."""
    return format_count(value, lang, digits)


def is_singular(n: float, lang: str = "en") -> bool:
    """The plural rule: French treats 0 and 1 (below 2) as singular, English only 1."""
    return abs(n) < 2 if lang == "fr" else abs(n) == 1


def plural_form(n: float, noun: str, lang: str = "en") -> str:
    """The form of the noun ``noun`` (i18n key ``noun_<noun>``) that goes with n."""
    one, _, other = t(f"noun_{noun}", lang).partition("|")
    return one if is_singular(n, lang) else (other or one)


def plural_text(key: str, lang: str, n: float, **values) -> str:
    """The sentence ``key_one`` or ``key_other`` that goes with n (shown as ``{n}``).

    For sentences whose other words agree with the count too ("il ne restait
    qu'une commune"); a count and its noun alone is :func:`counted`.
    """
    form = "one" if is_singular(n, lang) else "other"
    return t(f"{key}_{form}", lang, n=format_count(n, lang), **values)


def counted(n: float, noun: str, lang: str = "en") -> str:
    """A count and its noun: "1 commune", "3 nouveaux lieux", "1,387 sites"."""
    return f"{format_count(n, lang)} {plural_form(n, noun, lang)}"


def plotly_separators(lang: str) -> str:
    """Plotly's ``separators`` (decimal then thousands) for the language."""
    return f",{THIN}" if lang == "fr" else ".,"


def vega_number_locale(lang: str) -> dict:
    """Vega's number locale (``config.locale.number``) for the language."""
    if lang == "fr":
        return {
            "decimal": ",",
            "thousands": THIN,
            "grouping": [3],
            "currency": ["", f"{NBSP}€"],
        }
    return {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]}


def plotly_percent_suffix(lang: str) -> str:
    """The ``ticksuffix`` of a percentage axis: " %" in French, "%" in English."""
    return f"{NBSP}%" if lang == "fr" else "%"
