"""Territory codes in an upload: normalised, matched, their column found."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from divide.build.geography import resolve_code
from divide.build.harmonise import map_codes
from divide.errors import DivideError, SourceError, suggest, translated, unknown
from divide.territory import LEVELS, PLM_ARRONDISSEMENTS, normalise_codes
from divide.uploads.common import (
    LEVEL_WORDS,
    fold_header,
    quoted,
    safe_text,
)

# ------------------------------------------------------------- territory codes


@dataclass(frozen=True)
class CodeReference:
    """Today's commune codes and the map from retired codes onto them.

    Duck-compatible with :class:`divide.build.geography.Reference` for
    :func:`divide.build.harmonise.map_codes` and
    :func:`divide.build.harmonise.harmonise`.

    Attributes
    ----------
    codes : frozenset of str
        Current commune codes of the atlas.
    code_map : dict
        Retired code (commune déléguée, associée, merged commune, PLM
        arrondissement) → current commune code.
    kind_of_old_code : dict
        Retired code → ``"merged"`` or ``"arrondissement"``.
    origin : str
        Where the map came from.
    """

    codes: frozenset[str]
    code_map: dict[str, str]
    kind_of_old_code: dict[str, str]
    origin: str


_REFERENCES: dict[str, CodeReference] = {}


def code_reference(atlas) -> CodeReference:
    """The code map for an atlas (read once per atlas folder).

    Read from ``code_map.csv``, which ``divide build`` writes into the atlas
    folder (columns ``old``, ``current``, ``kind``). The Paris/Lyon/Marseille
    arrondissements follow a fixed rule and are always known, even in an atlas
    without that file. Nothing is read from the raw data or the build's
    reference package at run time.

    Parameters
    ----------
    atlas : divide.atlas.Atlas
        The loaded atlas.

    Returns
    -------
    CodeReference
    """
    key = str(Path(atlas.path).resolve())
    if key in _REFERENCES:
        return _REFERENCES[key]
    codes = frozenset(atlas.level("commune").index.astype(str))
    mapping: dict[str, str] = {}
    kinds: dict[str, str] = {}
    origin = "built-in rule (Paris, Lyon, Marseille arrondissements only)"
    stored = Path(atlas.path) / "code_map.csv"
    if stored.exists():
        table = pd.read_csv(stored, dtype=str)
        mapping = dict(zip(table["old"], table["current"], strict=True))
        kinds = dict(zip(table["old"], table["kind"], strict=True))
        origin = "atlas code_map.csv"
    for parent, numbers in PLM_ARRONDISSEMENTS.items():
        for number in numbers:
            mapping.setdefault(str(number), parent)
            kinds.setdefault(str(number), "arrondissement")
    mapping = {old: resolve_code(old, mapping, codes) for old in mapping}
    mapping = {k: v for k, v in mapping.items() if v is not None and k not in codes}
    kinds = {k: kinds.get(k, "merged") for k in mapping}
    ref = CodeReference(codes, mapping, kinds, origin)
    _REFERENCES[key] = ref
    return ref


class _Matcher:
    """Codes of one level of the atlas, mapping and close matches."""

    def __init__(self, atlas, level: str) -> None:
        self.atlas = atlas
        self.level = level
        table = atlas.level(level)
        self.codes = frozenset(table.index.astype(str))
        self.names = table["name"].astype("string")
        # Cheap to know, and enough to recognise a code column: the PLM
        # arrondissements. The full map of retired codes is loaded when needed.
        self.plm = (
            frozenset(
                str(n) for numbers in PLM_ARRONDISSEMENTS.values() for n in numbers
            )
            if level == "commune"
            else frozenset()
        )
        self._by_prefix: dict[str, list[str]] | None = None
        self._by_name: dict[str, list[str]] | None = None

    def known(self, codes: pd.Series) -> pd.Series:
        """Boolean: the code is current (or a PLM arrondissement)."""
        values = codes.astype(object).where(codes.notna(), None)
        ok = values.isin(self.codes) | values.isin(self.plm)
        return ok.astype(bool)

    def current(self, codes: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Current code (NA if unknown) and how it was found.

        ``how`` is ``"direct"``, ``"merged"``, ``"arrondissement"`` or
        ``"unmatched"``, as :func:`divide.build.harmonise.map_codes` says.
        """
        codes = codes.astype("string")
        values = codes.astype(object).where(codes.notna(), None)
        direct = values.isin(self.codes).astype(bool)
        current = codes.where(direct)
        how = pd.Series("unmatched", index=codes.index, dtype="string")
        how[direct] = "direct"
        rest = ~direct & codes.notna()
        if self.level == "commune" and rest.any():
            ref = code_reference(self.atlas)
            # Only the codes that are not current go through the map: the
            # reference passed holds no current code, so none is "direct".
            mapping = CodeReference(
                frozenset(), ref.code_map, ref.kind_of_old_code, ref.origin
            )
            mapped, mapped_how = map_codes(codes[rest], mapping)
            current[rest] = mapped
            how[rest] = mapped_how
        return current.astype("string"), how

    def close(self, code: str, name: str | None = None) -> tuple[tuple[str, dict], ...]:
        """`` Did you mean ...?`` from the code, and from the name when given.

        As parts of a :class:`Problem` message (catalogue key and values).
        """
        if self._by_prefix is None:
            self._by_prefix = {}
            for known in sorted(self.codes):
                self._by_prefix.setdefault(known[:2], []).append(known)
        pool = self._by_prefix.get(code[:2], [])
        hints = difflib.get_close_matches(code, pool, n=3, cutoff=0.6)
        corsica = []
        if self.level == "departement" and code == "20":
            corsica = ["2A", "2B"]
        elif self.level == "commune" and re.fullmatch(r"20\d{3}", code):
            corsica = [c for c in ("2A" + code[2:], "2B" + code[2:]) if c in self.codes]
        hints = corsica + [h for h in hints if h not in corsica][: 3 - len(corsica)]
        by_name = self._name_matches(name) if name else []
        hints = [f"{c} ({safe_text(self.names.get(c, ''), 40)})" for c in hints]
        parts = [("prob_did_you_mean", {"codes": ", ".join(hints)})] if hints else []
        if by_name:
            named = {"level": LEVEL_WORDS[self.level], "name": quoted(name, 40)}
            parts.append(("prob_named", {**named, "codes": ", ".join(by_name[:3])}))
        return tuple(parts)

    def _name_matches(self, name: str) -> list[str]:
        if self._by_name is None:
            index: dict[str, list[str]] = {}
            for code, label in self.names.items():
                index.setdefault(fold_header(label), []).append(str(code))
            self._by_name = index
        return self._by_name.get(fold_header(name), [])


_MATCHERS: dict[tuple[str, str], _Matcher] = {}


def code_matcher(atlas, level: str) -> _Matcher:
    """The code matcher for one level of an atlas (built once per atlas folder)."""
    key = (str(Path(atlas.path).resolve()), level)
    if key not in _MATCHERS:
        _MATCHERS[key] = _Matcher(atlas, level)
    return _MATCHERS[key]


def name_column(frame: pd.DataFrame, exclude: Iterable[str] = ()) -> str | None:
    """The column that holds territory names, if one is recognised."""
    wanted = ("nom", "name", "libelle", "lib_com", "libgeo", "nom_commune", "commune")
    wanted += ("nom_com", "lib", "territoire")
    folded = {fold_header(c): c for c in frame.columns if c not in set(exclude)}
    return next((folded[w] for w in wanted if w in folded), None)


_CODE_HINT = re.compile(
    r"^(code|cod|codgeo|code_geo|depcom|insee|code_insee|insee_com|com|"
    r"code_commune|code_commune_insee|dep|code_dep|code_departement|departement|"
    r"reg|code_reg|code_region|region|epci|code_epci|siren|siren_epci|cog)$"
)
NOT_VALUE = re.compile(
    r"^(code|cod|codgeo|depcom|insee|com|dep|departement|reg|region|epci|siren|"
    r"siret|cp|code_postal|postcode|id|uid|annee|year|millesime|nom|name|lib|"
    r"libelle|label|commune|territoire|lat|latitude|lon|lng|longitude|x|y)(_.*)?$"
)
_POSTCODE_HINT = re.compile(r"(^cp$|postal|postcode|zip)")
# Numbers that are not territory codes even when they look like some (2019 is a
# commune code once zero-padded).
_NOT_CODE_HINT = re.compile(
    r"^(annee|year|millesime|date|lat|latitude|lon|lng|longitude|x|y)(_.*)?$"
)


def _column_scores(frame: pd.DataFrame, matcher: _Matcher) -> dict[str, float]:
    scores = {}
    for column in frame.columns:
        values = frame[column].dropna().head(2000)
        if values.empty:
            continue
        codes = normalise_codes(values, matcher.level)
        share = float(matcher.known(codes).mean())
        folded = fold_header(column)
        if _CODE_HINT.match(folded):
            share += 0.05
        if _POSTCODE_HINT.search(folded):
            share -= 0.5
        if _NOT_CODE_HINT.match(folded):
            share -= 1.0
        scores[column] = share
    return scores


def pick_code_column(
    frame: pd.DataFrame, atlas, level: str | None, code_column: str | None, file: str
) -> tuple[str, str, list[str]]:
    """The code column and level of an upload, with notes on how they were found.

    A named column is checked; otherwise each column is scored by the share of
    its values that are codes of a level, and the best one is taken.
    """
    notes = []
    levels = [level] if level else list(LEVELS)
    for lvl in levels:
        if lvl not in LEVELS:
            raise unknown("level", lvl, LEVELS)
    if code_column is not None:
        if code_column not in frame.columns:
            listed = ", ".join(quoted(c, 40) for c in list(frame.columns)[:20])
            raise DivideError(
                f"{file}: no column {quoted(code_column)}."
                f"{suggest(code_column, frame.columns)} Columns: {listed}"
            )
    candidates = [code_column] if code_column else list(frame.columns)
    best: tuple[float, int, str, str] | None = None
    for rank, lvl in enumerate(levels):
        scores = _column_scores(frame[candidates], code_matcher(atlas, lvl))
        folded_level = {"departement": "dep", "region": "reg"}.get(lvl, lvl)
        for column, score in scores.items():
            if folded_level in fold_header(column) or (
                lvl == "commune" and "insee" in fold_header(column)
            ):
                score += 0.02
            key = (score, -rank, column, lvl)
            if best is None or key[:2] > best[:2]:
                best = key
    if code_column:
        lvl = best[3] if best else levels[0]
        if best is None or best[0] < 0.5:
            notes.append(
                (
                    "note_few_codes",
                    {"column": quoted(code_column), "level": LEVEL_WORDS[lvl]},
                )
            )
        return code_column, lvl, notes
    if best is None or best[0] < 0.5:
        raise no_code_column(file, frame, level)
    return best[2], best[3], notes


def columns_seen(frame: pd.DataFrame) -> str:
    """The first column names, quoted, for a message."""
    names = [quoted(c, 40) for c in list(frame.columns)[:20]]
    return ", ".join(names) + (", …" if len(frame.columns) > 20 else "")


def no_code_column(file: str, frame: pd.DataFrame, level: str | None) -> SourceError:
    """The error for a file without a column of territory codes (FR/EN)."""
    if level:
        return translated(
            SourceError,
            "upload_no_code_column_level",
            file,
            level=LEVEL_WORDS[level],
            columns=columns_seen(frame),
        )
    return translated(
        SourceError, "upload_no_code_column", file, columns=columns_seen(frame)
    )


def looks_like_code_header(column: str, level: str) -> bool:
    """True when a column's name says it holds codes (``code_insee``, ``dep``...)."""
    folded = fold_header(column)
    word = {"departement": "dep", "region": "reg"}.get(level, level)
    return bool(_CODE_HINT.match(folded)) or word in folded or "insee" in folded
