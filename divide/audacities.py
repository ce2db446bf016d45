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
from divide.spreadsheet import neutralise_text, restore_text

SOURCE = {
    "fr": "Fing et Iddri, « Audacities — Gouverner et innover dans la ville "
    "numérique réelle », 2018, CC BY 3.0 FR",
    "en": "Fing and Iddri, \u201cAudacities — Gouverner et innover dans la ville "
    "numérique réelle\u201d, 2018, CC BY 3.0 FR",
}
LICENCE_URL = "http://creativecommons.org/licenses/by/3.0/fr/"
MIN_RATING, MAX_RATING = 0, 5
MAX_NAME = 200
RISK_INTENSITY = 50.0
OPPORTUNITY_INTENSITY = 60.0
RISK_PRESSURE = 4
OPPORTUNITY_PRESSURE = 2

#: The six criteria, in Audacities' order: id → labels and explanations.
CRITERIA: dict[str, dict[str, dict[str, str]]] = {
    "data_capture": {
        "label": {
            "fr": "Captation de données personnelles",
            "en": "Personal-data capture",
        },
        "help": {
            "fr": "L'acteur collecte-t-il, sur les habitants et leurs déplacements, "
            "des données que la collectivité n'a pas et ne peut pas obtenir ?",
            "en": "Does the actor collect data on residents and their movements "
            "that the authority does not have and cannot obtain?",
        },
    },
    "audience": {
        "label": {"fr": "Audience du service", "en": "Audience"},
        "help": {
            "fr": "Combien d'habitants, d'usagers ou de visiteurs utilisent le "
            "service, et à quel point y sont-ils attachés ?",
            "en": "How many residents, users or visitors use the service, and how "
            "attached are they to it?",
        },
    },
    "financial_power": {
        "label": {
            "fr": "Pouvoir financier et économique",
            "en": "Financial and economic power",
        },
        "help": {
            "fr": "Son modèle économique est-il viable, ses moyens permettent-ils "
            "de tenir face à la régulation ou à la concurrence ?",
            "en": "Is its business model viable, and do its means let it hold out "
            "against regulation or competition?",
        },
    },
    "legitimacy_challenge": {
        "label": {
            "fr": "Contestation de la légitimité de l'acteur public",
            "en": "Challenge to public legitimacy",
        },
        "help": {
            "fr": "Se pose-t-il en alternative à l'action publique, ou contourne-t-il "
            "les règles locales (espace public, urbanisme, fiscalité) ?",
            "en": "Does it present itself as an alternative to public action, or "
            "bypass local rules (public space, planning, tax)?",
        },
    },
    "competing_representations": {
        "label": {
            "fr": "Représentations concurrentes",
            "en": "Competing representations",
        },
        "help": {
            "fr": "Propose-t-il sa propre image de la ville (cartes, classements, "
            "itinéraires) qui concurrence celle des pouvoirs publics ?",
            "en": "Does it offer its own picture of the city (maps, rankings, "
            "routes) that competes with the public one?",
        },
    },
    "independence": {
        "label": {
            "fr": "Indépendance vis-à-vis de l'acteur public urbain",
            "en": "Independence from public resources",
        },
        "help": {
            "fr": "Peut-il fonctionner sans les ressources que contrôle la "
            "collectivité (voirie, données, autorisations, subventions) ?",
            "en": "Can it run without the resources the authority controls "
            "(streets, data, permits, subsidies)?",
        },
    },
}
CONTROL_CRITERIA = ("data_capture", "legitimacy_challenge", "competing_representations")

#: The four ways to put innovation up for public debate (Audacities), our wording.
DEBATE_FORMATS: dict[str, dict[str, dict[str, str]]] = {
    "innovation_policy": {
        "label": {"fr": "Une politique de l'innovation", "en": "An innovation policy"},
        "help": {
            "fr": "Les élus disent quelles innovations ils soutiennent, pourquoi et "
            "sous quelle forme, et les rattachent aux objectifs du mandat.",
            "en": "Elected officials say which innovations they back, why and in "
            "what form, and tie them to the goals of their term.",
        },
    },
    "grand_objective": {
        "label": {"fr": "Un grand objectif", "en": "A grand objective"},
        "help": {
            "fr": "Un horizon ambitieux et chiffré (« zéro déchet en 2040 ») qui "
            "fédère l'écosystème et oriente hackathons, incubateurs et tiers-lieux ; "
            "un signal clair pour les grands acteurs.",
            "en": "An ambitious, measurable horizon (\u201czero waste by 2040\u201d) "
            "that rallies the ecosystem and steers hackathons, incubators and "
            "third places; a clear signal to large players.",
        },
    },
    "participatory_innovation": {
        "label": {
            "fr": "L'innovation participative",
            "en": "Participatory innovation",
        },
        "help": {
            "fr": "Comme un budget participatif : les habitants votent pour les "
            "projets d'innovateurs locaux qui recevront des moyens publics.",
            "en": "Like a participatory budget: residents vote for the local "
            "innovators' projects that will receive public means.",
        },
    },
    "innovation_agora": {
        "label": {"fr": "Une agora de l'innovation", "en": "An innovation agora"},
        "help": {
            "fr": "Des débats locaux pour passer de choix individuels de "
            "consommateurs à un choix collectif, en citoyens et en travailleurs.",
            "en": "Local debates that turn individual consumer choices into a "
            "collective choice, made as citizens and as workers too.",
        },
    },
}

#: The roles of the individual in the digital city (Audacities), our wording.
ROLES: dict[str, dict[str, dict[str, str]]] = {
    "citizen": {
        "label": {"fr": "Citoyen numérique", "en": "Digital citizen"},
        "help": {
            "fr": "Celui qui délibère sur la ville ; le rôle le moins servi par les "
            "plateformes, à renforcer par l'autonomie numérique et collective.",
            "en": "The one who deliberates about the city; the role platforms serve "
            "least, to be strengthened through digital and collective "
            "empowerment.",
        },
    },
    "contributor_consumer": {
        "label": {
            "fr": "Contributeur et consommateur",
            "en": "Contributor and consumer",
        },
        "help": {
            "fr": "De l'usager de services à la demande au bénévole de l'économie "
            "collaborative ; trop sollicité, il risque l'épuisement.",
            "en": "From the user of on-demand services to the volunteer of the "
            "sharing economy; asked too much, they risk burn-out.",
        },
    },
    "digital_worker": {
        "label": {"fr": "Travailleur numérique", "en": "Digital worker"},
        "help": {
            "fr": "Livreur, chauffeur, ou simple producteur de traces dont la valeur "
            "est captée par les plateformes, souvent sans rémunération juste.",
            "en": "Courier, driver, or simply a producer of data traces whose value "
            "platforms capture, often without fair pay.",
        },
    },
}

#: The three readings: what they mean and what a local authority can do.
READINGS: dict[str, dict] = {
    "risk": {
        "label": {"fr": "Risque", "en": "Risk"},
        "meaning": {
            "fr": "L'acteur prend la main sur ce dont la collectivité a besoin pour "
            "gouverner : données, règles de l'espace public, image de la ville, "
            "égalité d'accès au service.",
            "en": "The actor takes hold of what the authority needs to govern: "
            "data, rules of public space, the picture of the city, equal access "
            "to the service.",
        },
        "actions": [
            {
                "fr": "Fixer des règles : conditions d'usage de l'espace public, "
                "clauses de partage de données d'intérêt général, respect du RGPD.",
                "en": "Set rules: conditions for using public space, clauses on "
                "sharing data of general interest, GDPR compliance.",
            },
            {
                "fr": "Garder une représentation publique de la ville (données et "
                "cartes ouvertes) plutôt que dépendre de celle de l'acteur.",
                "en": "Keep a public picture of the city (open data and maps) "
                "rather than rely on the actor's.",
            },
            {
                "fr": "Ouvrir une agora de l'innovation : débattre de l'acteur en "
                "citoyens et en travailleurs, pas seulement en consommateurs.",
                "en": "Open an innovation agora: debate the actor as citizens and "
                "workers, not only as consumers.",
            },
        ],
        "formats": ["innovation_agora", "innovation_policy"],
        "roles": ["citizen", "digital_worker"],
    },
    "tension": {
        "label": {"fr": "Tension", "en": "Tension"},
        "meaning": {
            "fr": "L'acteur bouscule les acteurs en place sans confisquer les "
            "leviers publics ; la secousse peut faire naître des partenariats.",
            "en": "The actor shakes incumbents up without seizing public levers; "
            "the jolt can give rise to partnerships.",
        },
        "actions": [
            {
                "fr": "Négocier un partenariat : échange de données, "
                "expérimentation encadrée, engagements réciproques.",
                "en": "Negotiate a partnership: data exchange, supervised trial, "
                "mutual commitments.",
            },
            {
                "fr": "Énoncer un grand objectif qui oriente l'acteur vers les "
                "priorités du territoire.",
                "en": "State a grand objective that steers the actor towards the "
                "territory's priorities.",
            },
            {
                "fr": "Associer les habitants en contributeurs, sans leur demander "
                "plus de bénévolat qu'ils ne peuvent en donner.",
                "en": "Involve residents as contributors, without asking more "
                "volunteering than they can give.",
            },
        ],
        "formats": ["grand_objective", "innovation_policy"],
        "roles": ["contributor_consumer", "citizen"],
    },
    "opportunity": {
        "label": {"fr": "Opportunité", "en": "Opportunity"},
        "meaning": {
            "fr": "De nouvelles données, de nouveaux outils ou de nouvelles "
            "approches qui peuvent renforcer l'action publique.",
            "en": "New data, tools or approaches that can reinforce public action.",
        },
        "actions": [
            {
                "fr": "Soutenir et intégrer : expérimentation, commande publique, "
                "accueil en tiers-lieu, lien avec les services existants.",
                "en": "Support and integrate: trials, public procurement, a place "
                "in a third place, links with existing services.",
            },
            {
                "fr": "Soumettre le soutien à l'innovation participative : les "
                "habitants choisissent les projets financés.",
                "en": "Put support to participatory innovation: residents choose "
                "the projects that get funded.",
            },
            {
                "fr": "Veiller à la pérennité du modèle économique et à la "
                "lisibilité du service pour les habitants.",
                "en": "Watch that the business model lasts and the service stays "
                "clear to residents.",
            },
        ],
        "formats": ["participatory_innovation", "grand_objective"],
        "roles": ["contributor_consumer", "citizen"],
    },
}
RULE_TEXT = {
    "fr": (
        "Intensité = somme des six notes / 30. Pression sur le contrôle = note "
        "la plus haute parmi captation de données, contestation de la légitimité "
        "et représentations concurrentes. Risque si intensité ≥ 50 % et pression "
        "≥ 4 ; opportunité si pression ≤ 2 et intensité < 60 % ; tension sinon."
    ),
    "en": (
        "Intensity = sum of the six ratings / 30. Control pressure = highest rating "
        "among data capture, challenge to legitimacy and competing "
        "representations. Risk if intensity ≥ 50 % and pressure ≥ 4; opportunity "
        "if pressure ≤ 2 and intensity < 60 %; tension otherwise."
    ),
}


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
