"""The knowledge base: recommendations, initiatives, controversies and rules, as data.

The YAML files beside this module hold what the atlas says about action:

``recommendations.yaml``
    The eight recommendations of the PFVT synthesis *Transition numérique et
    inclusive* (2020), in our own words, with the page they come from.
``initiatives.yaml``
    The projects and tools the synthesis gives as examples, plus the French public
    schemes people look for (Pass numérique, France Services, conseillers
    numériques, Aidants Connect...).
``controversies.yaml``
    The synthesis' controversies (surveillance, prepaid cut-offs, data capture,
    costs...).
``rules.yaml``
    Matching rules: conditions on a territory's indicators that select
    recommendations and initiatives (evaluated by :mod:`divide.recommend`).
``themes.yaml``
    The controlled vocabulary of themes.

Every file is checked when it is loaded: a missing or malformed field, an unknown
id, a duplicate entry or an unknown placeholder raises :class:`KnowledgeError`,
whose message names the file, the entry and the field.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from divide.errors import DivideError, unknown
from divide.registry import indicators
from divide.territory import LEVELS

HERE = Path(__file__).parent
FILES = (
    "themes.yaml",
    "recommendations.yaml",
    "initiatives.yaml",
    "controversies.yaml",
    "rules.yaml",
)
LANGS = ("fr", "en")
KINDS = ("project", "tool", "programme", "network", "publication")
#: Where an entry comes from; shown as a citation next to it.
SOURCES = {
    "pfvt_2020": {
        "fr": "PFVT, « Transition numérique et inclusive », synthèse des travaux "
        "de groupe 2019-2020",
        "en": "PFVT, \u201cTransition numérique et inclusive\u201d, working-group "
        "synthesis 2019-2020",
    },
    "public_scheme": {
        "fr": "Dispositif public français",
        "en": "French public scheme",
    },
}
RULE_LEVELS = LEVELS
OPS = ("<", "<=", ">", ">=")
REFERENCES = ("france", "region", "departement", "epci", "parent")
#: Placeholders a reason template may use, besides the numbered ones.
GLOBAL_PLACEHOLDERS = ("name", "peers")
CONDITION_PLACEHOLDERS = ("value", "reference", "gap", "ref_name")


class KnowledgeError(DivideError):
    """A knowledge file that breaks the schema.

    Parameters
    ----------
    file : str
        The file's name.
    message : str
        What is wrong and what to fix.
    entry : str, optional
        The entry's id (or its position when it has no id).
    field : str, optional
        The offending field.
    """

    def __init__(
        self,
        file: str,
        message: str,
        *,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        where = [file]
        if entry is not None:
            where.append(f"entry '{entry}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}")


# ----------------------------------------------------------------- entry types


@dataclass(frozen=True)
class Recommendation:
    """One PFVT recommendation, in our own words, with its citation."""

    id: str
    number: int
    title: dict[str, str]
    summary: dict[str, str]
    source: str
    page: int
    section: str
    themes: tuple[str, ...]
    indicators: tuple[str, ...]

    def citation(self, lang: str = "en") -> str:
        """Where the recommendation comes from, e.g. "PFVT ..., p. 17"."""
        return f"{SOURCES[self.source][lang]}, {self.section}, p. {self.page}"


@dataclass(frozen=True)
class Initiative:
    """A project, tool, programme, network or publication that answers a need."""

    id: str
    name: str
    place: str
    country: str
    kind: str
    themes: tuple[str, ...]
    recommendations: tuple[str, ...]
    description: dict[str, str]
    link: str
    source: str
    pages: str

    def citation(self, lang: str = "en") -> str:
        """Where the initiative is cited ("" for public schemes)."""
        if self.source != "pfvt_2020":
            return SOURCES[self.source][lang]
        return f"{SOURCES[self.source][lang]}, p. {self.pages}"


@dataclass(frozen=True)
class Controversy:
    """One of the synthesis' controversies, in our own words."""

    id: str
    title: dict[str, str]
    summary: dict[str, str]
    source: str
    pages: str
    themes: tuple[str, ...]
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    """One comparison of a rule: ``value op cut``.

    Exactly one of ``threshold``, ``percentile``, ``reference`` or ``missing`` is
    set; see ``rules.yaml`` for their meaning.
    """

    indicator: str
    op: str | None = None
    threshold: dict[str, float] | None = None
    percentile: float | None = None
    reference: str | None = None
    margin: float = 0.0
    factor: float | None = None
    missing: bool = False

    @property
    def kind(self) -> str:
        """The cut's kind: threshold, percentile, reference or missing."""
        if self.missing:
            return "missing"
        if self.threshold is not None:
            return "threshold"
        if self.percentile is not None:
            return "percentile"
        return "reference"


@dataclass(frozen=True)
class Rule:
    """A matching rule: conditions that select recommendations and initiatives."""

    id: str
    title: dict[str, str]
    conditions: tuple[Condition, ...]
    recommendations: tuple[str, ...]
    initiatives: tuple[str, ...]
    reason: dict[str, str]
    levels: tuple[str, ...] = RULE_LEVELS

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """The indicators the rule reads, in condition order, without repeats."""
        return tuple(dict.fromkeys(c.indicator for c in self.conditions))


@dataclass(frozen=True)
class Knowledge:
    """Every knowledge file, checked, as ordered dictionaries keyed by id."""

    themes: dict[str, dict[str, str]]
    recommendations: dict[str, Recommendation]
    initiatives: dict[str, Initiative]
    controversies: dict[str, Controversy]
    rules: dict[str, Rule]

    def recommendation(self, rec_id: str) -> Recommendation:
        """A recommendation by id, or an error listing close matches."""
        return _get(self.recommendations, "recommendation", rec_id)

    def initiative(self, initiative_id: str) -> Initiative:
        """An initiative by id, or an error listing close matches."""
        return _get(self.initiatives, "initiative", initiative_id)

    def rule(self, rule_id: str) -> Rule:
        """A rule by id, or an error listing close matches."""
        return _get(self.rules, "rule", rule_id)

    def rules_for(self, rec_id: str) -> list[Rule]:
        """The rules that select a recommendation."""
        self.recommendation(rec_id)
        return [r for r in self.rules.values() if rec_id in r.recommendations]


def _get(table: dict, kind: str, key: str):
    try:
        return table[key]
    except KeyError:
        raise unknown(kind, key, table) from None


# ----------------------------------------------------------------- YAML reading


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader that refuses duplicate keys (PyYAML keeps the last silently)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep=False):
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key '{key}'",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def _read(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if not path.exists():
        raise KnowledgeError(name, f"file not found in {folder}")
    try:
        # _UniqueKeyLoader is a SafeLoader: no arbitrary Python objects.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, f"not valid YAML: {exc}") from None
    if not isinstance(data, list) or not data:
        raise KnowledgeError(name, "expected a non-empty list of entries")
    return data


class _Checker:
    """Field checks for the entries of one file; every error names where it is."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.ids: dict[str, int] = {}

    def fail(self, message: str, entry: str | None = None, field: str | None = None):
        raise KnowledgeError(self.file, message, entry=entry, field=field)

    def entry(self, raw: Any, position: int, fields: dict[str, bool]) -> str:
        """Check an entry's shape; return its id. ``fields``: name → required."""
        label = f"#{position}"
        if not isinstance(raw, dict):
            self.fail("expected a mapping of fields", label)
        entry_id = raw.get("id")
        if not isinstance(entry_id, str) or not entry_id.strip():
            self.fail("every entry needs a non-empty text 'id'", label, "id")
        if not entry_id.replace("_", "").isalnum() or entry_id != entry_id.lower():
            self.fail(
                "ids are lower-case letters, digits and underscores", entry_id, "id"
            )
        if entry_id in self.ids:
            self.fail(f"duplicate id (also entry #{self.ids[entry_id]})", entry_id)
        self.ids[entry_id] = position
        extra = sorted(set(raw) - set(fields))
        if extra:
            self.fail(
                f"unknown field(s) {extra}; allowed: {sorted(fields)}",
                entry_id,
                extra[0],
            )
        for name, required in fields.items():
            if required and name not in raw:
                self.fail("missing required field", entry_id, name)
        return entry_id

    def text(self, raw: dict, entry: str, name: str, *, empty: bool = False) -> str:
        value = raw.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.fail("expected text", entry, name)
        value = str(value).strip()
        if not value and not empty:
            self.fail("must not be empty", entry, name)
        return value

    def bilingual(self, raw: dict, entry: str, name: str) -> dict[str, str]:
        value = raw.get(name)
        if not isinstance(value, dict):
            self.fail("expected {fr: ..., en: ...}", entry, name)
        extra = sorted(set(value) - set(LANGS))
        if extra:
            self.fail(f"unknown language(s) {extra}; use fr and en", entry, name)
        out = {}
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.fail(f"missing the '{lang}' text", entry, f"{name}.{lang}")
            out[lang] = " ".join(text.split())
        return out

    def id_list(
        self,
        raw: dict,
        entry: str,
        name: str,
        valid: dict | set,
        kind: str,
        *,
        empty: bool = False,
    ) -> tuple[str, ...]:
        value = raw.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail("expected a list of ids", entry, name)
        if not value and not empty:
            self.fail("must list at least one id", entry, name)
        for item in value:
            if item not in valid:
                self.fail(str(unknown(kind, item, valid)), entry, name)
        if len(set(value)) != len(value):
            self.fail("lists an id twice", entry, name)
        return tuple(value)

    def choice(self, raw: dict, entry: str, name: str, valid) -> str:
        value = raw.get(name)
        if value not in valid:
            self.fail(str(unknown(name, str(value), valid)), entry, name)
        return value

    def number(
        self, value: Any, entry: str, name: str, *, low=None, high=None
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"expected a number, got {value!r}", entry, name)
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            self.fail("expected a finite number", entry, name)
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(f"{value:g} is outside [{low}, {high}]", entry, name)
        return value


# ----------------------------------------------------------------- per-file loaders


def _themes(folder: Path) -> dict[str, dict[str, str]]:
    check = _Checker("themes.yaml")
    out = {}
    for pos, raw in enumerate(_read(folder, "themes.yaml"), start=1):
        key = check.entry(raw, pos, {"id": True, "label": True})
        out[key] = check.bilingual(raw, key, "label")
    return out


def _recommendations(folder: Path, themes: dict) -> dict[str, Recommendation]:
    name = "recommendations.yaml"
    check = _Checker(name)
    registry = indicators()
    fields = dict.fromkeys(
        [
            "id",
            "number",
            "title",
            "summary",
            "source",
            "page",
            "section",
            "themes",
            "indicators",
        ],
        True,
    )
    out = {}
    numbers: dict[int, str] = {}
    for pos, raw in enumerate(_read(folder, name), start=1):
        key = check.entry(raw, pos, fields)
        number = int(check.number(raw["number"], key, "number", low=1))
        if number in numbers:
            check.fail(f"number {number} is also '{numbers[number]}'", key, "number")
        numbers[number] = key
        out[key] = Recommendation(
            id=key,
            number=number,
            title=check.bilingual(raw, key, "title"),
            summary=check.bilingual(raw, key, "summary"),
            source=check.choice(raw, key, "source", ["pfvt_2020"]),
            page=int(check.number(raw["page"], key, "page", low=1)),
            section=check.text(raw, key, "section"),
            themes=check.id_list(raw, key, "themes", themes, "theme"),
            indicators=check.id_list(
                raw, key, "indicators", registry, "indicator", empty=True
            ),
        )
    return out


def _link(check: _Checker, raw: dict, key: str) -> str:
    link = check.text(raw, key, "link", empty=True)
    if link and not link.startswith(("http://", "https://")):
        check.fail("a link starts with http:// or https:// (or is empty)", key, "link")
    return link


def _initiatives(folder: Path, themes: dict, recs: dict) -> dict[str, Initiative]:
    name = "initiatives.yaml"
    check = _Checker(name)
    required = ["id", "name", "kind", "themes", "recommendations", "description"]
    optional = ["place", "country", "link", "source", "pages"]
    fields = {**dict.fromkeys(required, True), **dict.fromkeys(optional, False)}
    out = {}
    for pos, raw in enumerate(_read(folder, name), start=1):
        key = check.entry(raw, pos, fields)
        source = check.choice(raw, key, "source", list(SOURCES))
        pages = check.text(raw, key, "pages", empty=True)
        if source == "pfvt_2020" and not pages:
            check.fail("a PFVT example must cite its pages", key, "pages")
        out[key] = Initiative(
            id=key,
            name=check.text(raw, key, "name"),
            place=check.text(raw, key, "place", empty=True),
            country=check.text(raw, key, "country", empty=True),
            kind=check.choice(raw, key, "kind", KINDS),
            themes=check.id_list(raw, key, "themes", themes, "theme"),
            recommendations=check.id_list(
                raw, key, "recommendations", recs, "recommendation"
            ),
            description=check.bilingual(raw, key, "description"),
            link=_link(check, raw, key),
            source=source,
            pages=pages,
        )
    return out


def _controversies(folder: Path, themes: dict, recs: dict) -> dict[str, Controversy]:
    name = "controversies.yaml"
    check = _Checker(name)
    fields = dict.fromkeys(
        ["id", "title", "summary", "source", "pages", "themes", "recommendations"],
        True,
    )
    out = {}
    for pos, raw in enumerate(_read(folder, name), start=1):
        key = check.entry(raw, pos, fields)
        out[key] = Controversy(
            id=key,
            title=check.bilingual(raw, key, "title"),
            summary=check.bilingual(raw, key, "summary"),
            source=check.choice(raw, key, "source", ["pfvt_2020"]),
            pages=check.text(raw, key, "pages"),
            themes=check.id_list(raw, key, "themes", themes, "theme"),
            recommendations=check.id_list(
                raw, key, "recommendations", recs, "recommendation", empty=True
            ),
        )
    return out


def _condition(check: _Checker, raw: Any, key: str, pos: int) -> Condition:
    field = f"conditions[{pos}]"
    if not isinstance(raw, dict):
        check.fail("expected a mapping", key, field)
    allowed = {
        "indicator",
        "op",
        "threshold",
        "percentile",
        "reference",
        "margin",
        "factor",
        "missing",
    }
    extra = sorted(set(raw) - allowed)
    if extra:
        check.fail(f"unknown key(s) {extra}; allowed: {sorted(allowed)}", key, field)
    ind = raw.get("indicator")
    if ind not in indicators():
        check.fail(str(unknown("indicator", str(ind), indicators())), key, field)
    kinds = [k for k in ("threshold", "percentile", "reference", "missing") if k in raw]
    if len(kinds) != 1:
        check.fail(
            "give exactly one of threshold, percentile, reference or missing "
            f"(found {kinds or 'none'})",
            key,
            field,
        )
    kind = kinds[0]
    if kind == "missing":
        if raw["missing"] is not True:
            check.fail("'missing' can only be true", key, f"{field}.missing")
        if set(raw) - {"indicator", "missing"}:
            check.fail("a 'missing' condition takes no op or cut", key, field)
        return Condition(indicator=ind, missing=True)
    op = raw.get("op")
    if op not in OPS:
        check.fail(f"op must be one of {list(OPS)}, got {op!r}", key, f"{field}.op")
    if kind != "reference" and ({"margin", "factor"} & set(raw)):
        check.fail("margin and factor only go with a reference", key, field)
    if kind == "threshold":
        value = raw["threshold"]
        if isinstance(value, dict):
            bad = sorted(set(value) - set(RULE_LEVELS))
            if bad:
                check.fail(
                    f"unknown level(s) {bad}; use {list(RULE_LEVELS)}",
                    key,
                    f"{field}.threshold",
                )
            cuts = {
                lvl: check.number(v, key, f"{field}.threshold.{lvl}")
                for lvl, v in value.items()
            }
        else:
            cut = check.number(value, key, f"{field}.threshold")
            cuts = dict.fromkeys(RULE_LEVELS, cut)
        return Condition(indicator=ind, op=op, threshold=cuts)
    if kind == "percentile":
        pct = check.number(
            raw["percentile"], key, f"{field}.percentile", low=0, high=100
        )
        return Condition(indicator=ind, op=op, percentile=pct)
    reference = raw["reference"]
    if reference not in REFERENCES:
        check.fail(
            f"reference must be one of {list(REFERENCES)}, got {reference!r}",
            key,
            f"{field}.reference",
        )
    if "margin" in raw and "factor" in raw:
        check.fail("give a margin or a factor, not both", key, field)
    margin = check.number(raw.get("margin", 0), key, f"{field}.margin", low=0)
    factor = None
    if "factor" in raw:
        factor = check.number(raw["factor"], key, f"{field}.factor", low=0)
        if factor == 0:
            check.fail("a factor must be above 0", key, f"{field}.factor")
    return Condition(
        indicator=ind, op=op, reference=reference, margin=margin, factor=factor
    )


def placeholders(n_conditions: int) -> set[str]:
    """Placeholders a reason template may use for a rule with n conditions."""
    names = set(GLOBAL_PLACEHOLDERS) | set(CONDITION_PLACEHOLDERS)
    for i in range(2, n_conditions + 1):
        names |= {f"{p}_{i}" for p in CONDITION_PLACEHOLDERS}
    return names


def _template(check: _Checker, text: str, key: str, field: str, allowed: set) -> None:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        check.fail(f"broken template: {exc}", key, field)
    for _, name, spec, conv in parsed:
        if name is None:
            continue
        if name not in allowed:
            check.fail(
                f"unknown placeholder {{{name}}}; allowed: {sorted(allowed)}",
                key,
                field,
            )
        if spec or conv:
            check.fail(f"write {{{name}}} without a format spec", key, field)


def _rules(folder: Path, recs: dict, inits: dict) -> dict[str, Rule]:
    name = "rules.yaml"
    check = _Checker(name)
    required = ["id", "title", "conditions", "recommendations", "initiatives"]
    fields = {**dict.fromkeys([*required, "reason"], True), "levels": False}
    out = {}
    for pos, raw in enumerate(_read(folder, name), start=1):
        key = check.entry(raw, pos, fields)
        conditions = raw.get("conditions")
        if not isinstance(conditions, list) or not conditions:
            check.fail("expected a non-empty list of conditions", key, "conditions")
        parsed = tuple(
            _condition(check, c, key, i) for i, c in enumerate(conditions, start=1)
        )
        levels = RULE_LEVELS
        if "levels" in raw:
            levels = check.id_list(raw, key, "levels", set(RULE_LEVELS), "level")
        reason = check.bilingual(raw, key, "reason")
        allowed = placeholders(len(parsed))
        for lang in LANGS:
            _template(check, reason[lang], key, f"reason.{lang}", allowed)
        out[key] = Rule(
            id=key,
            title=check.bilingual(raw, key, "title"),
            conditions=parsed,
            recommendations=check.id_list(
                raw, key, "recommendations", recs, "recommendation"
            ),
            initiatives=check.id_list(
                raw, key, "initiatives", inits, "initiative", empty=True
            ),
            reason=reason,
            levels=levels,
        )
    return out


def load(folder: str | Path | None = None) -> Knowledge:
    """Read and check the knowledge files of a folder (default: this package's).

    Parameters
    ----------
    folder : str or Path, optional
        A folder holding the five YAML files (tests point it at broken copies).

    Returns
    -------
    Knowledge
        Every entry, checked and cross-referenced.

    Raises
    ------
    KnowledgeError
        When a file is missing, is not valid YAML, or an entry breaks the schema;
        the message names the file, the entry and the field.
    """
    base = Path(folder) if folder else HERE
    themes = _themes(base)
    recs = _recommendations(base, themes)
    inits = _initiatives(base, themes, recs)
    return Knowledge(
        themes=themes,
        recommendations=recs,
        initiatives=inits,
        controversies=_controversies(base, themes, recs),
        rules=_rules(base, recs, inits),
    )


@cache
def knowledge() -> Knowledge:
    """The package's knowledge base, loaded and checked once."""
    return load()
