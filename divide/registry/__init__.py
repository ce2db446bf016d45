"""The two registries: sources (where data comes from) and indicators (what is shown).

Both are declared in YAML beside this file; this module loads and checks them.

A client may have indicators of its own (a session's uploads): it passes them
as ``extra`` to :func:`indicator` and :func:`catalogue` (an atlas view made by
:meth:`divide.atlas.Atlas.with_uploads` carries them and passes them). The
registry itself (:func:`indicators`) never changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from divide.errors import DivideError, unknown
from divide.i18n import t

HERE = Path(__file__).parent
UNITS = {
    "people",
    "premises",
    "sites",
    "share",
    "km",
    "index",
    "EUR",
    "per10k",
    "per100k",
    "per1k",
}
DIRECTIONS = {"higher_worse", "lower_worse", "neutral"}
#: Sources that only place figures (codes, outlines), not what they measure.
GEOGRAPHY_SOURCES = {"cog_2026", "divide_model", "laposte_postcodes"}


@dataclass(frozen=True)
class Source:
    """A source of the atlas: producer, title, vintage, licence, URL, reader."""

    id: str
    producer: str
    title: str
    vintage: str
    licence: str
    url: str
    file: str
    reader: str
    extra_files: str = ""
    as_of: str = ""
    # Per-language wording of producer / vintage / licence where the base text
    # (kept as is in the atlas files) is in one language only.
    fr: dict = field(default_factory=dict)
    en: dict = field(default_factory=dict)

    def text(self, name: str, lang: str | None = None) -> str:
        """``producer``, ``vintage`` or ``licence`` as read in ``lang``."""
        wording = {"fr": self.fr, "en": self.en}.get(lang or "", {})
        return wording.get(name, getattr(self, name))

    def vintage_text(
        self, lang: str | None = None, dates: Mapping[str, str] | None = None
    ) -> str:
        """The vintage as read in ``lang``, or the date an atlas was built with.

        ``dates`` (source id → date, :attr:`divide.atlas.Atlas.as_of`): when the
        build took a newer vintage than the registry's (the newest ARCEP quarter
        found), the vintage is that date.
        """
        built = (dates or {}).get(self.id)
        if built and built != self.as_of:
            return built
        return self.text("vintage", lang)

    def load_reader(self):
        """Import and return the reader function."""
        module, _, name = self.reader.partition(":")
        return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Indicator:
    """An indicator: labels, unit, direction, numerator/denominator, sources."""

    id: str
    label: dict[str, str]
    unit: str
    direction: str
    numerator: str
    sources: tuple[str, ...]
    denominator: str | None = None
    scale: float = 1.0
    modelled: bool = False
    #: A modelled figure with a range: its numerator has ``<numerator>_low`` and
    #: ``<numerator>_high`` base columns (see :func:`divide.indicators.value_range`).
    ranged: bool = False
    note: dict[str, str] = field(default_factory=dict)

    @property
    def is_count(self) -> bool:
        """True when the indicator is a sum (no denominator)."""
        return self.denominator is None

    def name(self, lang: str = "en") -> str:
        """Label in a language, marked when the figure is modelled."""
        text = self.label.get(lang, self.label["en"])
        mark = t("modelled", lang)
        if self.modelled and mark not in text.lower():
            text += f" ({mark})"
        return text

    def source_records(self) -> list[Source]:
        """The sources behind the indicator, as :class:`Source` records."""
        return [source(s) for s in self.sources]

    def as_of(self, dates: Mapping[str, str] | None = None) -> str:
        """ISO date the figure describes: the oldest of its sources' (or "").

        ``dates`` (source id → date, such as :attr:`divide.atlas.Atlas.as_of`)
        overrides the registry's ``as_of`` of the sources it names.
        """
        return as_of(self.source_records(), dates)

    def vintage(
        self, lang: str | None = None, dates: Mapping[str, str] | None = None
    ) -> str:
        """Vintages of the sources behind the indicator (in ``lang`` if given).

        ``dates``: as for :meth:`Source.vintage_text`.
        """
        return "; ".join(
            f"{source(s).producer.split(' (')[0]} {source(s).vintage_text(lang, dates)}"
            for s in self.sources
            if s != "divide_model"
        )


LANG_KEYS = {"fr", "en"}
#: Suffixes of the base columns holding the ends of a ranged numerator's range
#: (``people_at_risk_low`` / ``people_at_risk_high``).
RANGE_ENDS = ("_low", "_high")


def _load_yaml(name: str) -> dict:
    raw = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise DivideError(f"{name}: expected a mapping of ids to entries")
    return raw


def _texts(entry: str, key: str, value: object, *, required: bool) -> dict:
    """A ``{fr: ..., en: ...}`` text, refused unless it was read whole.

    A flow mapping with an unquoted comma (``{fr: a, b, en: c}``) parses as
    extra keys with empty values: refusing anything but two non-empty strings
    catches a text cut by the parser.
    """
    if value is None and not required:
        return {}
    if (
        not isinstance(value, dict)
        or set(value) != LANG_KEYS
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise DivideError(
            f"registry entry '{entry}': {key} must be exactly one non-empty text "
            f"for fr and one for en (got {value!r}); quote texts that hold commas "
            "or colons"
        )
    return dict(value)


@cache
def sources() -> dict[str, Source]:
    """All declared sources by id."""
    raw = _load_yaml("sources.yaml")
    out = {}
    for key, value in raw.items():
        texts = {f: value.get(f) for f in ("producer", "title", "vintage", "licence")}
        bad = [f for f, text in texts.items() if not isinstance(text, str)]
        for lang in LANG_KEYS:
            wording = value.get(lang, {})
            if not isinstance(wording, dict) or set(wording) - set(texts):
                bad.append(f"{lang} (a map of producer/vintage/licence)")
        if bad:
            raise DivideError(f"source '{key}': {', '.join(bad)} must be texts")
        out[key] = Source(id=key, **value)
    return out


@cache
def indicators() -> dict[str, Indicator]:
    """All declared indicators by id, checked against the sources."""
    raw = _load_yaml("indicators.yaml")
    known = sources()
    out = {}
    for key, value in raw.items():
        value = dict(value)
        value["sources"] = tuple(value["sources"])
        value["label"] = _texts(key, "label", value.get("label"), required=True)
        value["note"] = _texts(key, "note", value.get("note"), required=False)
        ind = Indicator(id=key, **value)
        if ind.unit not in UNITS or ind.direction not in DIRECTIONS:
            raise DivideError(f"indicator '{key}': bad unit or direction")
        if ind.ranged and not ind.modelled:
            raise DivideError(f"indicator '{key}': only a modelled figure has a range")
        missing = [s for s in ind.sources if s not in known]
        if missing:
            raise DivideError(f"indicator '{key}' cites unknown sources {missing}")
        out[key] = ind
    return out


def as_of(records, dates: Mapping[str, str] | None = None) -> str:
    """ISO date a figure from these :class:`Source` records describes: the oldest.

    ``dates`` maps source ids to the date an atlas was built with (the newest
    ARCEP vintage found); it wins over a record's ``as_of``.
    """
    dates = dates or {}
    found = [dates.get(s.id, s.as_of) for s in records if s.id not in GEOGRAPHY_SOURCES]
    return min((d for d in found if d), default="")


@dataclass(frozen=True)
class Series:
    """A dated series: labels, unit, the levels it exists at, its sources."""

    id: str
    label: dict[str, str]
    unit: str
    direction: str
    levels: tuple[str, ...]
    frequency: str
    sources: tuple[str, ...]
    note: dict[str, str] = field(default_factory=dict)
    per_population: str | None = None

    def name(self, lang: str = "en") -> str:
        """Label in a language."""
        return self.label.get(lang, self.label["en"])

    def source_records(self) -> list[Source]:
        """The sources behind the series."""
        return [source(s) for s in self.sources]


@cache
def series_registry() -> dict[str, Series]:
    """All declared dated series by id, checked against the sources."""
    known = sources()
    out = {}
    for key, value in _load_yaml("series.yaml").items():
        value = dict(value)
        value["label"] = _texts(key, "label", value.get("label"), required=True)
        value["note"] = _texts(key, "note", value.get("note"), required=False)
        value["levels"] = tuple(value["levels"])
        value["sources"] = tuple(value["sources"])
        entry = Series(id=key, **value)
        if entry.unit not in UNITS or entry.direction not in DIRECTIONS:
            raise DivideError(f"series '{key}': bad unit or direction")
        missing = [s for s in entry.sources if s not in known]
        if missing:
            raise DivideError(f"series '{key}' cites unknown sources {missing}")
        out[key] = entry
    return out


def series(series_id: str) -> Series:
    """Return a dated series by id, or raise with close matches."""
    try:
        return series_registry()[series_id]
    except KeyError:
        raise unknown("series", series_id, series_registry()) from None


def source(source_id: str) -> Source:
    """Return a source by id, or raise with close matches."""
    try:
        return sources()[source_id]
    except KeyError:
        raise unknown("source", source_id, sources()) from None


#: What "far from a site" means everywhere (pages, slides, rules, CLI): more than
#: this distance, in km in a straight line, from the nearest counted site.
DEFAULT_RADIUS_KM = 10.0


def check_extra(extra: Mapping[str, Indicator]) -> None:
    """Refuse indicators of one's own whose ids would hide the registry's."""
    clash = sorted(set(extra) & set(indicators()))
    if clash:
        raise DivideError(f"indicator ids already used by the registry: {clash}")


def catalogue(extra: Mapping[str, Indicator] | None = None) -> dict[str, Indicator]:
    """The registry's indicators, then ``extra`` (a session's uploads)."""
    return {**indicators(), **(extra or {})}


def indicator(
    indicator_id: str, extra: Mapping[str, Indicator] | None = None
) -> Indicator:
    """Return an indicator by id (the registry's, then ``extra``'s), or raise."""
    known = indicators()
    if indicator_id in known:
        return known[indicator_id]
    if extra and indicator_id in extra:
        return extra[indicator_id]
    end = range_end_of(indicator_id)
    if end is not None:
        return range_end(known[end[0]], end[1])
    raise unknown("indicator", indicator_id, catalogue(extra)) from None


def range_end_of(column: str) -> tuple[str, str] | None:
    """The ranged indicator and the end a column names, or None.

    ``("people_at_risk", "_low")`` for ``people_at_risk_low``, an id that the
    registry does not declare itself.
    """
    for end in RANGE_ENDS:
        stem = column.removesuffix(end)
        if stem != column and column not in indicators():
            ind = indicators().get(stem)
            if ind is not None and ind.ranged:
                return stem, end
    return None


def range_end(ind: Indicator, end: str) -> Indicator:
    """One end of a ranged indicator's range, described as an indicator.

    An export's ``<id>_low`` / ``<id>_high`` columns: the same unit, sources and
    denominator, the numerator's end (``people_at_risk_low``), modelled.
    """
    key = "range_end" + end
    return replace(
        ind,
        id=f"{ind.id}{end}",
        label={lang: t(key, lang, label=ind.label[lang]) for lang in ind.label},
        numerator=f"{ind.numerator}{end}",
        ranged=False,
        note={lang: t("range_end_note", lang) for lang in ind.label},
    )


def parse_indicator_list(text: str | None) -> list[str]:
    """Turn ``"a,b"`` into checked indicator ids (all of them when empty)."""
    if not text:
        return list(indicators())
    ids = [part.strip() for part in text.split(",") if part.strip()]
    for ind in ids:
        indicator(ind)
    return ids


def base_columns() -> list[str]:
    """Additive columns that the commune table must carry, in registry order."""
    cols: list[str] = []
    for ind in indicators().values():
        ends = [f"{ind.numerator}{end}" for end in RANGE_ENDS] if ind.ranged else []
        for col in (ind.numerator, ind.denominator, *ends):
            if col and col not in cols:
                cols.append(col)
    return cols
