"""The Audacities grid: how much a digital actor destabilises a city.

After *Audacities — Gouverner et innover dans la ville numérique réelle* (Fing and
Iddri, 2018), licensed CC BY 3.0 FR. The project proposes six criteria for
judging how strongly a new digital actor (a platform, an app, a service) unsettles
a city, and reads the result as a **risk**, a **tension** or an **opportunity**
for the local authority. The labels, explanations and advice below are our own
wording; the criteria and the three readings are Audacities'.

Each criterion is rated from 0 (not at all) to 5 (very strongly) by whoever knows
the local context — the grid is meant for self-assessment, not as a verdict.

The reading rule (:func:`reading`) is ours, made explicit so it can be argued with:

- **intensity** = sum of the six ratings / 30, as a percentage. Audacities: the
  more an actor scores on each criterion, the stronger the destabilisation.
- **control pressure** = the highest rating among the three criteria that
  Audacities' "risk" describes: personal-data capture, challenge to public
  legitimacy (rules that cannot be enforced) and competing representations (loss
  of control over how the city is depicted).
- **risk** when intensity ≥ 50 % *and* control pressure ≥ 4: a strong actor
  that takes hold of what the authority needs to govern;
- **opportunity** when control pressure ≤ 2 *and* intensity < 60 %: new data,
  tools or approaches that do not undermine public action and can reinforce it;
- **tension** otherwise: a shake-up that makes incumbent actors react and can
  lead to new partnerships (Audacities' example: the Base Adresse Nationale).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from divide.errors import DivideError, suggest
from divide.i18n import both
from divide.spreadsheet import neutralise_text, restore_text


def _texts(kind: str, ids: tuple[str, ...]) -> dict[str, dict[str, dict[str, str]]]:
    """Id → ``label`` and ``help`` in both languages, from the strings table."""
    return {i: {f: both(f"aud_{kind}_{i}_{f}") for f in ("label", "help")} for i in ids}


SOURCE = both("aud_citation")
LICENCE_URL = "http://creativecommons.org/licenses/by/3.0/fr/"
MIN_RATING, MAX_RATING = 0, 5
MAX_NAME = 200
RISK_INTENSITY = 50.0
OPPORTUNITY_INTENSITY = 60.0
RISK_PRESSURE = 4
OPPORTUNITY_PRESSURE = 2

#: The six criteria, in Audacities' order: id → labels and explanations.
CRITERIA: dict[str, dict[str, dict[str, str]]] = _texts(
    "criterion",
    (
        "data_capture",
        "audience",
        "financial_power",
        "legitimacy_challenge",
        "competing_representations",
        "independence",
    ),
)
CONTROL_CRITERIA = ("data_capture", "legitimacy_challenge", "competing_representations")

#: The four ways to put innovation up for public debate (Audacities), our wording.
DEBATE_FORMATS: dict[str, dict[str, dict[str, str]]] = _texts(
    "format",
    (
        "innovation_policy",
        "grand_objective",
        "participatory_innovation",
        "innovation_agora",
    ),
)

#: The roles of the individual in the digital city (Audacities), our wording.
ROLES: dict[str, dict[str, dict[str, str]]] = _texts(
    "role",
    ("citizen", "contributor_consumer", "digital_worker"),
)

#: The three readings: what they mean and what a local authority can do.
READINGS: dict[str, dict] = {
    "risk": {
        "label": both("aud_reading_risk_label"),
        "meaning": both("aud_reading_risk_meaning"),
        "actions": [both(f"aud_reading_risk_action_{i}") for i in (1, 2, 3)],
        "formats": ["innovation_agora", "innovation_policy"],
        "roles": ["citizen", "digital_worker"],
    },
    "tension": {
        "label": both("aud_reading_tension_label"),
        "meaning": both("aud_reading_tension_meaning"),
        "actions": [both(f"aud_reading_tension_action_{i}") for i in (1, 2, 3)],
        "formats": ["grand_objective", "innovation_policy"],
        "roles": ["contributor_consumer", "citizen"],
    },
    "opportunity": {
        "label": both("aud_reading_opportunity_label"),
        "meaning": both("aud_reading_opportunity_meaning"),
        "actions": [both(f"aud_reading_opportunity_action_{i}") for i in (1, 2, 3)],
        "formats": ["participatory_innovation", "grand_objective"],
        "roles": ["contributor_consumer", "citizen"],
    },
}
RULE_TEXT = both("aud_rule_text")


@dataclass(frozen=True)
class Actor:
    """A digital actor and its six ratings.

    Attributes
    ----------
    name : str
        As typed, kept as plain text (never interpreted as HTML; escape it when
        rendering).
    ratings : dict
        Criterion id → integer rating from 0 to 5.
    """

    name: str
    ratings: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------ validation


def _where(position: int | None, name: str | None) -> str:
    parts = []
    if position is not None:
        parts.append(f"actor {position}")
        if name:
            parts.append(f"'{name}'")
    elif name:
        parts.append(name)
    return " ".join(parts) + ": " if parts else ""


def _rating(value, criterion: str, where: str) -> int:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise DivideError(f"{where}no rating for '{criterion}' (give 0 to 5)")
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise DivideError(
                f"{where}rating for '{criterion}' is '{value}', not a number "
                "(give a whole number from 0 to 5)"
            ) from None
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise DivideError(
            f"{where}rating for '{criterion}' is {value!r} "
            "(give a whole number from 0 to 5)"
        )
    else:
        number = float(value)
    if math.isnan(number) or number != int(number):
        raise DivideError(
            f"{where}rating for '{criterion}' is {value}; give a whole number "
            "from 0 to 5"
        )
    number = int(number)
    if not MIN_RATING <= number <= MAX_RATING:
        raise DivideError(
            f"{where}rating for '{criterion}' is {number}; ratings go from "
            f"{MIN_RATING} to {MAX_RATING}"
        )
    return number


def validate_ratings(
    ratings: Mapping, *, position: int | None = None, name: str | None = None
) -> dict[str, int]:
    """Check a set of six ratings; return them as integers in criterion order.

    Parameters
    ----------
    ratings : mapping
        Criterion id → rating (int, or text holding a whole number).
    position, name : optional
        Where the ratings come from, for error messages.

    Raises
    ------
    DivideError
        Unknown criterion (with close matches), missing criterion, or a rating
        that is not a whole number from 0 to 5.
    """
    where = _where(position, name)
    if not isinstance(ratings, Mapping):
        raise DivideError(f"{where}ratings must be a mapping of criterion → 0..5")
    for key in ratings:
        if key not in CRITERIA:
            raise DivideError(
                f"{where}unknown criterion '{key}'.{suggest(str(key), CRITERIA)} "
                f"Criteria: {', '.join(CRITERIA)}"
            )
    missing = [c for c in CRITERIA if c not in ratings]
    if missing:
        raise DivideError(f"{where}missing rating(s) for {', '.join(missing)}")
    return {c: _rating(ratings[c], c, where) for c in CRITERIA}


def _clean_name(name, position: int | None) -> str:
    where = _where(position, None)
    if name is None or (isinstance(name, float) and math.isnan(name)):
        raise DivideError(f"{where}the actor has no name")
    if not isinstance(name, str):
        raise DivideError(f"{where}the name must be text, got {name!r}")
    text = " ".join(name.split())
    if not text:
        raise DivideError(f"{where}the actor has no name")
    if len(text) > MAX_NAME:
        raise DivideError(f"{where}the name is longer than {MAX_NAME} characters")
    return text


def _actors(items: Iterable) -> list[Actor]:
    out: list[Actor] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(items, start=1):
        if isinstance(item, Actor):
            name, ratings = item.name, item.ratings
        elif isinstance(item, Mapping):
            if "name" not in item:
                raise DivideError(f"actor {position}: the actor has no name")
            name, ratings = item["name"], item.get("ratings")
            if ratings is None:
                ratings = {k: v for k, v in item.items() if k != "name"}
        else:
            raise DivideError(
                f"actor {position}: expected {{'name': ..., 'ratings': {{...}}}}"
            )
        name = _clean_name(name, position)
        key = name.casefold()
        if key in seen:
            raise DivideError(
                f"actor {position} '{name}': same name as actor {seen[key]}; "
                "give each actor a distinct name"
            )
        seen[key] = position
        out.append(Actor(name, validate_ratings(ratings, position=position, name=name)))
    if not out:
        raise DivideError("no actor to rate")
    return out


# ------------------------------------------------------------------ reading


def reading(ratings: Mapping[str, int]) -> dict:
    """The risk / tension / opportunity reading of one actor's ratings.

    Parameters
    ----------
    ratings : mapping of str to int
        The six criteria (see :data:`CRITERIA`) rated 0 to 5.

    Returns
    -------
    dict
        ``category`` ("risk", "tension" or "opportunity"), ``label``,
        ``meaning``, ``actions`` (FR/EN texts), ``intensity`` (0–100),
        ``control_pressure`` (0–5), ``drivers`` (criteria rated 4 or 5, highest
        first), ``formats`` and ``roles`` (ids, with their texts under
        ``formats_text`` and ``roles_text``), ``rule`` (the rule in words) and
        ``source``.

    Raises
    ------
    DivideError
        Invalid ratings (see :func:`validate_ratings`).
    """
    checked = validate_ratings(ratings)
    total = sum(checked.values())
    intensity = 100.0 * total / (MAX_RATING * len(CRITERIA))
    pressure = max(checked[c] for c in CONTROL_CRITERIA)
    if intensity >= RISK_INTENSITY and pressure >= RISK_PRESSURE:
        category = "risk"
    elif pressure <= OPPORTUNITY_PRESSURE and intensity < OPPORTUNITY_INTENSITY:
        category = "opportunity"
    else:
        category = "tension"
    spec = READINGS[category]
    drivers = sorted(
        (c for c, v in checked.items() if v >= 4),
        key=lambda c: (-checked[c], list(CRITERIA).index(c)),
    )
    return {
        "category": category,
        "label": dict(spec["label"]),
        "meaning": dict(spec["meaning"]),
        "actions": [dict(a) for a in spec["actions"]],
        "intensity": round(intensity, 1),
        "control_pressure": pressure,
        "drivers": drivers,
        "ratings": checked,
        "formats": list(spec["formats"]),
        "formats_text": {f: DEBATE_FORMATS[f] for f in spec["formats"]},
        "roles": list(spec["roles"]),
        "roles_text": {r: ROLES[r] for r in spec["roles"]},
        "rule": dict(RULE_TEXT),
        "source": dict(SOURCE),
    }


# ------------------------------------------------------------------ files


def to_json(actors: Iterable[Actor | Mapping]) -> str:
    """Several actors' ratings as JSON text (validated first).

    The document is ``{"grid": "audacities", "version": 1, "criteria": [...],
    "actors": [{"name": ..., "ratings": {...}}, ...]}``.
    """
    checked = _actors(actors)
    doc = {
        "grid": "audacities",
        "version": 1,
        "source": SOURCE["en"],
        "criteria": list(CRITERIA),
        "actors": [{"name": a.name, "ratings": a.ratings} for a in checked],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def _utf8(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DivideError(
            "the ratings file is not UTF-8 text: save it as UTF-8 (JSON or CSV)"
        ) from None


def from_json(text: str | bytes) -> list[Actor]:
    """Read actors from :func:`to_json`'s format (or a bare list of actors).

    Raises
    ------
    DivideError
        Not JSON, wrong shape, or invalid actors (the message names the actor).
    """
    if isinstance(text, bytes):
        text = _utf8(text)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DivideError(f"not valid JSON: {exc}") from None
    if isinstance(doc, dict):
        if doc.get("grid", "audacities") != "audacities":
            raise DivideError(
                f"this file is a '{doc.get('grid')}' grid, not Audacities"
            )
        items = doc.get("actors")
        if not isinstance(items, list):
            raise DivideError("expected an 'actors' list in the JSON document")
    elif isinstance(doc, list):
        items = doc
    else:
        raise DivideError("expected a JSON object with 'actors', or a list of actors")
    return _actors(items)


def to_csv(actors: Iterable[Actor | Mapping]) -> str:
    """Several actors' ratings as CSV text: ``name`` then one column per criterion.

    Names a spreadsheet would run as formulas get an apostrophe in front;
    :func:`from_csv` takes it off again.
    """
    checked = _actors(actors)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", *CRITERIA])
    for actor in checked:
        writer.writerow(
            [neutralise_text(actor.name), *(actor.ratings[c] for c in CRITERIA)]
        )
    return buffer.getvalue()


def from_csv(text: str | bytes) -> list[Actor]:
    """Read actors from CSV text with a ``name`` column and the six criteria.

    Commas or semicolons as separators are both accepted; the header names the
    columns (any order). Errors name the line.

    Raises
    ------
    DivideError
        Missing ``name`` or criterion column, unknown column, empty name,
        rating outside 0..5.
    """
    if isinstance(text, bytes):
        text = _utf8(text)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise DivideError("the CSV file is empty")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    if "name" not in header:
        raise DivideError(
            f"line 1: no 'name' column; the header is name,{','.join(CRITERIA)}"
        )
    unknown_cols = [h for h in header if h != "name" and h not in CRITERIA]
    if unknown_cols:
        col = unknown_cols[0]
        raise DivideError(
            f"line 1: unknown column '{col}'.{suggest(col, CRITERIA)} "
            f"Columns: name, {', '.join(CRITERIA)}"
        )
    missing = [c for c in CRITERIA if c not in header]
    if missing:
        raise DivideError(f"line 1: missing column(s) {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise DivideError("line 1: a column appears twice")
    actors: list[Actor] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DivideError(f"line {line}: {len(row)} cells, expected {len(header)}")
        record = dict(zip(header, row, strict=True))
        try:
            name = _clean_name(restore_text(record["name"].strip()), None)
        except DivideError as exc:
            raise DivideError(f"line {line}: {exc}") from None
        key = name.casefold()
        if key in seen:
            raise DivideError(
                f"line {line} '{name}': same name as line {seen[key]}; give each "
                "actor a distinct name"
            )
        seen[key] = line
        ratings = validate_ratings(
            {c: record[c] for c in CRITERIA}, name=f"line {line} '{name}'"
        )
        actors.append(Actor(name, ratings))
    if not actors:
        raise DivideError("the CSV file has a header but no actor")
    return actors
